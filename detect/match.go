package detect

import (
	"bytes"
	"go/ast"
	"go/token"
	"sort"
	"strings"
)

// How a base test was found again in head.
type matchKind int

const (
	matchSame   matchKind = iota // same package directory and name
	matchMoved                   // same or near-same body elsewhere, or under another name
	matchFolded                  // its inputs and expected values are rows of a table in head
	matchGone                    // not found: deleted
)

// Thresholds of the move matching: a body at least this similar to a new or
// changed one in head moved with small edits; a head body that holds this
// share of it absorbed it (renamed and extended).
const (
	nearSimilarity   = 0.8
	containsShare    = 0.9
	foldedShare      = 0.8
	minTokensForNear = 8
)

// match pairs a base test with what became of it in head.
type match struct {
	base *testFunc
	head *testFunc // nil when gone
	kind matchKind
}

// matchTests finds every test of the changed base files again in head:
// by name first, then by body anywhere in head, then in tables.
func (a *analysis) matchTests() {
	fresh := a.freshHead()
	for _, bt := range a.base.tests {
		if !bt.isTest() {
			continue
		}
		if bt.Parent != nil && !a.parentKept(bt.Parent) {
			continue // reported, or moved, with its parent
		}
		a.matches = append(a.matches, a.find(bt, fresh))
	}
	a.pairHelpers()
}

// pairHelpers pairs the helpers of changed test files that kept their name
// and changed their body: a skip or a lost check in a helper reaches every
// test that calls it, and is reported once, at the helper.
func (a *analysis) pairHelpers() {
	for _, bt := range a.base.tests {
		if !bt.isHelper() {
			continue
		}
		for _, ht := range a.head.byKey[bt.key()] {
			if ht.isHelper() && !bytes.Equal(bt.bodySrc(), ht.bodySrc()) {
				a.helpers = append(a.helpers, &match{base: bt, head: ht, kind: matchSame})
			}
		}
	}
}

// parentKept reports whether a test's parent is still in head under its name.
func (a *analysis) parentKept(p *testFunc) bool {
	for _, m := range a.matches {
		if m.base == p {
			return m.kind == matchSame
		}
	}
	return false
}

// freshHead lists the head functions that are new or whose body changed:
// the only places a moved-and-edited or folded test can have gone.
func (a *analysis) freshHead() []*testFunc {
	var out []*testFunc
	for _, ht := range a.head.tests {
		same := false
		for _, bt := range a.base.byKey[ht.key()] {
			if bytes.Equal(bt.bodySrc(), ht.bodySrc()) || bt.fingerprint().hash == ht.fingerprint().hash {
				same = true
			}
		}
		if !same {
			out = append(out, ht)
		}
	}
	return out
}

func (a *analysis) find(bt *testFunc, fresh []*testFunc) *match {
	if hs := a.head.byKey[bt.key()]; len(hs) > 0 {
		return &match{base: bt, head: preferRunning(hs), kind: matchSame}
	}
	fp := bt.fingerprint()
	// The same body among the new or changed functions of head: moved or
	// renamed. A running test is a better answer than a function go test
	// ignores.
	if exact := identicalTests(fp, fresh, bt); len(exact) > 0 {
		return &match{base: bt, head: preferRunning(exact), kind: matchMoved}
	}
	if ht := a.bestNear(bt, fresh); ht != nil {
		return &match{base: bt, head: ht, kind: matchMoved}
	}
	if ht := a.sameNameElsewhere(bt, fresh); ht != nil {
		return &match{base: bt, head: ht, kind: matchMoved}
	}
	if ht := a.folded(bt, fresh); ht != nil {
		return &match{base: bt, head: ht, kind: matchFolded}
	}
	if ht := a.rewrittenInPlace(bt, fresh); ht != nil {
		return &match{base: bt, head: ht, kind: matchMoved}
	}
	// An identical test already elsewhere in the package: a duplicate removed.
	if same := identicalTests(fp, a.head.testsMentioning(bt.Dir, fp.words()), bt); len(same) > 0 {
		return &match{base: bt, head: preferRunning(same), kind: matchMoved}
	}
	return &match{base: bt, kind: matchGone}
}

