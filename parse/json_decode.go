package parse

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	json "github.com/goccy/go-json"
)

// This file decodes one JSON sign-in object, whatever its shape: Microsoft
// Graph (camelCase, or Graph PowerShell's PascalCase with
// AdditionalProperties), a Log Analytics row (PascalCase columns whose
// objects may be held in strings) or an Azure Monitor diagnostic record (an
// envelope whose properties member is the Graph object).
//
// Record.Known follows the keys: a field is Known when its key is in the
// object with a value other than null. Graph writes null for what it does
// not know (appliedConditionalAccessPolicies without a policy permission),
// so null counts as absent; [] and "" are present and empty. The members
// of a present part object are Known with it (see json_parts.go).

// absentJSON marks a string member that the object did not have: every
// string of signInJSON starts as absentJSON, and the decoder leaves it so
// when the key is missing or null. No decoded value holds it unless a file
// spells it out with \u0000 escapes.
const absentJSON = "\x00absent\x00"

// present reports whether a string member was in the object.
func present(s string) bool { return s != absentJSON }

// text returns the value of a string member, "" when absent.
func text(s string) string {
	if s == absentJSON {
		return ""
	}
	return s
}

// signInJSON is a sign-in object as any of the JSON formats writes it. Keys
// match case-insensitively, so one field serves Graph's camelCase, Graph
// PowerShell's and Log Analytics' PascalCase. Nested parts stay raw: they
// may be JSON or strings holding JSON, and json_parts.go decodes them.
type signInJSON struct {
	ID                            string `json:"id"`
	CreatedDateTime               string `json:"createdDateTime"`
	TimeGenerated                 string `json:"TimeGenerated"`
	Time                          string `json:"time"`
	UserDisplayName               string `json:"userDisplayName"`
	UserPrincipalName             string `json:"userPrincipalName"`
	UserID                        string `json:"userId"`
	UserType                      string `json:"userType"`
	SignInIdentifier              string `json:"signInIdentifier"`
	Identity                      string `json:"identity"`
	AppID                         string `json:"appId"`
	AppDisplayName                string `json:"appDisplayName"`
	ResourceID                    string `json:"resourceId"`
	ResourceIdentity              string `json:"ResourceIdentity"`
	ResourceDisplayName           string `json:"resourceDisplayName"`
	ServicePrincipalID            string `json:"servicePrincipalId"`
	ServicePrincipalName          string `json:"servicePrincipalName"`
	ServicePrincipalCredKeyID     string `json:"servicePrincipalCredentialKeyId"`
	ManagedIdentityType           string `json:"managedIdentityType"`
	IPAddress                     string `json:"ipAddress"`
	IPAddressFromResourceProvider string `json:"ipAddressFromResourceProvider"`
	CallerIPAddress               string `json:"callerIpAddress"`
	ClientAppUsed                 string `json:"clientAppUsed"`
	UserAgent                     string `json:"userAgent"`
	CorrelationID                 string `json:"correlationId"`
	OriginalRequestID             string `json:"originalRequestId"`
	SessionID                     string `json:"sessionId"`
	UniqueTokenIdentifier         string `json:"uniqueTokenIdentifier"`
	ResultDescription             string `json:"resultDescription"`
	ConditionalAccessStatus       string `json:"conditionalAccessStatus"`
	AuthenticationRequirement     string `json:"authenticationRequirement"`
	IncomingTokenType             string `json:"incomingTokenType"`
	TokenIssuerType               string `json:"tokenIssuerType"`
	ClientCredentialType          string `json:"clientCredentialType"`
	AuthenticationProtocol        string `json:"authenticationProtocol"`
	CrossTenantAccessType         string `json:"crossTenantAccessType"`
	HomeTenantID                  string `json:"homeTenantId"`
	ResourceTenantID              string `json:"resourceTenantId"`
	TenantID                      string `json:"tenantId"`
	AADTenantID                   string `json:"AADTenantId"`
	RiskLevelDuringSignIn         string `json:"riskLevelDuringSignIn"`
	RiskLevelAggregated           string `json:"riskLevelAggregated"`
	RiskState                     string `json:"riskState"`
	Type                          string `json:"Type"`
	Category                      string `json:"category"`

	ResultType             flexInt  `json:"resultType"`
	AutonomousSystemNumber flexInt  `json:"autonomousSystemNumber"`
	IsInteractive          flexBool `json:"isInteractive"`

	Status                           json.RawMessage `json:"status"`
	Location                         json.RawMessage `json:"location"`
	LocationDetails                  json.RawMessage `json:"LocationDetails"`
	NetworkLocationDetails           json.RawMessage `json:"networkLocationDetails"`
	AppliedConditionalAccessPolicies json.RawMessage `json:"appliedConditionalAccessPolicies"`
	ConditionalAccessPolicies        json.RawMessage `json:"ConditionalAccessPolicies"`
	DeviceDetail                     json.RawMessage `json:"deviceDetail"`
	MfaDetail                        json.RawMessage `json:"mfaDetail"`
	AuthenticationDetails            json.RawMessage `json:"authenticationDetails"`
	SignInEventTypes                 json.RawMessage `json:"signInEventTypes"`
	ManagedServiceIdentity           json.RawMessage `json:"managedServiceIdentity"`
	Properties                       json.RawMessage `json:"properties"`
	AdditionalProperties             json.RawMessage `json:"additionalProperties"`
}

