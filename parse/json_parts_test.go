package parse

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestDecodePolicies(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Policy
		wantErr string
	}{
		{name: "empty input", in: "", want: nil},
		{name: "null", in: "null", want: nil},
		{name: "empty string", in: `""`, want: nil},
		{name: "empty array", in: "[]", want: []Policy{}},
		{
			name: "graph camelCase with string conditions",
			in: `[{"id":"p1","displayName":"CA010 - Azure DevOps: require compliant device","enforcedGrantControls":["RequireCompliantDevice"],` +
				`"enforcedSessionControls":[],"result":"failure","conditionsSatisfied":"application,users","conditionsNotSatisfied":"none",` +
				`"authenticationStrength":{"authenticationStrengthId":"00000000-0000-0000-0000-000000000002","displayName":"Multifactor authentication"}}]`,
			want: []Policy{{
				ID: "p1", Name: "CA010 - Azure DevOps: require compliant device", Result: CAFailure,
				GrantControls: []string{"RequireCompliantDevice"}, SessionControls: []string{},
				ConditionsSatisfied: []string{"application", "users"}, AuthenticationStrength: "Multifactor authentication",
			}},
		},
		{
			name: "diagnostic integer conditions",
			in:   `[{"id":"p2","displayName":"Block","enforcedGrantControls":["Block"],"result":"reportOnlyFailure","conditionsSatisfied":3,"conditionsNotSatisfied":8}]`,
			want: []Policy{{
				ID: "p2", Name: "Block", Result: CAReportOnlyFailure, GrantControls: []string{"Block"},
				ConditionsSatisfied: []string{"application", "users"}, ConditionsNotSatisfied: []string{"location"},
			}},
		},
		{
			name: "PascalCase with AdditionalProperties, in a string",
			in:   `"[{\"Id\":\"p3\",\"DisplayName\":\"MFA\",\"Result\":\"Not Applied\",\"AdditionalProperties\":{\"conditionsSatisfied\":\"location\"}}]"`,
			want: []Policy{{ID: "p3", Name: "MFA", Result: CANotApplied, ConditionsSatisfied: []string{"location"}}},
		},
		{name: "not an array", in: `{"id":"x"}`, wantErr: `unreadable value: {"id":"x"} is not a JSON array`},
		{name: "wrong type", in: `[{"id":"x"},{"result":5}]`, wantErr: `[1].result: unreadable value: got a JSON number, want a JSON string`},
		{name: "bad conditions", in: `[{"conditionsSatisfied":true}]`, wantErr: `[0].conditionsSatisfied: unreadable value: true is not a conditions flags string or integer`},
		{name: "invalid JSON", in: `[{"id":"x"`, wantErr: `unreadable value: invalid JSON`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodePolicies([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrBadValue) || !startsWith(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one starting with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func startsWith(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

func TestDecodeDeviceDetail(t *testing.T) {
	deviceFields := FieldSet(0).Add(FieldDeviceID, FieldDeviceName, FieldDeviceOS, FieldDeviceBrowser, FieldDeviceTrustType)
	tests := []struct {
		name      string
		in        string
		want      Device
		wantKnown FieldSet
		wantErr   string
	}{
		{name: "absent", in: "", wantKnown: 0},
		{name: "null string", in: `"null"`, wantKnown: 0},
		{
			name:      "managed device",
			in:        `{"deviceId":"ef5d","displayName":"LW-1","operatingSystem":"Windows 10","browser":"Edge 18","isCompliant":true,"isManaged":false,"trustType":"Azure AD joined"}`,
			want:      Device{ID: "ef5d", Name: "LW-1", OS: "Windows 10", Browser: "Edge 18", Compliant: BoolPtr(true), Managed: BoolPtr(false), TrustType: TrustEntraJoined},
			wantKnown: deviceFields.Add(FieldDeviceCompliant, FieldDeviceManaged),
		},
		{
			name:      "unmanaged device lacks the booleans",
			in:        `{"deviceId":"","operatingSystem":"MacOs","browser":"Rich Client 4.12.0.0"}`,
			want:      Device{OS: "MacOs", Browser: "Rich Client 4.12.0.0"},
			wantKnown: deviceFields,
		},
		{
			name:      "Log Analytics string booleans and PII removed",
			in:        `"{\"deviceId\":\"{PII Removed}\",\"isCompliant\":\"TRUE\",\"isManaged\":null,\"trustType\":\"Hybrid Azure AD joined\"}"`,
			want:      Device{ID: "{PII Removed}", Compliant: BoolPtr(true), TrustType: TrustEntraHybridJoined},
			wantKnown: deviceFields.Add(FieldDeviceCompliant),
		},
		{
			name:      "PascalCase with AdditionalProperties",
			in:        `{"DeviceId":"d1","IsCompliant":false,"AdditionalProperties":{"isManaged":true}}`,
			want:      Device{ID: "d1", Compliant: BoolPtr(false), Managed: BoolPtr(true)},
			wantKnown: deviceFields.Add(FieldDeviceCompliant, FieldDeviceManaged),
		},
		{name: "bad boolean", in: `{"isCompliant":"maybe"}`, wantErr: `isCompliant: unreadable value: "maybe" is not a boolean`},
		{name: "array", in: `[]`, wantErr: `unreadable value: [] is not a JSON object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec Record
			err := decodeDeviceDetail([]byte(tt.in), &rec)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rec.Device, tt.want) {
				t.Errorf("device = %+v, want %+v", rec.Device, tt.want)
			}
			if rec.Known != tt.wantKnown {
				t.Errorf("known = %v, want %v", rec.Known.Missing(AllFields), tt.wantKnown.Missing(AllFields))
			}
		})
	}
}

func TestDecodeStatusLocationMFA(t *testing.T) {
	var rec Record
	if err := decodeStatus([]byte(`{"errorCode":53003,"failureReason":"Access has been blocked by Conditional Access policies.","additionalDetails":"x"}`), &rec); err != nil {
		t.Fatal(err)
	}
	want := Status{Code: 53003, Result: ResultFailure, Reason: "Access has been blocked by Conditional Access policies.", Details: "x"}
	if rec.Status != want {
		t.Errorf("status = %+v, want %+v", rec.Status, want)
	}
	if rec.MFA.Result != "x" {
		t.Errorf("MFA.Result = %q, want the additional details, as the portal CSV has them", rec.MFA.Result)
	}
	if !rec.Known.Has(FieldStatusCode) || !rec.Known.Has(FieldStatusReason) || !rec.Known.Has(FieldStatusDetails) {
		t.Errorf("status fields not known: %v", rec.Known)
	}

	rec = Record{}
	if err := decodeStatus([]byte(`"{\"errorCode\":\"0\",\"additionalDetails\":null}"`), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Status != (Status{Result: ResultSuccess}) || !rec.Known.Has(FieldStatusCode) {
		t.Errorf("string-held status = %+v known %v", rec.Status, rec.Known)
	}

	rec = Record{}
	if err := decodeStatus([]byte(`{"failureReason":"r"}`), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Known.Has(FieldStatusCode) || rec.Status.Result != "" {
		t.Errorf("status without errorCode: %+v known code %v", rec.Status, rec.Known.Has(FieldStatusCode))
	}
	if err := decodeStatus([]byte(`{"errorCode":[1]}`), &rec); err == nil || err.Error() != `errorCode: unreadable value: [1] is not an integer` {
		t.Errorf("bad errorCode error = %v", err)
	}

	rec = Record{}
	if err := decodeLocationDetails([]byte(`{"city":"Strood","state":"Medway","countryOrRegion":"GB","geoCoordinates":{"latitude":51.39,"longitude":0.48}}`), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Location != (Location{City: "Strood", State: "Medway", Country: "GB"}) || !rec.Known.Has(FieldLocation) {
		t.Errorf("location = %+v", rec.Location)
	}
	if err := decodeLocationDetails([]byte(`{"city":1}`), &rec); err == nil || err.Error() != `city: unreadable value: got a JSON number, want a JSON string` {
		t.Errorf("bad city error = %v", err)
	}

	rec = Record{}
	if err := decodeMFADetail([]byte(`{"authMethod":"PhoneAppNotification","authDetail":"+X XXXXXXXX90"}`), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.MFA != (MFA{Method: "PhoneAppNotification", Detail: "+X XXXXXXXX90"}) || !rec.Known.Has(FieldMFA) {
		t.Errorf("mfa = %+v", rec.MFA)
	}
	rec = Record{}
	if err := decodeMFADetail([]byte(`{}`), &rec); err != nil || !rec.Known.Has(FieldMFA) {
		t.Errorf("empty mfaDetail: err %v known %v", err, rec.Known.Has(FieldMFA))
	}
}

func TestDecodeNetworkLocationsAndAuthDetails(t *testing.T) {
	nl, err := decodeNetworkLocations([]byte(`[{"networkType":"trustedNamedLocation","networkNames":["HQ","VPN"]}]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []NetworkLocation{{Type: "trustedNamedLocation", Names: []string{"HQ", "VPN"}}}; !reflect.DeepEqual(nl, want) {
		t.Errorf("network locations = %#v", nl)
	}
	if nl, err := decodeNetworkLocations([]byte(`[]`)); err != nil || nl == nil || len(nl) != 0 {
		t.Errorf("empty network locations = %#v, %v", nl, err)
	}
	if nl, err := decodeNetworkLocations(nil); err != nil || nl != nil {
		t.Errorf("absent network locations = %#v, %v", nl, err)
	}

	steps, err := decodeAuthDetails([]byte(`[{"authenticationStepDateTime":"2025-04-11T05:18:41.8256448+02:00","authenticationMethod":"Password",` +
		`"authenticationMethodDetail":"Password in the cloud","succeeded":true,"authenticationStepResultDetail":"Correct password",` +
		`"authenticationStepRequirement":"Primary authentication"},{"authenticationMethod":"Previously satisfied","succeeded":"FALSE"}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []AuthStep{
		{Time: time.Date(2025, 4, 11, 3, 18, 41, 825644800, time.UTC), Method: "Password", Detail: "Password in the cloud",
			Succeeded: BoolPtr(true), Result: "Correct password", Requirement: "Primary authentication"},
		{Method: "Previously satisfied", Succeeded: BoolPtr(false)},
	}
	if !reflect.DeepEqual(steps, want) {
		t.Errorf("steps = %#v\nwant %#v", steps, want)
	}
	_, err = decodeAuthDetails([]byte(`[{},{"authenticationStepDateTime":"yesterday"}]`))
	if err == nil || !errors.Is(err, ErrBadTime) || !startsWith(err.Error(), `[1].authenticationStepDateTime: unreadable time: "yesterday"`) {
		t.Errorf("bad step time error = %v", err)
	}
}
