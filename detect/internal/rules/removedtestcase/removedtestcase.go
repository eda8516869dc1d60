package removedtestcase

import (
	"fmt"
	"go/ast"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// idRemovedTestCase is the rule's stable identifier: users filter and accept findings by it.
const ID = "removed-test-case"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Warning,
	Doc: `A table-driven test's case table lost entries that appear nowhere else in head.

A case table is a slice or map literal that the test ranges over (written in the
range clause, bound to a variable in the test, or declared at package level) to
drive t.Run or its assertions. Rows are matched by their name (a name/desc/title
field, the first string, or the map key), then by their content, so reordered,
renamed and reformatted rows are not findings, nor are rows moved to another
test's table or to a helper of the test files that the test calls, nor a
row whose values the test now holds as its own code (a table collapsed into
its one remaining case). Dropping the one case that fails is the table-driven way to
delete a test. Cases outside Go count too: a JSON or YAML file under testdata/
that a test of the package names, whose case list (a top-level array, or the
one array of a top-level object, whose entries look like cases: a name, an
input or an expected result) lost entries matched by name or content; and
seed corpus entries (testdata/fuzz/FuzzX/…) deleted while FuzzX stays, but
those whose values now stand as string literals in the package's test code
(moved into the target's f.Add seeds).

Not flagged: a Go table moved to a testdata file the head test reads, its
values all there (moved, then trimmed in a later commit, is flagged: judged on
the net change); rows that set a field the table's struct no longer has (info:
they went with the option they exercised); a data file whose rows were
renamed or reworded without shrinking; a row that is only its value
reworded in place (half its words kept, or renamed to its own prefix or
suffix).

Info, with the evidence: a row whose distinguishing values (those no kept
row has, its name field aside) all re-appear in a test the range added or
changed, its own included (moved); a row whose distinguishing value the
code no longer mentions (its pattern or key removed), or that the range
removed from a list of the package's code (a map or slice bound to a
package-level variable: the allowed value the row tried); a row that differed
from a kept row only in a field the table no longer has; rows of code that
now delegates to a function the range added, which a new or changed test
calls directly. Rows a subtest's table lost are reported for the subtest,
not again for the test that runs it.

Example:
     {"positive", "42", 42},
    -{"overflow", "99999999999999999999", 0},
     {"negative", "-7", -7},

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): warning: 2 right, 7 wrong (all 7 on one commit that synced a fork
to its upstream release).`,
	Run: func(p *model.Pass) { runRemovedTestCase(&pass{Pass: p}) },
}

// pass is the rule's view of one analysis: the model's Pass, with the
// rule's own steps as methods.
type pass struct {
	*model.Pass
	homes   *[]home      // the tests the range added or changed (rehomed.go), listed once
	pending []lostReport // the reports of lost rows, until run ends
}

// lostReport is a report of lost rows, held until every test is judged: a
// table in a subtest is also its parent's, and the rows it lost are
// reported once, for the subtest that holds them.
type lostReport struct {
	f    finding.Finding
	test string // the head test's name
	rows string // the file and lines of the rows lost
}