// reset readies o for the next object: every string absent, every raw part
// empty but keeping its memory.
func (o *signInJSON) reset() {
	raws := [...]json.RawMessage{o.Status, o.Location, o.LocationDetails, o.NetworkLocationDetails,
		o.AppliedConditionalAccessPolicies, o.ConditionalAccessPolicies, o.DeviceDetail, o.MfaDetail,
		o.AuthenticationDetails, o.SignInEventTypes, o.ManagedServiceIdentity, o.Properties, o.AdditionalProperties}
	const a = absentJSON
	*o = signInJSON{
		ID: a, CreatedDateTime: a, TimeGenerated: a, Time: a, UserDisplayName: a, UserPrincipalName: a,
		UserID: a, UserType: a, SignInIdentifier: a, Identity: a, AppID: a, AppDisplayName: a,
		ResourceID: a, ResourceIdentity: a, ResourceDisplayName: a, ServicePrincipalID: a,
		ServicePrincipalName: a, ServicePrincipalCredKeyID: a, ManagedIdentityType: a, IPAddress: a,
		IPAddressFromResourceProvider: a, CallerIPAddress: a, ClientAppUsed: a, UserAgent: a,
		CorrelationID: a, OriginalRequestID: a, SessionID: a, UniqueTokenIdentifier: a,
		ResultDescription: a, ConditionalAccessStatus: a, AuthenticationRequirement: a,
		IncomingTokenType: a, TokenIssuerType: a, ClientCredentialType: a, AuthenticationProtocol: a,
		CrossTenantAccessType: a, HomeTenantID: a, ResourceTenantID: a, TenantID: a, AADTenantID: a,
		RiskLevelDuringSignIn: a, RiskLevelAggregated: a, RiskState: a, Type: a, Category: a,
	}
	o.Status, o.Location, o.LocationDetails, o.NetworkLocationDetails = raws[0][:0], raws[1][:0], raws[2][:0], raws[3][:0]
	o.AppliedConditionalAccessPolicies, o.ConditionalAccessPolicies, o.DeviceDetail = raws[4][:0], raws[5][:0], raws[6][:0]
	o.MfaDetail, o.AuthenticationDetails, o.SignInEventTypes = raws[7][:0], raws[8][:0], raws[9][:0]
	o.ManagedServiceIdentity, o.Properties, o.AdditionalProperties = raws[10][:0], raws[11][:0], raws[12][:0]
}

