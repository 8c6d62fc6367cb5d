package parse

import (
	"reflect"
	"strings"
	"time"
)

// This file holds the row structs gocsv maps CSV columns into, one per CSV
// export, and their conversion into Record.
//
// A field's csv tag lists the normalized header names (normalizeCSVHeader)
// it is read from, most preferred first; resolveCSVLayout picks the column
// and hands gocsv the first name. The known tag names the Record fields
// (Field names) that the column carries, so that Record.Known follows the
// header of each file.

// csvTime is a date cell. UnmarshalCSV keeps a parse error instead of
// returning it: gocsv would report it by column number and abandon the row,
// while the decoder names the column and the line.
type csvTime struct {
	raw string
	t   time.Time
	err error
}

// UnmarshalCSV reads the cell as UTC when it carries no zone; the decoder
// reads it again when the source has another zone.
func (c *csvTime) UnmarshalCSV(s string) error {
	c.raw = s
	c.t, c.err = ParseTime(s, nil)
	return nil
}

// csvBool is a Yes/No, True/False or TRUE/FALSE cell; empty is unknown.
type csvBool struct {
	v   *bool
	err error
}

// UnmarshalCSV keeps a parse error for the decoder to report.
func (c *csvBool) UnmarshalCSV(s string) error {
	c.v, c.err = ParseBool(s)
	return nil
}

// csvInt is a number cell (error code, autonomous system number); empty is
// 0.
type csvInt struct {
	n   int
	err error
}

// UnmarshalCSV keeps a parse error for the decoder to report.
func (c *csvInt) UnmarshalCSV(s string) error {
	c.n, _, c.err = ParseInt(s)
	return nil
}

// A csvRow is a row struct that converts itself into a Record. It returns a
// *cellError for a malformed cell.
type csvRow interface {
	toRecord(d *csvDecoder, m *csvMemo, rec *Record) error
}

// cellError is a malformed cell, named by its row struct field.
type cellError struct {
	field string
	err   error
}

func (e *cellError) Error() string { return e.field + ": " + e.err.Error() }
func (e *cellError) Unwrap() error { return e.err }

var (
	portalRowType       = reflect.TypeFor[portalRow]()
	logAnalyticsRowType = reflect.TypeFor[logAnalyticsRow]()
)

