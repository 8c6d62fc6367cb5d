package parse

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	json "github.com/goccy/go-json"
)

// This file decodes the nested parts of a sign-in (status, deviceDetail,
// location, appliedConditionalAccessPolicies, ...) from their Microsoft Graph
// JSON. The JSON readers use it for every format, and the Log Analytics CSV
// reader for its cells that hold JSON.
//
// Each part decoder accepts the part as a JSON value, or as a JSON string
// holding that value (Log Analytics writes AADNonInteractiveUserSignInLogs
// columns so). Empty input, null and an empty string are "absent": the
// decoder sets nothing and the record's Known set is left alone. A present
// object makes its members Known, even those it lacks (a status without
// failureReason has no failure reason), except the device's isCompliant and
// isManaged, whose absence means unknown.
//
// Keys are matched case-insensitively, so Graph PowerShell's PascalCase
// (ErrorCode, TrustType) reads like Graph's camelCase, and members of a Graph
// PowerShell AdditionalProperties object count as members of the object
// holding it.

// A jsonFieldError is an error in one member of a JSON value. Path is the
// member's key path from the value decoded ("errorCode", "[2].result"), or
// "" when the error is about the value as a whole.
type jsonFieldError struct {
	Path string
	Err  error
}

func (e *jsonFieldError) Error() string {
	if e.Path == "" {
		return e.Err.Error()
	}
	return e.Path + ": " + e.Err.Error()
}

func (e *jsonFieldError) Unwrap() error { return e.Err }

// fieldErr returns a jsonFieldError for path wrapping err. An err that is
// already a jsonFieldError gets path prefixed to its own.
func fieldErr(path string, err error) error {
	var fe *jsonFieldError
	if errors.As(err, &fe) {
		return &jsonFieldError{Path: joinPath(path, fe.Path), Err: fe.Err}
	}
	return &jsonFieldError{Path: path, Err: err}
}

// joinPath joins two key paths: "status" and "errorCode" give
// "status.errorCode"; "policies" and "[1].result" give "policies[1].result".
func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case b[0] == '[':
		return a + b
	}
	return a + "." + b
}

// badValue returns an ErrBadValue error quoting a short excerpt of raw.
func badValue(raw []byte, want string) error {
	const max = 40
	s := string(raw)
	if len(s) > max {
		s = s[:max] + "…"
	}
	return fmt.Errorf("%w: %s is not %s", ErrBadValue, s, want)
}

// jsonPart returns the JSON value to decode from b: b itself, or the content
// of b when b is a JSON string (JSON held in a string). ok is false when
// there is nothing to decode: empty input, null, or an empty or "null"
// string.
func jsonPart(b []byte) (part []byte, ok bool, err error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || isJSONNull(b) {
		return nil, false, nil
	}
	if b[0] != '"' {
		return b, true, nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, false, fmt.Errorf("%w: invalid JSON string", ErrBadValue)
	}
	inner := bytes.TrimSpace([]byte(s))
	if len(inner) == 0 || isJSONNull(inner) {
		return nil, false, nil
	}
	return inner, true, nil
}

// isJSONNull reports whether b is the JSON literal null.
func isJSONNull(b []byte) bool { return string(b) == "null" }

// unmarshalPart decodes b into v and turns the decoder's errors into
// jsonFieldErrors naming the member and saying what was wrong.
func unmarshalPart(b []byte, v any) error {
	err := json.Unmarshal(b, v)
	if err == nil {
		return nil
	}
	return describeJSONError(err)
}

// describeJSONError turns an error of the JSON decoder into a
// jsonFieldError: the key path of the member, and an ErrBadValue error in
// DescribeJSONError's words.
func describeJSONError(err error) error {
	var fe *jsonFieldError
	if errors.As(err, &fe) {
		return err
	}
	je := DescribeJSONError(nil, err)
	return &jsonFieldError{Path: je.Path, Err: fmt.Errorf("%w: %s", ErrBadValue, je.Problem())}
}

// A flexInt is a JSON integer that exports also write as a string ("0",
// "50126", "AS8075"). Null and "" leave it unset. A value of another kind is
// kept in bad and reported, with its key path, when the field is read: the
// decoder would lose the path if UnmarshalJSON failed.
type flexInt struct {
	value int64
	set   bool
	bad   string
}

