package removedtestcase

import (
	"slices"
	"strings"
	"testing"
)

// contentWords is the row's words without the ones that carry no value,
// as a row's content was compared when it was joined and split again.
func TestContentWords(t *testing.T) {
	for text, want := range map[string][]string{
		`{"add", 1, 2, 3}`:                      {`{"add",`, "1,", "2,", "3}"},
		`{ name: "add" , in: []int{1, 2} }`:     {"name:", `"add"`, "in:", "[]int{1,", "2}"},
		`{ "" , & : }`:                          nil,
		"":                                      nil,
		"extension upgrade":                     {"extension", "upgrade"},
		"{\n\t\"tabs\",\n\t\"and lines\",\n}\n": {`"tabs",`, `"and`, `lines",`},
	} {
		got := contentWords(text)
		if !slices.Equal(got, want) {
			t.Errorf("contentWords(%q) = %q, want %q", text, got, want)
		}
		if again := strings.Fields(strings.Join(got, " ")); !slices.Equal(again, got) && len(got) > 0 {
			t.Errorf("contentWords(%q) = %q does not split back into itself", text, got)
		}
	}
}
