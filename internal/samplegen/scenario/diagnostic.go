package scenario

import (
	"sort"
	"strconv"
	"time"
)

// category returns the diagnostic-settings category of a flow.
func category(f Flow) string {
	return map[Flow]string{
		Interactive:      "SignInLogs",
		NonInteractive:   "NonInteractiveUserSignInLogs",
		ServicePrincipal: "ServicePrincipalSignInLogs",
		ManagedIdentity:  "ManagedIdentitySignInLogs",
	}[f]
}

// identity is the diagnostic record's identity: who signed in.
func identity(s *SignIn) string {
	if s.User != nil {
		return s.User.Name
	}
	return s.Workload.Name
}

// diagnosticStyle says how one diagnostic-settings destination writes its
// records.
type diagnosticStyle struct {
	// stringNumbers writes "Level":"4" and "durationMs":"0" as strings (seen
	// in storage blobs); otherwise they are integers.
	stringNumbers bool
	// sortedKeys writes the record's top-level keys in alphabetical order.
	sortedKeys bool
	// piiRemoved hides device IDs and names.
	piiRemoved bool
	// offsetFor returns the zone createdDateTime is written in for s: UTC,
	// or an offset for a record that carries one.
	offsetFor func(s *SignIn) *time.Location
}

// diagnosticProperties is the properties object of a diagnostic record
// (also the source of Log Analytics' dynamic columns): Graph-shaped, with
// conditions as integers and absent device keys left out.
func diagnosticProperties(s *SignIn, zone *time.Location, piiRemoved bool) obj {
	if zone == nil {
		zone = time.UTC
	}
	created := func(t time.Time) any { return diagnosticTime(t.In(zone)) }
	return graphSignIn(s, graphOptions{created: created, conditionBits: true, diagnostic: true, piiRemoved: piiRemoved})
}

// diagnosticRecord returns the Azure Monitor record of s.
func diagnosticRecord(s *SignIn, st diagnosticStyle) obj {
	var zone *time.Location
	if st.offsetFor != nil {
		zone = st.offsetFor(s)
	}
	resultSignature := "SUCCESS"
	if s.Failed() {
		resultSignature = "None"
	}
	var level, duration any = 4, 0
	if st.stringNumbers {
		level, duration = "4", "0"
	}
	rec := obj{
		{"time", s.Ingested().UTC().Format("2006-01-02T15:04:05.0000000Z")},
		{"resourceId", "/tenants/" + TenantID + "/providers/Microsoft.aadiam"},
		{"operationName", "Sign-in activity"},
		{"operationVersion", "1.0"},
		{"category", category(s.Flow)},
		{"tenantId", TenantID},
		{"resultType", strconv.Itoa(s.Outcome.Code)},
		{"resultSignature", resultSignature},
	}
	if s.Failed() {
		rec = append(rec, member{"resultDescription", s.Outcome.Reason})
	}
	rec = append(rec,
		member{"durationMs", duration},
		member{"callerIpAddress", s.From.IP},
		member{"correlationId", s.CorrelationID()},
		member{"identity", identity(s)},
		member{"Level", level},
		member{"location", s.From.Country},
		member{"properties", diagnosticProperties(s, zone, st.piiRemoved)},
	)
	if st.sortedKeys {
		sort.SliceStable(rec, func(i, j int) bool { return rec[i].key < rec[j].key })
	}
	return rec
}

// storageBlob returns a PT1H.json blob: one record per line, CRLF, oldest
// first.
func storageBlob(signIns []*SignIn, st diagnosticStyle) []byte {
	var out []byte
	for _, s := range signIns {
		out = append(out, compactJSON.encode(diagnosticRecord(s, st))...)
		out = append(out, '\r', '\n')
	}
	return out
}

// eventHubMessage returns an Event Hub message body: {"records":[...]}.
func eventHubMessage(signIns []*SignIn, st diagnosticStyle) []byte {
	records := arr{}
	for _, s := range signIns {
		records = append(records, diagnosticRecord(s, st))
	}
	return compactJSON.encode(obj{{"records", records}})
}