// portalRow is a row of an Entra portal CSV download: interactive,
// non-interactive, application (service principal) and managed identity
// files of 55 or 57 columns, the 17-column variant, and the "Legacy Portal
// Export" header (CreatedDateTime,UserPrincipalName,...).
type portalRow struct {
	Time                    csvTime `csv:"date (utc),date,createddatetime" known:"Time"`
	RequestID               string  `csv:"request id" known:"RequestID"`
	UserAgent               string  `csv:"user agent" known:"UserAgent"`
	CorrelationID           string  `csv:"correlation id" known:"CorrelationID"`
	UserID                  string  `csv:"user id" known:"User"`
	UserName                string  `csv:"user,userdisplayname,user display name" known:"User"`
	UPN                     string  `csv:"username,userprincipalname,user principal name" known:"User"`
	UserType                string  `csv:"user type" known:"User.Type"`
	CrossTenantAccessType   string  `csv:"cross tenant access type"`
	IncomingTokenType       string  `csv:"incoming token type" known:"IncomingTokenType"`
	IncomingTokenTypeRepeat string  `csv:"incoming token type (repeated),incoming token type" known:"IncomingTokenType"`
	AuthProtocol            string  `csv:"authentication protocol"`
	UniqueTokenID           string  `csv:"unique token identifier"`
	ClientCredentialType    string  `csv:"client credential type"`
	AppName                 string  `csv:"application,appdisplayname,application name" known:"App"`
	AppID                   string  `csv:"application id,appid,app id" known:"App"`
	ResourceName            string  `csv:"resource,resourcedisplayname,resource name" known:"Resource"`
	ResourceID              string  `csv:"resource id,resourceid" known:"Resource"`
	ResourceTenantID        string  `csv:"resource tenant id" known:"TenantIDs"`
	HomeTenantID            string  `csv:"home tenant id" known:"TenantIDs"`
	IP                      string  `csv:"ip address,ipaddress" known:"IP"`
	Location                string  `csv:"location" known:"Location"`
	City                    string  `csv:"city" known:"Location"`
	State                   string  `csv:"state" known:"Location"`
	Country                 string  `csv:"country,country or region" known:"Location"`
	Status                  string  `csv:"status"`
	ErrorCode               csvInt  `csv:"sign-in error code,error code" known:"Status.Code"`
	FailureReason           string  `csv:"failure reason" known:"Status.Reason"`
	ClientApp               string  `csv:"client app" known:"ClientApp"`
	DeviceID                string  `csv:"device id" known:"Device.ID"`
	DeviceName              string  `csv:"device,device name" known:"Device.Name"`
	Browser                 string  `csv:"browser" known:"Device.Browser"`
	OS                      string  `csv:"operating system,os" known:"Device.OS"`
	Compliant               csvBool `csv:"compliant" known:"Device.Compliant"`
	Managed                 csvBool `csv:"managed" known:"Device.Managed"`
	JoinType                string  `csv:"join type,trust type" known:"Device.TrustType"`
	// The portal fills "Multifactor authentication result" from
	// status.additionalDetails, so it is Status.Details as well.
	MFAResult             string `csv:"multifactor authentication result" known:"MFA,Status.Details"`
	MFAMethod             string `csv:"multifactor authentication auth method" known:"MFA"`
	MFADetail             string `csv:"multifactor authentication auth detail" known:"MFA"`
	AuthRequirement       string `csv:"authentication requirement" known:"AuthRequirement"`
	SignInIdentifier      string `csv:"sign-in identifier"`
	SessionID             string `csv:"session id" known:"SessionID"`
	IPSeenByResource      string `csv:"ip address (seen by resource)" known:"IPSeenByResource"`
	ASN                   csvInt `csv:"autonomous system number" known:"ASN"`
	TokenIssuerType       string `csv:"token issuer type"`
	CAStatus              string `csv:"conditional access,conditionalaccessstatus,conditional access status" known:"CAStatus"`
	ManagedIdentityType   string `csv:"managed identity type"`
	ServicePrincipalID    string `csv:"service principal id" known:"ServicePrincipal"`
	ServicePrincipalName  string `csv:"service principal name" known:"ServicePrincipal"`
	CredentialKeyID       string `csv:"credential key id" known:"ServicePrincipal"`
	RiskState             string `csv:"riskstate,risk state" known:"Risk"`
	RiskLevelDuringSignIn string `csv:"risklevelduringsignin,risk level during sign-in" known:"Risk"`
	RiskLevelAggregated   string `csv:"risklevelaggregated,risk level aggregated" known:"Risk"`
}

