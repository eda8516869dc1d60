package model

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

// This file compares the assertions of a test in base with those of the
// same test in head, and sorts every difference: a check that is gone, a
// check that became weaker, or a rewrite that checks the same thing.
// removed-assertion and weakened-assertion report from the one comparison.

// weakening is one check that still stands but checks less.
type Weakening struct {
	Base, Head *Site // base is nil when the weak check is new
	Sev        finding.Severity
	What       string // what changed, for the message
}

// assertDiff is the comparison of one matched test.
type AssertDiff struct {
	BaseCount, HeadCount int
	Removed              []*Site
	Weakened             []Weakening
}

func (a *Pass) DiffAssertions(m *Match) *AssertDiff {
	if d, ok := a.diffs[m]; ok {
		return d
	}
	d := a.compareAssertions(m)
	if a.diffs == nil {
		a.diffs = map[*Match]*AssertDiff{}
	}
	a.diffs[m] = d
	return d
}

// comparable reports whether a match is worth comparing check by check.
func Comparable(m *Match) bool {
	return (m.Kind == MatchSame || m.Kind == matchMoved) && m.Head.IsTest() &&
		m.Base.Kind != KindMain && m.Base.Kind != KindBenchmark && m.Base.Kind != KindExample
}

func checksOf(sites []*Site) (checks, logs []*Site) {
	for _, s := range sites {
		switch s.Kind {
		case SiteFail, SiteAssert:
			checks = append(checks, s)
		case siteLog:
			logs = append(logs, s)
		}
	}
	return checks, logs
}

func (a *Pass) compareAssertions(m *Match) *AssertDiff {
	bs := a.ChecksIn(a.Base, m.Base)
	headSites := CollectSites(a.Head, m.Head)
	hs, hl := checksOf(headSites)
	d := &AssertDiff{BaseCount: len(bs), HeadCount: len(hs)}
	ub, uh := pairByKey(bs, hs, d)
	// A check that is not in head as such may have become a log, or been
	// rewritten: paired first with a head check that compares the same
	// values, then, failing that, with one of the same relation.
	var left []*Site
	for _, b := range ub {
		if i := findSite(hl, func(h *Site) bool { return h.key == b.key }); i >= 0 {
			d.Weakened = append(d.Weakened, Weakening{b, hl[i], finding.Error, fmt.Sprintf("%s became %s: it now only logs, and can no longer fail", CallText(b), CallText(hl[i]))})
			hl = append(hl[:i], hl[i+1:]...)
			continue
		}
		left = append(left, b)
	}
	var gone []*Site
	for pass, pairs := range []func(b, h *Site) bool{sharesOperand, sameRelation} {
		var next []*Site
		for _, b := range left {
			i := findSite(uh, func(h *Site) bool { return pairs(b, h) })
			if i < 0 {
				next = append(next, b)
				continue
			}
			h := uh[i]
			uh = append(uh[:i], uh[i+1:]...)
			d.compareRewrite(b, h)
		}
		left = next
		if pass == 0 {
			left = a.withoutAPIChanges(m, left)
		} else {
			gone = next
		}
	}
	for _, h := range uh {
		if neverFails(h) {
			d.Weakened = append(d.Weakened, Weakening{nil, h, finding.Error, fmt.Sprintf("the new check %s can never fail: %s", CallText(h), neverWhy(h))})
		}
	}
	d.Weakened = append(d.Weakened, a.wantFromGot(m, hs)...)
	gone = tableDriven(gone, hs)
	for _, b := range gone {
		if findSite(headSites, func(h *Site) bool { return h.Kind == SiteSkip && h.key == b.key }) >= 0 {
			continue // the failure became a skip: skipped-test reports it
		}
		if w, ok := a.errorDropped(m, b); ok {
			d.Weakened = append(d.Weakened, w)
			continue
		}
		if !a.explained(m, b, hs) {
			d.Removed = append(d.Removed, b)
		}
	}
	if d.HeadCount >= d.BaseCount || (len(d.Removed) > 0 && a.becameTable(m, d)) {
		d.Removed = nil // as many checks as before: rewritten, not removed
	}
	return d
}