func identicalTests(fp *fingerprint, candidates []*testFunc, bt *testFunc) []*testFunc {
	var out []*testFunc
	for _, ht := range candidates {
		if len(ht.fingerprint().tokens) == len(fp.tokens) && ht.fingerprint().hash == fp.hash && kindsCompatible(bt, ht) {
			out = append(out, ht)
		}
	}
	return out
}

// kindsCompatible keeps a benchmark from matching a test of the same body
// and TestMain from matching anything but TestMain.
func kindsCompatible(b, h *testFunc) bool {
	if b.Kind == kindMain || h.Kind == kindMain {
		return b.Kind == h.Kind
	}
	return true
}

func preferRunning(hs []*testFunc) *testFunc {
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].runs() && !hs[j].runs() })
	return hs[0]
}

// bestNear returns the new or changed head function most like bt: a new
// one at least nearSimilarity alike, or one that holds nearly all of bt
// (renamed and extended). A test that existed in base counts only if it
// gained bt's content, and bt's own ancestors never count: a parent that
// kept a sibling subtest would otherwise seem to hold the deleted one.
func (a *analysis) bestNear(bt *testFunc, fresh []*testFunc) *testFunc {
	fp := bt.fingerprint()
	if len(fp.tokens) < minTokensForNear {
		return nil
	}
	var best *testFunc
	bestScore := 0.0
	for _, ht := range fresh {
		if !kindsCompatible(bt, ht) || (ht.Kind == kindOther && !ht.File.isTestish()) || isAncestorKey(bt, ht.key()) {
			continue
		}
		hp := ht.fingerprint()
		if len(hp.tokens) < len(fp.tokens)*2/3 {
			continue // too small to be alike or to hold bt
		}
		score := 0.0
		if olds := a.base.byKey[ht.key()]; len(olds) > 0 {
			if c := containment(fp, hp, containsShare); ht.isTest() && c >= containsShare && c-containment(fp, olds[0].fingerprint(), 0) >= 0.2 {
				score = c
			}
		} else {
			score = similarity(fp, hp, nearSimilarity)
			if score < nearSimilarity && ht.isTest() && containment(fp, hp, containsShare) >= containsShare {
				score = nearSimilarity // renamed and extended
			}
		}
		if score >= nearSimilarity && keepsData(bt, ht) && (score > bestScore || (score == bestScore && ht.runs() && !best.runs())) {
			best, bestScore = ht, score
		}
	}
	return best
}

func isAncestorKey(tf *testFunc, key string) bool {
	for p := tf.Parent; p != nil; p = p.Parent {
		if p.key() == key {
			return true
		}
	}
	return false
}

// folded returns a new or changed head test whose table rows hold nearly
// all of bt's inputs and expected values: bt became rows of its table. A
// test that existed in base must have gained those rows.
func (a *analysis) folded(bt *testFunc, fresh []*testFunc) *testFunc {
	want := bt.fingerprint().literals
	if bt.Kind == kindSubtest {
		want = copySet(want)
		if call, ok := bt.Decl.(*ast.CallExpr); ok {
			if lit, ok := call.Args[0].(*ast.BasicLit); ok {
				want[literalValue(lit)] = true
			}
		}
	}
	if len(want) < 2 {
		return nil // one shared literal is a coincidence, not a table row
	}
	for _, ht := range fresh {
		if !ht.isTest() {
			continue
		}
		have := a.head.tableLiterals(ht)
		var had map[string]bool
		if olds := a.base.byKey[ht.key()]; len(olds) > 0 {
			had = a.base.tableLiterals(olds[0])
		}
		n, gained := 0, 0
		for v := range want {
			if hv, ok := findLiteral(v, have); ok {
				n++
				if !had[hv] {
					gained++
				}
			}
		}
		if float64(n) >= foldedShare*float64(len(want)) && gained > 0 {
			return ht
		}
	}
	return nil
}

