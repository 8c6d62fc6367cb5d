package redact

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzText checks that redacting free text never panics, keeps valid UTF-8
// valid, and leaves none of the text's IPv4 addresses: an address found in
// the output outside the synthetic block was never one of the input's (a
// pseudonym ending in a digit before ".0.0.0" makes a new one).
func FuzzText(f *testing.F) {
	for _, c := range craftedCases {
		f.Add(c.text)
	}
	f.Add("from 198.51.100.23:443, [2001:db8::1]/64, IP:203.000.113.099_x, +1 555 010 0199, Zoë Ünder")
	r := testRedactor(f, Options{}, [2]string{"name", "Zoë Ünder"}, [2]string{"upn", "zquux@fabrikam.com"})
	synthetic := netip.MustParsePrefix("240.0.0.0/4")
	f.Fuzz(func(t *testing.T, in string) {
		original := map[netip.Addr]bool{}
		for _, e := range r.ip4Edits(in, scanText, nil) {
			if a, ok := parseDottedQuad(strings.SplitN(e.orig, "/", 2)[0]); ok {
				original[a] = true
			}
		}
		out := r.Text(in)
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("valid UTF-8 in, invalid out: %q → %q", in, out)
		}
		for _, e := range r.ip4Edits(out, scanText, nil) {
			if strings.HasSuffix(e.orig, "/0") {
				continue // The whole address space, kept as it is.
			}
			a, ok := parseDottedQuad(strings.SplitN(e.orig, "/", 2)[0])
			if ok && !synthetic.Contains(a) && original[a] {
				t.Fatalf("%q → %q still holds the address %s", in, out, e.orig)
			}
		}
	})
}

// FuzzReadMapping checks that reading a mapping file never panics, and
// that what it reads unredacts without panicking.
func FuzzReadMapping(f *testing.F) {
	m := NewMapping("0123456789abcdef")
	m.add(KindUPN, "svc-build@contoso.com", "user-0123456789ab@domain-01234567.example")
	m.add(KindIP, "198.51.100.23", "241.2.3.4")
	var b strings.Builder
	m.WriteJSON(&b)
	f.Add(b.String(), "user-0123456789ab@domain-01234567.example from 241.2.3.4")
	f.Add(`{"schema":"signinspect.redact-map/v1","values":[{"kind":"ip","pseudonym":"","original":"x"}]}`, "")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, file, text string) {
		p := filepath.Join(dir, "map.json")
		if err := os.WriteFile(p, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := ReadMappingFile(p)
		if err != nil {
			return
		}
		out, st := m.Unredact(text, func(s string) string { return s })
		if st.Replaced == 0 && out != text {
			t.Fatalf("nothing replaced, yet %q became %q", text, out)
		}
	})
}