// becameTable recognises a test rewritten around a case table: its loop
// over the rows makes at least as many checks as base's test did in all,
// and the rows carry the values the removed checks compared.
func (a *Pass) becameTable(m *Match, d *AssertDiff) bool {
	if a.CaseChecks(a.Head, m.Head) < d.BaseCount {
		return false
	}
	want := map[string]bool{}
	for _, b := range d.Removed {
		for v := range siteLiterals(b) {
			want[v] = true
		}
	}
	if len(want) == 0 {
		return true
	}
	have := a.Head.tableLiterals(m.Head)
	n := 0
	for v := range want {
		if _, ok := findLiteral(v, have); ok {
			n++
		}
	}
	return 2*n >= len(want)
}

// withoutAPIChanges drops the checks that went with the API they checked,
// so that the weak pairing by relation alone cannot spend a head check on
// them and leave a real removal unpaired.
func (a *Pass) withoutAPIChanges(m *Match, checks []*Site) []*Site {
	var out []*Site
	for _, b := range checks {
		if !a.apiRemoved(m, b) && !a.operandVanished(m, b) {
			out = append(out, b)
		}
	}
	return out
}

// compareRewrite judges a base check paired with its rewrite in head: a
// rewrite that can never fail, is newly gated, or checks less is a
// weakening; otherwise it checks the same thing another way.
func (d *AssertDiff) compareRewrite(b, h *Site) {
	switch {
	case neverFails(h):
		d.Weakened = append(d.Weakened, Weakening{b, h, finding.Error, fmt.Sprintf("the check %s can no longer fail: %s", CallText(b), neverWhy(h))})
	case newlyGated(b, h) != "":
		d.Weakened = append(d.Weakened, Weakening{b, h, finding.Error, fmt.Sprintf("the check %s now runs only %s", CallText(b), newlyGated(b, h))})
	case sharesOperand(b, h) && simpleKey(b) && simpleKey(h) && strength(h.key) < strength(b.key):
		d.Weakened = append(d.Weakened, Weakening{b, h, finding.Warning, fmt.Sprintf("%s became the weaker %s", CallText(b), CallText(h))})
	}
}

// pairByKey pairs base and head checks with the same failure condition,
// compares what pairs still differ in (tolerances, cmp options), and
// returns the unpaired ones.
func pairByKey(bs, hs []*Site, d *AssertDiff) (ub, uh []*Site) {
	uh = append([]*Site(nil), hs...)
	for _, b := range bs {
		i := findSite(uh, func(h *Site) bool { return h.key == b.key })
		if i < 0 {
			ub = append(ub, b)
			continue
		}
		h := uh[i]
		uh = append(uh[:i], uh[i+1:]...)
		if w, ok := loosened(b, h); ok {
			d.Weakened = append(d.Weakened, w)
		}
		if g := newlyGated(b, h); g != "" {
			d.Weakened = append(d.Weakened, Weakening{b, h, finding.Error, fmt.Sprintf("the check %s now runs only %s", CallText(b), g)})
		}
		if w, ok := newIgnores(b, h); ok {
			d.Weakened = append(d.Weakened, w)
		}
	}
	return ub, uh
}

func findSite(ss []*Site, pred func(*Site) bool) int {
	for i, s := range ss {
		if pred(s) {
			return i
		}
	}
	return -1
}

func sharesOperand(b, h *Site) bool {
	for _, x := range b.operands {
		if x == "nil" || x == "true" || x == "false" || x == `""` {
			continue
		}
		for _, y := range h.operands {
			if x == y {
				return true
			}
		}
	}
	return false
}

// newlyGated says when a check that base always made now runs only outside
// CI or only in long runs — the test still passes where it is enforced —
// or "" when it is not newly gated so.
func newlyGated(b, h *Site) string {
	bf, hf := gateFacts(b), gateFacts(h)
	switch {
	case hf.ciVar != "" && bf.ciVar == "":
		return "when the " + hf.ciVar + " environment variable says it is not running on CI, so CI no longer enforces it"
	case hf.short && !bf.short:
		return "outside -short mode (testing.Short())"
	}
	return ""
}

// simpleKey reports whether a check tests one condition (not a conjunction
// of gates), the only kind whose strength compares meaningfully.
func simpleKey(s *Site) bool {
	return !strings.Contains(s.key, " && ") && !strings.Contains(s.key, " || ")
}

func sameRelation(b, h *Site) bool {
	rb, _, _ := strings.Cut(b.key, "(")
	rh, _, _ := strings.Cut(h.key, "(")
	return rb == rh && rb != "" && !strings.Contains(rb, " ")
}

