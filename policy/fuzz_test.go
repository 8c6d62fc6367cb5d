package policy

import (
	"strings"
	"testing"

	"github.com/signinspect/signinspect/internal/fuzzseed"
)

// FuzzParseNamedLocations feeds arbitrary bytes to the named-locations
// reader. Nothing may panic, every error line must name the file, and what
// loads must hold together: every range is valid, and Locations over the
// locations finds the first address of each range in a location, trusted
// when the location is.
//
// The seed corpus is the named-locations files of the repository plus
// testdata/fuzz/FuzzParseNamedLocations.
func FuzzParseNamedLocations(f *testing.F) {
	for _, seed := range fuzzseed.Files(f, "testdata/*.json", "../samples/named-locations*.json") {
		f.Add(seed)
	}
	f.Add([]byte(`{"value":[{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"HQ","isTrusted":true,"ipRanges":[{"cidrAddress":"::ffff:198.51.100.0/120"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		locs, err := ParseNamedLocations("fuzz.json", data)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "fuzz.json: ") {
					t.Fatalf("error line %q does not name the file", line)
				}
			}
			return
		}
		loc := NewLocations(locs, nil)
		for _, l := range locs {
			for _, r := range l.Ranges {
				if !r.IsValid() {
					t.Fatalf("%s: invalid range %v", l.Name, r)
				}
				names, trusted, ok := loc.Locate(r.Addr().String())
				if !ok || len(names) == 0 {
					t.Fatalf("%s: %v: the first address of the range is in no location", l.Name, r)
				}
				if l.Trusted && !trusted {
					t.Fatalf("%s: %v: the location is trusted, the address is not", l.Name, r)
				}
			}
		}
	})
}
