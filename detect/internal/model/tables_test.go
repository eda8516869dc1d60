package model

import (
	"strings"
	"testing"
)

// RowSimilarity counts the words two texts share, with repeats; a scratch
// map left with other words does not change WordSimilarity's answer.
func TestWordSimilarity(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"", "", 1},
		{"a", "", 0},
		{"x", "stale", 0},
		{"a a a b", "a b b", 2 * 2.0 / 7},
		{"extension upgrade", "extension update", 0.5},
		{`{"add", 1, 2, 3}`, `{"add", 1, 2, 3}`, 1},
	} {
		if got := RowSimilarity(c.a, c.b); got != c.want {
			t.Errorf("RowSimilarity(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
		scratch := map[string]int{"a": 5, "stale": 1}
		if got := WordSimilarity(strings.Fields(c.a), strings.Fields(c.b), scratch); got != c.want {
			t.Errorf("WordSimilarity(%q, %q) with a used scratch map = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
