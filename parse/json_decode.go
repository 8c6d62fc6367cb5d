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
// string of signInScalars starts as absentJSON, and the decoder leaves it so
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

// signInScalars are the members of a sign-in object that hold one value, as
// any of the JSON formats writes them. Keys match case-insensitively, so one
// field serves Graph's camelCase, Graph PowerShell's and Log Analytics'
// PascalCase. Each string starts as absentJSON (see absentScalars) so that a
// missing key can be told from an empty value.
type signInScalars struct {
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
}

// absentScalars returns a signInScalars whose strings are all absent.
func absentScalars() signInScalars {
	const a = absentJSON
	return signInScalars{
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
}

// signInTyped is a sign-in object of Graph's shape, its parts decoded in the
// same pass. A diagnostic record's properties member is one too. An object
// whose parts have other types (JSON held in strings, as Log Analytics
// writes it) fails to decode into it and is decoded as a signInRaw instead.
type signInTyped struct {
	signInScalars
	Status                           *statusJSON           `json:"status"`
	Location                         locationValue         `json:"location"`
	LocationDetails                  *locationJSON         `json:"LocationDetails"`
	NetworkLocationDetails           []networkLocationJSON `json:"networkLocationDetails"`
	AppliedConditionalAccessPolicies policyList            `json:"appliedConditionalAccessPolicies"`
	ConditionalAccessPolicies        policyList            `json:"ConditionalAccessPolicies"`
	DeviceDetail                     *deviceJSON           `json:"deviceDetail"`
	MfaDetail                        *mfaJSON              `json:"mfaDetail"`
	AuthenticationDetails            []authStepJSON        `json:"authenticationDetails"`
	SignInEventTypes                 []string              `json:"signInEventTypes"`
	ManagedServiceIdentity           *msiJSON              `json:"managedServiceIdentity"`
	Properties                       *signInTyped          `json:"properties"`
	AdditionalProperties             json.RawMessage       `json:"additionalProperties"`
	envelopeMembers
}

// reset readies o for the next object, keeping the memory of its policy
// lists.
func (o *signInTyped) reset() {
	applied, logAnalytics := o.AppliedConditionalAccessPolicies.reset(), o.ConditionalAccessPolicies.reset()
	*o = signInTyped{signInScalars: absentScalars(), AppliedConditionalAccessPolicies: applied, ConditionalAccessPolicies: logAnalytics}
}

// isEmpty reports whether decoding left o as reset made it: the object had
// no member o knows.
func (o *signInTyped) isEmpty() bool {
	return o.signInScalars == absentScalars() && o.Status == nil && o.Location == (locationValue{}) &&
		o.LocationDetails == nil && o.NetworkLocationDetails == nil && o.AppliedConditionalAccessPolicies.list() == nil &&
		o.ConditionalAccessPolicies.list() == nil && o.DeviceDetail == nil && o.MfaDetail == nil &&
		o.AuthenticationDetails == nil && o.SignInEventTypes == nil && o.ManagedServiceIdentity == nil &&
		o.AdditionalProperties == nil
}

// parts returns o's decoded parts.
func (o *signInTyped) parts() signInParts {
	p := signInParts{
		status:           o.Status,
		location:         o.Location,
		locationDetails:  o.LocationDetails,
		networkLocations: o.NetworkLocationDetails,
		policiesKey:      "appliedConditionalAccessPolicies",
		policies:         o.AppliedConditionalAccessPolicies.list(),
		device:           o.DeviceDetail,
		mfa:              o.MfaDetail,
		authSteps:        o.AuthenticationDetails,
		eventTypes:       o.SignInEventTypes,
		msi:              o.ManagedServiceIdentity,
	}
	if p.policies == nil && o.ConditionalAccessPolicies.list() != nil {
		p.policiesKey, p.policies = "ConditionalAccessPolicies", o.ConditionalAccessPolicies.list()
	}
	return p
}

// policyList is a policies member of a signInTyped, decoded into the memory
// of the previous object's list: a sign-in lists every policy of the
// tenant, often a dozen or more, and growing that list afresh for each
// object was a third of all the memory the decoder allocated. The records
// share nothing with it (see convertPolicies).
type policyList struct {
	items   []policyJSON
	present bool // The member was in the object, not null.
}

// list returns the policies: nil when the member was absent or null, an
// empty list for [].
func (l *policyList) list() []policyJSON {
	if !l.present {
		return nil
	}
	return l.items
}

// reset returns l emptied for the next object, its memory kept.
func (l *policyList) reset() policyList {
	return policyList{items: l.items[:0]}
}

// UnmarshalJSON implements json.Unmarshaler.
func (l *policyList) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		l.present = false
		return nil
	}
	// The decoder decodes into the elements it finds, keeping what a
	// previous object left in members this one lacks: they start zero.
	items := l.items[:cap(l.items)]
	clear(items)
	items = items[:0]
	if err := json.Unmarshal(b, &items); err != nil {
		return err
	}
	if items == nil {
		items = []policyJSON{}
	}
	l.items, l.present = items, true
	return nil
}