// has reports whether a raw part was in the object with a value other than
// null.
func has(raw json.RawMessage) bool {
	return len(raw) > 0 && !isJSONNull(raw)
}

// isObject reports whether a raw part is a JSON object.
func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// decodeBuffers are the reusable structs of one Decode call.
type decodeBuffers struct {
	top, props signInJSON
}

// jsonDecoder is the Decoder of the JSON formats. It is safe for concurrent
// use: each call takes its buffers from a pool.
type jsonDecoder struct {
	name     string
	format   Format // Source.Format of every record; "" decides by content.
	flowHint string
	loc      *time.Location

	pool      sync.Pool
	hintFlows atomic.Int64 // Records whose flow only the file name told.
}

func newJSONDecoder(info SourceInfo) *jsonDecoder {
	return &jsonDecoder{name: info.Name, format: info.Format, flowHint: info.FlowHint, loc: info.Location}
}

// Notes implements Noter.
func (d *jsonDecoder) Notes() []string {
	if n := d.hintFlows.Load(); n > 0 {
		return []string{fmt.Sprintf("the flow of %d records (%s) comes from the file name only", n, d.flowHint)}
	}
	return nil
}

// Decode implements Decoder.
func (d *jsonDecoder) Decode(c Chunk) (*Record, error) {
	buf, _ := d.pool.Get().(*decodeBuffers)
	if buf == nil {
		buf = new(decodeBuffers)
	}
	defer d.pool.Put(buf)
	rec, err := d.decode(c, buf)
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// decode decodes one chunk with the given buffers.
func (d *jsonDecoder) decode(c Chunk, buf *decodeBuffers) (*Record, error) {
	data := bytes.TrimSpace(c.Data)
	if len(data) == 0 || data[0] != '{' {
		return nil, d.recordError(c, "", 0, badValue(data, "a JSON object"))
	}
	top := &buf.top
	top.reset()
	if err := json.Unmarshal(data, top); err != nil {
		return nil, d.jsonError(c, "", data, err)
	}
	if err := mergeAdditional(top); err != nil {
		return nil, d.recordError(c, "", 0, err)
	}
	src, env, prefix := top, (*signInJSON)(nil), ""
	format := FormatGraphJSON
	if isObject(top.Properties) {
		// A diagnostic record: the sign-in is the properties member;
		// the envelope fills what properties lacks.
		props := &buf.props
		props.reset()
		raw := bytes.TrimSpace(top.Properties)
		if err := json.Unmarshal(raw, props); err != nil {
			return nil, d.jsonError(c, "properties", raw, err)
		}
		if err := mergeAdditional(props); err != nil {
			return nil, d.recordError(c, "properties", 0, err)
		}
		src, env, prefix, format = props, top, "properties", FormatDiagnosticJSON
	} else if present(top.TimeGenerated) || present(top.AADTenantID) {
		format = FormatLogAnalyticsJSON
	}
	if d.format != "" {
		format = d.format
	}
	rec := &Record{Source: Source{File: d.name, Line: c.Line, Index: c.Index, Format: format}}
	if err := d.fill(rec, src, env, prefix); err != nil {
		return nil, d.recordError(c, "", 0, err)
	}
	if rec.Known.Remove(FieldFlow) == 0 {
		// A flow alone may come from the file name or a log category.
		return nil, d.recordError(c, "", 0, fmt.Errorf("%w: not a sign-in: the object has none of the sign-in keys (createdDateTime, id, userPrincipalName, appId, status, ...)", ErrBadValue))
	}
	return rec, nil
}

// mergeAdditional decodes the members of a Graph PowerShell
// AdditionalProperties object into o itself: the SDK puts there the members
// its model lacks (signInEventTypes in the v1.0 module, for one).
func mergeAdditional(o *signInJSON) error {
	raw := bytes.TrimSpace(o.AdditionalProperties)
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	// The second decoding writes AdditionalProperties again: work on a
	// copy of the bytes.
	more := append([]byte(nil), raw...)
	if err := json.Unmarshal(more, o); err != nil {
		return fieldErr("AdditionalProperties", describeJSONError(err))
	}
	return nil
}

// recordError returns the *RecordError for chunk c: a problem with the
// member at path (joined to prefix), on line offset lines into the chunk.
func (d *jsonDecoder) recordError(c Chunk, prefix string, lineOffset int, err error) error {
	field := ""
	var fe *jsonFieldError
	if errors.As(err, &fe) {
		field, err = fe.Path, fe.Err
	}
	pe := ParseError{File: d.name, Line: c.Line, Record: c.Index, Field: joinPath(prefix, field), Err: err}
	if c.Line > 0 {
		pe.Line += lineOffset
	}
	return &RecordError{pe}
}

// jsonError turns an error of the JSON decoder on data (a part of c's
// bytes, at prefix) into a *RecordError: a type error names its key path,
// a syntax error its line.
func (d *jsonDecoder) jsonError(c Chunk, prefix string, data []byte, err error) error {
	lineOffset, column := 0, 0
	var se *json.SyntaxError
	if errors.As(err, &se) && c.Line > 0 {
		if start := bytes.Index(c.Data, data); start >= 0 {
			// The offending byte is the last one the decoder read.
			off := start + int(min(max(se.Offset-1, 0), int64(len(data))))
			before := c.Data[:off]
			lineOffset = bytes.Count(before, []byte{'\n'})
			column = off - (bytes.LastIndexByte(before, '\n') + 1) + 1
			err = fmt.Errorf("%w: invalid JSON: %s", ErrBadValue, strings.TrimPrefix(se.Error(), "json: "))
			re := d.recordError(c, prefix, lineOffset, err).(*RecordError)
			re.Column = column
			return re
		}
	}
	return d.recordError(c, prefix, lineOffset, describeJSONError(err))
}

// fill sets rec from the decoded object src. env is the diagnostic
// envelope around src, or nil; prefix is src's key path for errors.
func (d *jsonDecoder) fill(rec *Record, src, env *signInJSON, prefix string) error {
	// or returns the first present member among the object and its
	// envelope.
	or := func(get func(*signInJSON) string) (string, bool) {
		if v := get(src); present(v) {
			return v, true
		}
		if env != nil {
			if v := get(env); present(v) {
				return v, true
			}
		}
		return "", false
	}
	known := func(f Field, ok bool) {
		if ok {
			rec.Known = rec.Known.Add(f)
		}
	}
	path := func(key string) string { return joinPath(prefix, key) }

	// Time: the sign-in's createdDateTime; the ingestion times of Log
	// Analytics and diagnostic records only when it is missing.
	for _, t := range []struct{ key, value string }{
		{"createdDateTime", src.CreatedDateTime},
		{"TimeGenerated", src.TimeGenerated},
		{"time", src.Time},
	} {
		if !present(t.value) || strings.TrimSpace(t.value) == "" {
			continue
		}
		tm, err := ParseTime(t.value, d.loc)
		if err != nil {
			return fieldErr(path(t.key), err)
		}
		rec.Time = tm
		known(FieldTime, true)
		break
	}
	if !rec.Known.Has(FieldTime) && env != nil && present(env.Time) && strings.TrimSpace(env.Time) != "" {
		tm, err := ParseTime(env.Time, d.loc)
		if err != nil {
			return fieldErr("time", err)
		}
		rec.Time = tm
		known(FieldTime, true)
	}

	var ok bool
	rec.RequestID, ok = or(func(o *signInJSON) string { return o.ID })
	known(FieldRequestID, ok)
	rec.CorrelationID, ok = or(func(o *signInJSON) string { return o.CorrelationID })
	known(FieldCorrelationID, ok)
	rec.OriginalRequestID = text(src.OriginalRequestID)
	rec.SessionID = text(src.SessionID)
	known(FieldSessionID, present(src.SessionID))
	rec.UniqueTokenID = text(src.UniqueTokenIdentifier)

	rec.User = User{
		ID:               text(src.UserID),
		UPN:              text(src.UserPrincipalName),
		Name:             text(src.UserDisplayName),
		Type:             text(src.UserType),
		SignInIdentifier: text(src.SignInIdentifier),
	}
	if rec.User.Name == "" && !present(src.UserDisplayName) {
		// Diagnostic envelopes and Log Analytics rows name the user
		// in identity.
		rec.User.Name, _ = or(func(o *signInJSON) string { return o.Identity })
	}
	known(FieldUser, present(src.UserID) || present(src.UserPrincipalName) || present(src.UserDisplayName) || rec.User.Name != "")
	known(FieldUserType, present(src.UserType))

	rec.ServicePrincipal = ServicePrincipal{
		ID:              text(src.ServicePrincipalID),
		Name:            text(src.ServicePrincipalName),
		CredentialKeyID: text(src.ServicePrincipalCredKeyID),
		ManagedIdentity: text(src.ManagedIdentityType),
	}
	if rec.ServicePrincipal.ManagedIdentity == "" && has(src.ManagedServiceIdentity) {
		var msi struct {
			MSIType string `json:"msiType"`
		}
		part, ok, err := jsonPart(src.ManagedServiceIdentity)
		if err == nil && ok {
			err = unmarshalObject(part, &msi, &extraMembers{})
		}
		if err != nil {
			return fieldErr(path("managedServiceIdentity"), err)
		}
		rec.ServicePrincipal.ManagedIdentity = msi.MSIType
	}
	known(FieldServicePrincipal, present(src.ServicePrincipalID) || present(src.ServicePrincipalName))

	rec.App = App{ID: text(src.AppID), Name: text(src.AppDisplayName)}
	known(FieldApp, present(src.AppID) || present(src.AppDisplayName))
	// Log Analytics keeps the resource's application ID in
	// ResourceIdentity; its ResourceId, like a diagnostic envelope's, is
	// an Azure resource path (/tenants/.../providers/Microsoft.aadiam).
	resourceID, resourceKnown := "", false
	switch {
	case present(src.ResourceIdentity):
		resourceID, resourceKnown = src.ResourceIdentity, true
	case present(src.ResourceID) && !strings.HasPrefix(src.ResourceID, "/"):
		resourceID, resourceKnown = src.ResourceID, true
	}
	rec.Resource = App{ID: resourceID, Name: text(src.ResourceDisplayName)}
	known(FieldResource, resourceKnown || present(src.ResourceDisplayName))

	rec.ClientApp = text(src.ClientAppUsed)
	known(FieldClientApp, present(src.ClientAppUsed))
	rec.UserAgent = text(src.UserAgent)
	known(FieldUserAgent, present(src.UserAgent))

	rec.IP, ok = or(func(o *signInJSON) string { return o.IPAddress })
	if !ok {
		rec.IP, ok = or(func(o *signInJSON) string { return o.CallerIPAddress })
	}
	known(FieldIP, ok)
	rec.IPSeenByResource = text(src.IPAddressFromResourceProvider)
	known(FieldIPSeenByResource, present(src.IPAddressFromResourceProvider))

	if err := decodeLocationValue(src.Location, rec); err != nil {
		return fieldErr(path("location"), err)
	}
	if err := decodeLocationDetails(src.LocationDetails, rec); err != nil {
		return fieldErr(path("LocationDetails"), err)
	}
	asn, set, err := src.AutonomousSystemNumber.get(path("autonomousSystemNumber"))
	if err != nil {
		return err
	}
	rec.ASN = int(asn)
	known(FieldASN, set)
	if rec.NetworkLocations, err = decodeNetworkLocations(src.NetworkLocationDetails); err != nil {
		return fieldErr(path("networkLocationDetails"), err)
	}
	known(FieldNetworkLocations, rec.NetworkLocations != nil)

	if err := d.fillStatus(rec, src, env, path); err != nil {
		return err
	}

	rec.CAStatus = caResult(text(src.ConditionalAccessStatus))
	known(FieldCAStatus, present(src.ConditionalAccessStatus))
	policiesKey, policies := "appliedConditionalAccessPolicies", src.AppliedConditionalAccessPolicies
	if !has(policies) && has(src.ConditionalAccessPolicies) {
		policiesKey, policies = "ConditionalAccessPolicies", src.ConditionalAccessPolicies
	}
	pols, conditions, err := decodePolicyList(policies)
	if err != nil {
		return fieldErr(path(policiesKey), err)
	}
	rec.Policies = pols
	known(FieldPolicies, pols != nil)
	known(FieldPolicyConditions, conditions)

	if err := decodeDeviceDetail(src.DeviceDetail, rec); err != nil {
		return fieldErr(path("deviceDetail"), err)
	}

	rec.AuthRequirement = authRequirement(text(src.AuthenticationRequirement))
	known(FieldAuthRequirement, present(src.AuthenticationRequirement))
	if err := decodeMFADetail(src.MfaDetail, rec); err != nil {
		return fieldErr(path("mfaDetail"), err)
	}
	if rec.AuthSteps, err = decodeAuthSteps(src.AuthenticationDetails, d.loc); err != nil {
		return fieldErr(path("authenticationDetails"), err)
	}
	known(FieldAuthSteps, rec.AuthSteps != nil)

	rec.IncomingTokenType = tokenType(text(src.IncomingTokenType))
	known(FieldIncomingTokenType, present(src.IncomingTokenType))
	rec.TokenIssuerType = text(src.TokenIssuerType)
	rec.ClientCredentialType = text(src.ClientCredentialType)
	rec.AuthProtocol = text(src.AuthenticationProtocol)
	rec.CrossTenantAccessType = text(src.CrossTenantAccessType)

	rec.HomeTenantID = text(src.HomeTenantID)
	rec.ResourceTenantID = text(src.ResourceTenantID)
	// A Log Analytics row's TenantId is the workspace's; the Entra
	// tenant is AADTenantId.
	tenantKnown := false
	switch {
	case present(src.AADTenantID):
		rec.TenantID, tenantKnown = src.AADTenantID, true
	case present(src.TimeGenerated):
	default:
		rec.TenantID, tenantKnown = or(func(o *signInJSON) string { return o.TenantID })
	}
	known(FieldTenantIDs, tenantKnown || present(src.HomeTenantID) || present(src.ResourceTenantID))

	rec.RiskLevelDuringSignIn = text(src.RiskLevelDuringSignIn)
	rec.RiskLevelAggregated = text(src.RiskLevelAggregated)
	rec.RiskState = text(src.RiskState)
	known(FieldRisk, present(src.RiskLevelDuringSignIn) || present(src.RiskLevelAggregated) || present(src.RiskState))

	return d.fillFlow(rec, src, env, path)
}

// authRequirement is NormalizeAuthRequirement with a fast path for the
// Graph spellings.
func authRequirement(s string) string {
	if s == AuthSingleFactor || s == AuthMultiFactor || s == "" {
		return s
	}
	return NormalizeAuthRequirement(s)
}

// tokenType is NormalizeTokenType with a fast path for the one-word Graph
// values ("none"), which it would return unchanged.
func tokenType(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 'a' || c > 'z' {
			return NormalizeTokenType(s)
		}
	}
	return s
}

