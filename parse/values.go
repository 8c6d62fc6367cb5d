package parse

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file holds the value normalizers that every reader shares, so that
// the same fact reads the same whatever the format spelled it like.

// ParseTime reads a time in any form the exports and users write:
//
//   - RFC 3339 / ISO 8601 with up to 9 fractional digits and an optional
//     offset: 2025-04-11T05:18:41.8256448+00:00, 2025-12-04T08:19:41Z;
//     a space may replace the T; a time without offset is in loc;
//   - a date, or a date and minutes: 2026-11-20, 2026-11-20 10:15;
//   - Microsoft JSON dates: \/Date(1700000000000)\/, /Date(1700000000000+0100)/;
//   - US forms as Log Analytics and older exports write them:
//     9/19/2023, 1:45:17.287 PM and 3/12/2025 7:22:01 AM;
//   - culture forms of re-saved spreadsheets: 31/01/2024 10:11:12 (a slash
//     date is day first when its first number is over 12, month first when
//     its second is) and 05.01.2024 10:11:12 (day first).
//
// A slash date whose first two numbers could each be the month
// (05/11/2026 10:11) is an ErrAmbiguousTime error that gives both
// readings, except in the 12-hour US forms above, which are month first;
// ParseTimeOrder reads it in a given order. loc is the zone of times that
// carry none; nil means UTC. The result is in UTC.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	return ParseTimeOrder(s, loc, DateOrderAuto)
}

// A DateOrder says how to read a slash date whose first two numbers could
// each be the month.
type DateOrder int

// Date orders.
const (
	// DateOrderAuto reads the 12-hour US forms month first and calls other
	// ambiguous dates ambiguous.
	DateOrderAuto DateOrder = iota
	DateOrderMonthFirst
	DateOrderDayFirst
)

// DateOrders are the names ParseDateOrder takes.
var DateOrders = []string{"day-first", "month-first"}

// ParseDateOrder reads "day-first" or "month-first"; "" is DateOrderAuto.
func ParseDateOrder(s string) (DateOrder, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return DateOrderAuto, nil
	case "day-first":
		return DateOrderDayFirst, nil
	case "month-first":
		return DateOrderMonthFirst, nil
	}
	return DateOrderAuto, fmt.Errorf("%q: want day-first or month-first", s)
}

// MinTime and MaxTime bound the times signinspect reads: a day inside the
// years 1 to 9999, so that a time shown in any zone (at most 14 hours away)
// is still one that every format can write (JSON's times have four-digit
// years). A time outside them is an unreadable value: in an export, the
// record is skipped with its position.
var (
	MinTime = time.Date(1, time.January, 2, 0, 0, 0, 0, time.UTC)
	MaxTime = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)
)

// inTimeRange returns t, or an ErrBadTime error naming s when t is outside
// MinTime and MaxTime.
func inTimeRange(s string, t time.Time) (time.Time, error) {
	if t.Before(MinTime) || !t.Before(MaxTime) {
		return time.Time{}, fmt.Errorf("%w: %q is outside the times signinspect reads (0001-01-02 to 9999-12-30)", ErrBadTime, s)
	}
	return t, nil
}

// ErrAmbiguousTime is wrapped by the error of a date that reads two ways.
// It wraps ErrBadTime.
var ErrAmbiguousTime = fmt.Errorf("%w: ambiguous date", ErrBadTime)

// ParseTimeOrder is ParseTime with the order of ambiguous slash dates.
func ParseTimeOrder(s string, loc *time.Location, order DateOrder) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("%w: empty", ErrBadTime)
	}
	if t, ok := parseISOTime(s, loc); ok {
		return inTimeRange(s, t.UTC())
	}
	if t, ok := parseMSJSONDate(s); ok {
		return inTimeRange(s, t.UTC())
	}
	if t, ok, err := parseCultureTime(s, loc, order); ok || err != nil {
		if err != nil {
			return t.UTC(), err
		}
		return inTimeRange(s, t.UTC())
	}
	return time.Time{}, fmt.Errorf("%w: %q (want RFC 3339 like 2026-11-20T10:15:00Z, 2026-11-20, 2026-11-20 10:15, or 9/19/2023, 1:45:17 PM)", ErrBadTime, s)
}