// signInRaw is a sign-in object of any shape, its parts kept raw: each may
// be JSON or a string holding JSON.
type signInRaw struct {
	signInScalars
	Status                           json.RawMessage `json:"status"`
	Location                         locationValue   `json:"location"`
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
	envelopeMembers
}

// envelopeMembers are the members that hold the records of an envelope:
// value (a Graph page) and records (an Event Hub message). A sign-in has
// neither; the full scan of the JSON splitter takes an object on one line
// that has one of them, holding an array, for an envelope. The decoder
// notes them here instead of searching every record for them (see
// layoutTrusted).
type envelopeMembers struct {
	Value   json.RawMessage `json:"value"`
	Records json.RawMessage `json:"records"`
}

// found reports whether the object had an envelope member.
func (e *envelopeMembers) found() bool { return e.Value != nil || e.Records != nil }

// reset readies o for the next object.
func (o *signInRaw) reset() {
	*o = signInRaw{signInScalars: absentScalars()}
}

// parts decodes o's raw parts. An error names the part's key path below
// prefix.
func (o *signInRaw) parts(prefix string) (signInParts, error) {
	var p signInParts
	var err error
	fail := func(key string, err error) (signInParts, error) {
		return signInParts{}, fieldErr(joinPath(prefix, key), err)
	}
	p.location = o.Location
	if p.status, err = decodeObjectPart[statusJSON](o.Status); err != nil {
		return fail("status", err)
	}
	if p.locationDetails, err = decodeObjectPart[locationJSON](o.LocationDetails); err != nil {
		return fail("LocationDetails", err)
	}
	if p.networkLocations, err = decodeArrayPart[networkLocationJSON](o.NetworkLocationDetails); err != nil {
		return fail("networkLocationDetails", err)
	}
	p.policiesKey = "appliedConditionalAccessPolicies"
	if p.policies, err = decodeArrayPart[policyJSON](o.AppliedConditionalAccessPolicies); err != nil {
		return fail(p.policiesKey, err)
	}
	if p.policies == nil {
		p.policiesKey = "ConditionalAccessPolicies"
		if p.policies, err = decodeArrayPart[policyJSON](o.ConditionalAccessPolicies); err != nil {
			return fail(p.policiesKey, err)
		}
	}
	if p.device, err = decodeObjectPart[deviceJSON](o.DeviceDetail); err != nil {
		return fail("deviceDetail", err)
	}
	if p.mfa, err = decodeObjectPart[mfaJSON](o.MfaDetail); err != nil {
		return fail("mfaDetail", err)
	}
	if p.authSteps, err = decodeArrayPart[authStepJSON](o.AuthenticationDetails); err != nil {
		return fail("authenticationDetails", err)
	}
	if p.eventTypes, err = decodeStringList(o.SignInEventTypes); err != nil {
		return fail("signInEventTypes", err)
	}
	if p.msi, err = decodeObjectPart[msiJSON](o.ManagedServiceIdentity); err != nil {
		return fail("managedServiceIdentity", err)
	}
	return p, nil
}

