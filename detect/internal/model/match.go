package model

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
	MatchSame   matchKind = iota // same package directory and name
	matchMoved                   // same or near-same body elsewhere, or under another name
	MatchFolded                  // its inputs and expected values are rows of a table in head
	MatchGone                    // not found: deleted
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

// Match pairs a base test with what became of it in head.
type Match struct {
	Base *TestFunc
	Head *TestFunc // nil when gone
	Kind matchKind
}

// matchTests finds every test of the changed base files again in head:
// by name first, then by body anywhere in head, then in tables.
func (a *Pass) matchTests() {
	fresh := a.freshHead()
	for _, bt := range a.Base.Tests {
		if !bt.IsTest() {
			continue
		}
		if bt.Parent != nil && !a.parentKept(bt.Parent) {
			continue // reported, or moved, with its parent
		}
		a.Matches = append(a.Matches, a.find(bt, fresh))
	}
	a.pairHelpers()
}

// pairHelpers pairs the helpers of changed test files that kept their name
// and changed their body: a skip or a lost check in a helper reaches every
// test that calls it, and is reported once, at the helper.
func (a *Pass) pairHelpers() {
	for _, bt := range a.Base.Tests {
		if !bt.IsHelper() {
			continue
		}
		for _, ht := range a.Head.ByKey[bt.Key()] {
			if ht.IsHelper() && !bytes.Equal(bt.bodySrc(), ht.bodySrc()) {
				a.Helpers = append(a.Helpers, &Match{Base: bt, Head: ht, Kind: MatchSame})
			}
		}
	}
}

// parentKept reports whether a test's parent is still in head under its name.
func (a *Pass) parentKept(p *TestFunc) bool {
	for _, m := range a.Matches {
		if m.Base == p {
			return m.Kind == MatchSame
		}
	}
	return false
}

// freshHead lists the head functions that are new or whose body changed:
// the only places a moved-and-edited or folded test can have gone.
func (a *Pass) freshHead() []*TestFunc {
	var out []*TestFunc
	for _, ht := range a.Head.Tests {
		same := false
		for _, bt := range a.Base.ByKey[ht.Key()] {
			if bytes.Equal(bt.bodySrc(), ht.bodySrc()) || bt.Fingerprint().Hash == ht.Fingerprint().Hash {
				same = true
			}
		}
		if !same {
			out = append(out, ht)
		}
	}
	return out
}

func (a *Pass) find(bt *TestFunc, fresh []*TestFunc) *Match {
	if hs := a.Head.ByKey[bt.Key()]; len(hs) > 0 {
		return &Match{Base: bt, Head: preferRunning(hs), Kind: MatchSame}
	}
	fp := bt.Fingerprint()
	// The same body among the new or changed functions of head: moved or
	// renamed. A running test is a better answer than a function go test
	// ignores.
	if exact := identicalTests(fp, fresh, bt); len(exact) > 0 {
		return &Match{Base: bt, Head: preferRunning(exact), Kind: matchMoved}
	}
	if ht := a.bestNear(bt, fresh); ht != nil {
		return &Match{Base: bt, Head: ht, Kind: matchMoved}
	}
	if ht := a.sameNameElsewhere(bt, fresh); ht != nil {
		return &Match{Base: bt, Head: ht, Kind: matchMoved}
	}
	if ht := a.folded(bt, fresh); ht != nil {
		return &Match{Base: bt, Head: ht, Kind: MatchFolded}
	}
	if ht := a.rewrittenInPlace(bt, fresh); ht != nil {
		return &Match{Base: bt, Head: ht, Kind: matchMoved}
	}
	// An identical test already elsewhere in the package: a duplicate removed.
	if same := identicalTests(fp, a.Head.testsMentioning(bt.Dir, fp.words()), bt); len(same) > 0 {
		return &Match{Base: bt, Head: preferRunning(same), Kind: matchMoved}
	}
	return &Match{Base: bt, Kind: MatchGone}
}

func identicalTests(fp *fingerprint, candidates []*TestFunc, bt *TestFunc) []*TestFunc {
	var out []*TestFunc
	for _, ht := range candidates {
		if ht.Fingerprint().tokenCount() == fp.tokenCount() && ht.Fingerprint().Hash == fp.Hash && kindsCompatible(bt, ht) {
			out = append(out, ht)
		}
	}
	return out
}

// kindsCompatible keeps a benchmark from matching a test of the same body
// and TestMain from matching anything but TestMain.
func kindsCompatible(b, h *TestFunc) bool {
	if b.Kind == KindMain || h.Kind == KindMain {
		return b.Kind == h.Kind
	}
	return true
}