// neverFails reports whether a check's failure condition is constant false:
// if false && …, … && false, got != got, assert.True(t, true).
func neverFails(s *Site) bool {
	if s.Kind == SiteAssert {
		return strength(s.key) == 0 || selfCompare(s)
	}
	for _, g := range s.Gates {
		if g.Cond == nil {
			continue
		}
		if v, known := evalConst(g.Cond); known && v == g.negated {
			return true
		}
	}
	return false
}

func neverWhy(s *Site) string {
	if selfCompare(s) {
		return "it compares " + s.operands[0] + " with itself"
	}
	if s.Kind == SiteAssert {
		return "it asserts a constant"
	}
	for _, g := range s.Gates {
		if g.Cond == nil {
			continue
		}
		if v, known := evalConst(g.Cond); known && v == g.negated {
			return "its condition `" + g.String() + "` is always false"
		}
	}
	return "its condition is always false"
}

// selfCompare matches an equality assertion of a value with itself:
// assert.Equal(t, got, got).
func selfCompare(s *Site) bool {
	return s.Kind == SiteAssert && strings.HasPrefix(s.key, "ne(") && len(s.operands) == 2 && s.operands[0] == s.operands[1]
}

// evalConst evaluates conditions that do not depend on the program:
// true, false, !x, x && false, x || true, v != v, v == v, 1 == 2.
func evalConst(e ast.Expr) (val, known bool) {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		switch x.Name {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	case *ast.UnaryExpr:
		if x.Op == token.NOT {
			v, ok := evalConst(x.X)
			return !v, ok
		}
	case *ast.BinaryExpr:
		switch x.Op {
		case token.LAND:
			l, lok := evalConst(x.X)
			r, rok := evalConst(x.Y)
			if (lok && !l) || (rok && !r) {
				return false, true
			}
			return l && r, lok && rok
		case token.LOR:
			l, lok := evalConst(x.X)
			r, rok := evalConst(x.Y)
			if (lok && l) || (rok && r) {
				return true, true
			}
			return l || r, lok && rok
		case token.EQL, token.NEQ:
			if pure(x.X) && pure(x.Y) {
				xs, ys := types.ExprString(x.X), types.ExprString(x.Y)
				_, xl := x.X.(*ast.BasicLit)
				_, yl := x.Y.(*ast.BasicLit)
				if xs == ys || (xl && yl) {
					return (xs == ys) == (x.Op == token.EQL), true
				}
			}
		}
	}
	return false, false
}

// pure reports whether evaluating an expression twice gives the same value:
// names, fields, literals. Calls (time.Now()) need not.
func pure(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.SelectorExpr:
		return pure(x.X)
	case *ast.IndexExpr:
		return pure(x.X) && pure(x.Index)
	}
	return false
}

// loosened compares the tolerances of a check kept in head: InDelta,
// InEpsilon, math.Abs(a-b) > eps, BeNumerically("~", x, eps).
func loosened(b, h *Site) (Weakening, bool) {
	if b.tol == nil || h.tol == nil {
		bt, ht := gateTolerance(b), gateTolerance(h)
		if bt == nil || ht == nil {
			return Weakening{}, false
		}
		b, h = withTol(b, bt), withTol(h, ht)
	}
	bv, bok := b.scope.numeric(b.tol)
	hv, hok := h.scope.numeric(h.tol)
	if !bok || !hok || bv <= 0 || hv < 10*bv {
		return Weakening{}, false
	}
	return Weakening{b, h, finding.Warning, fmt.Sprintf("the tolerance of %s went from %s to %s (%.0f× looser)",
		CallText(h), strconv.FormatFloat(bv, 'g', -1, 64), strconv.FormatFloat(hv, 'g', -1, 64), hv/bv)}, true
}

func withTol(s *Site, tol ast.Expr) *Site {
	c := *s
	c.tol = tol
	return &c
}

// gateTolerance finds eps in a failure guarded by math.Abs(a-b) > eps.
func gateTolerance(s *Site) ast.Expr {
	for _, g := range s.Gates {
		if x, ok := ast.Unparen(g.Cond).(*ast.BinaryExpr); ok && (x.Op == token.GTR || x.Op == token.GEQ) {
			if _, _, ok := absDiff(x.X); ok {
				return x.Y
			}
		}
	}
	return nil
}