// signInParts are the nested parts of a sign-in, decoded. A nil part was
// absent or null.
type signInParts struct {
	status           *statusJSON
	location         locationValue
	locationDetails  *locationJSON
	networkLocations []networkLocationJSON
	policiesKey      string // The key the policies came from, for errors.
	policies         []policyJSON
	device           *deviceJSON
	mfa              *mfaJSON
	authSteps        []authStepJSON
	eventTypes       []string
	msi              *msiJSON
}

// A locationValue is a location member: Graph's location object, or the
// Location column of Log Analytics and diagnostic envelopes, which holds the
// country code only. A bad value is kept in err and reported when applied.
type locationValue struct {
	object  *locationJSON
	country string
	err     error
}

// UnmarshalJSON implements json.Unmarshaler. It never fails; see flexInt.
func (l *locationValue) UnmarshalJSON(b []byte) error {
	*l = locationValue{}
	part, ok, err := jsonPart(b)
	switch {
	case err != nil:
		l.err = err
	case !ok:
	case part[0] == '{':
		l.object, l.err = decodeObjectPart[locationJSON](part)
	case b[0] == '"':
		l.country = string(part)
	default:
		l.err = &jsonFieldError{Err: badValue(b, "an object or a country code")}
	}
	return nil
}

// apply sets rec.Location from the value, if any.
func (l *locationValue) apply(rec *Record) error {
	switch {
	case l.err != nil:
		return l.err
	case l.object != nil:
		return l.object.apply(rec)
	case l.country != "":
		rec.Location = Location{Country: l.country}
		rec.Known = rec.Known.Add(FieldLocation)
	}
	return nil
}

// decodeBuffers are the reusable structs of one Decode call.
type decodeBuffers struct {
	typed, typedProps signInTyped
	raw, rawProps     signInRaw
}

// jsonDecoder is the Decoder of the JSON formats. It is safe for concurrent
// use: each call takes its buffers from a pool.
type jsonDecoder struct {
	name     string
	format   Format // Source.Format of every record; "" decides by content.
	flowHint string
	loc      *time.Location
	order    DateOrder

	pool      sync.Pool
	hintFlows atomic.Int64 // Records whose flow only the file name told.
}

func newJSONDecoder(info SourceInfo) *jsonDecoder {
	return &jsonDecoder{name: info.Name, format: info.Format, flowHint: info.FlowHint, loc: info.Location, order: info.DateOrder}
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
	if c.Layout != LayoutScanned && !layoutTrusted(c) && !checkLayout(c) {
		return nil, ErrReframe
	}
	buf, _ := d.pool.Get().(*decodeBuffers)
	if buf == nil {
		buf = new(decodeBuffers)
	}
	defer d.pool.Put(buf)
	rec, err := d.decode(c, buf)
	if err != nil && c.Layout != LayoutScanned && !checkLayout(c) {
		return nil, ErrReframe
	}
	return rec, err
}

// decoded is a sign-in object decoded, before it becomes a Record.
type decoded struct {
	envelope bool           // The outermost object has an envelope member.
	src      *signInScalars // The sign-in's members.
	env      *signInScalars // A diagnostic envelope's members, or nil.
	prefix   string         // src's key path, for errors.
	parts    signInParts
	format   Format // The format the content shows.
}

