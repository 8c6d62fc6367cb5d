package parse

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	tests := []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"2025-12-04T08:19:41Z", nil, utc("2025-12-04T08:19:41Z")},
		{"2025-04-11T05:18:41.8256448+00:00", nil, utc("2025-04-11T05:18:41.8256448Z")},
		{"2025-04-11T05:18:41.1234567-05:00", nil, utc("2025-04-11T10:18:41.1234567Z")},
		{"2025-04-11T05:18:41+0530", nil, utc("2025-04-10T23:48:41Z")},
		{"2025-04-11 05:18:41", nil, utc("2025-04-11T05:18:41Z")},
		{"2025-04-11 05:18:41", berlin, utc("2025-04-11T03:18:41Z")},
		{"2026-11-20", nil, utc("2026-11-20T00:00:00Z")},
		{"2026-11-20 10:15", nil, utc("2026-11-20T10:15:00Z")},
		{"2026-11-20T10:15", berlin, utc("2026-11-20T09:15:00Z")},
		{`\/Date(1700000000000)\/`, nil, utc("2023-11-14T22:13:20Z")},
		{"/Date(1700000000123+0100)/", nil, utc("2023-11-14T22:13:20.123Z")},
		{"9/19/2023, 1:45:17.287 PM", nil, utc("2023-09-19T13:45:17.287Z")},
		{"9/19/2023, 1:45:17 AM", nil, utc("2023-09-19T01:45:17Z")},
		{"3/12/2025 7:22:01 AM", nil, utc("2025-03-12T07:22:01Z")},
		{"12/13/2024 10:11:12", nil, utc("2024-12-13T10:11:12Z")},
		{"05/05/2024 10:11", nil, utc("2024-05-05T10:11:00Z")},
		{"31/01/2024 10:11:12", nil, utc("2024-01-31T10:11:12Z")},
		{"05.01.2024 10:11:12", nil, utc("2024-01-05T10:11:12Z")},
		{"20.11.2026 10:15", nil, utc("2026-11-20T10:15:00Z")},
		{"  2025-12-04T08:19:41Z ", nil, utc("2025-12-04T08:19:41Z")},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in, tt.loc)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, want %v in UTC", tt.in, got, tt.want)
		}
	}
}

