package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/redact"
)

// The roles of a bundle's files, as the manifest names them.
const (
	RoleExport         = parse.BundleRoleExport
	RoleReport         = "report"
	RoleNamedLocations = "named-locations"
	RoleReadme         = "readme"
)

// Manifest is a bundle's manifest.json: what made the bundle, with which
// filter, what it holds and what was redacted. It names the key only by
// its fingerprint.
type Manifest struct {
	Schema      string                `json:"schema"`
	Signinspect string                `json:"signinspect"`
	Created     time.Time             `json:"created"`
	Filter      analyze.FilterSummary `json:"filter"`
	// Summary is the analysis of the redacted exports in figures.
	Summary analyze.Summary `json:"summary"`
	Key     KeyInfo         `json:"key"`
	// Redacted counts the values replaced by kind: distinct values and
	// their occurrences.
	Redacted []RedactedKind `json:"redacted"`
	Files    []FileEntry    `json:"files"`
}

// KeyInfo says which key pseudonymized the bundle, without the key.
type KeyInfo struct {
	Fingerprint string `json:"fingerprint"`
	// Kept says whether the customer keeps the key (a key file), so that
	// a later bundle gives the same pseudonyms, or it was random and is
	// gone.
	Kept bool `json:"kept"`
}

// RedactedKind is what was replaced of one kind of value.
type RedactedKind struct {
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	Values      int    `json:"values"`
	Occurrences int    `json:"occurrences"`
}

// FileEntry is one file of the bundle.
type FileEntry struct {
	Path   string `json:"path"`
	Role   string `json:"role"`
	Format string `json:"format,omitempty"`
	// Records is the number of sign-ins an export holds.
	Records *int   `json:"records,omitempty"`
	Bytes   int64  `json:"bytes"`
	SHA256  string `json:"sha256"`
}

func newManifest(opts Options, now time.Time, rep *analyze.Report, sum *redact.Summary) *Manifest {
	m := &Manifest{
		Schema:      parse.BundleSchema,
		Signinspect: opts.Version,
		Created:     now,
		Filter:      rep.Filter,
		Summary:     rep.Summary,
		Key:         KeyInfo{Fingerprint: opts.Pseudonymizer.Fingerprint(), Kept: opts.KeyFromFile},
		Redacted:    []RedactedKind{},
	}
	values := map[redact.Kind]int{}
	for _, e := range sum.Mapping.Entries() {
		values[e.Kind]++
	}
	for _, k := range redact.Kinds() {
		if sum.Replaced[k] > 0 {
			m.Redacted = append(m.Redacted, RedactedKind{Kind: k.ID(), Name: k.String(), Values: values[k], Occurrences: sum.Replaced[k]})
		}
	}
	return m
}

func (m *Manifest) encode() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// readmeText is the bundle's README.txt, for the person who opens the
// bundle, named file.
func readmeText(m *Manifest, file string) []byte {
	var b strings.Builder
	exports, records := 0, 0
	named := false
	for _, f := range m.Files {
		switch f.Role {
		case RoleExport:
			exports++
			if f.Records != nil {
				records += *f.Records
			}
		case RoleNamedLocations:
			named = true
		}
	}
	noun := "exports"
	if exports == 1 {
		noun = "export"
	}
	fmt.Fprintf(&b, `signinspect support bundle
==========================

Made by signinspect %s on %s.
Key fingerprint: %s

This archive holds %s sign-in log %s (%s sign-ins), redacted before they
left the customer: user names, UPNs and e-mail addresses, object IDs, device
names, tenant names and domains, the tenant's own applications, IP addresses
and phone numbers are replaced by pseudonyms. A pseudonym is the same for the
same value throughout the bundle, so the exports give the same analysis as
the originals. IP addresses were mapped into 240.0.0.0/4 and 3fff::/20,
blocks no real sign-in comes from; addresses that shared a prefix share it
still, so named-location checks hold.

Only the customer can turn pseudonyms back into names. Write your answer with
the pseudonyms as they appear here; the customer runs
'signinspect unredact --map THEIR-MAP-FILE YOUR-ANSWER' to read it with real
names.

What is inside:
  manifest.json           what made this bundle, the filter, each file's
                          SHA-256 and record count, what was redacted
  report.html             the analysis of the redacted exports, for a browser
  report.md, report.json  the same, as Markdown and as JSON
`, m.Signinspect, m.Created.Format(time.RFC3339), m.Key.Fingerprint, analyze.Count(exports), noun, analyze.Count(records))
	if named {
		b.WriteString("  named-locations.json    the tenant's named locations, redacted with the same mapping\n")
	}
	fmt.Fprintf(&b, `  exports/                the redacted exports, in their own formats

To analyse it again, with any filter (signinspect reads the exports of a
bundle and leaves its reports out):
  signinspect analyze %s --app any --flow any
`, file)
	if named {
		fmt.Fprintf(&b, `  unzip %s named-locations.json
  signinspect analyze %s --named-locations named-locations.json
`, file, file)
	}
	return []byte(b.String())
}