// numeric evaluates a tolerance: a literal, a constant expression of
// literals, or a constant of the package (1e-9, 10 * epsilon).
func (w *siteWalker) numeric(e ast.Expr) (float64, bool) {
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		v, err := strconv.ParseFloat(strings.ReplaceAll(x.Value, "_", ""), 64)
		return v, err == nil
	case *ast.UnaryExpr:
		v, ok := w.numeric(x.X)
		if x.Op == token.SUB {
			v = -v
		}
		return v, ok
	case *ast.BinaryExpr:
		l, lok := w.numeric(x.X)
		r, rok := w.numeric(x.Y)
		if !lok || !rok {
			return 0, false
		}
		switch x.Op {
		case token.MUL:
			return l * r, true
		case token.QUO:
			return l / r, r != 0
		case token.ADD:
			return l + r, true
		case token.SUB:
			return l - r, true
		}
	case *ast.Ident:
		if vs := w.snap.valueSpec(w.dir, token.CONST, x.Name); vs != nil {
			for i, n := range vs.Names {
				if n.Name == x.Name && i < len(vs.Values) {
					return w.numeric(vs.Values[i])
				}
			}
		}
	}
	return 0, false
}

// newIgnores flags a cmp.Diff or cmp.Equal kept in head that gained
// cmpopts.Ignore… options: it now compares less.
func newIgnores(b, h *Site) (Weakening, bool) {
	nb, nh := countIgnores(b), countIgnores(h)
	if nh <= nb || equalizedBefore(b, h) {
		return Weakening{}, false
	}
	return Weakening{b, h, finding.Warning, fmt.Sprintf("the comparison %s gained %d cmpopts.Ignore… option(s): it now skips part of the values it compared", CallText(h), nh-nb)}, true
}

// equalizedBefore recognises cmpopts.IgnoreFields(T{}, "F") replacing what
// base did by hand before comparing: x.F = y.F.
func equalizedBefore(b, h *Site) bool {
	var fields []string
	for _, n := range checkedNodesAndCtx(h) {
		ast.Inspect(n, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if recv, name := CallName(call); recv == "cmpopts" && name == "IgnoreFields" {
					for _, arg := range call.Args[min(1, len(call.Args)):] {
						if s := StringArg(&ast.CallExpr{Args: []ast.Expr{arg}}, 0); s != "" {
							fields = append(fields, s)
						}
					}
				}
			}
			return true
		})
	}
	if len(fields) == 0 {
		return false
	}
	body := b.scope.body
	for _, f := range fields {
		equalized := false
		ast.Inspect(body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 {
				l, lok := as.Lhs[0].(*ast.SelectorExpr)
				r, rok := as.Rhs[0].(*ast.SelectorExpr)
				if lok && rok && l.Sel.Name == f && r.Sel.Name == f {
					equalized = true
				}
			}
			return true
		})
		if !equalized {
			return false
		}
	}
	return true
}

func checkedNodesAndCtx(s *Site) []ast.Node {
	out := checkedNodes(s)
	for _, g := range s.Gates {
		out = append(out, g.ctx...)
	}
	return out
}

func countIgnores(s *Site) int {
	n := 0
	count := func(node ast.Node) {
		ast.Inspect(node, func(n2 ast.Node) bool {
			if call, ok := n2.(*ast.CallExpr); ok {
				if recv, name := CallName(call); recv == "cmpopts" && strings.HasPrefix(name, "Ignore") {
					n++
				}
			}
			return true
		})
	}
	if s.Kind == SiteAssert {
		count(s.call)
		return n
	}
	for _, g := range s.Gates {
		if g.Cond != nil {
			count(g.Cond)
		}
		for _, c := range g.ctx {
			count(c)
		}
	}
	return n
}

// errorDropped recognises an error check removed while the error is still
// produced and now discarded: `_ = err`, or `v, _ := f()` where base had
// `v, err := f()` and checked err.
func (a *Pass) errorDropped(m *Match, b *Site) (Weakening, bool) {
	if !strings.HasSuffix(b.key, ",nil)") || !strings.HasPrefix(b.key, "ne(") || len(b.operands) == 0 {
		return Weakening{}, false
	}
	errName := b.operands[0]
	if errName == "nil" && len(b.operands) > 1 {
		errName = b.operands[1]
	}
	found := false
	ast.Inspect(m.Head.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		// _ = err
		if len(as.Lhs) == 1 && isBlank(as.Lhs[0]) && len(as.Rhs) == 1 && types.ExprString(as.Rhs[0]) == errName {
			found = true
		}
		return true
	})
	if !found {
		found = a.discardsAtSamePlace(m, errName)
	}
	if !found {
		return Weakening{}, false
	}
	return Weakening{b, nil, finding.Error, fmt.Sprintf("the error check %s was dropped while the error is still produced: %s is now discarded", CallText(b), errName)}, true
}