func copySet(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// isTestish reports whether a file can hold tests go test would still find
// if they were named right: a _test.go file.
func (f *srcFile) isTestish() bool { return isTestFile(f.Path) }

// tableLiterals returns, once per test, the literals of its table rows.
func (s *snapshot) tableLiterals(tf *testFunc) map[string]bool {
	if tf.table == nil {
		tf.table = tableLiterals(tf.Decl, func(name string) *ast.ValueSpec { return s.valueSpec(tf.Dir, token.VAR, name) })
	}
	return tf.table
}

// findLiteral looks for a literal among a table's: the same value, or for a
// long string (a fixture, an expected output) one that differs in a few
// lines only, as happens when a test's data is reformatted into a row.
func findLiteral(v string, have map[string]bool) (string, bool) {
	if have[v] {
		return v, true
	}
	if len(v) >= 7 && v[0] == '"' {
		// A fragment a test looked for (strings.Contains(err.Error(), "one of"))
		// inside a full message of a table row.
		frag := v[1 : len(v)-1]
		for hv := range have {
			if len(hv) > len(v) && hv[0] == '"' && strings.Contains(hv, frag) {
				return hv, true
			}
		}
	}
	if len(v) < 24 || v[0] != '"' {
		return "", false
	}
	for hv := range have {
		if len(hv) >= 24 && hv[0] == '"' && (lineSimilarity(v, hv) >= 0.8 || rowSimilarity(wordsOf(v), wordsOf(hv)) >= 0.8) {
			return hv, true
		}
	}
	return "", false
}

// wordsOf spaces out a quoted string's words, for a word-level likeness of
// two messages or fixtures.
func wordsOf(q string) string {
	return strings.Join(strings.FieldsFunc(q, func(r rune) bool { return r == ' ' || r == '"' || r == '\\' }), " ")
}

// lineSimilarity is the Dice coefficient of two strings' lines.
func lineSimilarity(a, b string) float64 {
	la, lb := strings.Split(a, `\n`), strings.Split(b, `\n`)
	count := map[string]int{}
	for _, l := range la {
		count[strings.TrimSpace(l)]++
	}
	common := 0
	for _, l := range lb {
		if k := strings.TrimSpace(l); count[k] > 0 {
			count[k]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(la)+len(lb))
}

// Thresholds for a test rewritten in place: a new test standing exactly
// where the deleted one stood (between the same surviving declarations)
// needs less likeness to be its successor than a test anywhere else.
const (
	inPlaceSimilarity  = 0.5
	inPlaceContainment = 0.6
)

// rewrittenInPlace finds a new test that took a deleted test's place in its
// file and keeps much of its body: the test was renamed and reworked.
func (a *analysis) rewrittenInPlace(bt *testFunc, fresh []*testFunc) *testFunc {
	hf := a.headFile(bt.File.Path)
	if bt.Parent != nil || hf == nil || len(bt.fingerprint().tokens) < minTokensForNear {
		return nil
	}
	lo, hi := slot(bt.File, hf, bt.Decl.Pos())
	var best *testFunc
	bestScore := 0.0
	for _, ht := range fresh {
		if ht.File != hf || ht.Parent != nil || !ht.isTest() || len(a.base.byKey[ht.key()]) > 0 ||
			ht.Decl.Pos() < lo || ht.Decl.Pos() > hi {
			continue
		}
		simAt, contAt := inPlaceSimilarity, inPlaceContainment
		if strings.HasPrefix(ht.Name, bt.Name) {
			simAt, contAt = 0.35, 0.4 // TestX became TestX_and_more where TestX stood
		}
		sim, cont := similarity(bt.fingerprint(), ht.fingerprint(), simAt), containment(bt.fingerprint(), ht.fingerprint(), contAt)
		if (sim >= simAt || cont >= contAt) && keepsData(bt, ht) && max(sim, cont) > bestScore {
			best, bestScore = ht, max(sim, cont)
		}
	}
	return best
}

// keepsData reports whether a head function still holds at least half of a
// base test's inputs and expected values. A test "moved with small edits"
// whose data all changed now tests something else: renaming
// TestParseOverflow to TestParseOK and feeding it "1" instead of an
// overflowing number is a deletion, however alike the code looks.
func keepsData(bt, ht *testFunc) bool {
	want := bt.fingerprint().literals
	if len(want) == 0 {
		return true
	}
	have := literalsIn(ht.Decl)
	n := 0
	for v := range want {
		if _, ok := findLiteral(v, have); ok {
			n++
		}
	}
	return 2*n >= len(want)
}

// literalsIn collects every literal value of a node.
func literalsIn(n ast.Node) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if l, ok := n.(*ast.BasicLit); ok {
			out[literalValue(l)] = true
		}
		return true
	})
	return out
}