func (r *portalRow) toRecord(d *csvDecoder, m *csvMemo, rec *Record) error {
	t, err := d.cellTime(&r.Time)
	if err != nil {
		return &cellError{"Time", err}
	}
	if r.ErrorCode.err != nil {
		return &cellError{"ErrorCode", r.ErrorCode.err}
	}
	if r.ASN.err != nil {
		return &cellError{"ASN", r.ASN.err}
	}
	if r.Compliant.err != nil {
		return &cellError{"Compliant", r.Compliant.err}
	}
	if r.Managed.err != nil {
		return &cellError{"Managed", r.Managed.err}
	}
	rec.Time = t
	rec.RequestID = r.RequestID
	rec.CorrelationID = r.CorrelationID
	rec.SessionID = r.SessionID
	rec.UniqueTokenID = r.UniqueTokenID
	rec.User = User{ID: r.UserID, UPN: r.UPN, Name: r.UserName, Type: r.UserType, SignInIdentifier: r.SignInIdentifier}
	rec.ServicePrincipal = ServicePrincipal{ID: r.ServicePrincipalID, Name: r.ServicePrincipalName,
		CredentialKeyID: r.CredentialKeyID, ManagedIdentity: r.ManagedIdentityType}
	rec.App = App{ID: r.AppID, Name: r.AppName}
	rec.Resource = App{ID: r.ResourceID, Name: r.ResourceName}
	rec.ClientApp = r.ClientApp
	rec.UserAgent = r.UserAgent
	rec.IP = r.IP
	rec.IPSeenByResource = r.IPSeenByResource
	if r.Location != "" {
		rec.Location = m.location(r.Location)
	} else {
		rec.Location = Location{City: r.City, State: r.State, Country: r.Country}
	}
	rec.ASN = r.ASN.n
	rec.Status = Status{Code: r.ErrorCode.n, Reason: r.FailureReason, Details: r.MFAResult}
	rec.Status.Result = portalStatusResult(m.word(memoStatus, r.Status), rec.Status.Code, d.hasErrorCode)
	rec.CAStatus = m.word(memoCA, r.CAStatus)
	rec.Device = Device{ID: r.DeviceID, Name: r.DeviceName, OS: r.OS, Browser: r.Browser,
		Compliant: r.Compliant.v, Managed: r.Managed.v, TrustType: m.word(memoTrust, r.JoinType)}
	rec.AuthRequirement = m.word(memoAuthRequirement, r.AuthRequirement)
	rec.MFA = MFA{Result: r.MFAResult, Method: r.MFAMethod, Detail: r.MFADetail}
	rec.IncomingTokenType = m.word(memoTokenType, d.incomingTokenType(r.IncomingTokenType, r.IncomingTokenTypeRepeat))
	rec.TokenIssuerType = r.TokenIssuerType
	rec.ClientCredentialType = r.ClientCredentialType
	rec.AuthProtocol = r.AuthProtocol
	rec.CrossTenantAccessType = r.CrossTenantAccessType
	rec.HomeTenantID = r.HomeTenantID
	rec.ResourceTenantID = r.ResourceTenantID
	rec.RiskState = r.RiskState
	rec.RiskLevelDuringSignIn = r.RiskLevelDuringSignIn
	rec.RiskLevelAggregated = r.RiskLevelAggregated
	rec.Flow = d.portalFlow(r)
	return nil
}

// portalStatusResult derives Status.Result from the Status word, as
// NormalizeStatusResult reads it, and the error code: failure whenever the
// code is not 0, unless the word says interrupted; from the code alone when
// the word is empty.
func portalStatusResult(result string, code int, hasCode bool) string {
	switch {
	case result == "" && hasCode:
		return ResultForCode(code)
	case code != 0 && result == ResultSuccess:
		return ResultFailure
	}
	return result
}

// portalFlow tells the flow of a portal row. Managed identity and
// application files say it through their columns; interactive and
// non-interactive files share one header, so for them only the file name
// tells.
func (d *csvDecoder) portalFlow(r *portalRow) string {
	if k := normKey(r.ManagedIdentityType); k != "" && k != "none" {
		return FlowManagedIdentity
	}
	if (r.ServicePrincipalID != "" || r.ServicePrincipalName != "") && r.UserID == "" && r.UPN == "" {
		if d.info.FlowHint == FlowManagedIdentity {
			return FlowManagedIdentity
		}
		return FlowServicePrincipal
	}
	return d.hintedFlow()
}

