package parse

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	json "github.com/goccy/go-json"
)

func TestJSONDecodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		format  Format
		records int      // Records read besides the errors.
		want    []string // Errors of the skipped records.
		is      error
	}{
		{
			name:  "string member holding a number",
			input: `{"id":"a","createdDateTime":"2026-11-20T10:15:02Z","userAgent":5}`,
			want:  []string{`in.json:1: record 1: field "userAgent": unreadable value: got a JSON number, want a JSON string`},
			is:    ErrBadValue,
		},
		{
			name:  "error code that is not a number",
			input: `{"id":"a","status":{"errorCode":"abc"}}`,
			want:  []string{`in.json:1: record 1: field "status.errorCode": unreadable value: "abc" is not an integer`},
			is:    ErrBadValue,
		},
		{
			name:   "diagnostic properties",
			input:  `{"category":"SignInLogs","properties":{"id":"a","status":{"errorCode":true}}}`,
			format: FormatDiagnosticJSON,
			want:   []string{`in.json:1: record 1: field "properties.status.errorCode": unreadable value: true is not an integer`},
			is:     ErrBadValue,
		},
		{
			name:  "unreadable createdDateTime",
			input: `{"id":"a","createdDateTime":"yesterday"}`,
			want: []string{`in.json:1: record 1: field "createdDateTime": unreadable time: "yesterday" ` +
				`(want RFC 3339 like 2026-11-20T10:15:00Z, 2026-11-20, 2026-11-20 10:15, or 9/19/2023, 1:45:17 PM)`},
			is: ErrBadTime,
		},
		{
			name:   "unreadable TimeGenerated",
			input:  `{"TimeGenerated":"13/13/2023","UserPrincipalName":"a@b"}`,
			format: FormatLogAnalyticsJSON,
			want: []string{`in.json:1: record 1: field "TimeGenerated": unreadable time: "13/13/2023" ` +
				`(want RFC 3339 like 2026-11-20T10:15:00Z, 2026-11-20, 2026-11-20 10:15, or 9/19/2023, 1:45:17 PM)`},
			is: ErrBadTime,
		},
		{
			name:  "policy conditions of the wrong kind",
			input: `{"id":"a","appliedConditionalAccessPolicies":[{"result":"failure"},{"conditionsSatisfied":[1]}]}`,
			want: []string{`in.json:1: record 1: field "appliedConditionalAccessPolicies[1].conditionsSatisfied": ` +
				`unreadable value: [1] is not a conditions flags string or integer`},
			is: ErrBadValue,
		},
		{
			name:   "Log Analytics string holding broken JSON",
			input:  `{"TimeGenerated":"2026-11-20T10:00:00Z","ConditionalAccessPolicies":"[{\"id\":"}`,
			format: FormatLogAnalyticsJSON,
			want: []string{`in.json:1: record 1: field "ConditionalAccessPolicies": unreadable value: ` +
				`invalid JSON at byte 7: unexpected end of JSON input`},
			is: ErrBadValue,
		},
		{
			name:   "Log Analytics boolean",
			input:  `{"TimeGenerated":"2026-11-20T10:00:00Z","IsInteractive":"maybe"}`,
			format: FormatLogAnalyticsJSON,
			want:   []string{`in.json:1: record 1: field "isInteractive": unreadable value: "maybe" is not a boolean`},
			is:     ErrBadValue,
		},
		{
			name:  "Graph PowerShell AdditionalProperties",
			input: `{"Id":"a","AppId":"x","AdditionalProperties":{"userAgent":1}}`,
			want:  []string{`in.json:1: record 1: field "AdditionalProperties.userAgent": unreadable value: got a JSON number, want a JSON string`},
			is:    ErrBadValue,
		},
		{
			name: "Graph PowerShell object exported too shallow",
			input: `{"Id":"a","AppId":"x","Status":"Microsoft.Graph.PowerShell.Models.MicrosoftGraphSignInStatus",` +
				`"AppliedConditionalAccessPolicies":["Microsoft.Graph.PowerShell.Models.MicrosoftGraphAppliedConditionalAccessPolicy"]}`,
			want: []string{`in.json:1: record 1: field "status": unreadable value: holds the .NET type name ` +
				`"Microsoft.Graph.PowerShell.Models.MicrosoftGraphSignInStatus" instead of its value: ` +
				`ConvertTo-Json stopped at its -Depth (2 by default); export again with ConvertTo-Json -Depth 10`},
			is: ErrBadValue,
		},
		{
			name:  "policies exported too shallow",
			input: `{"Id":"a","AppId":"x","AppliedConditionalAccessPolicies":["Microsoft.Graph.PowerShell.Models.MicrosoftGraphAppliedConditionalAccessPolicy"]}`,
			want: []string{`in.json:1: record 1: field "appliedConditionalAccessPolicies": unreadable value: holds the .NET type name ` +
				`"Microsoft.Graph.PowerShell.Models.MicrosoftGraphAppliedConditionalAccessPolicy" instead of its value: ` +
				`ConvertTo-Json stopped at its -Depth (2 by default); export again with ConvertTo-Json -Depth 10`},
			is: ErrBadValue,
		},
		{
			name:  "location of the wrong kind",
			input: `{"id":"a","location":7}`,
			want:  []string{`in.json:1: record 1: field "location": unreadable value: 7 is not an object or a country code`},
			is:    ErrBadValue,
		},
		{
			name:    "invalid JSON inside a pretty array, then a good record",
			input:   "[\n  {\n    \"appId\": \"a\",\n    \"x\": tru\n  },\n  {\"appId\": \"b\"}\n]",
			records: 1,
			want:    []string{`in.json:4:13: record 1: unreadable value: invalid JSON: invalid character '\n' in literal true (expecting 'e')`},
			is:      ErrBadValue,
		},
		{
			name:    "not a sign-in, between sign-ins",
			input:   "{\"appId\":\"a\"}\n{\"foo\":1}\n{\"appId\":\"c\"}\n",
			records: 2,
			want: []string{`in.json:2: record 2: unreadable value: not a sign-in: the object has none of the sign-in keys ` +
				`(createdDateTime, id, userPrincipalName, appId, status, ...)`},
			is: ErrBadValue,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			format := tt.format
			if format == "" {
				format = FormatGraphJSON
			}
			res := readJSONInput(t, tt.input, SourceInfo{Format: format})
			if res.fatal != nil {
				t.Fatalf("fatal error: %v", res.fatal)
			}
			var got []string
			for _, err := range res.skipped {
				got = append(got, err.Error())
				if !errors.Is(err, tt.is) {
					t.Errorf("%v is not %v", err, tt.is)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors\n %q\nwant\n %q", got, tt.want)
			}
			if len(res.records) != tt.records {
				t.Errorf("%d records, want %d", len(res.records), tt.records)
			}
		})
	}
}