func runRemovedTestCase(a *pass) {
	a.checkDataFiles()
	defer a.flush()
	for _, m := range a.Matches {
		// reportLostRows names the match's head test, under its package: a
		// focused replay needs no other.
		if !model.Comparable(m) || !m.Head.Runs() || a.Untouched(m) || !a.Focused(m.Head.Dir, m.Head.Name) {
			continue
		}
		baseRows := model.CaseRows(a.Base, m.Base)
		if len(baseRows) == 0 {
			continue
		}
		headRows := model.CaseRows(a.Head, m.Head)

		lost := duplicatesKept(unmatchedRows(baseRows, headRows), headRows)
		lost = a.notElsewhere(m, lost)
		lost = a.movedToData(m, lost)
		lost = renamedLonger(lost, unmatchedRows(headRows, baseRows))
		if a.CaseChecks(a.Head, m.Head) >= a.CaseChecks(a.Base, m.Base) {
			lost = namedOnly(lost) // the table was reshaped, not shrunk
		}
		var kept, followed []model.TableRow
		var whys, movedVals, movedTo []string
		because := func(w string) {
			if !slices.Contains(whys, w) && len(whys) < 2 {
				whys = append(whys, w)
			}
		}
		bf, hf, hk := structFields(m.Base.File), structFields(m.Head.File), rowKeys(headRows)
		var keptBase []model.TableRow
		for _, r := range baseRows {
			if !slices.ContainsFunc(lost, func(l model.TableRow) bool { return l.Expr == r.Expr }) {
				keptBase = append(keptBase, r)
			}
		}
		kk := rowKeys(keptBase)
		var inHead map[string]bool // the expressions of head's test, for rows inlined into it
		for _, r := range lost {
			if inHead == nil {
				inHead = exprTexts(m.Head.File, m.Head.Body)
			}
			if inlined(m.Base.File, r, inHead) {
				continue // the case is now the test's own code: it still runs
			}
			if f := goneField(r, bf, hf, hk, kk); f != "" && len(keptBase) > 0 {
				followed = append(followed, r)
				because("They set the field " + f + ", which the table no longer has: they went with what that field exercised.")
				continue
			}
			if f, twin := onlyGoneField(m.Base.File, r, bf, hf, keptBase); f != "" {
				followed = append(followed, r)
				because("They differed from a kept row (" + strconv.Quote(twin) + ") only in the field " + f + ", which the table no longer has: the case they made went with that field.")
				continue
			}
			if s := a.SubjectOf(m.Base, false, r.Expr); s.Followed() {
				followed = append(followed, r)
				because("They went with the code they exercised: " + s.Why() + ".")
				continue
			}
			if w := a.droppedFromCode(r, keptBase); w != "" {
				followed = append(followed, r)
				because("They went with the code they exercised: the code no longer mentions " + strconv.Quote(w) + ", which set them apart from the rows kept.")
				continue
			}
			if w, list := a.droppedFromList(m.Base.Dir, r, keptBase); w != "" {
				followed = append(followed, r)
				because("They went with the code they exercised: the range removed " + strconv.Quote(w) + ", which set them apart from the rows kept, from the package's list " + list + ".")
				continue
			}
			if d, ok := a.Delegated(r.Expr, m.Base.Body); ok {
				followed = append(followed, r)
				because("They went with the code they exercised: " + d.Why() + ".")
				continue
			}
			if t, vals := a.rehomed(m, r, keptBase); t != "" {
				followed = append(followed, r)
				for _, v := range vals {
					if !slices.Contains(movedVals, v) {
						movedVals = append(movedVals, v)
					}
				}
				if !slices.Contains(movedTo, t) {
					movedTo = append(movedTo, t)
				}
				continue
			}
			kept = append(kept, r)
		}
		if len(movedVals) > 0 {
			because("They moved: their values (" + quoteList(movedVals, 3) + ") are in " + model.ListNames(movedTo, 2) + ", added or changed in this range.")
		}
		if len(kept) > 0 {
			// Rows dropped from a table the range also rewrote, for code the
			// range changed, read as the behaviour changing on purpose.
			if s := a.SubjectOf(m.Base, false, m.Base.Body); len(s.Changed) > 0 && len(unmatchedRows(headRows, baseRows)) > 0 {
				followed, kept = append(followed, kept...), nil
				because("The code the table exercises changed in this range (" + model.ListNames(s.Changed, 3) + ") and the table gained or rewrote other rows with it, which reads as an intended change of behaviour.")
			}
		}
		if len(kept) > 0 && strings.HasPrefix(model.ShortName(m.Base.Name), "Fuzz") {
			// A fuzz target's table seeds the corpus; the fuzz body checks
			// every input, seeded or not.
			followed, kept = append(followed, kept...), nil
			because("They seeded a fuzz target's corpus, whose body checks every input alike: fewer seeds is no lost check.")
		}
		if len(kept) > 0 {
			a.reportLostRows(m, kept, finding.Warning, "Dropping the case that fails is the table-driven way to delete a test. Check whether these cases were failing, and why they were removed.")
		}
		if len(followed) > 0 {
			a.reportLostRows(m, followed, finding.Info, strings.Join(whys, " ")+" Confirm the change was intended.")
		}
	}
}