// untouched reports whether a test kept its name and its exact body, and
// calls no helper of its package that the range changed: nothing about it
// can have changed, and the rules that compare a test's two versions skip
// it. (A test whose body did not change but whose helper gained a skip is
// still compared.)
func (a *analysis) untouched(m *match) bool {
	if m.kind != matchSame || !bytes.Equal(m.base.bodySrc(), m.head.bodySrc()) || setupText(m.base) != setupText(m.head) {
		return false
	}
	affected := a.affectedHelpers(m.head.Dir)
	untouched := true
	ast.Inspect(m.head.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && affected[id.Name] {
			untouched = false
		}
		return untouched
	})
	return untouched
}

// affectedHelpers lists the functions, constants and variables of a package
// directory that the range changed, added or removed. (A changed helper is
// also judged on its own, at the helper: see pairHelpers.)
func (a *analysis) affectedHelpers(dir string) map[string]bool {
	if got, ok := a.affected[dir]; ok {
		return got
	}
	bodies := func(s *snapshot) map[string]string {
		out := map[string]string{}
		for path, f := range s.files {
			if dirOf(path) != dir || f.AST == nil {
				continue
			}
			for _, d := range f.AST.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && d.Body != nil {
						out[d.Name.Name] = f.text(d)
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						if vs, ok := spec.(*ast.ValueSpec); ok {
							for _, n := range vs.Names {
								out[n.Name] = f.text(vs)
							}
						}
					}
				}
			}
		}
		return out
	}
	before, after := bodies(a.base), bodies(a.head)
	affected := map[string]bool{}
	for name, body := range after {
		if before[name] != body && !isTestEntry(name) {
			affected[name] = true
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok && !isTestEntry(name) {
			affected[name] = true
		}
	}

	if a.affected == nil {
		a.affected = map[string]map[string]bool{}
	}
	a.affected[dir] = affected
	return affected
}

// setupText is the source of a ginkgo spec's BeforeEach bodies.
func setupText(tf *testFunc) string {
	var b strings.Builder
	for _, s := range tf.setup {
		b.WriteString(tf.File.text(s))
	}
	return b.String()
}

// isTestEntry reports whether a function name is one go test calls (tests
// call helpers, never each other), so a changed test affects no other.
func isTestEntry(name string) bool {
	for _, p := range []string{"Test", "Benchmark", "Fuzz", "Example"} {
		if isTestName(name, p) {
			return true
		}
	}
	return false
}

// sameNameElsewhere finds, for a test whose file was deleted, a new test of
// the same name in a file of the same name in another package, whose body
// still resembles the deleted one's: a package moved (freelist_test.go to
// internal/freelist/freelist_test.go) and its tests adapted to the new API.
func (a *analysis) sameNameElsewhere(bt *testFunc, fresh []*testFunc) *testFunc {
	if bt.Parent != nil || len(bt.fingerprint().tokens) < minTokensForNear || !a.deleted[bt.File.Path] {
		return nil // only a test whose file left its package can have moved with it
	}
	for _, ht := range fresh {
		if ht.Parent != nil || ht.Dir == bt.Dir || ht.Name != bt.Name || !ht.isTest() || len(a.base.byKey[ht.key()]) > 0 ||
			baseName(ht.File.Path) != baseName(bt.File.Path) {
			continue
		}
		sim := similarity(bt.fingerprint(), ht.fingerprint(), inPlaceSimilarity)
		cont := containment(bt.fingerprint(), ht.fingerprint(), inPlaceContainment)
		if (sim >= inPlaceSimilarity || cont >= inPlaceContainment) && keepsData(bt, ht) {
			return ht
		}
	}
	return nil
}