// discardsAtSamePlace finds the call that assigned errName in base and
// checks whether head assigns that result position to _.
func (a *Pass) discardsAtSamePlace(m *Match, errName string) bool {
	callee, idx, n := producer(m.Base.Body, errName)
	if callee == "" {
		return false
	}
	dropped := false
	ast.Inspect(m.Head.Body, func(node ast.Node) bool {
		as, ok := node.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || len(as.Lhs) != n {
			return true
		}
		if call, ok := as.Rhs[0].(*ast.CallExpr); ok {
			if _, name := CallName(call); name == callee && isBlank(as.Lhs[idx]) {
				dropped = true
			}
		}
		return true
	})
	return dropped
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// wantFromGot flags an expected value newly assigned from the actual one:
// want := got, where the test then compares want with got.
func (a *Pass) wantFromGot(m *Match, hs []*Site) []Weakening {
	baseAssigns := map[string]bool{}
	for _, as := range identAssigns(m.Base.Body) {
		baseAssigns[as] = true
	}
	var out []Weakening
	for _, pair := range identAssigns(m.Head.Body) {
		if baseAssigns[pair] {
			continue
		}
		lhs, rhs, _ := strings.Cut(pair, "=")
		key := relKey("ne", []string{lhs, rhs})
		if i := findSite(hs, func(h *Site) bool { return h.key == key }); i >= 0 {
			out = append(out, Weakening{nil, hs[i], finding.Error, fmt.Sprintf("the expected value is now assigned from the actual one (%s = %s), so %s compares a value with itself", lhs, rhs, CallText(hs[i]))})
		}
	}
	return out
}

// identAssigns lists "x=y" for every x := y or x = y between identifiers.
func identAssigns(body *ast.BlockStmt) []string {
	var out []string
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i := range as.Lhs {
			l, lok := as.Lhs[i].(*ast.Ident)
			r, rok := as.Rhs[i].(*ast.Ident)
			if lok && rok && l.Name != "_" && r.Name != "nil" && r.Name != "true" && r.Name != "false" {
				out = append(out, l.Name+"="+r.Name)
			}
		}
		return true
	})
	return out
}

// explained reports whether a base check missing from the head test still
// stands elsewhere: in another new or changed test of the package (split
// or moved), inside a kept assertion (an Eventually predicate), in the
// rows of a table, or gone with the API it checked.
func (a *Pass) explained(m *Match, b *Site, hs []*Site) bool {
	for _, ht := range a.Head.Pkg(m.Head.Dir).Tests {
		if ht == m.Head || !ht.IsTest() {
			continue
		}
		if olds := a.Base.ByKey[ht.Key()]; len(olds) > 0 && olds[0].Fingerprint().Hash == ht.Fingerprint().Hash {
			continue // unchanged: it did not receive anything
		}
		checks := a.ChecksIn(a.Head, ht)
		if findSite(checks, func(h *Site) bool { return h.key == b.key }) >= 0 {
			return true
		}
	}
	for _, h := range hs {
		if h.Kind == SiteAssert && containsAll(h.callFile.Text(h.call), b.operands) {
			return true
		}
	}
	if a.rowsHold(m, b) {
		return true
	}
	if lits := siteLiterals(b); len(lits) > 0 {
		have := a.Head.tableLiterals(m.Head)
		n := 0
		for v := range lits {
			if _, ok := findLiteral(v, have); ok {
				n++
			}
		}
		if n == len(lits) {
			return true
		}
	}
	return a.operandVanished(m, b) || a.apiRemoved(m, b)
}