// UnmarshalJSON implements json.Unmarshaler. It never fails; see flexInt.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	*f = flexInt{}
	if len(b) == 0 || isJSONNull(b) {
		return nil
	}
	text := b
	if b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil {
			f.bad = string(b)
			return nil
		}
		text = []byte(strings.TrimSpace(s))
		if len(text) == 0 {
			return nil
		}
	}
	n, ok, err := ParseInt(string(text))
	if err != nil || !ok {
		f.bad = string(b)
		return nil
	}
	f.value, f.set = int64(n), true
	return nil
}

// get returns the value, whether it was set, and an error naming path when
// the JSON held something other than an integer.
func (f flexInt) get(path string) (int64, bool, error) {
	if f.bad != "" {
		return 0, false, fieldErr(path, badValue([]byte(f.bad), "an integer"))
	}
	return f.value, f.set, nil
}

// A flexBool is a JSON boolean that exports also write as a string ("TRUE",
// "false", "Yes"). Null and "" leave it unset. Like flexInt it keeps a bad
// value for reporting instead of failing.
type flexBool struct {
	value *bool
	bad   string
}

// UnmarshalJSON implements json.Unmarshaler. It never fails; see flexBool.
func (f *flexBool) UnmarshalJSON(b []byte) error {
	*f = flexBool{}
	switch string(b) {
	case "true":
		f.value = boolPtr(true)
		return nil
	case "false":
		f.value = boolPtr(false)
		return nil
	case "null", "":
		return nil
	}
	text := string(b)
	if b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil {
			f.bad = string(b)
			return nil
		}
		text = s
	}
	v, err := ParseBool(text)
	if err != nil {
		f.bad = string(b)
		return nil
	}
	f.value = v
	return nil
}

// get returns the value (nil when unset) or an error naming path.
func (f flexBool) get(path string) (*bool, error) {
	if f.bad != "" {
		return nil, fieldErr(path, badValue([]byte(f.bad), "a boolean"))
	}
	return f.value, nil
}

// A conditionsJSON is a policy's conditionsSatisfied or
// conditionsNotSatisfied: Graph's flags string ("application,users") or the
// integer bitmask of diagnostic archives.
type conditionsJSON struct {
	flags []string
	set   bool
	bad   string
}

// UnmarshalJSON implements json.Unmarshaler. It never fails; see flexInt.
func (c *conditionsJSON) UnmarshalJSON(b []byte) error {
	*c = conditionsJSON{}
	if len(b) == 0 || isJSONNull(b) {
		return nil
	}
	c.set = true
	if b[0] == '"' {
		s, ok := jsonStringValue(b)
		if !ok {
			c.bad = string(b)
			return nil
		}
		s = strings.TrimSpace(s)
		if s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '-') {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				c.flags = ConditionFlags(n)
				return nil
			}
		}
		if s == "" || strings.EqualFold(s, "none") {
			return nil
		}
		c.flags = SplitConditions(s)
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		c.bad = string(b)
		return nil
	}
	c.flags = ConditionFlags(n)
	return nil
}

// jsonStringValue returns the value of the JSON string literal b, without
// the decoder's overhead when it holds no escape.
func jsonStringValue(b []byte) (string, bool) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0 {
		return string(b[1 : len(b)-1]), true
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		return "", false
	}
	return s, true
}

// caResult is NormalizeCAResult with a fast path for the Graph spellings,
// which JSON exports use: it runs for every policy of every record.
func caResult(s string) string {
	switch s {
	case CASuccess, CAFailure, CANotApplied, CANotEnabled, CAReportOnlySuccess, CAReportOnlyFailure,
		CAReportOnlyNotApplied, CAReportOnlyInterrupted, CAUnknown, CAUnknownFutureValue, "":
		return s
	}
	return NormalizeCAResult(s)
}

// check returns an error naming element index's key when the value was
// neither a flags string nor an integer.
func (c *conditionsJSON) check(index int, key string) error {
	if c.bad == "" {
		return nil
	}
	return fieldErr(fmt.Sprintf("[%d].%s", index, key), badValue([]byte(c.bad), "a conditions flags string or integer"))
}

