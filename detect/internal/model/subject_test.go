package model

import "testing"

func TestCommonLiteral(t *testing.T) {
	for v, want := range map[string]bool{
		"Content-Type":                  true,
		"Mcp-Session-Id":                true,
		"X-Forwarded-For":               true,
		"rad.yaml":                      true,
		"config.json":                   true,
		"authentication failed":         false,
		"BEADS_DOLT_SERVER_MODE":        false,
		"defaults.subscription":         false,
		"failed formatting options: %w": false,
		"content-type":                  false, // not the Title-Case of a header name
		"a/b.yaml":                      false, // a path, not a bare file name
	} {
		if got := CommonLiteral(v); got != want {
			t.Errorf("CommonLiteral(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestHasIdent(t *testing.T) {
	for _, tc := range []struct {
		src, name string
		want      bool
	}{
		{"if Sub(3, 1) != 2 {", "Sub", true},
		{"x := calc.Sub", "Sub", true},
		{"func TestSub(t *testing.T) {}", "Sub", false},
		{"Subtract(1, 2)", "Sub", false},
		{"TestSub(t); Sub(1, 2)", "Sub", true},
		{"", "Sub", false},
	} {
		if got := hasIdent([]byte(tc.src), tc.name); got != tc.want {
			t.Errorf("hasIdent(%q, %q) = %v, want %v", tc.src, tc.name, got, tc.want)
		}
	}
}