func preferRunning(hs []*TestFunc) *TestFunc {
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].Runs() && !hs[j].Runs() })
	return hs[0]
}

// bestNear returns the new or changed head function most like bt: a new
// one at least nearSimilarity alike, or one that holds nearly all of bt
// (renamed and extended). A test that existed in base counts only if it
// gained bt's content, and bt's own ancestors never count: a parent that
// kept a sibling subtest would otherwise seem to hold the deleted one.
func (a *Pass) bestNear(bt *TestFunc, fresh []*TestFunc) *TestFunc {
	fp := bt.Fingerprint()
	if fp.tokenCount() < minTokensForNear {
		return nil
	}
	var best *TestFunc
	bestScore := 0.0
	for _, ht := range fresh {
		if !kindsCompatible(bt, ht) || (ht.Kind == kindOther && !ht.File.isTestish()) || isAncestorKey(bt, ht.Key()) {
			continue
		}
		hp := ht.Fingerprint()
		if hp.tokenCount() < fp.tokenCount()*2/3 {
			continue // too small to be alike or to hold bt
		}
		score := 0.0
		if olds := a.Base.ByKey[ht.Key()]; len(olds) > 0 {
			if c := containment(fp, hp, containsShare); ht.IsTest() && c >= containsShare && c-containment(fp, olds[0].Fingerprint(), 0) >= 0.2 {
				score = c
			}
		} else {
			score = similarity(fp, hp, nearSimilarity)
			if score < nearSimilarity && ht.IsTest() && containment(fp, hp, containsShare) >= containsShare {
				score = nearSimilarity // renamed and extended
			}
		}
		if score >= nearSimilarity && keepsData(bt, ht) && (score > bestScore || (score == bestScore && ht.Runs() && !best.Runs())) {
			best, bestScore = ht, score
		}
	}
	return best
}

func isAncestorKey(tf *TestFunc, key string) bool {
	for p := tf.Parent; p != nil; p = p.Parent {
		if p.Key() == key {
			return true
		}
	}
	return false
}