// decode decodes one chunk with the given buffers: in one pass when the
// object has Graph's shape, else with its parts kept raw and decoded one by
// one.
func (d *jsonDecoder) decode(c Chunk, buf *decodeBuffers) (*Record, error) {
	data := bytes.TrimSpace(c.Data)
	if len(data) == 0 || data[0] != '{' {
		return nil, d.recordError(c, "", 0, badValue(data, "a JSON object"))
	}
	obj, err := decodeTyped(data, buf)
	if err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return nil, d.jsonError(c, "", data, err)
		}
		// A member of another type than Graph's: JSON held in a
		// string, or a real error, which the raw decoding names.
		if obj, err = d.decodeRaw(c, data, buf); err != nil {
			return nil, err
		}
	}
	if obj.envelope && c.Layout == LayoutLine && !checkLayout(c) {
		return nil, ErrReframe
	}
	format := obj.format
	if d.format != "" {
		format = d.format
	}
	rec := &Record{Source: Source{File: d.name, Line: c.Line, Index: c.Index, Format: format}}
	if err := d.fill(rec, &obj); err != nil {
		return nil, d.recordError(c, "", 0, err)
	}
	if rec.Known.Remove(FieldFlow) == 0 {
		// A flow alone may come from the file name or a log category.
		return nil, d.recordError(c, "", 0, fmt.Errorf("%w: not a sign-in: the object has none of the sign-in keys (createdDateTime, id, userPrincipalName, appId, status, ...)", ErrBadValue))
	}
	return rec, nil
}

// decodeTyped decodes data into buf.typed in one pass.
func decodeTyped(data []byte, buf *decodeBuffers) (decoded, error) {
	top, props := &buf.typed, &buf.typedProps
	top.reset()
	props.reset()
	top.Properties = props // Decoded into in place; left empty when absent.
	if err := json.Unmarshal(data, top); err != nil {
		return decoded{}, err
	}
	if err := mergeAdditional(top, &top.AdditionalProperties); err != nil {
		return decoded{}, err
	}
	if top.Properties != nil && !props.isEmpty() {
		// A diagnostic record: the sign-in is the properties member;
		// the envelope fills what properties lacks.
		if err := mergeAdditional(props, &props.AdditionalProperties); err != nil {
			return decoded{}, err
		}
		return decoded{envelope: top.envelopeMembers.found(), src: &props.signInScalars, env: &top.signInScalars,
			prefix: "properties", parts: props.parts(), format: FormatDiagnosticJSON}, nil
	}
	return decoded{envelope: top.envelopeMembers.found(), src: &top.signInScalars, parts: top.parts(),
		format: contentFormat(&top.signInScalars)}, nil
}

// decodeRaw decodes data into buf.raw, then its parts one by one. Its
// errors are *RecordErrors for chunk c.
func (d *jsonDecoder) decodeRaw(c Chunk, data []byte, buf *decodeBuffers) (decoded, error) {
	top := &buf.raw
	top.reset()
	if err := json.Unmarshal(data, top); err != nil {
		return decoded{}, d.jsonError(c, "", data, err)
	}
	if err := mergeAdditional(top, &top.AdditionalProperties); err != nil {
		return decoded{}, d.recordError(c, "", 0, describeJSONError(err))
	}
	obj := decoded{envelope: top.envelopeMembers.found(), src: &top.signInScalars, format: contentFormat(&top.signInScalars)}
	src := top
	if isObject(top.Properties) {
		props := &buf.rawProps
		props.reset()
		raw := bytes.TrimSpace(top.Properties)
		if err := json.Unmarshal(raw, props); err != nil {
			return decoded{}, d.jsonError(c, "properties", raw, err)
		}
		if err := mergeAdditional(props, &props.AdditionalProperties); err != nil {
			return decoded{}, d.recordError(c, "properties", 0, describeJSONError(err))
		}
		obj = decoded{envelope: obj.envelope, src: &props.signInScalars, env: &top.signInScalars, prefix: "properties", format: FormatDiagnosticJSON}
		src = props
	}
	parts, err := src.parts(obj.prefix)
	if err != nil {
		return decoded{}, d.recordError(c, "", 0, err)
	}
	obj.parts = parts
	return obj, nil
}

// contentFormat tells a Log Analytics row from a Graph object.
func contentFormat(o *signInScalars) Format {
	if present(o.TimeGenerated) || present(o.AADTenantID) {
		return FormatLogAnalyticsJSON
	}
	return FormatGraphJSON
}

