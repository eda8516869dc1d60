package removedtestcase

import (
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// similarity on words split once is model.RowSimilarity on the texts, and
// contentWords is what the row's content splits into.
func TestSimilarityIsRowSimilarity(t *testing.T) {
	texts := []string{
		"", " ", `{"add", 1, 2, 3}`, `{name: "add", in: []int{1, 2}, want: 3}`,
		`{"add", 1, 2, 4}`, `{name: "sub", in: []int{2, 1}, want: 1}`, `a a a b`, `a b b`,
		`{ "" , & : }`, "extension upgrade", "extension update",
	}
	scratch := map[string]int{"stale": 3}
	for _, a := range texts {
		for _, b := range texts {
			want := model.RowSimilarity(a, b)
			if got := similarity(strings.Fields(a), strings.Fields(b), scratch); got != want {
				t.Errorf("similarity(%q, %q) = %v, want %v", a, b, got, want)
			}
			cw := model.RowSimilarity(strings.Join(contentWords(a), " "), strings.Join(contentWords(b), " "))
			if got := similarity(contentWords(a), contentWords(b), scratch); got != cw {
				t.Errorf("content similarity(%q, %q) = %v, want %v", a, b, got, cw)
			}
		}
	}
}