// parseISOTime reads the ISO 8601 family by hand: it is on the per-record
// path of every JSON format, where time.Parse's layout matching costs more
// than the rest of the field.
func parseISOTime(s string, loc *time.Location) (time.Time, bool) {
	// yyyy-mm-dd
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	year, ok1 := atoiN(s[0:4])
	month, ok2 := atoiN(s[5:7])
	day, ok3 := atoiN(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > 31 {
		return time.Time{}, false
	}
	rest := s[10:]
	var hour, minute, sec, nsec int
	if rest != "" {
		if rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ' {
			return time.Time{}, false
		}
		rest = rest[1:]
		if len(rest) < 5 || rest[2] != ':' {
			return time.Time{}, false
		}
		var ok bool
		if hour, ok = atoiN(rest[0:2]); !ok || hour > 23 {
			return time.Time{}, false
		}
		if minute, ok = atoiN(rest[3:5]); !ok || minute > 59 {
			return time.Time{}, false
		}
		rest = rest[5:]
		if len(rest) >= 3 && rest[0] == ':' {
			if sec, ok = atoiN(rest[1:3]); !ok || sec > 60 {
				return time.Time{}, false
			}
			rest = rest[3:]
			if len(rest) > 1 && (rest[0] == '.' || rest[0] == ',') {
				i := 1
				scale := 100000000
				for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
					nsec += int(rest[i]-'0') * scale
					scale /= 10
					i++
				}
				if i == 1 {
					return time.Time{}, false
				}
				rest = rest[i:]
			}
		}
	}
	zone := loc
	switch {
	case rest == "":
	case rest == "Z" || rest == "z":
		zone = time.UTC
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':',
		len(rest) == 5 && (rest[0] == '+' || rest[0] == '-'):
		hh, ok1 := atoiN(rest[1:3])
		mm, ok2 := atoiN(rest[len(rest)-2:])
		if !ok1 || !ok2 || hh > 23 || mm > 59 {
			return time.Time{}, false
		}
		off := hh*3600 + mm*60
		if rest[0] == '-' {
			off = -off
		}
		if off == 0 {
			zone = time.UTC
		} else {
			zone = time.FixedZone("", off)
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, zone)
	if t.Day() != day { // 2025-02-30 and the like.
		return time.Time{}, false
	}
	return t, true
}

// parseMSJSONDate reads \/Date(ms)\/ and /Date(ms+hhmm)/, as Windows
// PowerShell 5.1 ConvertTo-Json writes DateTime values.
func parseMSJSONDate(s string) (time.Time, bool) {
	s = strings.ReplaceAll(s, `\/`, `/`)
	if !strings.HasPrefix(s, "/Date(") || !strings.HasSuffix(s, ")/") {
		return time.Time{}, false
	}
	body := s[len("/Date(") : len(s)-len(")/")]
	// An offset suffix (+0100) only says which zone to display; the
	// milliseconds are UTC either way.
	if i := strings.LastIndexAny(body, "+-"); i > 0 {
		body = body[:i]
	}
	ms, err := strconv.ParseInt(body, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

// cultureLayouts are the non-ISO forms, tried in order. "1/2" layouts are
// month first; parseCultureTime swaps to day first when the month cannot be
// one.
var cultureLayouts = []string{
	"1/2/2006, 3:04:05.999999999 PM",
	"1/2/2006, 3:04:05 PM",
	"1/2/2006 3:04:05.999999999 PM",
	"1/2/2006 3:04:05 PM",
	"1/2/2006 3:04 PM",
	"1/2/2006 15:04:05.999999999",
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
	"2.1.2006 15:04:05",
	"2.1.2006 15:04",
	"2.1.2006",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006/1/2",
	"2-Jan-2006 15:04:05",
	"Jan 2, 2006 3:04:05 PM",
	time.RFC1123,
	time.RFC1123Z,
}

func parseCultureTime(s string, loc *time.Location, order DateOrder) (time.Time, bool, error) {
	s = strings.Join(strings.Fields(s), " ")
	if a, b, rest, ok := slashDate(s); ok {
		monthFirst := true
		switch {
		case order == DateOrderDayFirst:
			monthFirst = false
		case order == DateOrderMonthFirst:
		case a > 12:
			monthFirst = false
		case b > 12 || a == b || twelveHour(rest):
		default:
			return time.Time{}, false, ambiguousDate(s, a, b, rest)
		}
		if !monthFirst {
			s = strconv.Itoa(b) + "/" + strconv.Itoa(a) + rest
		}
		for _, layout := range cultureLayouts {
			if strings.HasPrefix(layout, "1/2/") {
				if t, err := time.ParseInLocation(layout, s, loc); err == nil {
					return t, true, nil
				}
			}
		}
		return time.Time{}, false, nil
	}
	for _, layout := range cultureLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true, nil
		}
	}
	return time.Time{}, false, nil
}

