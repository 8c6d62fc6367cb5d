package redact

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/internal/fuzzseed"
)

// rewriteJSON runs the JSON rewriter over in.
func rewriteJSON(t testing.TB, r *Redactor, in string) (string, []string, error) {
	t.Helper()
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	rw := newJSONRewriter(r, bufio.NewReader(strings.NewReader(in)), w)
	err := rw.run()
	w.Flush()
	return out.String(), rw.notes, err
}

func TestJSONRewriterKeepsEverythingElse(t *testing.T) {
	r := testRedactor(t, Options{})
	p := r.p
	upn, name := p.UPN("svc-build@contoso.com"), p.Name("Build Service")
	ip := must(p.IP("198.51.100.23"))
	tests := []struct{ name, in, want string }{
		{"pretty, CRLF, BOM-less, escapes kept",
			"[\r\n  {\r\n    \"userPrincipalName\" : \"svc-build@contoso.com\",\r\n    \"appDisplayName\": \"Azure DevOps \\u0027x\\u0027\",\r\n    \"ipAddress\":\"198.51.100.23\", \"n\": 1.50e3, \"b\": true, \"z\": null\r\n  }\r\n]\r\n",
			"[\r\n  {\r\n    \"userPrincipalName\" : \"" + upn + "\",\r\n    \"appDisplayName\": \"Azure DevOps \\u0027x\\u0027\",\r\n    \"ipAddress\":\"" + ip + "\", \"n\": 1.50e3, \"b\": true, \"z\": null\r\n  }\r\n]\r\n"},
		{"PascalCase keys and nested device",
			`{"UserDisplayName":"Build Service","DeviceDetail":{"DisplayName":"CONTOSO-LT-0457","DeviceId":"{PII Removed}","Browser":"Rich Client 4.66.1.0"},"AppliedConditionalAccessPolicies":[{"DisplayName":"CA001 - Azure DevOps","Id":"6c6fe338-a1db-4bbc-b984-0054d8199eb6"}]}`,
			`{"UserDisplayName":"` + name + `","DeviceDetail":{"DisplayName":"` + p.DeviceName("CONTOSO-LT-0457") + `","DeviceId":"{PII Removed}","Browser":"Rich Client 4.66.1.0"},"AppliedConditionalAccessPolicies":[{"DisplayName":"CA001 - Azure DevOps","Id":"6c6fe338-a1db-4bbc-b984-0054d8199eb6"}]}`},
		{"free text keeps its escapes around the replacement",
			`{"status":{"failureReason":"Account \u0027svc-build@contoso.com\u0027\nblocked from 198.51.100.23 \ud83d\ude00"}}`,
			`{"status":{"failureReason":"Account \u0027` + upn + `\u0027\nblocked from ` + ip + ` \ud83d\ude00"}}`},
		{"JSON held in a string",
			`{"DeviceDetail":"{\"deviceId\":\"33e855ca-6f44-4da5-9f99-fc6d0069f77b\",\"displayName\":\"CONTOSO-LT-0457\"}","LocationDetails":"{\"city\":\"Seattle\"}"}`,
			`{"DeviceDetail":"{\"deviceId\":\"` + p.ID("33e855ca-6f44-4da5-9f99-fc6d0069f77b") + `\",\"displayName\":\"` + p.DeviceName("CONTOSO-LT-0457") + `\"}","LocationDetails":"{\"city\":\"Seattle\"}"}`},
		{"NDJSON behind a syslog prefix",
			"2025-02-02T00:27:59+08:00 HOST {\"callerIpAddress\":\"198.51.100.23\"}\n2025-02-02T00:28:00+08:00 HOST {\"identity\":\"Build Service\"}\n",
			"2025-02-02T00:27:59+08:00 HOST {\"callerIpAddress\":\"" + ip + "\"}\n2025-02-02T00:28:00+08:00 HOST {\"identity\":\"" + name + "\"}\n"},
		{"envelope and concatenated arrays",
			`{"@odata.context":"x","value":[{"userId":"1fe161c6-f484-4b44-af3a-fdd3a009be31"}],"@odata.nextLink":"https://graph/?$skiptoken=1"}[{"tenantId":"a3a7050e-2165-4cc5-a481-bc4b259397d5"}] [ ]`,
			`{"@odata.context":"x","value":[{"userId":"` + p.ID("1fe161c6-f484-4b44-af3a-fdd3a009be31") + `"}],"@odata.nextLink":"https://graph/?$skiptoken=1"}[{"tenantId":"` + p.ID("a3a7050e-2165-4cc5-a481-bc4b259397d5") + `"}] [ ]`},
		{"named locations",
			`{"value":[{"displayName":"Corporate egress","ipRanges":[{"cidrAddress":"203.0.113.0/24"},{"cidrAddress":"2001:db8::/48"}]}]}`,
			`{"value":[{"displayName":"Corporate egress","ipRanges":[{"cidrAddress":"` + must(p.Prefix("203.0.113.0/24")) + `"},{"cidrAddress":"` + must(p.Prefix("2001:db8::/48")) + `"}]}]}`},
		{"request, correlation and app IDs stay",
			`{"id":"b27fd72f-4b41-446e-8160-b072930b6057","correlationId":"e6895db5-1b4a-4b1d-9a08-869a04e2b1d3","appId":"499b84ac-1321-427f-aa17-267ca6975798"}`,
			`{"id":"b27fd72f-4b41-446e-8160-b072930b6057","correlationId":"e6895db5-1b4a-4b1d-9a08-869a04e2b1d3","appId":"499b84ac-1321-427f-aa17-267ca6975798"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notes, err := rewriteJSON(t, r, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if len(notes) > 0 {
				t.Errorf("notes: %v", notes)
			}
		})
	}
}

func TestJSONRewriterDropsCoordinates(t *testing.T) {
	r := testRedactor(t, Options{})
	r.DropLocations = true
	in := `{"location":{"city":"Seattle","state":"Washington","countryOrRegion":"US","geoCoordinates":{"altitude":null,"latitude":47.6,"longitude":-122.33}}}`
	want := `{"location":{"city":"","state":"","countryOrRegion":"US","geoCoordinates":{"altitude":null,"latitude":null,"longitude":null}}}`
	got, _, err := rewriteJSON(t, r, in)
	if err != nil || got != want {
		t.Errorf("got %s, %v\nwant %s", got, err, want)
	}
	if c := r.Counts(); c[KindLocation] != 4 {
		t.Errorf("counted %d locations", c[KindLocation])
	}
}

func TestJSONRewriterMalformedRecords(t *testing.T) {
	r := testRedactor(t, Options{}, [2]string{"name", "Build Service"})
	p := r.p
	upn := p.UPN("svc-build@contoso.com")
	tests := []struct {
		name, in, want string
		notes          int
		err            string
	}{
		{"a broken line of NDJSON is redacted as text",
			"{\"userPrincipalName\":\"svc-build@contoso.com\"}\n{\"userDisplayName\":\"Build Service\" \"x\": 1, \"reason\": \"svc-build@contoso.com\"}\n{\"userPrincipalName\":\"svc-build@contoso.com\"}\n",
			"{\"userPrincipalName\":\"" + upn + "\"}\n{\"userDisplayName\":\"" + p.Name("Build Service") + "\" \"x\": 1, \"reason\": \"" + upn + "\"}\n{\"userPrincipalName\":\"" + upn + "\"}\n",
			1, ""},
		{"an unterminated line of NDJSON",
			"{\"a\":\"svc-build@contoso.com\n{\"userPrincipalName\":\"svc-build@contoso.com\"}\n",
			"{\"a\":\"" + upn + "\n{\"userPrincipalName\":\"" + upn + "\"}\n",
			1, ""},
		{"a broken record of a pretty array is redacted to its end",
			"[\n {\"userPrincipalName\": \"svc-build@contoso.com\"},\n {\"identity\": \"Build Service\", oops: [1, {\"x\": \"svc-build@contoso.com\"}]},\n {\"userPrincipalName\": \"svc-build@contoso.com\"}\n]\n",
			"[\n {\"userPrincipalName\": \"" + upn + "\"},\n {\"identity\": \"" + p.Name("Build Service") + "\", oops: [1, {\"x\": \"" + upn + "\"}]},\n {\"userPrincipalName\": \"" + upn + "\"}\n]\n",
			1, ""},
		{"a file cut inside a record is an error", "[\n {\"a\": \"b\",\n", "", 0, "line 3: invalid JSON"},
		{"a bracket that does not match", "[\n {\"a\": [1}\n]\n", "", 0, "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notes, err := rewriteJSON(t, r, tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
			if len(notes) != tt.notes {
				t.Errorf("notes = %q, want %d", notes, tt.notes)
			}
		})
	}
}

func TestEmbeddedJSONMustBeOneValue(t *testing.T) {
	r := testRedactor(t, Options{})
	for _, v := range []string{`{"a":1} x`, `{"a":`, `[1,]`, `{} {}`} {
		if _, ok := r.embeddedJSONEdits(v, ""); ok {
			t.Errorf("%q accepted as JSON", v)
		}
	}
	edits, ok := r.embeddedJSONEdits(` {"userId":"1fe161c6-f484-4b44-af3a-fdd3a009be31"} `, "")
	if !ok || len(edits) != 1 {
		t.Fatalf("edits = %v, %v", edits, ok)
	}
}

// FuzzJSONRewriter checks that the rewriter never panics or hangs, that its
// output is valid JSON whenever its input is, with the same structure, and
// that it changes nothing but string values and coordinates.
func FuzzJSONRewriter(f *testing.F) {
	for _, seed := range fuzzseed.Files(f, "../samples/*/*.json") {
		if len(seed) < 64<<10 {
			f.Add(string(seed))
		}
	}
	f.Add(`{"userPrincipalName":"a@b.co","x":"{\"ipAddress\":\"1.2.3.4\"}"}`)
	f.Add("{\"a\":1}\n{\"b\":\n")
	f.Add(`[{"location":{"geoCoordinates":{"latitude":1e5}}}]`)
	r := testRedactor(f, Options{}, [2]string{"name", "Build Service"})
	r.DropLocations = true
	f.Fuzz(func(t *testing.T, in string) {
		out, _, err := rewriteJSON(t, r, in)
		if !json.Valid([]byte(in)) {
			return
		}
		if err != nil {
			t.Fatalf("valid JSON rejected: %v", err)
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("valid JSON in, invalid out:\n%q\n%q", in, out)
		}
		var a, b any
		json.Unmarshal([]byte(in), &a)
		json.Unmarshal([]byte(out), &b)
		if !sameShape(a, b) {
			t.Fatalf("the structure changed:\n%q\n%q", in, out)
		}
	})
}

// sameShape reports whether two decoded JSON values have the same
// structure: the same keys in objects, the same lengths of arrays, and the
// same non-string values except for coordinates turned to null.
func sameShape(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameShape(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameShape(x[i], y[i]) {
				return false
			}
		}
		return true
	case string:
		_, ok := b.(string)
		return ok
	case float64:
		_, ok := b.(float64)
		return ok || b == nil
	}
	return a == b
}