// logAnalyticsRow is a row of a Log Analytics "Export to CSV" of a
// SigninLogs or AADNonInteractiveUserSignInLogs query (and of the service
// principal and managed identity tables, whose columns overlap).
type logAnalyticsRow struct {
	// CreatedDateTime is when the sign-in happened; TimeGenerated is the
	// ingestion time, read only when the query dropped CreatedDateTime.
	Time                  csvTime `csv:"createddatetime [utc],createddatetime,timegenerated [utc],timegenerated" known:"Time"`
	RequestID             string  `csv:"id" known:"RequestID"`
	OriginalRequestID     string  `csv:"originalrequestid"`
	CorrelationID         string  `csv:"correlationid" known:"CorrelationID"`
	SessionID             string  `csv:"sessionid" known:"SessionID"`
	UniqueTokenID         string  `csv:"uniquetokenidentifier"`
	UserID                string  `csv:"userid" known:"User"`
	UPN                   string  `csv:"userprincipalname" known:"User"`
	UserName              string  `csv:"userdisplayname" known:"User"`
	UserType              string  `csv:"usertype" known:"User.Type"`
	SignInIdentifier      string  `csv:"signinidentifier,alternatesigninname"`
	ServicePrincipalID    string  `csv:"serviceprincipalid" known:"ServicePrincipal"`
	ServicePrincipalName  string  `csv:"serviceprincipalname" known:"ServicePrincipal"`
	CredentialKeyID       string  `csv:"serviceprincipalcredentialkeyid" known:"ServicePrincipal"`
	AppID                 string  `csv:"appid" known:"App"`
	AppName               string  `csv:"appdisplayname" known:"App"`
	ResourceID            string  `csv:"resourceidentity" known:"Resource"`
	ResourceName          string  `csv:"resourcedisplayname" known:"Resource"`
	ClientApp             string  `csv:"clientappused" known:"ClientApp"`
	UserAgent             string  `csv:"useragent" known:"UserAgent"`
	IP                    string  `csv:"ipaddress" known:"IP"`
	IPSeenByResource      string  `csv:"ipaddressfromresourceprovider" known:"IPSeenByResource"`
	Country               string  `csv:"location" known:"Location"`
	ASN                   csvInt  `csv:"autonomoussystemnumber" known:"ASN"`
	ResultType            csvInt  `csv:"resulttype" known:"Status.Code"`
	ResultDescription     string  `csv:"resultdescription" known:"Status.Reason"`
	CAStatus              string  `csv:"conditionalaccessstatus" known:"CAStatus"`
	AuthRequirement       string  `csv:"authenticationrequirement" known:"AuthRequirement"`
	IncomingTokenType     string  `csv:"incomingtokentype" known:"IncomingTokenType"`
	TokenIssuerType       string  `csv:"tokenissuertype"`
	ClientCredentialType  string  `csv:"clientcredentialtype"`
	AuthProtocol          string  `csv:"authenticationprotocol"`
	CrossTenantAccessType string  `csv:"crosstenantaccesstype"`
	HomeTenantID          string  `csv:"hometenantid" known:"TenantIDs"`
	ResourceTenantID      string  `csv:"resourcetenantid" known:"TenantIDs"`
	// TenantId in Log Analytics is the workspace; AADTenantId is the
	// Entra tenant.
	TenantID              string  `csv:"aadtenantid" known:"TenantIDs"`
	RiskLevelDuringSignIn string  `csv:"risklevelduringsignin" known:"Risk"`
	RiskLevelAggregated   string  `csv:"risklevelaggregated" known:"Risk"`
	RiskState             string  `csv:"riskstate" known:"Risk"`
	Type                  string  `csv:"type"`
	Category              string  `csv:"category"`
	IsInteractive         csvBool `csv:"isinteractive"`

	// Cells holding Graph JSON. Their decoders in json_parts.go mark
	// the Record fields Known when a cell holds a value, so these tags
	// carry no known names.
	LocationDetails        string `csv:"locationdetails"`
	Status                 string `csv:"status"`
	Policies               string `csv:"conditionalaccesspolicies"`
	DeviceDetail           string `csv:"devicedetail"`
	MFADetail              string `csv:"mfadetail"`
	NetworkLocationDetails string `csv:"networklocationdetails"`
	AuthDetails            string `csv:"authenticationdetails"`
}