// slashDate splits a date that starts N/N/YYYY into its first two numbers
// and the rest, from the second slash on.
func slashDate(s string) (a, b int, rest string, ok bool) {
	i := strings.IndexByte(s, '/')
	if i <= 0 || i > 2 {
		return 0, 0, "", false
	}
	j := strings.IndexByte(s[i+1:], '/')
	if j <= 0 || j > 2 {
		return 0, 0, "", false
	}
	a, ok1 := atoiN(s[:i])
	b, ok2 := atoiN(s[i+1 : i+1+j])
	rest = s[i+1+j:]
	year := strings.TrimLeft(rest, "/")
	if len(year) < 4 || !ok1 || !ok2 {
		return 0, 0, "", false
	}
	if _, ok := atoiN(year[:4]); !ok {
		return 0, 0, "", false
	}
	return a, b, rest, true
}

// twelveHour reports whether the time after a date has AM or PM: the US
// forms Log Analytics and older exports write, which are month first.
func twelveHour(rest string) bool {
	u := strings.ToUpper(rest)
	return strings.HasSuffix(u, " AM") || strings.HasSuffix(u, " PM")
}

// ambiguousDate is the error of a date that reads both ways, with both
// readings.
func ambiguousDate(s string, a, b int, rest string) error {
	year := strings.TrimLeft(rest, "/")[:4]
	reading := func(day, month int) string {
		if month < 1 || month > 12 || day < 1 {
			return "no date"
		}
		return fmt.Sprintf("%d %s %s", day, time.Month(month), year)
	}
	iso := func(day, month int) string { return fmt.Sprintf("%s-%02d-%02d", year, month, day) }
	return fmt.Errorf("%w: %q could be %s (month first) or %s (day first); write dates as ISO 8601 (%s or %s), or give the order of day and month",
		ErrAmbiguousTime, s, reading(b, a), reading(a, b), iso(b, a), iso(a, b))
}

// atoiN reads a short run of ASCII digits.
func atoiN(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// ParseBool reads the booleans of every format: true/false in any case,
// Yes/No, 1/0, and TRUE/FALSE as spreadsheet programs translate them (WAHR,
// FAUX, ...). The empty string and null are unknown (nil, no error).
func ParseBool(s string) (*bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "null", "none", "n/a":
		return nil, nil
	case "true", "yes", "1", "y":
		return boolPtr(true), nil
	case "false", "no", "0", "n":
		return boolPtr(false), nil
	// A spreadsheet program that re-saves a CSV writes the booleans it
	// recognised in the user's language (German Excel: WAHR/FALSCH).
	case "wahr", "vrai", "verdadero", "verdadeiro", "vero", "waar":
		return boolPtr(true), nil
	case "falsch", "faux", "falso", "onwaar":
		return boolPtr(false), nil
	}
	return nil, fmt.Errorf("%w: %q is not a boolean (want true/false or yes/no)", ErrBadValue, s)
}

var (
	trueValue  = true
	falseValue = false
)

// boolPtr returns a pointer to a shared true or false, so that decoding a
// boolean does not allocate. Callers must not write through it.
func boolPtr(b bool) *bool {
	if b {
		return &trueValue
	}
	return &falseValue
}

// BoolPtr returns a shared, read-only pointer to b.
func BoolPtr(b bool) *bool { return boolPtr(b) }