// apiRemoved recognises a check of a call to something the range removed
// from the package (assert.NoError(t, fl.Apply(fs)) when Apply is gone):
// the check went with the API, not around it.
func (a *Pass) apiRemoved(m *Match, b *Site) bool {
	basePkg, headPkg := a.Base.Pkg(m.Base.Dir), a.Head.Pkg(m.Head.Dir)
	gone := false
	for _, n := range checkedNodesAndCtx(b) {
		ast.Inspect(n, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if _, name := CallName(call); basePkg.declared[name] && !headPkg.declared[name] {
					gone = true
				}
			}
			return !gone
		})
	}
	return gone
}

// containsAll reports whether every operand occurs in text as whole tokens
// (so that 1 is not found in 10).
func containsAll(text string, ops []string) bool {
	if len(ops) == 0 {
		return false
	}
	hay := " " + strings.Join(scanTokens([]byte(text), nil), " ") + " "
	for _, op := range ops {
		if op != "nil" && !strings.Contains(hay, " "+strings.Join(scanTokens([]byte(op), nil), " ")+" ") {
			return false
		}
	}
	return true
}

// siteLiterals collects the non-trivial literals a check compares.
func siteLiterals(s *Site) map[string]bool {
	out := map[string]bool{}
	add := func(n ast.Node) {
		for v := range literalsIn(n) {
			if !trivialLiteral[v] {
				out[v] = true
			}
		}
	}
	if s.Kind == SiteAssert {
		add(s.call)
	}
	for _, g := range s.Gates {
		if g.Cond != nil {
			add(g.Cond)
		}
	}
	return out
}

// operandVanished recognises a check that went with the value it checked
// because the API stopped returning it: base assigned the value from a
// call, and head calls the same function for fewer results (v, err := f()
// became v := f()). A value still produced and now discarded (_, err := f())
// is not that.
func (a *Pass) operandVanished(m *Match, b *Site) bool {
	used := map[string]bool{}
	ast.Inspect(m.Head.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	vanished := false
	for _, op := range b.operands {
		if !isIdent(op) || op == "nil" || op == "true" || op == "false" {
			continue
		}
		if used[op] {
			return false
		}
		callee, _, n := producer(m.Base.Body, op)
		if callee == "" || !callsWithFewerResults(m.Head.Body, callee, n) {
			return false
		}
		vanished = true
	}
	return vanished
}

// producer finds the call that assigns name in a body: its function's
// name, the result position, and how many results were assigned.
func producer(body *ast.BlockStmt, name string) (callee string, idx, n int) {
	ast.Inspect(body, func(node ast.Node) bool {
		as, ok := node.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || callee != "" {
			return true
		}
		call, ok := as.Rhs[0].(*ast.CallExpr)
		if !ok {
			return true
		}
		for i, l := range as.Lhs {
			if types.ExprString(l) == name {
				_, callee = CallName(call)
				idx, n = i, len(as.Lhs)
			}
		}
		return true
	})
	return callee, idx, n
}

// callsWithFewerResults reports whether body calls callee and uses fewer
// than n of its results.
func callsWithFewerResults(body *ast.BlockStmt, callee string, n int) bool {
	fewer := false
	ast.Inspect(body, func(node ast.Node) bool {
		switch x := node.(type) {
		case *ast.AssignStmt:
			if len(x.Rhs) == 1 && len(x.Lhs) < n {
				if call, ok := x.Rhs[0].(*ast.CallExpr); ok {
					if _, name := CallName(call); name == callee {
						fewer = true
					}
				}
			}
		case *ast.ExprStmt:
			if call, ok := x.X.(*ast.CallExpr); ok {
				if _, name := CallName(call); name == callee {
					fewer = true
				}
			}
		}
		return true
	})
	return fewer
}

func isIdent(s string) bool { return token.IsIdentifier(s) }

// callText shows a check as a reader knows it: the call's first line, and
// for a failure the condition that guards it.
func CallText(s *Site) string {
	t := strings.TrimSpace(FirstLine(s.callFile.Text(s.call)))
	if len(t) > 80 {
		t = t[:77] + "…"
	}
	if s.Kind != SiteAssert {
		if g := GatesOnly(s); g != "" {
			if len(g) > 60 {
				g = g[:57] + "…"
			}
			t = "if " + g + " { " + t + " }"
		}
	}
	return "`" + t + "`"
}

// checksIn returns a test's checks, once per test.
func (a *Pass) ChecksIn(snap *Snapshot, tf *TestFunc) []*Site {
	if cs, ok := a.checks[tf]; ok {
		return cs
	}
	if a.checks == nil {
		a.checks = map[*TestFunc][]*Site{}
	}
	cs, _ := checksOf(CollectSites(snap, tf))
	a.checks[tf] = cs
	return cs
}

// rowsHold recognises a check turned into a table row: the function it
// called, with the same arguments, is now called from a new or changed
// test of the package whose table has a row starting with those arguments
// (if ObjectsAreEqualValues(0, nil) {…} → {0, nil, false} in a table).
func (a *Pass) rowsHold(m *Match, b *Site) bool {
	var calls []*ast.CallExpr
	for _, n := range checkedNodes(b) {
		ast.Inspect(n, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok && len(c.Args) > 0 {
				calls = append(calls, c)
			}
			return true
		})
	}
	for _, c := range calls {
		_, name := CallName(c)
		args := make([]string, len(c.Args))
		for i, arg := range c.Args {
			args[i] = types.ExprString(arg)
		}
		for _, ht := range a.Head.Pkg(m.Head.Dir).Tests {
			if ht.IsTest() && (ht == m.Head || ht.Kind != KindSubtest) && CalledNames(ht)[name] && a.Head.hasRow(ht, args) {
				return true
			}
		}
	}
	return false
}

