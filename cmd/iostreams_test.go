package cmd

import "testing"

func TestColumnsEnv(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"80", 80},
		{" 132 ", 132},
		{"20", 20},
		{"19", 0}, // Too narrow for any layout: the default width instead.
		{"-5", 0},
		{"wide", 0},
		{"80x24", 0},
	} {
		if got := columnsEnv(tt.in); got != tt.want {
			t.Errorf("columnsEnv(%q) = %d; want %d", tt.in, got, tt.want)
		}
	}
}