func TestDetectJSON(t *testing.T) {
	diagnostic := `{"time":"2026-11-20T10:19:44Z","category":"SignInLogs","properties":{"id":"a"}}`
	tests := []struct {
		name  string
		input string
		want  Format
		ok    bool
	}{
		{"Graph array", `[{"id":"a","createdDateTime":"2026-11-20T10:15:02Z","userPrincipalName":"u"}]`, FormatGraphJSON, true},
		{"Graph page, context first", `{"@odata.context":"x","value":[{"id":"a","createdDateTime":"2026-11-20T10:15:02Z","appId":"x"}]}`, FormatGraphJSON, true},
		{"Graph page, value first, keys in any case", `{"Value":[{"Id":"a","CreatedDateTime":"x","AppDisplayName":"x"}],"@odata.nextLink":"y"}`, FormatGraphJSON, true},
		{"Graph without createdDateTime", `{"userPrincipalName":"u","appId":"x","status":{"errorCode":0}}`, FormatGraphJSON, true},
		{"Graph cut inside its first record", `[{"id":"a","createdDateTime":"2026-11-20T10:15:02Z","status":{"errorCode":53003,"failureRe`, FormatGraphJSON, true},
		{"empty Graph array", " [ ] ", FormatGraphJSON, true},
		{"empty Graph page", `{"@odata.context":"x","value":[]}`, FormatGraphJSON, true},
		{"diagnostic line", diagnostic + "\n" + diagnostic, FormatDiagnosticJSON, true},
		{"diagnostic with properties before category", `{"properties":{"id":"a","x":[1,{"y":"}"}]},"category":"SignInLogs"}`, FormatDiagnosticJSON, true},
		{"Event Hub records", `{"records":[` + diagnostic + `]}`, FormatDiagnosticJSON, true},
		{"empty Event Hub message", `{"records":[]}`, FormatDiagnosticJSON, true},
		{"syslog prefix", "2025-02-02T00:27:59+08:00 HOST " + diagnostic + "\n", FormatDiagnosticJSON, true},
		{"Log Analytics", `[{"TenantId":"w","TimeGenerated":"9/19/2023, 1:45:17.287 PM","UserPrincipalName":"u"}]`, FormatLogAnalyticsJSON, true},
		{"Log Analytics by Type and columns", `[{"Type":"SigninLogs","ResultType":"0","UserPrincipalName":"u"}]`, FormatLogAnalyticsJSON, true},
		{"named locations", `{"value":[{"id":"1","displayName":"HQ","isTrusted":true}]}`, "", false},
		{"other JSON", `{"name":"x","version":1}`, "", false},
		{"array of numbers", `[1,2,3]`, "", false},
		{"CSV", "\"Date (UTC)\",\"Request ID\"\n\"2026-11-20T10:15:02Z\",\"a\"\n", "", false},
		{"text", "hello {world}", "", false},
		{"empty", "", "", false},
		{"binary", "\x1f\x8b\x08\x00", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := detectJSON([]byte(tt.input))
			if got != tt.want || ok != tt.ok {
				t.Errorf("detectJSON = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestJSONFlow(t *testing.T) {
	tests := []struct {
		name  string
		input string
		hint  string
		want  string
	}{
		{"event types win over isInteractive", `{"id":"a","signInEventTypes":["interactiveUser"],"isInteractive":false}`, "", FlowInteractive},
		{"event types in a string", `{"id":"a","signInEventTypes":"servicePrincipal"}`, "", FlowServicePrincipal},
		{"isInteractive true", `{"id":"a","isInteractive":true}`, FlowNonInteractive, FlowInteractive},
		{"isInteractive FALSE", `{"id":"a","IsInteractive":"FALSE"}`, "", FlowNonInteractive},
		{"isInteractive false in a service principal log", `{"category":"ServicePrincipalSignInLogs","properties":{"id":"a","isInteractive":false}}`, "", FlowServicePrincipal},
		{"isInteractive false with managed identity evidence", `{"id":"a","isInteractive":false,"managedIdentityType":"systemAssigned"}`, "", FlowManagedIdentity},
		{"diagnostic category", `{"category":"NonInteractiveUserSignInLogs","properties":{"id":"a"}}`, "", FlowNonInteractive},
		{"Log Analytics table", `{"TimeGenerated":"2026-11-20T10:00:00Z","Id":"a","Type":"SigninLogs"}`, "", FlowInteractive},
		{"managed identity object", `{"id":"a","managedServiceIdentity":{"msiType":"userAssigned"}}`, "", FlowManagedIdentity},
		{"service principal without a user", `{"id":"a","servicePrincipalId":"sp","servicePrincipalName":"pipeline"}`, "", FlowServicePrincipal},
		{"service principal ID next to a user", `{"id":"a","servicePrincipalId":"sp","userId":"u"}`, "", ""},
		{"file name", `{"id":"a"}`, FlowNonInteractive, FlowNonInteractive},
		{"unknown", `{"id":"a"}`, "", ""},
	}
	d := newJSONDecoder(SourceInfo{Name: "NonInteractiveSignIns_2026-11-20.json", Format: FormatGraphJSON, FlowHint: FlowNonInteractive})
	if _, err := d.Decode(Chunk{Data: []byte(`{"category":"SignInLogs","foo":1}`), Line: 1, Index: 1}); !IsRecordError(err) {
		t.Errorf("an object whose only sign-in fact is a flow: error %v, want a *RecordError", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newJSONDecoder(SourceInfo{Name: "in.json", Format: FormatGraphJSON, FlowHint: tt.hint})
			rec, err := d.Decode(Chunk{Data: []byte(tt.input), Line: 1, Index: 1})
			if err != nil {
				t.Fatal(err)
			}
			if rec.Flow != tt.want || rec.Known.Has(FieldFlow) != (tt.want != "") {
				t.Errorf("flow = %q (known %v), want %q", rec.Flow, rec.Known.Has(FieldFlow), tt.want)
			}
			var wantNotes []string
			if tt.name == "file name" {
				wantNotes = []string{"the flow of 1 records (non-interactive) comes from the file name only"}
			}
			if notes := d.Notes(); !reflect.DeepEqual(notes, wantNotes) {
				t.Errorf("notes = %q, want %q", notes, wantNotes)
			}
		})
	}
}

func TestDecodeJSONRecord(t *testing.T) {
	// A rule self-test record: Graph shape, only what the rule needs.
	rec, err := DecodeJSONRecord([]byte(`{
		"appId": "499b84ac-1321-427f-aa17-267ca6975798",
		"status": {"errorCode": 53003},
		"appliedConditionalAccessPolicies": [{"displayName": "CA001", "result": "failure", "enforcedGrantControls": ["Block"]}],
		"deviceDetail": {}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Record{
		App:      App{ID: AzureDevOpsAppID},
		Status:   Status{Code: 53003, Result: ResultFailure},
		Policies: []Policy{{Name: "CA001", Result: CAFailure, GrantControls: []string{"Block"}}},
		Source:   Source{Format: FormatGraphJSON},
		Known: FieldSet(0).Add(FieldApp, FieldStatusCode, FieldStatusReason, FieldStatusDetails, FieldPolicies,
			FieldDeviceID, FieldDeviceName, FieldDeviceOS, FieldDeviceBrowser, FieldDeviceTrustType),
	}
	compareRecords(t, "self-test record", rec, want)

	for _, tt := range []struct {
		input string
		want  Format
	}{
		{`{"category":"SignInLogs","properties":{"id":"a"}}`, FormatDiagnosticJSON},
		{`{"TimeGenerated":"2026-11-20T10:00:00Z","Id":"a"}`, FormatLogAnalyticsJSON},
		{`{"Id":"a","CreatedDateTime":"2026-11-20T10:00:00Z"}`, FormatGraphJSON},
	} {
		rec, err := DecodeJSONRecord([]byte(tt.input))
		if err != nil {
			t.Fatal(err)
		}
		if rec.Source.Format != tt.want {
			t.Errorf("%s: format %q, want %q", tt.input, rec.Source.Format, tt.want)
		}
	}

	_, err = DecodeJSONRecord([]byte(`{"id":"a","deviceDetail":{"isCompliant":"sometimes"}}`))
	var re *RecordError
	if !errors.As(err, &re) || re.Field != "deviceDetail.isCompliant" || re.Line != 0 ||
		re.Err.Error() != `unreadable value: "sometimes" is not a boolean` {
		t.Errorf("error = %#v", err)
	}
	for _, bad := range []string{"", "[]", "null", `"x"`, "{", `{"id":"a"} {}`} {
		if _, err := DecodeJSONRecord([]byte(bad)); !IsRecordError(err) {
			t.Errorf("%q: error %v, want a *RecordError", bad, err)
		}
	}
}

// TestJSONDecoderConcurrent decodes the same chunks from several goroutines
// (the decoder's buffers are pooled) and checks every result against a
// sequential decoding. Run with -race.
func TestJSONDecoderConcurrent(t *testing.T) {
	var chunks []Chunk
	for _, file := range []string{"graph-page.json", "powershell.json", "diagnostic.ndjson", "log-analytics.json"} {
		s := newJSONSplitter(strings.NewReader(readTestdata(t, file)), SourceInfo{Name: file})
		for {
			c, err := s.Next()
			if err != nil {
				break
			}
			c.Data = append([]byte(nil), c.Data...)
			chunks = append(chunks, c)
		}
	}
	d := newJSONDecoder(SourceInfo{Name: "in.json", Format: FormatGraphJSON})
	want := make([]*Record, len(chunks))
	for i, c := range chunks {
		rec, err := d.Decode(c)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = rec
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for n := 0; n < 50; n++ {
				i := (g + n) % len(chunks)
				rec, err := d.Decode(chunks[i])
				if err != nil {
					errs <- err
					return
				}
				if !reflect.DeepEqual(rec, want[i]) {
					errs <- fmt.Errorf("chunk %d decoded differently", i)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestJSONDecoderReuse decodes objects one after the other with one decoder,
// which decodes each policy list into the memory of the one before, and
// checks every record against a decoder that never saw another object:
// nothing of an earlier object leaks into a later one (a member one policy
// has and the next lacks), absent, null and [] stay apart, and records
// already returned do not change.
func TestJSONDecoderReuse(t *testing.T) {
	objects := []string{
		`{"id":"a","appliedConditionalAccessPolicies":[` +
			`{"id":"p1","displayName":"One","result":"failure","enforcedGrantControls":["Mfa"],"conditionsSatisfied":"application,users"},` +
			`{"id":"p2","displayName":"Two","result":"success","enforcedSessionControls":["SignInFrequency"]},` +
			`{"id":"p3","displayName":"Three","result":"reportOnlyFailure","enforcedGrantControls":["Block"]}]}`,
		`{"id":"b","appliedConditionalAccessPolicies":[{"id":"p4"}]}`,
		`{"id":"c"}`,
		`{"id":"d","appliedConditionalAccessPolicies":null}`,
		`{"id":"e","appliedConditionalAccessPolicies":[]}`,
		`{"Id":"f","TimeGenerated":"2026-11-20T10:00:00Z","ConditionalAccessPolicies":[{"id":"p5","result":"failure"}]}`,
		`{"id":"g","appliedConditionalAccessPolicies":[{"id":"p6","displayName":"Six","enforcedGrantControls":["CompliantDevice","DomainJoinedDevice"]},{"id":"p7"}]}`,
	}
	info := SourceInfo{Name: "in.json"}
	d := newJSONDecoder(info)
	got := make([]*Record, len(objects))
	for round := 0; round < 2; round++ {
		for i, o := range objects {
			rec, err := d.Decode(Chunk{Data: []byte(o), Index: i + 1, Line: 1})
			if err != nil {
				t.Fatalf("%s: %v", o, err)
			}
			if round == 0 {
				got[i] = rec
			}
		}
	}
	for i, o := range objects {
		want, err := newJSONDecoder(info).Decode(Chunk{Data: []byte(o), Index: i + 1, Line: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("%s:\n got %+v\nwant %+v", o, got[i].Policies, want.Policies)
		}
	}
	if got[2].Known.Has(FieldPolicies) || got[3].Known.Has(FieldPolicies) {
		t.Error("an absent or null policy list is known")
	}
	if !got[4].Known.Has(FieldPolicies) || got[4].Policies == nil || len(got[4].Policies) != 0 {
		t.Errorf("[]: known %v, policies %#v; want known and empty", got[4].Known.Has(FieldPolicies), got[4].Policies)
	}
	if p := got[1].Policies; len(p) != 1 || p[0].Name != "" || p[0].GrantControls != nil || p[0].Result != "" {
		t.Errorf("a policy took members of the one decoded before it: %+v", p)
	}
}

// TestJSONTimeZone checks that times without a zone take SourceInfo's.
func TestJSONTimeZone(t *testing.T) {
	loc := time.FixedZone("UTC+2", 2*3600)
	d := newJSONDecoder(SourceInfo{Name: "in.json", Format: FormatGraphJSON, Location: loc})
	rec, err := d.Decode(Chunk{Data: []byte(`{"id":"a","createdDateTime":"2026-11-20 10:15:00"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 20, 8, 15, 0, 0, time.UTC); !rec.Time.Equal(want) || rec.Time.Location() != time.UTC {
		t.Errorf("time = %v, want %v", rec.Time, want)
	}
}

// TestAbsentScalars checks that absentScalars marks every string member
// absent, so that no key can be taken as present without being in the
// object.
func TestAbsentScalars(t *testing.T) {
	v := reflect.ValueOf(absentScalars())
	for i := 0; i < v.NumField(); i++ {
		if f := v.Field(i); f.Kind() == reflect.String && f.String() != absentJSON {
			t.Errorf("absentScalars leaves %s present", v.Type().Field(i).Name)
		}
	}
	var o signInTyped
	o.reset()
	if !o.isEmpty() {
		t.Error("a reset signInTyped is not empty")
	}
	if err := json.Unmarshal([]byte(`{"x":1,"Level":"4"}`), &o); err != nil || !o.isEmpty() {
		t.Errorf("unknown members make the object non-empty (%v)", err)
	}
	if err := json.Unmarshal([]byte(`{"riskState":""}`), &o); err != nil || o.isEmpty() {
		t.Errorf("an empty riskState leaves the object empty (%v)", err)
	}
}

// TestJSONDecodePaths checks which objects decode in one typed pass (Graph,
// Graph PowerShell, diagnostic records, Log Analytics rows with real JSON
// columns) and which need their parts decoded from strings.
func TestJSONDecodePaths(t *testing.T) {
	for _, tt := range []struct {
		file  string
		typed []bool
	}{
		{"graph-page.json", []bool{true, true}},
		{"diagnostic.ndjson", []bool{true, true}},
		{"eventhub.json", []bool{true, true}},
		{"log-analytics.json", []bool{false, true}},
	} {
		a, b := compactRecords(t, tt.file)
		for i, r := range []string{a, b} {
			_, err := decodeTyped([]byte(r), new(decodeBuffers))
			if (err == nil) != tt.typed[i] {
				t.Errorf("%s record %d: typed decoding error %v, want typed %v", tt.file, i+1, err, tt.typed[i])
			}
		}
	}
	if _, err := decodeTyped([]byte(readTestdata(t, "powershell.json")), new(decodeBuffers)); err != nil {
		t.Errorf("powershell.json: %v", err)
	}
}
