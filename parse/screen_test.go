package parse

import (
	"io"
	"strings"
	"testing"
)

func TestHasFoldHazard(t *testing.T) {
	for s, want := range map[string]bool{
		"plain":              false,
		"Zürich – Köln":      false,
		"\u212Aelvin":        true,
		"cla\u017Fs":         true,
		"\xe2\x84":           false,
		"\xc5":               false,
		"\xe2\x84\xab \xc5A": false,
	} {
		if got := hasFoldHazard([]byte(s)); got != want {
			t.Errorf("hasFoldHazard(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestJSONScreen checks what the JSON screener vouches for, and that every
// record it vouches for decodes with a flow of its own, no empty policy
// list and no unknownFutureValue result.
func TestJSONScreen(t *testing.T) {
	const base = `"id":"1","createdDateTime":"2025-11-20T10:00:00Z","userPrincipalName":"a@b.c","appliedConditionalAccessPolicies":[{"id":"p","result":"failure"}]`
	for _, tc := range []struct {
		name   string
		record string
		ok     bool
	}{
		{"isInteractive", `{` + base + `,"isInteractive":false}`, true},
		{"isInteractive in another case", `{` + base + `,"ISINTERACTIVE" : true}`, true},
		{"no flow", `{` + base + `}`, false},
		{"isInteractive null", `{` + base + `,"isInteractive":null}`, false},
		{"isInteractive twice, once null", `{` + base + `,"isInteractive":true,"isinteractive":null}`, false},
		{"isInteractive nested", `{` + base + `,"status":{"isInteractive":true}}`, false},
		{"category", `{"category":"NonInteractiveUserSignInLogs","properties":{` + base + `}}`, true},
		{"unknown category", `{"category":"Other","properties":{` + base + `,"isInteractive":true}}`, false},
		{"envelope isInteractive", `{"isInteractive":true,"properties":{` + base + `}}`, false},
		{"additionalProperties", `{` + base + `,"isInteractive":false,"additionalProperties":{"isInteractive":null}}`, false},
		{"escape", `{` + base + `,"isInteractive":false,"userDisplayName":"\u0041"}`, false},
		{"Kelvin sign", `{` + base + `,"isInteractive":false,"userDisplayName":"` + "\u212A" + `"}`, false},
		{"empty policy list", `{"id":"1","appliedConditionalAccessPolicies":[ ],"isInteractive":false}`, false},
		{"policies in a string", `{"id":"1","ConditionalAccessPolicies":"x","isInteractive":false}`, false},
		{"unknownFutureValue", `{"id":"1","appliedConditionalAccessPolicies":[{"result":"unknownFutureValue"}],"isInteractive":false}`, false},
		{"unknown future value spelled", `{"id":"1","appliedConditionalAccessPolicies":[{"result":"Unknown Future-Value"}],"isInteractive":false}`, false},
		{"result not a string", `{"id":"1","appliedConditionalAccessPolicies":[{"result":1}],"isInteractive":false}`, false},
		{"value that looks like a key", `{` + base + `,"x":"isInteractive","isInteractive":true}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newJSONDecoder(SourceInfo{Name: "t.json", FlowHint: FlowInteractive})
			c := Chunk{Data: []byte(tc.record), Line: 1, Index: 1}
			_, ok := d.Screen(c)
			if ok != tc.ok {
				t.Fatalf("Screen = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			rec, err := d.Decode(c)
			if err != nil {
				t.Fatal(err)
			}
			if d.hintFlows.Load() != 0 || rec.Flow == "" {
				t.Errorf("a screened record took its flow %q from the file name", rec.Flow)
			}
			for _, p := range rec.Policies {
				if p.Result == CAUnknownFutureValue {
					t.Error("a screened record has an unknownFutureValue policy")
				}
			}
			if rec.Known.Has(FieldPolicies) && len(rec.Policies) == 0 {
				t.Error("a screened record has an empty policy list")
			}
		})
	}
}

// TestCSVScreenCountsLikeDecode checks that screening portal rows counts
// them in the decoder's notes exactly as decoding does, and refuses rows it
// cannot split plainly.
func TestCSVScreenCountsLikeDecode(t *testing.T) {
	header := `Date (UTC),Request ID,User ID,User,Username,Incoming token type,Application,Managed Identity type,Service principal ID,Service principal name,Incoming token type` + "\n"
	rows := []string{
		`2025-11-20T10:00:00Z,r1,u1,Ann,ann@x.com,None,Azure DevOps,,,,None`,
		`2025-11-20T10:00:00Z,r2,u2,"Bob ""B"" Tables",bob@x.com,None,App,,,,Primary Refresh Token`, // A token conflict.
		`2025-11-20T10:00:00Z,r3,,,,,App,,sp1,Workload,`,                                            // A service principal.
		`2025-11-20T10:00:00Z,r4,,,,,App,SystemAssigned,sp2,MI,` + "\r",                             // A managed identity.
	}
	refused := []string{
		`2025-11-20T10:00:00Z,r5,u5,Ann,ann@x.com,None,App,,,`,            // Short.
		`2025-11-20T10:00:00Z,r6,u6,Ann,ann@x.com,None,App,,,,None,extra`, // Long.
		`2025-11-20T10:00:00Z,r7,u7,An"n,ann@x.com,None,App,,,,None`,      // A quote inside a cell.
		`2025-11-20T10:00:00Z,r8,u8,"Ann"x",ann@x.com,None,App,,,,None`,   // A lone quote inside a quoted cell.
		"2025-11-20T10:00:00Z,r9,u9,\"A\r\nnn\",ann@x.com,None,App,,,,None",
	}
	for _, name := range []string{"NonInteractiveSignIns_x.csv", "renamed.csv"} {
		open := func() (*Reader, *csvDecoder) {
			data := header + strings.Join(append(append([]string(nil), rows...), refused...), "\n") + "\n"
			rd, err := Open(Input{Name: name, Size: int64(len(data)), open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(data)), nil }}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			return rd, rd.Decoder().(*csvDecoder)
		}
		decoded, dd := open()
		screened, sd := open()
		for i := range rows {
			c1, err := decoded.Splitter().Next()
			if err != nil {
				t.Fatal(err)
			}
			rec, err := dd.Decode(c1)
			if err != nil {
				t.Fatal(err)
			}
			c2, err := screened.Splitter().Next()
			if err != nil {
				t.Fatal(err)
			}
			sc, ok := sd.Screen(c2)
			if !ok {
				t.Fatalf("%s: row %d refused", name, i+1)
			}
			if sc.NoFlow != (rec.Flow == "") {
				t.Errorf("%s: row %d: NoFlow = %v, decoded flow %q", name, i+1, sc.NoFlow, rec.Flow)
			}
		}
		for i := range refused {
			c, err := screened.Splitter().Next()
			if err != nil {
				t.Fatalf("%s: refused row %d: %v", name, i+1, err)
			}
			if _, ok := sd.Screen(c); ok {
				t.Errorf("%s: refused row %d vouched for", name, i+1)
			}
		}
		if got, want := strings.Join(sd.Notes(), "\n"), strings.Join(dd.Notes(), "\n"); got != want {
			t.Errorf("%s: notes after screening:\n%s\nafter decoding:\n%s", name, got, want)
		}
	}
}