// isObject reports whether a raw part is a JSON object.
func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// mergeAdditional decodes the members of a Graph PowerShell
// AdditionalProperties object into o itself: the SDK puts there the members
// its model lacks (signInEventTypes in the v1.0 module, for one).
func mergeAdditional(o any, additional *json.RawMessage) error {
	raw := bytes.TrimSpace(*additional)
	// The decoding may write the member again: it gets memory of its own.
	*additional = nil
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	if err := json.Unmarshal(raw, o); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			te.Field = joinPath("AdditionalProperties", te.Field)
			return te
		}
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
	je := DescribeJSONError(nil, err)
	if je.Syntax && je.Offset >= 0 && c.Line > 0 {
		if start := bytes.Index(c.Data, data); start >= 0 {
			// The offending byte is the last one the decoder read.
			line, column := LineColumn(c.Data, start+int(min(max(je.Offset-1, 0), int64(len(data)))))
			err = fmt.Errorf("%w: invalid JSON: %s", ErrBadValue, je.Reason)
			re := d.recordError(c, prefix, line-1, err).(*RecordError)
			re.Column = column
			return re
		}
	}
	return d.recordError(c, prefix, 0, describeJSONError(err))
}

// fill sets rec from a decoded object, section by section.
func (d *jsonDecoder) fill(rec *Record, obj *decoded) error {
	f := recordFill{d: d, rec: rec, src: obj.src, env: obj.env, parts: &obj.parts, prefix: obj.prefix}
	if err := f.time(); err != nil {
		return err
	}
	f.identity()
	f.apps()
	if err := f.network(); err != nil {
		return err
	}
	if err := f.status(); err != nil {
		return err
	}
	if err := f.conditionalAccess(); err != nil {
		return err
	}
	if err := f.deviceAndAuthentication(); err != nil {
		return err
	}
	f.tenantAndRisk()
	return f.flow()
}

// recordFill is one record being filled from its decoded object: the
// object's scalars, its envelope's (a diagnostic record around its
// properties; nil for other formats), its parts, and the key path prefix
// of the object within the record, for errors.
type recordFill struct {
	d        *jsonDecoder
	rec      *Record
	src, env *signInScalars
	parts    *signInParts
	prefix   string
}

// or returns the first present member among the object and its envelope.
func (f *recordFill) or(get func(*signInScalars) string) (string, bool) {
	if v := get(f.src); present(v) {
		return v, true
	}
	if f.env != nil {
		if v := get(f.env); present(v) {
			return v, true
		}
	}
	return "", false
}

// known marks field as carried by the record when ok.
func (f *recordFill) known(field Field, ok bool) {
	if ok {
		f.rec.Known = f.rec.Known.Add(field)
	}
}

// path returns the key path of the object's member key, for errors.
func (f *recordFill) path(key string) string { return joinPath(f.prefix, key) }

// time sets the sign-in's time: its createdDateTime; the ingestion times of
// Log Analytics and diagnostic records only when it is missing.
func (f *recordFill) time() error {
	rec, src, env := f.rec, f.src, f.env
	for _, t := range []struct{ key, value string }{
		{"createdDateTime", src.CreatedDateTime},
		{"TimeGenerated", src.TimeGenerated},
		{"time", src.Time},
	} {
		if !present(t.value) || strings.TrimSpace(t.value) == "" {
			continue
		}
		tm, err := ParseTimeOrder(t.value, f.d.loc, f.d.order)
		if err != nil {
			return fieldErr(f.path(t.key), err)
		}
		rec.Time = tm
		f.known(FieldTime, true)
		return nil
	}
	if env != nil && present(env.Time) && strings.TrimSpace(env.Time) != "" {
		tm, err := ParseTimeOrder(env.Time, f.d.loc, f.d.order)
		if err != nil {
			return fieldErr("time", err)
		}
		rec.Time = tm
		f.known(FieldTime, true)
	}
	return nil
}