// normKey folds a name for comparison: trimmed, inner whitespace collapsed,
// and lower case, with spaces, dashes and underscores removed. "Not
// Applied", "notApplied" and "not_applied" fold alike.
func normKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		switch r {
		case ' ', '\t', '-', '_', '\u00a0':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// caValues maps folded spellings of Conditional Access results to Graph's.
var caValues = func() map[string]string {
	m := map[string]string{"disabled": CANotEnabled, "reportonlyfail": CAReportOnlyFailure}
	for _, v := range []string{CASuccess, CAFailure, CANotApplied, CANotEnabled,
		CAReportOnlySuccess, CAReportOnlyFailure, CAReportOnlyNotApplied,
		CAReportOnlyInterrupted, CAUnknown, CAUnknownFutureValue} {
		m[normKey(v)] = v
	}
	return m
}()

// NormalizeCAResult returns the Graph enum spelling of a Conditional Access
// status or policy result ("Not Applied" → "notApplied", "Failure" →
// "failure"). Values it does not know are returned trimmed, as written.
func NormalizeCAResult(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if v, ok := caValues[normKey(s)]; ok {
		return v
	}
	return s
}

// NormalizeTrustType maps the wordings of a device's join type to the Trust
// constants ("Azure AD joined" and "Microsoft Entra joined" →
// TrustEntraJoined; "Hybrid Azure AD joined" → TrustEntraHybridJoined;
// "Azure AD registered", "Workplace" → TrustEntraRegistered; the Graph
// values AzureAd, ServerAd, Workplace too). Other values are returned
// trimmed.
func NormalizeTrustType(s string) string {
	s = strings.TrimSpace(s)
	k := normKey(s)
	switch {
	case k == "":
		return ""
	case strings.Contains(k, "hybrid") || k == "serverad" || k == "domainjoined":
		return TrustEntraHybridJoined
	case strings.Contains(k, "registered") || k == "workplace":
		return TrustEntraRegistered
	case strings.Contains(k, "joined") || k == "azuread":
		return TrustEntraJoined
	}
	return s
}

// NormalizeAuthRequirement maps "Single-factor authentication" and
// "singleFactorAuthentication" to AuthSingleFactor, and the multifactor
// forms to AuthMultiFactor.
func NormalizeAuthRequirement(s string) string {
	s = strings.TrimSpace(s)
	switch k := normKey(s); {
	case k == "":
		return ""
	case strings.HasPrefix(k, "single"):
		return AuthSingleFactor
	case strings.HasPrefix(k, "multi"):
		return AuthMultiFactor
	}
	return s
}

// NormalizeTokenType maps a token type to Graph's camelCase spelling
// ("Primary Refresh Token" → "primaryRefreshToken", "None" → "none").
func NormalizeTokenType(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '-' })
	if len(words) == 1 {
		w := words[0]
		return strings.ToLower(w[:1]) + w[1:]
	}
	var b strings.Builder
	for i, w := range words {
		if i == 0 {
			b.WriteString(strings.ToLower(w))
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]))
		b.WriteString(strings.ToLower(w[1:]))
	}
	return b.String()
}

// NormalizeStatusResult maps a status word ("Success", "Failure",
// "Interrupted", "SUCCESS", "0") to a Result constant. An empty word gives
// "" (the caller derives the result from the error code).
func NormalizeStatusResult(s string) string {
	switch k := normKey(s); k {
	case "":
		return ""
	case "success", "succeeded", "0":
		return ResultSuccess
	case "interrupted", "interrupt":
		return ResultInterrupted
	default:
		return ResultFailure
	}
}

// ResultForCode returns the Result constant for an error code when the
// export gives no result word: success for 0, failure otherwise.
func ResultForCode(code int) string {
	if code == 0 {
		return ResultSuccess
	}
	return ResultFailure
}

// FlowFromEventTypes returns the flow named by Graph signInEventTypes
// (interactiveUser, nonInteractiveUser, servicePrincipal, managedIdentity),
// or "" when none is known.
func FlowFromEventTypes(types []string) string {
	for _, t := range types {
		switch normKey(t) {
		case "interactiveuser", "interactive":
			return FlowInteractive
		case "noninteractiveuser", "noninteractive":
			return FlowNonInteractive
		case "serviceprincipal":
			return FlowServicePrincipal
		case "managedidentity":
			return FlowManagedIdentity
		}
	}
	return ""
}

