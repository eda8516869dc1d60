package detect

import (
	"fmt"
	"go/token"
	"strings"
)

// idRemovedAssertion is the rule's stable identifier: users filter and accept findings by it.
const idRemovedAssertion = "removed-assertion"

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
	for _, m := range a.helpers {
		if d := a.diffAssertions(m); len(d.removed) > 0 {
			a.reportRemoved(m, d, "the helper "+m.head.Name+" (and so every test that calls it)")
		}
	}
	for _, m := range a.matches {
		if !comparable(m) || !m.head.runs() || a.untouched(m) {
			continue
		}
		if what, _ := a.hollowed(m); what != "" {
			continue // disabled-test reports a test hollowed out
		}
		if d := a.diffAssertions(m); len(d.removed) > 0 {
			a.reportRemoved(m, d, m.head.Name)
		}
	}
}

func (a *analysis) reportRemoved(m *match, d *assertDiff, who string) {
	bt, ht := m.base, m.head
	var list, excerpt []string
	for _, s := range d.removed {
		list = append(list, fmt.Sprintf("%s (line %d)", callText(s), s.file.line(s.at.Pos())))
		excerpt = append(excerpt, s.file.lines(siteStart(s), siteEnd(s), "-", 4)...)
	}
	first := d.removed[0]
	a.report(Finding{
		Rule: idRemovedAssertion, Severity: Error, Symbol: ht.Name, Pkg: ht.Dir,
		File: ht.File.Path, Line: ht.line(), OldFile: bt.File.Path, OldLine: first.file.line(first.at.Pos()),
		Excerpt: excerpt,
		Message: fmt.Sprintf("%s checks less than it did (%d assertions in base, %d in head): %s gone and did not move elsewhere: %s. A test that stops checking something still passes when that thing breaks. Check whether these assertions were failing, and why they were removed.",
			upperFirst(who), d.baseCount, d.headCount, plural(len(list), "this one is", "these are"), strings.Join(list, ", ")),
	})
}

// siteStart is where a check's excerpt begins: at the if that guards a
// failure when it is close above, so that the reader sees what was checked.
func siteStart(s *site) token.Pos {
	at := s.at.Pos()
	if n := len(s.gates); n > 0 && s.kind != siteAssert && len(s.via) == 0 && s.gates[n-1].cond != nil {
		if c := s.gates[n-1].cond.Pos(); c < at && s.file.line(at)-s.file.line(c) <= 3 {
			return s.file.Fset.File(c).LineStart(s.file.line(c))
		}
	}
	return at
}

// siteEnd is where a check's excerpt ends: the closing brace of the if
// that guards a failure, or the call.
func siteEnd(s *site) token.Pos {
	end := s.at.End()
	if siteStart(s) != s.at.Pos() {
		tf := s.file.Fset.File(end)
		if l := s.file.line(end); l < tf.LineCount() {
			return tf.LineStart(l+1) + token.Pos(len(strings.TrimRight(lineText(s.file, l+1), " \t")))
		}
	}
	return end
}

func lineText(f *srcFile, line int) string {
	tf := f.Fset.File(f.AST.Pos())
	if line < 1 || line > tf.LineCount() {
		return ""
	}
	start := tf.Offset(tf.LineStart(line))
	end := len(f.Src)
	if line < tf.LineCount() {
		end = tf.Offset(tf.LineStart(line + 1))
	}
	return strings.TrimRight(string(f.Src[start:end]), "\n")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