// decodeLocationValue decodes a location member: Graph's object, or Log
// Analytics' Location column, which holds only the country code.
func decodeLocationValue(raw json.RawMessage, rec *Record) error {
	part, ok, err := jsonPart(raw)
	if err != nil || !ok {
		return err
	}
	if part[0] == '{' {
		return decodeLocationDetails(part, rec)
	}
	if raw = bytes.TrimSpace(raw); raw[0] != '"' {
		return &jsonFieldError{Err: badValue(raw, "an object or a country code")}
	}
	rec.Location = Location{Country: string(part)}
	rec.Known = rec.Known.Add(FieldLocation)
	return nil
}

// fillStatus sets rec.Status from status, or from the resultType and
// resultDescription of Log Analytics rows and diagnostic envelopes.
func (d *jsonDecoder) fillStatus(rec *Record, src, env *signInJSON, path func(string) string) error {
	if err := decodeStatus(src.Status, rec); err != nil {
		return fieldErr(path("status"), err)
	}
	if !rec.Known.Has(FieldStatusCode) {
		for _, o := range []*signInJSON{src, env} {
			if o == nil {
				continue
			}
			key := "resultType"
			if o == src {
				key = path(key)
			}
			code, set, err := o.ResultType.get(key)
			if err != nil {
				return err
			}
			if set {
				rec.Status.Code = int(code)
				rec.Status.Result = ResultForCode(int(code))
				rec.Known = rec.Known.Add(FieldStatusCode)
				break
			}
		}
	}
	if rec.Status.Reason == "" {
		for _, o := range []*signInJSON{src, env} {
			if o != nil && present(o.ResultDescription) {
				rec.Status.Reason = o.ResultDescription
				rec.Known = rec.Known.Add(FieldStatusReason)
				break
			}
		}
	}
	return nil
}