// folded returns a new or changed head test whose table rows hold nearly
// all of bt's inputs and expected values: bt became rows of its table. A
// test that existed in base must have gained those rows.
func (a *Pass) folded(bt *TestFunc, fresh []*TestFunc) *TestFunc {
	want := bt.Fingerprint().literals
	if bt.Kind == KindSubtest {
		want = copySet(want)
		if call, ok := bt.Decl.(*ast.CallExpr); ok {
			if lit, ok := call.Args[0].(*ast.BasicLit); ok {
				want[LiteralValue(lit)] = true
			}
		}
	}
	if len(want) < 2 {
		return nil // one shared literal is a coincidence, not a table row
	}
	for _, ht := range fresh {
		if !ht.IsTest() {
			continue
		}
		have := a.Head.tableLiterals(ht)
		var had map[string]bool
		if olds := a.Base.ByKey[ht.Key()]; len(olds) > 0 {
			had = a.Base.tableLiterals(olds[0])
		}
		n, gained, missed := 0, 0, 0
		for v := range want {
			if hv, ok := findLiteral(v, have); ok {
				n++
				if !had[hv] {
					gained++
				}
			} else if missed++; float64(len(want)-missed) < foldedShare*float64(len(want)) {
				break // the rest cannot make up the share
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
func (f *SrcFile) isTestish() bool { return IsTestFile(f.Path) }

// tableLiterals returns, once per test, the literals of its table rows.
func (s *Snapshot) tableLiterals(tf *TestFunc) map[string]bool {
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
		if len(hv) >= 24 && hv[0] == '"' && (lineSimilarity(v, hv) >= 0.8 || RowSimilarity(wordsOf(v), wordsOf(hv)) >= 0.8) {
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
func (a *Pass) rewrittenInPlace(bt *TestFunc, fresh []*TestFunc) *TestFunc {
	hf := a.HeadFile(bt.File.Path)
	if bt.Parent != nil || hf == nil || bt.Fingerprint().tokenCount() < minTokensForNear {
		return nil
	}
	lo, hi := slot(bt.File, hf, bt.Decl.Pos())
	var best *TestFunc
	bestScore := 0.0
	for _, ht := range fresh {
		if ht.File != hf || ht.Parent != nil || !ht.IsTest() || len(a.Base.ByKey[ht.Key()]) > 0 ||
			ht.Decl.Pos() < lo || ht.Decl.Pos() > hi {
			continue
		}
		simAt, contAt := inPlaceSimilarity, inPlaceContainment
		if strings.HasPrefix(ht.Name, bt.Name) {
			simAt, contAt = 0.35, 0.4 // TestX became TestX_and_more where TestX stood
		}
		sim, cont := similarity(bt.Fingerprint(), ht.Fingerprint(), simAt), containment(bt.Fingerprint(), ht.Fingerprint(), contAt)
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
func keepsData(bt, ht *TestFunc) bool {
	if set := fieldsSet(bt.Decl); len(set) > 0 {
		kept := fieldsSet(ht.Decl)
		any := false
		for f := range set {
			any = any || kept[f]
		}
		if !any {
			return false // it sets other fields now: cfg.Flags = bad became cfg.LocalDomain = bad
		}
	}
	want := bt.Fingerprint().literals
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

// fieldsSet collects the fields a test's own statements assign
// (ctx.Config.Builds[0].Flags = … sets Flags): the input a scenario varies.
func fieldsSet(n ast.Node) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN {
			for _, l := range as.Lhs {
				if sel, ok := ast.Unparen(l).(*ast.SelectorExpr); ok {
					out[sel.Sel.Name] = true
				}
			}
		}
		return true
	})
	return out
}

// literalsIn collects every literal value of a node.
func literalsIn(n ast.Node) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if l, ok := n.(*ast.BasicLit); ok {
			out[LiteralValue(l)] = true
		}
		return true
	})
	return out
}

// Untouched reports whether a test kept its name and its exact body, and
// calls no helper of its package that the range changed: nothing about it
// can have changed, and the rules that compare a test's two versions skip
// it. (A test whose body did not change but whose helper gained a skip is
// still compared.)
func (a *Pass) Untouched(m *Match) bool {
	if !SameText(m) {
		return false
	}
	affected := a.affectedHelpers(m.Head.Dir)
	untouched := true
	ast.Inspect(m.Head.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && affected[id.Name] {
			untouched = false
		}
		return untouched
	})
	return untouched
}

// SameText reports whether a test kept its name and the text of its body
// (and of a ginkgo spec's setup): whatever it lost, it lost through what it
// calls.
func SameText(m *Match) bool {
	return m.Kind == MatchSame && bytes.Equal(m.Base.bodySrc(), m.Head.bodySrc()) && setupText(m.Base) == setupText(m.Head)
}

// affectedHelpers lists the functions, constants and variables of a package
// directory that the range changed, added or removed. (A changed helper is
// also judged on its own, at the helper: see pairHelpers.)
func (a *Pass) affectedHelpers(dir string) map[string]bool {
	if got, ok := a.affected[dir]; ok {
		return got
	}
	bodies := func(s *Snapshot) map[string]string {
		out := map[string]string{}
		for path, f := range s.Files {
			if DirOf(path) != dir || f.AST == nil {
				continue
			}
			for _, d := range f.AST.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && d.Body != nil {
						out[d.Name.Name] = f.Text(d)
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						if vs, ok := spec.(*ast.ValueSpec); ok {
							for _, n := range vs.Names {
								out[n.Name] = f.Text(vs)
							}
						}
					}
				}
			}
		}
		return out
	}
	before, after := bodies(a.Base), bodies(a.Head)
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
func setupText(tf *TestFunc) string {
	var b strings.Builder
	for _, s := range tf.setup {
		b.WriteString(tf.File.Text(s))
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
func (a *Pass) sameNameElsewhere(bt *TestFunc, fresh []*TestFunc) *TestFunc {
	if bt.Parent != nil || bt.Fingerprint().tokenCount() < minTokensForNear || !a.Deleted[bt.File.Path] {
		return nil // only a test whose file left its package can have moved with it
	}
	for _, ht := range fresh {
		if ht.Parent != nil || ht.Dir == bt.Dir || ht.Name != bt.Name || !ht.IsTest() || len(a.Base.ByKey[ht.Key()]) > 0 ||
			baseName(ht.File.Path) != baseName(bt.File.Path) {
			continue
		}
		sim := similarity(bt.Fingerprint(), ht.Fingerprint(), inPlaceSimilarity)
		cont := containment(bt.Fingerprint(), ht.Fingerprint(), inPlaceContainment)
		if (sim >= inPlaceSimilarity || cont >= inPlaceContainment) && keepsData(bt, ht) {
			return ht
		}
	}
	return nil
}