func (a *pass) reportLostRows(m *model.Match, lost []model.TableRow, sev finding.Severity, why string) {
	var names, excerpt []string
	for _, r := range lost {
		n := strconv.Quote(r.Name)
		if r.Name == "" {
			n = "`" + shorten(r.Show, 40) + "`"
		}
		names = append(names, fmt.Sprintf("%s (line %d)", n, r.Line))
		excerpt = append(excerpt, "- "+shorten(r.Show, 100))
	}
	ht := m.Head
	rows := m.Base.File.Path
	for _, r := range lost {
		rows += fmt.Sprintf(":%d", r.Line)
	}
	a.pending = append(a.pending, lostReport{test: ht.Name, rows: rows, f: finding.Finding{
		Rule: ID, Severity: sev, Symbol: ht.Name, Pkg: ht.Dir,
		File: ht.File.Path, Line: ht.Line(), OldFile: m.Base.File.Path, OldLine: lost[0].Line,
		Excerpt: excerpt,
		Message: fmt.Sprintf("The case table of %s lost %d %s: %s. %s",
			ht.Name, len(lost), lostWhat(sev, len(lost)), strings.Join(names, ", "), why),
	}})
}

// flush reports the lost rows held, but a test's report of the same rows a
// subtest of it reports: the rows live in the subtest's table.
func (a *pass) flush() {
	for _, p := range a.pending {
		inSub := slices.ContainsFunc(a.pending, func(q lostReport) bool {
			return q.rows == p.rows && q.f.Severity == p.f.Severity && strings.HasPrefix(q.test, p.test+"/")
		})
		if !inSub {
			a.Report(p.f)
		}
	}
	a.pending = nil
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// duplicatesKept drops the lost rows that a head row repeats word for word:
// a table that listed a case twice and now lists it once lost nothing.
func duplicatesKept(lost, head []model.TableRow) []model.TableRow {
	var out []model.TableRow
	for _, r := range lost {
		if !slices.ContainsFunc(head, func(h model.TableRow) bool { return h.Text == r.Text }) {
			out = append(out, r)
		}
	}
	return out
}

// namedOnly keeps the rows that have a name: a named case that vanished
// is a lost case even when the table was reworked around it.
func namedOnly(rows []model.TableRow) []model.TableRow {
	var out []model.TableRow
	for _, r := range rows {
		if r.Name != "" {
			out = append(out, r)
		}
	}
	return out
}

// unmatchedRows pairs base rows with head rows — by name, by content, by
// their first element (the input, when the expected values or the columns
// changed), then a renamed or reworded row with a similar body — and
// returns the base rows left.
func unmatchedRows(base, head []model.TableRow) []model.TableRow {
	return pairRows(base, head, false)
}

// pairRows is unmatchedRows; across tables (elsewhere), a reworded row
// must also share what it holds besides punctuation: two small rows of
// another test ({"", "x"} and {"", "y"}) look alike by shape alone.
func pairRows(base, head []model.TableRow, elsewhere bool) []model.TableRow {
	used := make([]bool, len(head))
	take := func(pred func(h model.TableRow) bool) bool {
		for i, h := range head {
			if !used[i] && pred(h) {
				used[i] = true
				return true
			}
		}
		return false
	}
	passes := []func(b, h model.TableRow) bool{
		func(b, h model.TableRow) bool { return b.Name != "" && h.Name == b.Name },
		func(b, h model.TableRow) bool {
			return h.Text == b.Text || (h.Body == b.Body && !bareLiteral(b) && !bareLiteral(h))
		},
		func(b, h model.TableRow) bool { return b.First != "" && h.First == b.First },
	}
	left := base
	for _, match := range passes {
		var next []model.TableRow
		for _, b := range left {
			if !take(func(h model.TableRow) bool { return match(b, h) }) {
				next = append(next, b)
			}
		}
		left = next
	}
	// Reworded rows last, the closest pairs first: a dropped row must not
	// take the rewrite of the row next to it because it came first.
	type pair struct {
		b, h  int
		score float64
	}
	var pairs []pair
	if len(left) > 0 {
		// Each row is split into words once: the pairs are every base
		// row against every head row.
		hw := make([]rowWords, len(head))
		for hi, h := range head {
			if !used[hi] {
				hw[hi] = wordsOf(h)
			}
		}
		scratch := map[string]int{}
		for bi, b := range left {
			bw := wordsOf(b)
			for hi, h := range head {
				if !used[hi] {
					if sc, ok := reworded(b, h, bw, hw[hi], elsewhere, scratch); ok {
						pairs = append(pairs, pair{bi, hi, sc})
					}
				}
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].score > pairs[j].score })
	taken := make([]bool, len(left))
	for _, p := range pairs {
		if !taken[p.b] && !used[p.h] {
			taken[p.b], used[p.h] = true, true
		}
	}
	var out []model.TableRow
	for bi, b := range left {
		if !taken[bi] {
			out = append(out, b)
		}
	}
	return out
}

// reworded scores how alike a base row and a head row are, and reports
// whether they are alike enough to be one row reworded.
func reworded(b, h model.TableRow, bw, hw rowWords, elsewhere bool, scratch map[string]int) (float64, bool) {
	if bareLiteral(b) || bareLiteral(h) {
		// a row that is only its value: its words are all it has (its
		// body without the name is empty, alike in every row);
		// "extension upgrade" → "extension update" kept half its words
		if !bareLiteral(b) || !bareLiteral(h) {
			return 0, false
		}
		sc := model.WordSimilarity(bw.name, hw.name, scratch)
		return sc, sc >= 0.5
	}
	if elsewhere && model.WordSimilarity(bw.content, hw.content, scratch) < 0.7 {
		return 0, false
	}
	if b.Name != "" && h.Name != "" {
		sc := model.WordSimilarity(bw.body, hw.body, scratch)
		return sc, sc >= 0.7
	}
	sc := model.WordSimilarity(bw.text, hw.text, scratch)
	return sc, sc >= 0.8
}

// rowWords is a row's texts split into words as model.RowSimilarity splits
// them: its name, its body, its text, and its body's content (contentWords).
type rowWords struct{ name, body, text, content []string }

func wordsOf(r model.TableRow) rowWords {
	return rowWords{strings.Fields(r.Name), strings.Fields(r.Body), strings.Fields(r.Text), contentWords(r.Body)}
}

// notElsewhere drops the lost rows that another new or changed test of the
// package now holds in its table.
func (a *pass) notElsewhere(m *model.Match, lost []model.TableRow) []model.TableRow {
	if len(lost) == 0 {
		return nil
	}
	var elsewhere []model.TableRow
	calls := calledNames(m.Head.Body)
	for _, ht := range a.Head.PkgTests(m.Head.Dir) {
		if ht.IsHelper() && calls[ht.Name] {
			// A helper the test hands its *testing.T to and that holds
			// the rows checks them for the test.
			elsewhere = append(elsewhere, model.CaseRows(a.Head, ht)...)
			continue
		}
		if ht.Key() == m.Head.Key() || !ht.IsTest() || ht.Kind == model.KindSubtest {
			continue
		}
		if olds := a.Base.ByKey[ht.Key()]; len(olds) > 0 && olds[0].Fingerprint().Hash == ht.Fingerprint().Hash {
			continue
		}
		elsewhere = append(elsewhere, model.CaseRows(a.Head, ht)...)
	}
	return pairRows(lost, elsewhere, true)
}

// exprTexts lists the source of every expression of a body but its bare
// names, whitespace collapsed.
func exprTexts(f *model.SrcFile, body ast.Node) map[string]bool {
	out := map[string]bool{}
	if body == nil {
		return out
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok {
			if _, isIdent := e.(*ast.Ident); !isIdent {
				out[collapse(f.Text(e))] = true
			}
		}
		return true
	})
	return out
}

