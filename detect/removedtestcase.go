package detect

import (
	"fmt"
	"strconv"
	"strings"
)

// idRemovedTestCase is the rule's stable identifier: users filter and accept findings by it.
const idRemovedTestCase = "removed-test-case"

var removedTestCase = &Rule{
	ID:       idRemovedTestCase,
	Severity: Warning,
	Doc: `A table-driven test's case table lost entries that appear nowhere else in head.

A case table is a slice or map literal that the test ranges over (written in the
range clause, bound to a variable in the test, or declared at package level) to
drive t.Run or its assertions. Rows are matched by their name (a name/desc/title
field, the first string, or the map key), then by their content, so reordered,
renamed and reformatted rows are not findings, nor are rows moved to another
test's table. Dropping the one case that fails is the table-driven way to
delete a test.

Example:
     {"positive", "42", 42},
    -{"overflow", "99999999999999999999", 0},
     {"negative", "-7", -7},`,
	run: runRemovedTestCase,
}

func runRemovedTestCase(a *analysis) {
	for _, m := range a.matches {
		if !comparable(m) || !m.head.runs() || a.untouched(m) {
			continue
		}
		baseRows := tableRows(a.base, m.base)
		if len(baseRows) == 0 {
			continue
		}
		headRows := tableRows(a.head, m.head)
		lost := unmatchedRows(baseRows, headRows)
		lost = a.notElsewhere(m, lost)
		if a.caseChecks(a.head, m.head) >= a.caseChecks(a.base, m.base) {
			lost = namedOnly(lost) // the table was reshaped, not shrunk
		}
		if len(lost) > 0 {
			a.reportLostRows(m, lost)
		}
	}
}

func (a *analysis) reportLostRows(m *match, lost []tableRow) {
	var names, excerpt []string
	for _, r := range lost {
		n := strconv.Quote(r.name)
		if r.name == "" {
			n = "`" + shorten(r.show, 40) + "`"
		}
		names = append(names, fmt.Sprintf("%s (line %d)", n, r.line))
		excerpt = append(excerpt, "- "+shorten(r.show, 100))
	}
	ht := m.head
	a.report(Finding{
		Rule: idRemovedTestCase, Severity: Warning, Symbol: ht.Name, Pkg: ht.Dir,
		File: ht.File.Path, Line: ht.line(), OldFile: m.base.File.Path, OldLine: lost[0].line,
		Excerpt: excerpt,
		Message: fmt.Sprintf("The case table of %s lost %d %s nowhere else in head: %s. Dropping the case that fails is the table-driven way to delete a test. Check whether these cases were failing, and why they were removed.",
			ht.Name, len(lost), plural(len(lost), "entry that appears", "entries that appear"), strings.Join(names, ", ")),
	})
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// namedOnly keeps the rows that have a name: a named case that vanished
// is a lost case even when the table was reworked around it.
func namedOnly(rows []tableRow) []tableRow {
	var out []tableRow
	for _, r := range rows {
		if r.name != "" {
			out = append(out, r)
		}
	}
	return out
}

// unmatchedRows pairs base rows with head rows — by name, by content, by
// their first element (the input, when the expected values or the columns
// changed), then a renamed or reworded row with a similar body — and
// returns the base rows left.
func unmatchedRows(base, head []tableRow) []tableRow {
	used := make([]bool, len(head))
	take := func(pred func(h tableRow) bool) bool {
		for i, h := range head {
			if !used[i] && pred(h) {
				used[i] = true
				return true
			}
		}
		return false
	}
	passes := []func(b, h tableRow) bool{
		func(b, h tableRow) bool { return b.name != "" && h.name == b.name },
		func(b, h tableRow) bool { return h.text == b.text || h.body == b.body },
		func(b, h tableRow) bool { return b.first != "" && h.first == b.first },
		func(b, h tableRow) bool {
			if b.name != "" && h.name != "" {
				return rowSimilarity(b.body, h.body) >= 0.7
			}
			return rowSimilarity(b.text, h.text) >= 0.8
		},
	}
	left := base
	for _, match := range passes {
		var next []tableRow
		for _, b := range left {
			if !take(func(h tableRow) bool { return match(b, h) }) {
				next = append(next, b)
			}
		}
		left = next
	}
	return left
}

// notElsewhere drops the lost rows that another new or changed test of the
// package now holds in its table.
func (a *analysis) notElsewhere(m *match, lost []tableRow) []tableRow {
	if len(lost) == 0 {
		return nil
	}
	var elsewhere []tableRow
	for _, ht := range a.head.pkg(m.head.Dir).tests {
		if ht.key() == m.head.key() || !ht.isTest() || ht.Kind == kindSubtest {
			continue
		}
		if olds := a.base.byKey[ht.key()]; len(olds) > 0 && olds[0].fingerprint().hash == ht.fingerprint().hash {
			continue
		}
		elsewhere = append(elsewhere, tableRows(a.head, ht)...)
	}
	return unmatchedRows(lost, elsewhere)
}