// A strengthJSON is a policy's authenticationStrength: an object whose
// displayName is kept, or a plain string.
type strengthJSON struct {
	name string
	bad  string
}

// UnmarshalJSON implements json.Unmarshaler. It never fails; see flexInt.
func (s *strengthJSON) UnmarshalJSON(b []byte) error {
	*s = strengthJSON{}
	switch {
	case len(b) == 0 || isJSONNull(b):
	case b[0] == '"':
		if json.Unmarshal(b, &s.name) != nil {
			s.bad = string(b)
		}
	case b[0] == '{':
		var o struct {
			ID          string `json:"authenticationStrengthId"`
			DisplayName string `json:"displayName"`
		}
		if json.Unmarshal(b, &o) != nil {
			s.bad = string(b)
			return nil
		}
		s.name = o.DisplayName
		if s.name == "" {
			s.name = o.ID
		}
	default:
		s.bad = string(b)
	}
	return nil
}

// extraMembers is the Graph PowerShell AdditionalProperties object of a part:
// members the SDK model has no property for.
type extraMembers struct {
	AdditionalProperties json.RawMessage `json:"additionalProperties"`
}

// extras gives the part types, which embed extraMembers, a common method.
func (e *extraMembers) extras() *extraMembers { return e }

// unmarshalObject decodes an object part into v, then the members of its
// AdditionalProperties object (if any) into v as well.
func unmarshalObject(b []byte, v any, extra *extraMembers) error {
	if b[0] != '{' {
		return &jsonFieldError{Err: badValue(b, "a JSON object")}
	}
	if err := unmarshalPart(b, v); err != nil {
		return err
	}
	return mergeExtra(v, extra)
}

// mergeExtra decodes the members of a decoded object's AdditionalProperties
// object into the object v itself, once.
func mergeExtra(v any, extra *extraMembers) error {
	more := bytes.TrimSpace(extra.AdditionalProperties)
	extra.AdditionalProperties = nil
	if len(more) == 0 || more[0] != '{' {
		return nil
	}
	if err := unmarshalPart(more, v); err != nil {
		return fieldErr("AdditionalProperties", err)
	}
	return nil
}

// decodeObjectPart decodes an object part given as JSON or as a string
// holding JSON. It returns nil when the part is absent.
func decodeObjectPart[T any, P interface {
	*T
	extras() *extraMembers
}](b []byte) (*T, error) {
	part, ok, err := jsonPart(b)
	if err != nil || !ok {
		return nil, err
	}
	if name, ok := dotNetTypeName(part); ok {
		return nil, shallowExportError(name)
	}
	v := P(new(T))
	if err := unmarshalObject(part, v, v.extras()); err != nil {
		return nil, err
	}
	return (*T)(v), nil
}

// dotNetTypeName reports whether a part is the name of a .NET type
// ("Microsoft.Graph.PowerShell.Models.MicrosoftGraphSignInStatus"), or an
// array of them: what PowerShell's ConvertTo-Json writes for objects deeper
// than its -Depth, 2 by default.
func dotNetTypeName(part []byte) (string, bool) {
	if len(part) > 0 && part[0] == '[' {
		first := bytes.TrimLeft(part[1:], " \t\r\n")
		if !bytes.HasPrefix(first, []byte(`"Microsoft.`)) && !bytes.HasPrefix(first, []byte(`"System.`)) {
			return "", false
		}
		end := jsonStringEnd(first, 0)
		if end < 0 {
			return "", false
		}
		name, ok := jsonStringValue(first[:end])
		if !ok {
			return "", false
		}
		part = []byte(name)
	}
	s := string(part)
	if !strings.HasPrefix(s, "Microsoft.") && !strings.HasPrefix(s, "System.") {
		return "", false
	}
	for _, r := range s {
		if !(r == '.' || r == '_' || r >= '0' && r <= '9' || r|0x20 >= 'a' && r|0x20 <= 'z') {
			return "", false
		}
	}
	return s, true
}

// shallowExportError explains a part that PowerShell wrote as a type name.
func shallowExportError(name string) error {
	return &jsonFieldError{Err: fmt.Errorf("%w: holds the .NET type name %q instead of its value: "+
		"ConvertTo-Json stopped at its -Depth (2 by default); export again with ConvertTo-Json -Depth 10", ErrBadValue, name)}
}

