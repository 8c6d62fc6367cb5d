package safetext

import (
	"encoding/json"
	"testing"
)

func TestVisible(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"svc-build@contoso.com", "svc-build@contoso.com"},
		{"Zürich, 東京", "Zürich, 東京"},
		{"two\nlines", "two\nlines"},
		{"\x1b[31mred\x1b[0m", "␛[31mred␛[0m"},
		{"\x1b]0;owned\x07", "␛]0;owned␇"}, // OSC: the window title.
		{"\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\", "␛]8;;https://evil.example␛\\x␛]8;;␛\\"}, // OSC 8: a hyperlink.
		{"a\u009b31mb", "a<U+009B>31mb"},                       // CSI as a C1 control.
		{"user\u202emoc.osotnoc@", "user<U+202E>moc.osotnoc@"}, // Right-to-left override.
		{"\u2066x\u2069\u200f", "<U+2066>x<U+2069><U+200F>"},
		{"tab\there\r", "tab␉here␍"},
		{"del\x7f", "del␡"},
		{"bad\xffbyte", "bad\ufffdbyte"},
		{"kept \ufffd", "kept \ufffd"},
		{"line\u2028sep", "line<U+2028>sep"},
	} {
		if got := Visible(tt.in); got != tt.want {
			t.Errorf("Visible(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscapeJSON(t *testing.T) {
	value := "a\u202eb\u009bc Zürich \u2028 \x1b"
	raw, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	got := EscapeJSON(raw)
	if want := `"a\u202eb\u009bc Zürich \u2028 \u001b"`; string(got) != want {
		t.Errorf("EscapeJSON = %s; want %s", got, want)
	}
	var back string
	if err := json.Unmarshal(got, &back); err != nil || back != value {
		t.Errorf("the escaped JSON decodes to %q (%v); want %q", back, err, value)
	}
	plain := []byte(`{"a": "b"}`)
	if got := EscapeJSON(plain); &got[0] != &plain[0] {
		t.Error("EscapeJSON copied ASCII JSON")
	}
}

func FuzzVisible(f *testing.F) {
	for _, s := range []string{"", "\x1b[31m", "a\u202eb", "\xff\xfe", "\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := Visible(s)
		for _, r := range v {
			if Invisible(r) {
				t.Fatalf("Visible(%q) = %q holds %U", s, v, r)
			}
		}
		raw, _ := json.Marshal(s)
		var back string
		if err := json.Unmarshal(EscapeJSON(raw), &back); err != nil {
			t.Fatalf("EscapeJSON broke %s: %v", raw, err)
		}
		for _, r := range string(EscapeJSON(raw)) {
			if Invisible(r) {
				t.Fatalf("EscapeJSON(%s) holds %U", raw, r)
			}
		}
	})
}