func (r *logAnalyticsRow) toRecord(d *csvDecoder, m *csvMemo, rec *Record) error {
	t, err := d.cellTime(&r.Time)
	if err != nil {
		return &cellError{"Time", err}
	}
	for _, c := range []struct {
		field string
		err   error
	}{{"ResultType", r.ResultType.err}, {"ASN", r.ASN.err}, {"IsInteractive", r.IsInteractive.err}} {
		if c.err != nil {
			return &cellError{c.field, c.err}
		}
	}
	rec.Time = t
	rec.RequestID = r.RequestID
	rec.OriginalRequestID = r.OriginalRequestID
	rec.CorrelationID = r.CorrelationID
	rec.SessionID = r.SessionID
	rec.UniqueTokenID = r.UniqueTokenID
	rec.User = User{ID: r.UserID, UPN: r.UPN, Name: r.UserName, Type: r.UserType, SignInIdentifier: r.SignInIdentifier}
	rec.ServicePrincipal = ServicePrincipal{ID: r.ServicePrincipalID, Name: r.ServicePrincipalName, CredentialKeyID: r.CredentialKeyID}
	rec.App = App{ID: r.AppID, Name: r.AppName}
	rec.Resource = App{ID: r.ResourceID, Name: r.ResourceName}
	rec.ClientApp = r.ClientApp
	rec.UserAgent = r.UserAgent
	rec.IP = r.IP
	rec.IPSeenByResource = r.IPSeenByResource
	rec.Location = Location{Country: r.Country}
	rec.ASN = r.ASN.n
	if err := r.decodeJSONCells(d, rec); err != nil {
		return err
	}
	// ResultType and ResultDescription are the Status cell's errorCode and
	// failureReason again, as top-level columns; they win when filled.
	if d.hasResultType {
		rec.Status.Code = r.ResultType.n
		rec.Status.Result = ResultForCode(r.ResultType.n)
	}
	if r.ResultDescription != "" {
		rec.Status.Reason = r.ResultDescription
	}
	rec.CAStatus = m.word(memoCA, r.CAStatus)
	rec.AuthRequirement = m.word(memoAuthRequirement, r.AuthRequirement)
	rec.IncomingTokenType = m.word(memoTokenType, r.IncomingTokenType)
	rec.TokenIssuerType = r.TokenIssuerType
	rec.ClientCredentialType = r.ClientCredentialType
	rec.AuthProtocol = r.AuthProtocol
	rec.CrossTenantAccessType = r.CrossTenantAccessType
	rec.HomeTenantID = r.HomeTenantID
	rec.ResourceTenantID = r.ResourceTenantID
	rec.TenantID = r.TenantID
	rec.RiskLevelDuringSignIn = r.RiskLevelDuringSignIn
	rec.RiskLevelAggregated = r.RiskLevelAggregated
	rec.RiskState = r.RiskState
	rec.Flow = d.logAnalyticsFlow(r)
	return nil
}

// logAnalyticsFlow tells the flow of a Log Analytics row from its table
// (Type), its category, or IsInteractive, in that order.
func (d *csvDecoder) logAnalyticsFlow(r *logAnalyticsRow) string {
	if f := FlowFromCategory(r.Type); f != "" {
		return f
	}
	if f := FlowFromCategory(r.Category); f != "" {
		return f
	}
	if r.ServicePrincipalID != "" && r.UserID == "" && r.UPN == "" {
		return FlowServicePrincipal
	}
	if r.IsInteractive.v != nil {
		if *r.IsInteractive.v {
			return FlowInteractive
		}
		return FlowNonInteractive
	}
	return d.hintedFlow()
}

