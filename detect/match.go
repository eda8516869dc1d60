package detect

import (
	"bytes"
	"go/ast"
	"sort"
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
	if exact := sameBody(fp, fresh, bt); len(exact) > 0 {
		return &match{base: bt, head: preferRunning(exact), kind: matchMoved}
	}
	if ht := a.bestNear(bt, fresh); ht != nil {
		return &match{base: bt, head: ht, kind: matchMoved}
	}
	if ht := a.folded(bt, fresh); ht != nil {
		return &match{base: bt, head: ht, kind: matchFolded}
	}
	// An identical test already elsewhere in the package: a duplicate removed.
	if same := sameBody(fp, a.head.pkg(bt.Dir).tests, bt); len(same) > 0 {
		return &match{base: bt, head: preferRunning(same), kind: matchMoved}
	}
	return &match{base: bt, kind: matchGone}
}

func sameBody(fp *fingerprint, candidates []*testFunc, bt *testFunc) []*testFunc {
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
			if c := containment(fp, hp); ht.isTest() && c >= containsShare && c-containment(fp, olds[0].fingerprint()) >= 0.2 {
				score = c
			}
		} else {
			score = similarity(fp, hp)
			if score < nearSimilarity && ht.isTest() && containment(fp, hp) >= containsShare {
				score = nearSimilarity // renamed and extended
			}
		}
		if score >= nearSimilarity && (score > bestScore || (score == bestScore && ht.runs() && !best.runs())) {
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
			if have[v] {
				n++
				if !had[v] {
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
		tf.table = tableLiterals(tf.Decl, s.pkg(tf.Dir).vars())
	}
	return tf.table
}