// collapse joins the words of a text with single spaces.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// inlined reports whether a lost row's case now stands in the head test's
// own code: each of its values but its name (a struct row's fields, at
// least one; none a bare name, nor under eight characters) is, as written,
// an expression of head's test, as when a table collapsed to its one
// surviving case is written out.
func inlined(f *model.SrcFile, r model.TableRow, inHead map[string]bool) bool {
	cl, ok := r.Expr.(*ast.CompositeLit)
	if !ok {
		return false
	}
	n := 0
	for _, el := range cl.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			return false
		}
		if id, ok := kv.Key.(*ast.Ident); ok && nameFields[strings.ToLower(id.Name)] {
			continue
		}
		text := collapse(f.Text(kv.Value))
		if _, bare := kv.Value.(*ast.Ident); bare || len(text) < 8 || !inHead[text] {
			return false
		}
		n++
	}
	return n > 0
}

// calledNames lists the functions a body calls by their bare name.
func calledNames(body ast.Node) map[string]bool {
	out := map[string]bool{}
	if body == nil {
		return out
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if recv, name := model.CallName(call); recv == "" && name != "" {
				out[name] = true
			}
		}
		return true
	})
	return out
}

// renamedLonger drops the lost rows whose name a new row of head starts
// with: "custom name only" → "custom name only via translator", the same
// case rewritten for a new way of setting it up. A row that is only its
// value and lost a prefix or suffix of it ("container_port_list" →
// "port_list") is the same case with a renamed value: the key or option
// it names was renamed.
func renamedLonger(lost, fresh []model.TableRow) []model.TableRow {
	var out []model.TableRow
	used := make([]bool, len(fresh))
	for _, r := range lost {
		hit := false
		for i, h := range fresh {
			if used[i] || h.Name == r.Name {
				continue
			}
			rn, hn := strings.Trim(r.Name, `"'`+"`"), strings.Trim(h.Name, `"'`+"`")
			shortened := bareLiteral(r) && bareLiteral(h) && len(hn) >= 8 && len(hn) < len(rn) &&
				(strings.HasSuffix(rn, hn) || strings.HasPrefix(rn, hn))
			if shortened || (len(r.Name) >= 8 && strings.HasPrefix(h.Name, r.Name)) {
				used[i], hit = true, true
				break
			}
		}
		if !hit {
			out = append(out, r)
		}
	}
	return out
}

// bareLiteral reports whether a row is a lone literal ("input", 42): a
// table of inputs, each row named by its value.
func bareLiteral(r model.TableRow) bool {
	_, ok := r.Expr.(*ast.BasicLit)
	return ok
}

func quoteList(vals []string, max int) string {
	q := make([]string, 0, len(vals))
	for _, v := range vals {
		q = append(q, strconv.Quote(shorten(v, 40)))
	}
	return model.ListNames(q, max)
}

func lostWhat(sev finding.Severity, n int) string {
	if sev == finding.Info {
		return model.Plural(n, "entry", "entries")
	}
	return model.Plural(n, "entry that appears", "entries that appear") + " nowhere else in head"
}

// contentWords keeps the tokens of a row's collapsed text that carry a
// value: no brackets, commas, colons or empty strings.
func contentWords(text string) []string {
	var out []string
	for _, t := range strings.Fields(text) {
		switch t {
		case "{", "}", "(", ")", "[", "]", ",", ":", `""`, "&":
			continue
		}
		out = append(out, t)
	}
	return out
}