// decodeJSONCells decodes the cells that hold Graph JSON (with the CSV's ""
// escaping already undone). An empty cell, and [] where an object belongs,
// is absent: the fields stay unknown.
func (r *logAnalyticsRow) decodeJSONCells(d *csvDecoder, rec *Record) error {
	for _, c := range []struct {
		field  string
		cell   string
		decode func([]byte, *Record) error
	}{
		{"LocationDetails", r.LocationDetails, decodeLocationDetails},
		{"Status", r.Status, decodeStatus},
		{"DeviceDetail", r.DeviceDetail, decodeDeviceDetail},
		{"MFADetail", r.MFADetail, decodeMFADetail},
	} {
		if cell := strings.TrimSpace(c.cell); cell != "" && cell != "[]" {
			if err := c.decode([]byte(cell), rec); err != nil {
				return &cellError{c.field, err}
			}
		}
	}
	if r.Country != "" && rec.Location.Country == "" {
		rec.Location.Country = r.Country
	}
	if r.Policies != "" {
		pols, conditions, err := decodePolicyList([]byte(r.Policies))
		if err != nil {
			return &cellError{"Policies", err}
		}
		if pols != nil {
			rec.Policies = pols
			rec.Known = rec.Known.Add(FieldPolicies)
			if conditions {
				rec.Known = rec.Known.Add(FieldPolicyConditions)
			}
		}
	}
	if r.NetworkLocationDetails != "" {
		nl, err := decodeNetworkLocations([]byte(r.NetworkLocationDetails))
		if err != nil {
			return &cellError{"NetworkLocationDetails", err}
		}
		if nl != nil {
			rec.NetworkLocations = nl
			rec.Known = rec.Known.Add(FieldNetworkLocations)
		}
	}
	if r.AuthDetails != "" {
		steps, err := decodeAuthSteps([]byte(r.AuthDetails), d.info.Location)
		if err != nil {
			return &cellError{"AuthDetails", err}
		}
		if steps != nil {
			rec.AuthSteps = steps
			rec.Known = rec.Known.Add(FieldAuthSteps)
		}
	}
	return nil
}

// Kinds of cells csvMemo normalizes.
const (
	memoStatus = iota
	memoCA
	memoTrust
	memoAuthRequirement
	memoTokenType
)

// csvMemoLimit bounds the entries of a csvMemo map, so that a file of
// unusual values does not make it grow without bound.
const csvMemoLimit = 512

type csvMemoKey struct {
	kind uint8
	raw  string
}

// csvMemo remembers the normalized form of cells that take few distinct
// values (statuses, join types, locations): the normalizers allocate, and
// would otherwise run on every row. Each pooled row reader has its own, so
// it needs no lock.
type csvMemo struct {
	words  map[csvMemoKey]string
	places map[string]Location
}

// word returns the normalized form of a cell of the given kind.
func (m *csvMemo) word(kind uint8, raw string) string {
	if raw == "" {
		return ""
	}
	k := csvMemoKey{kind, raw}
	if v, ok := m.words[k]; ok {
		return v
	}
	var v string
	switch kind {
	case memoStatus:
		v = NormalizeStatusResult(raw)
	case memoCA:
		v = NormalizeCAResult(raw)
	case memoTrust:
		v = NormalizeTrustType(raw)
	case memoAuthRequirement:
		v = NormalizeAuthRequirement(raw)
	case memoTokenType:
		v = NormalizeTokenType(raw)
	}
	if m.words == nil {
		m.words = make(map[csvMemoKey]string)
	}
	if len(m.words) < csvMemoLimit {
		// Clone: raw shares the memory of its whole row.
		m.words[csvMemoKey{kind, strings.Clone(raw)}] = v
	}
	return v
}

// location returns ParseLocation(raw).
func (m *csvMemo) location(raw string) Location {
	if l, ok := m.places[raw]; ok {
		return l
	}
	l := ParseLocation(raw)
	if m.places == nil {
		m.places = make(map[string]Location)
	}
	if len(m.places) < csvMemoLimit {
		m.places[strings.Clone(raw)] = l
	}
	return l
}
