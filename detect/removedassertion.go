package detect

import (
	"fmt"
	"strings"
)

var removedAssertion = &Rule{
	ID:       idRemovedAssertion,
	Severity: Error,
	Doc: `A test (or subtest, or fuzz target) that exists in base and head makes fewer
assertions in head, and the missing ones did not move.

Assertions are read across Go's test libraries — testing's t.Error/t.Fatal and
the conditions guarding them, testify (assert, require, assert.New objects,
suites), gomega, quicktest, matryer/is, gotest.tools, gocheck, go-cmp — and the
package's own helpers that receive the *testing.T are expanded, so every check
is compared by what it checks, whatever library wrote it.

Not flagged: an assertion moved into a helper, another subtest or a new test of
the package, rewritten with another library (if got != want { t.Errorf } →
assert.Equal), folded into the predicate of a kept assertion (Eventually), or
turned into rows of a table; a check that went with the value it checked (the
function no longer returns it).

Example:
     got, err := Parse("1+2")
    -if err != nil {
    -	t.Fatal(err)
    -}
     if got != 3 {`,
	run: runRemovedAssertion,
}

func runRemovedAssertion(a *analysis) {
	for _, m := range a.matches {
		if !comparable(m) || !m.head.runs() || a.untouched(m) {
			continue
		}
		if what, _ := a.hollowed(m); what != "" {
			continue // disabled-test reports a test hollowed out
		}
		d := a.diffAssertions(m)
		if len(d.removed) == 0 {
			continue
		}
		bt, ht := m.base, m.head
		var list, excerpt []string
		for _, s := range d.removed {
			list = append(list, fmt.Sprintf("%s (line %d)", callText(s), s.file.line(s.at.Pos())))
			excerpt = append(excerpt, s.file.lines(s.at.Pos(), s.at.End(), "-", 2)...)
		}
		first := d.removed[0]
		a.report(Finding{
			Rule: idRemovedAssertion, Severity: Error, Symbol: ht.Name, Pkg: ht.Dir,
			File: ht.File.Path, Line: ht.line(), OldFile: bt.File.Path, OldLine: first.file.line(first.at.Pos()),
			Excerpt: excerpt,
			Message: fmt.Sprintf("%s checks less than it did (%d assertions in base, %d in head): %s gone and did not move elsewhere: %s. A test that stops checking something still passes when that thing breaks. Check whether these assertions were failing, and why they were removed.",
				ht.Name, d.baseCount, d.headCount, plural(len(list), "this one is", "these are"), strings.Join(list, ", ")),
		})
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