// identity sets the request's IDs, the user and the service principal.
func (f *recordFill) identity() {
	rec, src, parts := f.rec, f.src, f.parts
	var ok bool
	rec.RequestID, ok = f.or(func(o *signInScalars) string { return o.ID })
	f.known(FieldRequestID, ok)
	rec.CorrelationID, ok = f.or(func(o *signInScalars) string { return o.CorrelationID })
	f.known(FieldCorrelationID, ok)
	rec.OriginalRequestID = text(src.OriginalRequestID)
	rec.SessionID = text(src.SessionID)
	f.known(FieldSessionID, present(src.SessionID))
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
		rec.User.Name, _ = f.or(func(o *signInScalars) string { return o.Identity })
	}
	f.known(FieldUser, present(src.UserID) || present(src.UserPrincipalName) || present(src.UserDisplayName) || rec.User.Name != "")
	f.known(FieldUserType, present(src.UserType))

	rec.ServicePrincipal = ServicePrincipal{
		ID:              text(src.ServicePrincipalID),
		Name:            text(src.ServicePrincipalName),
		CredentialKeyID: text(src.ServicePrincipalCredKeyID),
		ManagedIdentity: text(src.ManagedIdentityType),
	}
	if rec.ServicePrincipal.ManagedIdentity == "" && parts.msi != nil {
		rec.ServicePrincipal.ManagedIdentity = parts.msi.MSIType
	}
	f.known(FieldServicePrincipal, present(src.ServicePrincipalID) || present(src.ServicePrincipalName))
}

// apps sets the application, the resource and the client.
func (f *recordFill) apps() {
	rec, src := f.rec, f.src
	rec.App = App{ID: text(src.AppID), Name: text(src.AppDisplayName)}
	f.known(FieldApp, present(src.AppID) || present(src.AppDisplayName))
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
	f.known(FieldResource, resourceKnown || present(src.ResourceDisplayName))

	rec.ClientApp = text(src.ClientAppUsed)
	f.known(FieldClientApp, present(src.ClientAppUsed))
	rec.UserAgent = text(src.UserAgent)
	f.known(FieldUserAgent, present(src.UserAgent))
}

// network sets the addresses, the location, the autonomous system and the
// network locations.
func (f *recordFill) network() error {
	rec, src, parts := f.rec, f.src, f.parts
	var ok bool
	rec.IP, ok = f.or(func(o *signInScalars) string { return o.IPAddress })
	if !ok {
		rec.IP, ok = f.or(func(o *signInScalars) string { return o.CallerIPAddress })
	}
	f.known(FieldIP, ok)
	rec.IPSeenByResource = text(src.IPAddressFromResourceProvider)
	f.known(FieldIPSeenByResource, present(src.IPAddressFromResourceProvider))

	if err := parts.location.apply(rec); err != nil {
		return fieldErr(f.path("location"), err)
	}
	if parts.locationDetails != nil {
		if err := parts.locationDetails.apply(rec); err != nil {
			return fieldErr(f.path("LocationDetails"), err)
		}
	}
	asn, set, err := src.AutonomousSystemNumber.get(f.path("autonomousSystemNumber"))
	if err != nil {
		return err
	}
	rec.ASN = int(asn)
	f.known(FieldASN, set)
	rec.NetworkLocations = convertNetworkLocations(parts.networkLocations)
	f.known(FieldNetworkLocations, rec.NetworkLocations != nil)
	return nil
}

// conditionalAccess sets the aggregate Conditional Access status and the
// policies.
func (f *recordFill) conditionalAccess() error {
	rec, src, parts := f.rec, f.src, f.parts
	rec.CAStatus = caResult(text(src.ConditionalAccessStatus))
	f.known(FieldCAStatus, present(src.ConditionalAccessStatus))
	pols, conditions, err := convertPolicies(parts.policies)
	if err != nil {
		return fieldErr(f.path(parts.policiesKey), err)
	}
	rec.Policies = pols
	f.known(FieldPolicies, pols != nil)
	f.known(FieldPolicyConditions, conditions)
	return nil
}

