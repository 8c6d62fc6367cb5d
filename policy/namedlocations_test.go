package policy

import (
	"bytes"
	"compress/gzip"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/signinspect/signinspect/parse"
)

func TestLoadNamedLocationsGraph(t *testing.T) {
	locs, err := LoadNamedLocations("testdata/graph.json", parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != 3 {
		t.Fatalf("%d locations, want 3", len(locs))
	}
	corp, vpn, countries := locs[0], locs[1], locs[2]
	if corp.Name != "Corporate egress" || corp.ID != "c8b6a51e-0c1b-4f8e-9d5f-3b2a7c4e6d10" || corp.Kind != LocationIP || !corp.Trusted ||
		len(corp.Ranges) != 2 || corp.Ranges[1] != netip.MustParsePrefix("192.0.2.0/26") {
		t.Errorf("corporate egress = %+v", corp)
	}
	if vpn.Trusted || len(vpn.Ranges) != 2 || !vpn.Ranges[1].Addr().Is6() {
		t.Errorf("contractor VPN = %+v", vpn)
	}
	if countries.Kind != LocationCountry || strings.Join(countries.Countries, ",") != "US,GB,NL,DE" ||
		countries.CountryLookupMethod != "clientIpAddress" || countries.IncludeUnknownCountries {
		t.Errorf("countries = %+v", countries)
	}
}

func TestNamedLocationShapes(t *testing.T) {
	graph, err := os.ReadFile("testdata/graph.json")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := os.ReadFile("testdata/powershell.json")
	if err != nil {
		t.Fatal(err)
	}
	single := `{"@odata.type": "#microsoft.graph.ipNamedLocation", "displayName": "One", "isTrusted": true,
		"ipRanges": [{"cidrAddress": "203.0.113.0/24"}, "2001:db8::/32"]}`
	utf16le := func(s string) []byte {
		b := []byte{0xFF, 0xFE}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	utf16be := func(s string) []byte {
		b := []byte{0xFE, 0xFF}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u>>8), byte(u))
		}
		return b
	}
	gzipped := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(b)
		_ = zw.Close()
		return buf.Bytes()
	}
	tests := []struct {
		name    string
		data    []byte
		want    int // Locations.
		trusted string
	}{
		{"graph page", graph, 3, "Corporate egress"},
		{"bare array", []byte(`[` + single + `]`), 1, "One"},
		{"single object", []byte(single), 1, "One"},
		{"PowerShell PascalCase with AdditionalProperties", ps, 2, "Corporate egress"},
		{"UTF-8 byte order mark", append([]byte{0xEF, 0xBB, 0xBF}, single...), 1, "One"},
		{"UTF-16 with a byte order mark", utf16le(single), 1, "One"},
		{"UTF-16 big-endian with a byte order mark", utf16be(single), 1, "One"},
		{"UTF-16 without a byte order mark", utf16le(single)[2:], 1, "One"},
		{"CRLF line ends", []byte(strings.ReplaceAll(string(graph), "\n", "\r\n")), 3, "Corporate egress"},
		{"gzip-compressed", gzipped(graph), 3, "Corporate egress"},
		{"gzip-compressed UTF-16", gzipped(utf16le(single)), 1, "One"},
		{"keys in any case", []byte(`{"VALUE": [{"DisplayName": "Up", "ISTRUSTED": true, "IPRANGES": [{"CIDRADDRESS": "10.0.0.0/8"}]}]}`), 1, "Up"},
		{"empty page", []byte(`{"value": []}`), 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			locs, err := ParseNamedLocations(tt.name, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if len(locs) != tt.want {
				t.Fatalf("%d locations, want %d: %+v", len(locs), tt.want, locs)
			}
			idx := NewLocations(locs, nil)
			var probe string
			switch tt.trusted {
			case "Corporate egress":
				probe = "203.0.113.5"
			case "One":
				probe = "2001:db8::1"
			case "Up":
				probe = "10.1.2.3"
			}
			if got := idx.Trusted(probe); got != tt.trusted {
				t.Errorf("trusted(%q) = %q, want %q", probe, got, tt.trusted)
			}
		})
	}
}

func TestNamedLocationErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"not JSON", `ipRanges: 10.0.0.0/8`, `not JSON:1: not valid JSON: invalid character 'i' looking for beginning of value`},
		{"truncated", "{\"value\": [\n", `truncated:2: not valid JSON: unexpected end of JSON`},
		{"two empty objects", `{} {}`, `two empty objects: holds no named location: it is an empty object`},
		{"a number", `42`, `a number: holds no named location: it is a number, not a JSON object`},
		{"value not a list", `{"value": {}}`, `value not a list: holds no named location: it is an object whose value is an object, not an array`},
		{"element not an object", `{"value": ["x"]}`, `element not an object: holds no named location: it is a list of strings, not of objects`},
		{"bad range", "{\"value\": [{\"displayName\": \"A\", \"ipRanges\": [\n  {\"cidrAddress\": \"10.0.0.0/8\"},\n  {\"cidrAddress\": \"10.0.0.0/33\"}]}]}",
			`bad range:3: value[0].ipRanges[1].cidrAddress: "10.0.0.0/33" is not a CIDR range`},
		{"range without CIDR", `[{"displayName": "A", "ipRanges": [{"lowerAddress": "10.0.0.1", "upperAddress": "10.0.0.9"}]}]`,
			`range without CIDR:1: [0].ipRanges[0]: no cidrAddress (ranges given as lowerAddress/upperAddress are not supported; export them as CIDR)`},
		{"a sign-in", `[{"displayName": "Sign-in", "status": {"errorCode": 0}}]`,
			`a sign-in: holds no named location: it is objects with the keys displayName, status`},
		{"a policy", `{"value": [{"displayName": "CA001", "conditions": {}}]}`,
			`a policy: holds no named location: it is a Conditional Access policy export; pass it with --policies`},
		{"isTrusted not a boolean", `[{"displayName": "A", "isTrusted": "yes", "ipRanges": []}]`, `isTrusted not a boolean:1: [0].isTrusted: want true or false, got a string`},
		{"two bad elements", "[{\"ipRanges\": 5},\n {\"countriesAndRegions\": [1]}]",
			"two bad elements:1: [0].ipRanges: want an array, got a number\ntwo bad elements:2: [1].countriesAndRegions[0]: want a string, got a number"},
		{"a list mixing kinds", "[{\"ipRanges\": []},\n {\"userPrincipalName\": \"a@b\"}]",
			`a list mixing kinds:2: [1]: neither a Conditional Access policy nor a named location: objects with the keys userPrincipalName`},
		{"PowerShell cut at its depth", `{"DisplayName": "A", "AdditionalProperties": {"@odata.type": "#microsoft.graph.ipNamedLocation", "ipRanges": "System.Object[]"}}`,
			`PowerShell cut at its depth:1: AdditionalProperties.ipRanges: want an array, got the type name "System.Object[]": ConvertTo-Json stopped at its -Depth; export again with ConvertTo-Json -Depth 10`},
		{"UTF-16 with a stray byte", "\xff\xfe\xfd", `UTF-16 with a stray byte:1: not valid JSON: invalid character 'ï' looking for beginning of value`},
		{"not UTF-8", "{\"value\": [\xfd]}", `not UTF-8: not UTF-8 or UTF-16 text`},
		{"nested too deep", strings.Repeat("[", 600) + strings.Repeat("]", 600), `nested too deep:1: nested more than 512 levels deep`},
		{"empty", "  \n", `empty: the file is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNamedLocations(tt.name, []byte(tt.data))
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s", err, tt.want)
			}
		})
	}
	if _, err := LoadNamedLocations("testdata/missing.json", parse.Options{}); err == nil {
		t.Error("no error for a missing file")
	}
}

// TestLoadNamedLocationsInputs checks that --named-locations opens what
// the sign-in readers open: a gzip-compressed file, standard input, and a
// folder (every file in it).
func TestLoadNamedLocationsInputs(t *testing.T) {
	graph, err := os.ReadFile("testdata/graph.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(graph)
	_ = zw.Close()
	folder := filepath.Join(dir, "folder")
	for _, name := range []string{"graph.json", "powershell.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(folder, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(folder, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gz := filepath.Join(dir, "named-locations.json.gz")
	if err := os.WriteFile(gz, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		opts       parse.Options
		want       int
	}{
		{"gzip file", gz, parse.Options{}, 3},
		{"standard input", "-", parse.Options{Stdin: bytes.NewReader(graph)}, 3},
		// The two files hold the same locations (by ID): each counts once.
		{"folder", folder, parse.Options{}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			locs, err := LoadNamedLocations(c.path, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(locs) != c.want {
				t.Errorf("%d locations, want %d", len(locs), c.want)
			}
		})
	}
}

func TestParseTrustedIP(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.0/24":         "203.0.113.0/24",
		" 203.0.113.7 ":          "203.0.113.7/32",
		"2001:db8::/48":          "2001:db8::/48",
		"2001:db8::1":            "2001:db8::1/128",
		"::ffff:203.0.113.0/120": "::ffff:203.0.113.0/120",
	} {
		p, err := ParseTrustedIP(in)
		if err != nil || p.String() != want {
			t.Errorf("ParseTrustedIP(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	for _, bad := range []string{"", "10.0.0.0/33", "example.com", "10.0.0.0/8/8"} {
		if _, err := ParseTrustedIP(bad); err == nil || !strings.Contains(err.Error(), "is not an IP address or CIDR range") {
			t.Errorf("ParseTrustedIP(%q) error = %v", bad, err)
		}
	}
}