// fillFlow sets rec.Flow from, in order: signInEventTypes; isInteractive
// (false means non-interactive unless the log category or the record says
// service principal or managed identity); the diagnostic category or Log
// Analytics table; service principal or managed identity evidence; the
// flow the file name tells.
func (d *jsonDecoder) fillFlow(rec *Record, src, env *signInJSON, path func(string) string) error {
	types, err := decodeStringList(src.SignInEventTypes)
	if err != nil {
		return fieldErr(path("signInEventTypes"), err)
	}
	interactive, err := src.IsInteractive.get(path("isInteractive"))
	if err != nil {
		return err
	}
	category := ""
	for _, o := range []*signInJSON{src, env} {
		if o == nil {
			continue
		}
		for _, v := range []string{o.Category, o.Type} {
			if category == "" && present(v) {
				category = FlowFromCategory(v)
			}
		}
	}
	evidence := ""
	switch mi := strings.ToLower(rec.ServicePrincipal.ManagedIdentity); {
	case mi != "" && mi != "none":
		evidence = FlowManagedIdentity
	case rec.ServicePrincipal.ID != "" && rec.User.ID == "" && rec.User.UPN == "":
		evidence = FlowServicePrincipal
	}
	flow := FlowFromEventTypes(types)
	if flow == "" && interactive != nil {
		flow = FlowNonInteractive
		if *interactive {
			flow = FlowInteractive
		} else if workload(category) {
			flow = category
		} else if evidence != "" {
			flow = evidence
		}
	}
	if flow == "" {
		flow = category
	}
	if flow == "" {
		flow = evidence
	}
	if flow == "" && d.flowHint != "" {
		flow = d.flowHint
		d.hintFlows.Add(1)
	}
	rec.Flow = flow
	if flow != "" {
		rec.Known = rec.Known.Add(FieldFlow)
	}
	return nil
}

// workload reports whether a flow is a service principal's or a managed
// identity's.
func workload(flow string) bool {
	return flow == FlowServicePrincipal || flow == FlowManagedIdentity
}

// decodeStringList decodes a list of strings: a JSON array, a string
// holding one, or a comma-separated string.
func decodeStringList(raw json.RawMessage) ([]string, error) {
	part, ok, err := jsonPart(raw)
	if err != nil || !ok {
		return nil, err
	}
	if part[0] == '[' {
		var out []string
		if err := unmarshalPart(part, &out); err != nil {
			return nil, err
		}
		return out, nil
	}
	if raw = bytes.TrimSpace(raw); raw[0] != '"' {
		return nil, &jsonFieldError{Err: badValue(raw, "a list of strings")}
	}
	var out []string
	for _, p := range strings.Split(string(part), ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out, nil
}