// TestAmbiguousDates checks that a slash date whose first two numbers could
// each be the month is an error that shows both readings, unless the order
// is given or the form is the US 12-hour one.
func TestAmbiguousDates(t *testing.T) {
	_, err := ParseTime("05/11/2026 08:19", nil)
	want := `unreadable time: ambiguous date: "05/11/2026 08:19" could be 11 May 2026 (month first) or 5 November 2026 (day first); write dates as ISO 8601 (2026-05-11 or 2026-11-05), or give the order of day and month`
	if !errors.Is(err, ErrAmbiguousTime) || !errors.Is(err, ErrBadTime) || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
	for _, c := range []struct {
		in    string
		order DateOrder
		want  string
	}{
		{"05/11/2026 08:19", DateOrderDayFirst, "2026-11-05T08:19:00Z"},
		{"05/11/2026 08:19", DateOrderMonthFirst, "2026-05-11T08:19:00Z"},
		{"05/11/2026", DateOrderDayFirst, "2026-11-05T00:00:00Z"},
		{"5/11/2026, 1:45:17 PM", DateOrderAuto, "2026-05-11T13:45:17Z"},
		{"5/11/2026, 1:45:17 PM", DateOrderDayFirst, "2026-11-05T13:45:17Z"},
		{"20/11/2026 08:19", DateOrderAuto, "2026-11-20T08:19:00Z"},
		{"11/20/2026 08:19", DateOrderAuto, "2026-11-20T08:19:00Z"},
		{"2026-05-11 08:19", DateOrderDayFirst, "2026-05-11T08:19:00Z"},
	} {
		got, err := ParseTimeOrder(c.in, nil, c.order)
		if err != nil || got.Format(time.RFC3339) != c.want {
			t.Errorf("ParseTimeOrder(%q, %d) = %v, %v; want %s", c.in, c.order, got, err, c.want)
		}
	}
	if _, err := ParseTimeOrder("20/11/2026 08:19", nil, DateOrderMonthFirst); !errors.Is(err, ErrBadTime) {
		t.Errorf("a day-first date read month first: %v", err)
	}
	for s, want := range map[string]DateOrder{"": DateOrderAuto, "day-first": DateOrderDayFirst, "Month-First": DateOrderMonthFirst} {
		if got, err := ParseDateOrder(s); err != nil || got != want {
			t.Errorf("ParseDateOrder(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseDateOrder("dmy"); err == nil || err.Error() != `"dmy": want day-first or month-first` {
		t.Errorf("ParseDateOrder(dmy) = %v", err)
	}
}

func TestParseTimeErrors(t *testing.T) {
	for _, in := range []string{"", "yesterday", "2025-13-01", "2025-02-30T00:00:00Z", "2025-04-11T25:00:00Z",
		"2025-04-11T05:18:41+99:00", "2025-04-11T05:18:41.Z", "/Date(abc)/", "13/13/2024 10:00:00"} {
		_, err := ParseTime(in, nil)
		if !errors.Is(err, ErrBadTime) {
			t.Errorf("ParseTime(%q) error = %v, want ErrBadTime", in, err)
		}
	}
}

// TestParseTimeRange checks the bounds of the times read: the first and
// last day a zone can shift across a year boundary are refused, with the
// value and the range, in every written form.
func TestParseTimeRange(t *testing.T) {
	for _, in := range []string{"0000-01-01T00:00:00Z", "0001-01-01T23:59:59Z", "9999-12-31T00:00:00Z", "9999-12-31",
		"/Date(253402300799000)/", "/Date(-62135596800000)/", "12/31/9999 11:00:00 PM", "1/1/0001 12:00:00 AM"} {
		_, err := ParseTime(in, nil)
		if !errors.Is(err, ErrBadTime) || !strings.Contains(err.Error(), "is outside the times signinspect reads (0001-01-02 to 9999-12-30)") {
			t.Errorf("ParseTime(%q) error = %v, want the range", in, err)
		}
	}
	for _, in := range []string{"0001-01-02T00:00:00Z", "9999-12-30T23:59:59Z", "1969-12-31T23:59:59Z"} {
		if _, err := ParseTime(in, nil); err != nil {
			t.Errorf("ParseTime(%q): %v", in, err)
		}
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]*bool{
		"True": BoolPtr(true), "TRUE": BoolPtr(true), "yes": BoolPtr(true), "1": BoolPtr(true),
		"False": BoolPtr(false), "No": BoolPtr(false), "0": BoolPtr(false),
		"": nil, "null": nil, " ": nil,
	} {
		got, err := ParseBool(in)
		if err != nil {
			t.Errorf("ParseBool(%q): %v", in, err)
			continue
		}
		if (got == nil) != (want == nil) || got != nil && *got != *want {
			t.Errorf("ParseBool(%q) = %v, want %v", in, got, want)
		}
	}
	if _, err := ParseBool("maybe"); !errors.Is(err, ErrBadValue) {
		t.Errorf("ParseBool(maybe) error = %v, want ErrBadValue", err)
	}
}

func TestNormalizers(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"ca", NormalizeCAResult, "Not Applied", CANotApplied},
		{"ca", NormalizeCAResult, "notApplied", CANotApplied},
		{"ca", NormalizeCAResult, "Failure", CAFailure},
		{"ca", NormalizeCAResult, "reportOnlyFailure", CAReportOnlyFailure},
		{"ca", NormalizeCAResult, "Report-only: Failure", "Report-only: Failure"},
		{"ca", NormalizeCAResult, "", ""},
		{"trust", NormalizeTrustType, "Azure AD joined", TrustEntraJoined},
		{"trust", NormalizeTrustType, "Microsoft Entra joined", TrustEntraJoined},
		{"trust", NormalizeTrustType, "Hybrid Azure AD joined", TrustEntraHybridJoined},
		{"trust", NormalizeTrustType, "Microsoft Entra hybrid joined", TrustEntraHybridJoined},
		{"trust", NormalizeTrustType, "Azure AD registered", TrustEntraRegistered},
		{"trust", NormalizeTrustType, "Workplace", TrustEntraRegistered},
		{"trust", NormalizeTrustType, "AzureAd", TrustEntraJoined},
		{"trust", NormalizeTrustType, "", ""},
		{"auth", NormalizeAuthRequirement, "Single-factor authentication", AuthSingleFactor},
		{"auth", NormalizeAuthRequirement, "multiFactorAuthentication", AuthMultiFactor},
		{"token", NormalizeTokenType, "Primary Refresh Token", "primaryRefreshToken"},
		{"token", NormalizeTokenType, "None", "none"},
		{"token", NormalizeTokenType, "primaryRefreshToken", "primaryRefreshToken"},
		{"status", NormalizeStatusResult, "Success", ResultSuccess},
		{"status", NormalizeStatusResult, "SUCCESS", ResultSuccess},
		{"status", NormalizeStatusResult, "Failure", ResultFailure},
		{"status", NormalizeStatusResult, "Interrupted", ResultInterrupted},
		{"status", NormalizeStatusResult, "", ""},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestFlows(t *testing.T) {
	if got := FlowFromEventTypes([]string{"nonInteractiveUser"}); got != FlowNonInteractive {
		t.Errorf("FlowFromEventTypes = %q", got)
	}
	if got := FlowFromEventTypes(nil); got != "" {
		t.Errorf("FlowFromEventTypes(nil) = %q", got)
	}
	for in, want := range map[string]string{
		"SignInLogs": FlowInteractive, "SigninLogs": FlowInteractive,
		"NonInteractiveUserSignInLogs": FlowNonInteractive, "AADNonInteractiveUserSignInLogs": FlowNonInteractive,
		"ServicePrincipalSignInLogs": FlowServicePrincipal, "AADServicePrincipalSignInLogs": FlowServicePrincipal,
		"ManagedIdentitySignInLogs": FlowManagedIdentity, "AADManagedIdentitySignInLogs": FlowManagedIdentity,
		"AuditLogs": "",
	} {
		if got := FlowFromCategory(in); got != want {
			t.Errorf("FlowFromCategory(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"NonInteractiveSignIns_2026-11-01_2026-11-20.csv":             FlowNonInteractive,
		"dl/x_1_1.zip!x/InteractiveSignIns_2026-11-01_2026-11-20.csv": FlowInteractive,
		`C:\dl\ApplicationSignIns_2026.csv`:                           FlowServicePrincipal,
		"MSISignIns_2026.csv":                                         FlowManagedIdentity,
		"signins.csv":                                                 "",
		"NonInteractiveSignIns_AuthDetails_2026.csv":                  FlowNonInteractive,
	} {
		if got := FlowFromFileName(in); got != want {
			t.Errorf("FlowFromFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConditionFlags(t *testing.T) {
	tests := []struct {
		mask int64
		want []string
	}{
		{0, nil},
		{1, []string{"application"}},
		{3, []string{"application", "users"}},
		{19, []string{"application", "users", "clientType"}},
		{8, []string{"location"}},
		{1 << 20, []string{"unknown(1048576)"}},
	}
	for _, tt := range tests {
		if got := ConditionFlags(tt.mask); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ConditionFlags(%d) = %v, want %v", tt.mask, got, tt.want)
		}
	}
	if got := SplitConditions("application, users"); !reflect.DeepEqual(got, []string{"application", "users"}) {
		t.Errorf("SplitConditions = %v", got)
	}
	if got := SplitConditions("none"); got != nil {
		t.Errorf("SplitConditions(none) = %v", got)
	}
}

func TestParseLocation(t *testing.T) {
	for in, want := range map[string]Location{
		"Melbourne, Victoria, AU":        {City: "Melbourne", State: "Victoria", Country: "AU"},
		", , US":                         {Country: "US"},
		"Frankfurt am Main, Hessen, DE":  {City: "Frankfurt am Main", State: "Hessen", Country: "DE"},
		"Washington, D.C., District, US": {City: "Washington, D.C.", State: "District", Country: "US"},
		"GB":                             {Country: "GB"},
		"":                               {},
	} {
		if got := ParseLocation(in); got != want {
			t.Errorf("ParseLocation(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestParseInt(t *testing.T) {
	if n, ok, err := ParseInt("AS8075"); n != 8075 || !ok || err != nil {
		t.Errorf("ParseInt(AS8075) = %d, %v, %v", n, ok, err)
	}
	if n, ok, err := ParseInt(""); n != 0 || ok || err != nil {
		t.Errorf("ParseInt(\"\") = %d, %v, %v", n, ok, err)
	}
	if _, _, err := ParseInt("x1"); !errors.Is(err, ErrBadValue) {
		t.Errorf("ParseInt(x1) error = %v", err)
	}
}

func TestFieldSet(t *testing.T) {
	s := FieldSet(0).Add(FieldPolicies, FieldIP)
	if !s.Has(FieldPolicies) || !s.Has(FieldIP) || s.Has(FieldTime) {
		t.Errorf("FieldSet %b", s)
	}
	if got := s.Remove(FieldIP); got.Has(FieldIP) {
		t.Error("Remove kept FieldIP")
	}
	for _, f := range Fields() {
		g, ok := FieldByName(f.String())
		if !ok || g != f {
			t.Errorf("FieldByName(%q) = %v, %v", f.String(), g, ok)
		}
	}
	if _, ok := FieldByName("device.compliant"); !ok {
		t.Error("FieldByName is not case-insensitive")
	}
	if got := s.Missing(FieldSet(0).Add(FieldTime, FieldIP)); !reflect.DeepEqual(got, []Field{FieldTime}) {
		t.Errorf("Missing = %v", got)
	}
}