// checkedNodes are the expressions a check evaluates: the assertion call,
// or the conditions guarding a failure.
func checkedNodes(s *Site) []ast.Node {
	if s.Kind == SiteAssert {
		return []ast.Node{s.call}
	}
	var out []ast.Node
	for _, g := range s.Gates {
		if g.Cond != nil {
			out = append(out, g.Cond)
		}
	}
	return out
}

// hasRow reports whether a table in the test (or a package variable it
// reads) has a row whose elements include args, in order and adjacent.
func (s *Snapshot) hasRow(tf *TestFunc, args []string) bool {
	found := false
	visit := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			row, ok := n.(*ast.CompositeLit)
			if !ok || found {
				return !found
			}
			var elems []string
			for _, e := range row.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					e = kv.Value
				}
				elems = append(elems, types.ExprString(e))
			}
			found = hasRun(elems, args)
			return !found
		})
	}
	visit(tf.Decl)
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && !found {
			if vs := s.valueSpec(tf.Dir, token.VAR, id.Name); vs != nil {
				visit(vs)
			}
		}
		return !found
	})
	return found
}

// hasRun reports whether run occurs in xs as adjacent elements.
func hasRun(xs, run []string) bool {
	for i := 0; i+len(run) <= len(xs); i++ {
		match := true
		for j := range run {
			if xs[i+j] != run[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// tableDriven drops the base checks that became one check inside a loop
// over a table: the same check with one value read from the row
// (c.Assert(sig, Equals, sig2) → c.Assert(sig, Equals, tc.sig)), as long as
// the table has at least as many rows as checks it replaced.
func tableDriven(gone, hs []*Site) []*Site {
	budget := map[*Site]int{}
	var left []*Site
	for _, b := range gone {
		i := findSite(hs, func(h *Site) bool {
			if len(h.ranges) == 0 || !rowShaped(b, h) {
				return false
			}
			if _, ok := budget[h]; !ok {
				budget[h] = h.ranges[len(h.ranges)-1].rows
			}
			return budget[h] != 0
		})
		if i < 0 {
			left = append(left, b)
			continue
		}
		budget[hs[i]]-- // unknown sizes (-1) never run out
	}
	return left
}

// rowShaped reports whether h is b with some values replaced by fields of a
// table row.
func rowShaped(b, h *Site) bool {
	rb, _, _ := strings.Cut(b.key, "(")
	rh, _, _ := strings.Cut(h.key, "(")
	if rb != rh || len(b.operands) != len(h.operands) || len(b.operands) == 0 {
		return false
	}
	row := map[string]bool{}
	for _, r := range h.ranges {
		row[r.name] = true
	}
	fromRow := func(op string) bool {
		root, _, _ := strings.Cut(op, ".")
		return row[root]
	}
	used := make([]bool, len(h.operands))
	replaced := 0
	for _, x := range b.operands {
		j := -1
		for k, y := range h.operands {
			if !used[k] && x == y {
				j = k
				break
			}
		}
		if j < 0 {
			for k, y := range h.operands {
				if !used[k] && fromRow(y) {
					j = k
					replaced++
					break
				}
			}
		}
		if j < 0 {
			return false
		}
		used[j] = true
	}
	return replaced > 0
}