// FlowFromCategory returns the flow of a diagnostic-settings category or Log
// Analytics table name (SignInLogs / SigninLogs, NonInteractiveUserSignInLogs
// / AADNonInteractiveUserSignInLogs, ServicePrincipalSignInLogs,
// ManagedIdentitySignInLogs), or "".
func FlowFromCategory(category string) string {
	k := normKey(category)
	k = strings.TrimPrefix(k, "aad")
	switch k {
	case "signinlogs", "usersigninlogs":
		return FlowInteractive
	case "noninteractiveusersigninlogs":
		return FlowNonInteractive
	case "serviceprincipalsigninlogs", "microsoftserviceprincipalsigninlogs":
		return FlowServicePrincipal
	case "managedidentitysigninlogs":
		return FlowManagedIdentity
	}
	return ""
}

// FlowFromFileName returns the flow that an Entra portal download's default
// file name gives (InteractiveSignIns_…, NonInteractiveSignIns_…,
// ApplicationSignIns_…, MSISignIns_…), or "". Only the last path element is
// looked at, case-insensitively.
func FlowFromFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\!`); i >= 0 {
		name = name[i+1:]
	}
	k := strings.ToLower(name)
	switch {
	case strings.HasPrefix(k, "noninteractivesignins"):
		return FlowNonInteractive
	case strings.HasPrefix(k, "interactivesignins"):
		return FlowInteractive
	case strings.HasPrefix(k, "applicationsignins"), strings.HasPrefix(k, "serviceprincipalsignins"):
		return FlowServicePrincipal
	case strings.HasPrefix(k, "msisignins"), strings.HasPrefix(k, "managedidentitysignins"):
		return FlowManagedIdentity
	}
	return ""
}

// conditionFlags is Graph's conditionalAccessConditions flags enum in bit
// order. Diagnostic archives write these conditions as integers; Microsoft
// does not document the bit order, so signinspect assumes Graph's.
var conditionFlags = []string{
	"application", "users", "devicePlatform", "location", "clientType",
	"signInRisk", "userRisk", "time", "deviceState", "client",
	"ipAddressSeenByAzureAD", "ipAddressSeenByResourceProvider",
	"unknownFutureValue", "servicePrincipals", "servicePrincipalRisk",
}

// ConditionFlags decodes an integer conditionsSatisfied bitmask into Graph
// flag names. 0 gives nil ("none").
func ConditionFlags(mask int64) []string {
	var out []string
	for i, name := range conditionFlags {
		if mask&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	if rest := mask &^ (1<<len(conditionFlags) - 1); rest != 0 {
		out = append(out, fmt.Sprintf("unknown(%d)", rest))
	}
	return out
}

// SplitConditions reads Graph's string form of the conditions flags
// ("application,users", "none") into names; "none" and "" give nil.
func SplitConditions(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" || strings.EqualFold(p, "none") {
			continue
		}
		out = append(out, p)
	}
	return out
}

// ParseLocation splits a portal CSV location, "City, State, CC", into its
// parts. Parts may be empty; a single part is taken as the country when it
// is two letters long, as the city otherwise.
func ParseLocation(s string) Location {
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	switch len(parts) {
	case 0:
		return Location{}
	case 1:
		if len(parts[0]) == 2 {
			return Location{Country: parts[0]}
		}
		return Location{City: parts[0]}
	case 2:
		return Location{City: parts[0], Country: parts[1]}
	default:
		n := len(parts)
		// A city name holding a comma keeps it: the last two parts are
		// state and country.
		return Location{City: strings.Join(parts[:n-2], ", "), State: parts[n-2], Country: parts[n-1]}
	}
}

// ParseInt reads an integer field that may be written as a number or as a
// string ("0", "4", "AS8075"); the empty string is 0 with ok false.
func ParseInt(s string) (n int, ok bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, nil
	}
	t := strings.TrimPrefix(strings.TrimPrefix(s, "AS"), "as")
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%w: %q is not a number", ErrBadValue, s)
	}
	return int(v), true, nil
}