// deviceAndAuthentication sets the device, the authentication requirement,
// MFA detail, the authentication steps and the token facts.
func (f *recordFill) deviceAndAuthentication() error {
	rec, src, parts := f.rec, f.src, f.parts
	if parts.device != nil {
		if err := parts.device.apply(rec); err != nil {
			return fieldErr(f.path("deviceDetail"), err)
		}
	}
	rec.AuthRequirement = authRequirement(text(src.AuthenticationRequirement))
	f.known(FieldAuthRequirement, present(src.AuthenticationRequirement))
	if parts.mfa != nil {
		if err := parts.mfa.apply(rec); err != nil {
			return fieldErr(f.path("mfaDetail"), err)
		}
	}
	var err error
	if rec.AuthSteps, err = convertAuthSteps(parts.authSteps, f.d.loc); err != nil {
		return fieldErr(f.path("authenticationDetails"), err)
	}
	f.known(FieldAuthSteps, rec.AuthSteps != nil)

	rec.IncomingTokenType = tokenType(text(src.IncomingTokenType))
	f.known(FieldIncomingTokenType, present(src.IncomingTokenType))
	rec.TokenIssuerType = text(src.TokenIssuerType)
	rec.ClientCredentialType = text(src.ClientCredentialType)
	rec.AuthProtocol = text(src.AuthenticationProtocol)
	rec.CrossTenantAccessType = text(src.CrossTenantAccessType)
	return nil
}

// tenantAndRisk sets the tenants and the risk levels.
func (f *recordFill) tenantAndRisk() {
	rec, src := f.rec, f.src
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
		rec.TenantID, tenantKnown = f.or(func(o *signInScalars) string { return o.TenantID })
	}
	f.known(FieldTenantIDs, tenantKnown || present(src.HomeTenantID) || present(src.ResourceTenantID))

	rec.RiskLevelDuringSignIn = text(src.RiskLevelDuringSignIn)
	rec.RiskLevelAggregated = text(src.RiskLevelAggregated)
	rec.RiskState = text(src.RiskState)
	f.known(FieldRisk, present(src.RiskLevelDuringSignIn) || present(src.RiskLevelAggregated) || present(src.RiskState))
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

// status sets rec.Status from status, or from the resultType and
// resultDescription of Log Analytics rows and diagnostic envelopes.
func (f *recordFill) status() error {
	rec, src, env, parts := f.rec, f.src, f.env, f.parts
	if parts.status != nil {
		if err := parts.status.apply(rec); err != nil {
			return fieldErr(f.path("status"), err)
		}
	}
	if !rec.Known.Has(FieldStatusCode) {
		for _, o := range []*signInScalars{src, env} {
			if o == nil {
				continue
			}
			key := "resultType"
			if o == src {
				key = f.path(key)
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
		for _, o := range []*signInScalars{src, env} {
			if o != nil && present(o.ResultDescription) {
				rec.Status.Reason = o.ResultDescription
				rec.Known = rec.Known.Add(FieldStatusReason)
				break
			}
		}
	}
	return nil
}

// flow sets rec.Flow from, in order: signInEventTypes; isInteractive
// (false means non-interactive unless the log category or the record says
// service principal or managed identity); the diagnostic category or Log
// Analytics table; service principal or managed identity evidence; the
// flow the file name tells.
func (f *recordFill) flow() error {
	rec, src, env, d := f.rec, f.src, f.env, f.d
	types := f.parts.eventTypes
	interactive, err := src.IsInteractive.get(f.path("isInteractive"))
	if err != nil {
		return err
	}
	category := ""
	for _, o := range []*signInScalars{src, env} {
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
	flow := flowFromEventTypes(types)
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

// flowFromEventTypes is FlowFromEventTypes with a fast path for a single
// event type in Graph's spelling, the common case.
func flowFromEventTypes(types []string) string {
	if len(types) == 1 {
		switch types[0] {
		case "interactiveUser":
			return FlowInteractive
		case "nonInteractiveUser":
			return FlowNonInteractive
		case "servicePrincipal":
			return FlowServicePrincipal
		case "managedIdentity":
			return FlowManagedIdentity
		}
	}
	return FlowFromEventTypes(types)
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