// decodeArrayPart decodes an array part given as JSON or as a string holding
// JSON. It returns nil when the part is absent and a non-nil slice for [].
func decodeArrayPart[T any](b []byte) ([]T, error) {
	part, ok, err := jsonPart(b)
	if err != nil || !ok {
		return nil, err
	}
	if name, ok := dotNetTypeName(part); ok {
		return nil, shallowExportError(name)
	}
	if part[0] != '[' {
		return nil, &jsonFieldError{Err: badValue(part, "a JSON array")}
	}
	out := []T{}
	if err := unmarshalPart(part, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// policyJSON is one element of appliedConditionalAccessPolicies.
type policyJSON struct {
	ID                      string         `json:"id"`
	DisplayName             string         `json:"displayName"`
	Result                  string         `json:"result"`
	EnforcedGrantControls   []string       `json:"enforcedGrantControls"`
	EnforcedSessionControls []string       `json:"enforcedSessionControls"`
	ConditionsSatisfied     conditionsJSON `json:"conditionsSatisfied"`
	ConditionsNotSatisfied  conditionsJSON `json:"conditionsNotSatisfied"`
	AuthenticationStrength  strengthJSON   `json:"authenticationStrength"`
	extraMembers
}

// decodePolicies decodes appliedConditionalAccessPolicies (Log Analytics:
// ConditionalAccessPolicies). It returns nil when b is absent (empty, null)
// and a non-nil empty slice for [], so that the caller can tell "no policy
// list" (unknown) from "no policy applied".
func decodePolicies(b []byte) ([]Policy, error) {
	raw, err := decodeArrayPart[policyJSON](b)
	if err != nil {
		return nil, err
	}
	pols, _, err := convertPolicies(raw)
	return pols, err
}

// decodePolicyList is decodePolicies that also tells whether any policy
// carried its conditions (FieldPolicyConditions).
func decodePolicyList(b []byte) (pols []Policy, conditions bool, err error) {
	raw, err := decodeArrayPart[policyJSON](b)
	if err != nil {
		return nil, false, err
	}
	return convertPolicies(raw)
}

// convertPolicies turns decoded policies into Policies (nil for nil) and
// tells whether any policy carried its conditions (FieldPolicyConditions).
func convertPolicies(raw []policyJSON) (pols []Policy, conditions bool, err error) {
	if raw == nil {
		return nil, false, nil
	}
	pols = make([]Policy, len(raw))
	for i := range raw {
		p := &raw[i]
		if err := mergeExtra(p, &p.extraMembers); err != nil {
			return nil, false, fieldErr(fmt.Sprintf("[%d]", i), err)
		}
		if err := p.ConditionsSatisfied.check(i, "conditionsSatisfied"); err != nil {
			return nil, false, err
		}
		if err := p.ConditionsNotSatisfied.check(i, "conditionsNotSatisfied"); err != nil {
			return nil, false, err
		}
		conditions = conditions || p.ConditionsSatisfied.set || p.ConditionsNotSatisfied.set
		if p.AuthenticationStrength.bad != "" {
			return nil, false, fieldErr(fmt.Sprintf("[%d].authenticationStrength", i), badValue([]byte(p.AuthenticationStrength.bad), "an object or string"))
		}
		pols[i] = Policy{
			ID:                     p.ID,
			Name:                   p.DisplayName,
			Result:                 caResult(p.Result),
			GrantControls:          p.EnforcedGrantControls,
			SessionControls:        p.EnforcedSessionControls,
			ConditionsSatisfied:    p.ConditionsSatisfied.flags,
			ConditionsNotSatisfied: p.ConditionsNotSatisfied.flags,
			AuthenticationStrength: p.AuthenticationStrength.name,
		}
	}
	return pols, conditions, nil
}

// deviceJSON is deviceDetail.
type deviceJSON struct {
	DeviceID        string   `json:"deviceId"`
	DisplayName     string   `json:"displayName"`
	OperatingSystem string   `json:"operatingSystem"`
	Browser         string   `json:"browser"`
	IsCompliant     flexBool `json:"isCompliant"`
	IsManaged       flexBool `json:"isManaged"`
	TrustType       string   `json:"trustType"`
	extraMembers
}

// decodeDeviceDetail decodes deviceDetail into rec.Device and marks the
// device fields Known. Compliant and Managed stay nil and unknown when their
// keys are absent or null, as for an unmanaged device.
func decodeDeviceDetail(b []byte, rec *Record) error {
	d, err := decodeObjectPart[deviceJSON](b)
	if err != nil || d == nil {
		return err
	}
	return d.apply(rec)
}

// apply sets rec.Device and the Known device fields.
func (d *deviceJSON) apply(rec *Record) error {
	if err := mergeExtra(d, &d.extraMembers); err != nil {
		return err
	}
	compliant, err := d.IsCompliant.get("isCompliant")
	if err != nil {
		return err
	}
	managed, err := d.IsManaged.get("isManaged")
	if err != nil {
		return err
	}
	rec.Device = Device{
		ID:        d.DeviceID,
		Name:      d.DisplayName,
		OS:        d.OperatingSystem,
		Browser:   d.Browser,
		Compliant: compliant,
		Managed:   managed,
		TrustType: NormalizeTrustType(d.TrustType),
	}
	rec.Known = rec.Known.Add(FieldDeviceID, FieldDeviceName, FieldDeviceOS, FieldDeviceBrowser, FieldDeviceTrustType)
	if compliant != nil {
		rec.Known = rec.Known.Add(FieldDeviceCompliant)
	}
	if managed != nil {
		rec.Known = rec.Known.Add(FieldDeviceManaged)
	}
	return nil
}

// locationJSON is location (Log Analytics: LocationDetails).
type locationJSON struct {
	City            string `json:"city"`
	State           string `json:"state"`
	CountryOrRegion string `json:"countryOrRegion"`
	extraMembers
}

// decodeLocationDetails decodes location / LocationDetails into
// rec.Location and marks it Known.
func decodeLocationDetails(b []byte, rec *Record) error {
	l, err := decodeObjectPart[locationJSON](b)
	if err != nil || l == nil {
		return err
	}
	return l.apply(rec)
}

// apply sets rec.Location and marks it Known.
func (l *locationJSON) apply(rec *Record) error {
	if err := mergeExtra(l, &l.extraMembers); err != nil {
		return err
	}
	rec.Location = Location{City: l.City, State: l.State, Country: l.CountryOrRegion}
	rec.Known = rec.Known.Add(FieldLocation)
	return nil
}

// statusJSON is status.
type statusJSON struct {
	ErrorCode         flexInt `json:"errorCode"`
	FailureReason     string  `json:"failureReason"`
	AdditionalDetails string  `json:"additionalDetails"`
	extraMembers
}

// decodeStatus decodes status into rec.Status: the error code (and the
// result it implies), the failure reason and the additional details. The
// code is Known only when errorCode is present. The additional details also
// go to rec.MFA.Result, as the portal CSV's "Multifactor authentication
// result" column holds them, so that the field reads alike in every format.
func decodeStatus(b []byte, rec *Record) error {
	s, err := decodeObjectPart[statusJSON](b)
	if err != nil || s == nil {
		return err
	}
	return s.apply(rec)
}

// apply sets rec.Status (see decodeStatus).
func (s *statusJSON) apply(rec *Record) error {
	if err := mergeExtra(s, &s.extraMembers); err != nil {
		return err
	}
	code, set, err := s.ErrorCode.get("errorCode")
	if err != nil {
		return err
	}
	rec.Status.Reason = s.FailureReason
	rec.Status.Details = s.AdditionalDetails
	rec.MFA.Result = s.AdditionalDetails
	rec.Known = rec.Known.Add(FieldStatusReason, FieldStatusDetails)
	if set {
		rec.Status.Code = int(code)
		rec.Status.Result = ResultForCode(int(code))
		rec.Known = rec.Known.Add(FieldStatusCode)
	}
	return nil
}

// networkLocationJSON is one element of networkLocationDetails.
type networkLocationJSON struct {
	NetworkType  string   `json:"networkType"`
	NetworkNames []string `json:"networkNames"`
}

// decodeNetworkLocations decodes networkLocationDetails. Like
// decodePolicies it returns nil when b is absent and a non-nil slice for [].
func decodeNetworkLocations(b []byte) ([]NetworkLocation, error) {
	raw, err := decodeArrayPart[networkLocationJSON](b)
	if err != nil {
		return nil, err
	}
	return convertNetworkLocations(raw), nil
}

// convertNetworkLocations turns decoded network locations into
// NetworkLocations (nil for nil).
func convertNetworkLocations(raw []networkLocationJSON) []NetworkLocation {
	if raw == nil {
		return nil
	}
	out := make([]NetworkLocation, len(raw))
	for i, n := range raw {
		out[i] = NetworkLocation{Type: n.NetworkType, Names: n.NetworkNames}
	}
	return out
}

// authStepJSON is one element of authenticationDetails.
type authStepJSON struct {
	StepDateTime string   `json:"authenticationStepDateTime"`
	Method       string   `json:"authenticationMethod"`
	MethodDetail string   `json:"authenticationMethodDetail"`
	Succeeded    flexBool `json:"succeeded"`
	ResultDetail string   `json:"authenticationStepResultDetail"`
	Requirement  string   `json:"authenticationStepRequirement"`
	extraMembers
}

// decodeAuthDetails decodes authenticationDetails. Step times without a
// zone are UTC. Like decodePolicies it returns nil when b is absent and a
// non-nil slice for [].
func decodeAuthDetails(b []byte) ([]AuthStep, error) {
	return decodeAuthSteps(b, nil)
}

// decodeAuthSteps is decodeAuthDetails with the zone of step times that
// carry none (nil: UTC).
func decodeAuthSteps(b []byte, loc *time.Location) ([]AuthStep, error) {
	raw, err := decodeArrayPart[authStepJSON](b)
	if err != nil {
		return nil, err
	}
	return convertAuthSteps(raw, loc)
}

// convertAuthSteps turns decoded steps into AuthSteps (nil for nil); loc is
// the zone of step times that carry none (nil: UTC).
func convertAuthSteps(raw []authStepJSON, loc *time.Location) ([]AuthStep, error) {
	if raw == nil {
		return nil, nil
	}
	out := make([]AuthStep, len(raw))
	for i := range raw {
		a := &raw[i]
		if err := mergeExtra(a, &a.extraMembers); err != nil {
			return nil, fieldErr(fmt.Sprintf("[%d]", i), err)
		}
		step := AuthStep{
			Method:      a.Method,
			Detail:      a.MethodDetail,
			Result:      a.ResultDetail,
			Requirement: a.Requirement,
		}
		if a.StepDateTime != "" {
			t, err := ParseTime(a.StepDateTime, loc)
			if err != nil {
				return nil, fieldErr(fmt.Sprintf("[%d].authenticationStepDateTime", i), err)
			}
			step.Time = t
		}
		var err error
		if step.Succeeded, err = a.Succeeded.get("succeeded"); err != nil {
			return nil, fieldErr(fmt.Sprintf("[%d]", i), err)
		}
		out[i] = step
	}
	return out, nil
}

// mfaJSON is mfaDetail.
type mfaJSON struct {
	AuthMethod string `json:"authMethod"`
	AuthDetail string `json:"authDetail"`
	extraMembers
}

// decodeMFADetail decodes mfaDetail into rec.MFA (Method and Detail) and
// marks it Known.
func decodeMFADetail(b []byte, rec *Record) error {
	m, err := decodeObjectPart[mfaJSON](b)
	if err != nil || m == nil {
		return err
	}
	return m.apply(rec)
}

// apply sets rec.MFA's method and detail and marks it Known.
func (m *mfaJSON) apply(rec *Record) error {
	if err := mergeExtra(m, &m.extraMembers); err != nil {
		return err
	}
	rec.MFA.Method = m.AuthMethod
	rec.MFA.Detail = m.AuthDetail
	rec.Known = rec.Known.Add(FieldMFA)
	return nil
}

// msiJSON is managedServiceIdentity, which names the managed identity type
// of a managed identity sign-in.
type msiJSON struct {
	MSIType string `json:"msiType"`
	extraMembers
}
