package model

// This file tells a check that still stands but checks less from one that
// checks as much: the weakenings the assertion rules report.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

// Weakening is one check that still stands but checks less.
type Weakening struct {
	Base, Head *Site // base is nil when the weak check is new
	Sev        finding.Severity
	What       string // what changed, for the message
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
	return evalNumeric(e, func(id *ast.Ident) (float64, bool) {
		w.deps.dir(w.dir)
		if vs := w.snap.valueSpec(w.dir, token.CONST, id.Name); vs != nil {
			for i, n := range vs.Names {
				if n.Name == id.Name && i < len(vs.Values) {
					return w.numeric(vs.Values[i])
				}
			}
		}
		return 0, false
	})
}

// evalNumeric evaluates a literal or an arithmetic expression of literals;
// ident, when not nil, gives the value of a name (a constant).
func evalNumeric(e ast.Expr, ident func(*ast.Ident) (float64, bool)) (float64, bool) {
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		v, err := strconv.ParseFloat(strings.ReplaceAll(x.Value, "_", ""), 64)
		return v, err == nil
	case *ast.UnaryExpr:
		v, ok := evalNumeric(x.X, ident)
		if x.Op == token.SUB {
			v = -v
		}
		return v, ok
	case *ast.BinaryExpr:
		l, lok := evalNumeric(x.X, ident)
		r, rok := evalNumeric(x.Y, ident)
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
		if ident != nil {
			return ident(x)
		}
	}
	return 0, false
}

// newIgnores flags a cmp.Diff or cmp.Equal kept in head that gained
// cmpopts.Ignore… options: it now compares less.
func newIgnores(b, h *Site) (Weakening, bool) {
	nb, nh := countIgnores(b), countIgnores(h)
	if siteCalls(b, "cmp", "AllowUnexported") && !siteCalls(h, "cmp", "AllowUnexported") && siteCalls(h, "cmpopts", "IgnoreUnexported") {
		nh++ // it compared the unexported fields, and now skips them
	}
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

// comparedCalls calls visit on every call in what a check compares: an
// assertion's call, or a failure's conditions and the statements feeding them.
func comparedCalls(s *Site, visit func(*ast.CallExpr)) {
	look := func(node ast.Node) {
		ast.Inspect(node, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				visit(call)
			}
			return true
		})
	}
	if s.Kind == SiteAssert {
		look(s.call)
		return
	}
	for _, g := range s.Gates {
		if g.Cond != nil {
			look(g.Cond)
		}
		for _, c := range g.ctx {
			look(c)
		}
	}
}

// siteCalls reports whether a check calls recv.name in what it compares.
func siteCalls(s *Site, recv, name string) bool {
	found := false
	comparedCalls(s, func(call *ast.CallExpr) {
		if r, f := CallName(call); r == recv && f == name {
			found = true
		}
	})
	return found
}

func countIgnores(s *Site) int {
	n := 0
	comparedCalls(s, func(call *ast.CallExpr) {
		// IgnoreUnexported is what cmp needs to compare a struct with
		// unexported fields (generated protobuf types) at all: it skips
		// nothing a test could have compared with cmp before.
		if recv, name := CallName(call); recv == "cmpopts" && strings.HasPrefix(name, "Ignore") && name != "IgnoreUnexported" {
			n++
		}
	})
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
	// _ = err, newly: a discard base already made drops nothing now.
	blanked := func(body ast.Node) int {
		n := 0
		ast.Inspect(body, func(node ast.Node) bool {
			if as, ok := node.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && isBlank(as.Lhs[0]) && len(as.Rhs) == 1 && types.ExprString(as.Rhs[0]) == errName {
				n++
			}
			return true
		})
		return n
	}
	found := blanked(m.Head.Body) > blanked(m.Base.Body)
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
	discards := func(body ast.Node) int {
		count := 0
		ast.Inspect(body, func(node ast.Node) bool {
			as, ok := node.(*ast.AssignStmt)
			if !ok || len(as.Rhs) != 1 || len(as.Lhs) != n {
				return true
			}
			if call, ok := as.Rhs[0].(*ast.CallExpr); ok {
				if _, name := CallName(call); name == callee && isBlank(as.Lhs[idx]) {
					count++
				}
			}
			return true
		})
		return count
	}
	// Only a discard head makes and base did not: one base already made
	// (in a closure checked for a panic, say) drops nothing now.
	return discards(m.Head.Body) > discards(m.Base.Body)
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

// Weakenings returns what weakened-assertion reports for a matched test:
// the weakenings of its assertion diff that are not explained by what head
// still checks, and the value checks replaced by a check of a weaker fact.
func (a *Pass) Weakenings(m *Match) []Weakening {
	d := a.DiffAssertions(m)
	var out []Weakening
	for _, w := range d.Weakened {
		if !a.stillChecked(m, w) && !conjoined(w) && !a.ignoresNewFields(m, w) {
			if why := a.restructured(m, w); why != "" {
				w.Sev, w.What = finding.Info, w.What+", but "+why
			}
			out = append(out, w)
		}
	}
	out = append(out, a.combinatorWeakenings(m, d)...)
	return append(out, a.replacedByWeakerFact(m, d)...)
}

// stillChecked recognises a pairing of the diff that is not a weakening:
//   - a check paired with a log that base already had (the log was there
//     before, so the check did not become it: it went, or was paired wrong);
//   - a check paired with a weaker one on the same value while head pins
//     that value exactly (Equal(x, v) → Empty(v), or ErrorIs(err, ErrX) →
//     NotErrorIs next to NoError(err)): the expected value changed, the
//     value is checked as closely as before.
func (a *Pass) stillChecked(m *Match, w Weakening) bool {
	b, h := w.Base, w.Head
	if b == nil || h == nil {
		return false
	}
	if h.Kind == siteLog {
		_, logs := checksOf(CollectSites(a.Base, m.Base))
		text := CallText(h)
		return findSite(logs, func(l *Site) bool { return l.key == h.key && CallText(l) == text }) >= 0
	}
	if b.key == h.key || !(strength(h.key) < strength(b.key)) || neverFails(h) {
		return false
	}
	for _, op := range sharedOperands(b, h) {
		if pins(h, op) {
			return true
		}
		for _, o := range a.ChecksIn(a.Head, m.Head) {
			if !gatedOffCI(o) && pins(o, op) {
				return true
			}
		}
	}
	return false
}

// gatedOffCI reports whether a check runs only off CI or outside -short
// mode: it pins nothing where the test is enforced.
func gatedOffCI(s *Site) bool {
	f := gateFacts(s)
	return f.ciVar != "" || f.short
}

// sharedOperands lists the values both checks look at.
func sharedOperands(b, h *Site) []string {
	var out []string
	for _, x := range b.operands {
		if trivialOperand(x) {
			continue
		}
		if slices.Contains(h.operands, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func trivialOperand(x string) bool { return x == "nil" || x == "true" || x == "false" || x == `""` }

// pins reports whether a check fixes op to one exact value: op equal to
// an expected value, nil (Nil, NoError), or empty or zero (Empty, Zero).
func pins(s *Site, op string) bool {
	switch s.key {
	case "ne(" + op + ",nil)", "nonempty(" + op + ")", "nonzero(" + op + ")":
		return true
	}
	return strings.HasPrefix(s.key, "ne(") && strength(s.key) == 3 && simpleKey(s) && slices.Contains(s.operands, op)
}

// replacedByWeakerFact finds a base check of a value that head no longer
// checks at all, replaced by a new check of a different, weaker fact:
// require.GreaterOrEqual(t, slept, 5*time.Second) → require.True(t,
// called.Load()). The test keeps its number of checks, so nothing looks
// removed, but the value it was about is no longer looked at. Not this: the
// value still checked another way (if slept < 5*time.Second, or another
// library's assertion), or renamed (the same relation on a new name), or a
// check that went with its subject (explained).
func (a *Pass) replacedByWeakerFact(m *Match, d *AssertDiff) []Weakening {
	bs, hs := a.ChecksIn(a.Base, m.Base), a.ChecksIn(a.Head, m.Head)
	ub, uh := unpairedByKey(bs, hs)
	if len(ub) == 0 || len(uh) == 0 || len(uh) > len(ub) {
		// A test that gained more new checks than it lost was rewritten
		// or extended, not given a stand-in for a check.
		return nil
	}
	reported := map[*Site]bool{}
	for _, r := range d.Removed {
		reported[r] = true
	}
	for _, r := range d.Followed { // gone with their subject or input: accounted for
		reported[r] = true
	}
	for _, w := range d.Weakened {
		if w.Base != nil {
			reported[w.Base] = true
		}
		if w.Head != nil {
			reported[w.Head] = true
		}
	}
	var headText []string
	for _, h := range hs {
		headText = append(headText, siteText(h))
	}
	var baseText []string
	for _, b := range bs {
		baseText = append(baseText, siteText(b))
	}
	var out []Weakening
	for _, b := range ub {
		if reported[b] || !comparesValue(b) {
			continue
		}
		subj := subjects(b)
		if len(subj) == 0 || mentionsAny(headText, subj) {
			continue // the value is still checked, another way
		}
		if findSite(uh, func(h *Site) bool { return renamed(b, h) }) >= 0 {
			continue // the same check of a renamed value
		}
		if inPredicate(m.Head, siteLiterals(b)) {
			continue // what it compared with is now in a predicate a helper polls
		}
		i := findSite(uh, func(h *Site) bool {
			hsubj := subjects(h)
			return !reported[h] && len(h.Via) == 0 && !runsSuite(h) && weakFact(h) && len(hsubj) > 0 && !mentionsAny(baseText, hsubj) &&
				!renamedVariable(m, subj, hsubj)
		})
		if i < 0 || a.wentElsewhere(m, b) {
			continue
		}
		h := uh[i]
		uh = append(uh[:i], uh[i+1:]...)
		sev, msg := finding.Warning, fmt.Sprintf(
			"%s was replaced by %s: no check of the test looks at %s any more, and the new check only asserts %s, a weaker fact than the value base compared",
			CallText(b), CallText(h), strings.Join(subj, ", "), factText(h))
		// The value it compared is gone from the code (a field of the type
		// removed, a function deleted): the old check could not compile.
		if s := a.SubjectOf(m.Base, false, checkedNodesAndCtx(b)...); len(s.Gone) > 0 {
			sev, msg = finding.Info, msg+"; but "+s.Why()+", so the old check went with the code it checked"
		}
		out = append(out, Weakening{b, h, sev, msg})
	}
	return out
}

// inPredicate reports whether every one of values (at least one) appears
// in a function literal that the test hands to a call: waitUntil(t, func()
// bool { return r.Get(k) == "v1" }), require.Eventually(t, func() bool …).
func inPredicate(tf *TestFunc, values map[string]bool) bool {
	if len(values) == 0 {
		return false
	}
	have := map[string]bool{}
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		for _, arg := range call.Args {
			if fl, ok := arg.(*ast.FuncLit); ok {
				for v := range literalsIn(fl) {
					have[v] = true
				}
			}
		}
		return true
	})
	for v := range values {
		if !have[v] {
			return false
		}
	}
	return true
}

// wentElsewhere reports whether a base check missing from the head test
// moved to another new or changed test of the package, or went with the
// API or the value it checked.
func (a *Pass) wentElsewhere(m *Match, b *Site) bool {
	for _, ht := range a.Head.PkgTests(m.Head.Dir) {
		if ht == m.Head || !ht.IsTest() {
			continue
		}
		if olds := a.Base.ByKey[ht.Key()]; len(olds) > 0 && olds[0].Fingerprint().Hash == ht.Fingerprint().Hash {
			continue
		}
		if findSite(a.ChecksIn(a.Head, ht), func(h *Site) bool { return h.key == b.key }) >= 0 {
			return true
		}
	}
	return a.apiRemoved(m, b) || a.operandVanished(m, b)
}

// unpairedByKey returns the base and head checks left once checks with
// the same failure condition are paired.
func unpairedByKey(bs, hs []*Site) (ub, uh []*Site) {
	uh = append([]*Site(nil), hs...)
	for _, b := range bs {
		if i := findSite(uh, func(h *Site) bool { return h.key == b.key }); i >= 0 {
			uh = append(uh[:i], uh[i+1:]...)
			continue
		}
		ub = append(ub, b)
	}
	return ub, uh
}

// comparesValue reports whether a check compares a value with another (an
// expected value, a bound), rather than asserting a fact of one value.
func comparesValue(s *Site) bool {
	return simpleKey(s) && valueCount(s) >= 2
}

// weakFact reports whether a check asserts a fact of one value: that a
// flag holds, that a call succeeded, that a value is present, non-nil,
// non-empty or an error — not that it is empty or zero, an exact value.
func weakFact(s *Site) bool {
	if strings.HasPrefix(s.key, "nonempty(") || strings.HasPrefix(s.key, "nonzero(") {
		return false
	}
	return (s.Kind == SiteAssert || s.Kind == SiteFail) && simpleKey(s) && !neverFails(s) && valueCount(s) == 1 && strength(s.key) <= 2
}

func factText(s *Site) string {
	for _, o := range s.operands {
		if !trivialOperand(o) {
			return "`" + o + "`"
		}
	}
	return CallText(s)
}

// subjects are the operands of a check that name values of the test (got,
// res.Count, called.Load()), not constants (5*time.Second, "x", ErrX is
// kept: a package's sentinel is a value of the test's world too).
func subjects(s *Site) []string {
	var out []string
	for _, o := range s.operands {
		if trivialOperand(o) {
			continue
		}
		e, err := parser.ParseExpr(o)
		if err != nil {
			continue
		}
		if hasValueName(e, s.callFile) {
			out = append(out, o)
		}
	}
	return out
}

// hasValueName reports whether an expression reads a name that is not an
// imported package or a predeclared constant.
func hasValueName(e ast.Expr, f *SrcFile) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok && f != nil && f.importPath(id.Name) != "" {
				return false // time.Second
			}
		case *ast.Ident:
			switch x.Name {
			case "nil", "true", "false", "iota", "len", "cap", "string", "int", "int64", "float64", "byte", "rune":
			default:
				found = true
			}
		}
		return !found
	})
	return found
}

// siteText is every token a check reads: its call, its conditions and the
// statements that feed them (serviceErr, ok := errors.AsType[…](err) for
// `if !ok`).
func siteText(s *Site) string {
	parts := append([]string(nil), s.operands...)
	for _, n := range checkedNodesAndCtx(s) {
		var buf bytes.Buffer
		if printer.Fprint(&buf, token.NewFileSet(), n) == nil {
			parts = append(parts, buf.String())
		}
	}
	return " " + strings.Join(scanTokens([]byte(strings.Join(parts, " ; ")), nil), " ") + " "
}

// renamedVariable recognises the value a check looked at renamed along
// with what it holds: base declared `var gotAction string` and head, instead,
// `var gotViolation string` (a callback whose argument changed). The check
// of the renamed value is the same check made another way, not a stand-in.
func renamedVariable(m *Match, baseSubj, headSubj []string) bool {
	baseDecls, headDecls := declShapes(m.Base.Body), declShapes(m.Head.Body)
	for _, b := range baseSubj {
		bn := rootName(b)
		bshape, ok := baseDecls[bn]
		if !ok || headDecls[bn] != "" {
			continue
		}
		for _, h := range headSubj {
			hn := rootName(h)
			if hshape, ok := headDecls[hn]; ok && baseDecls[hn] == "" && hshape == bshape {
				return true
			}
		}
	}
	return false
}

// declShapes maps each variable a body declares alone (var x T, x := v) to
// what it is declared as, without its name.
func declShapes(body *ast.BlockStmt) map[string]string {
	out := map[string]string{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch d := n.(type) {
		case *ast.ValueSpec:
			if len(d.Names) == 1 {
				shape := "var"
				if d.Type != nil {
					shape += " " + types.ExprString(d.Type)
				}
				for _, v := range d.Values {
					shape += " = " + types.ExprString(v)
				}
				out[d.Names[0].Name] = shape
			}
		case *ast.AssignStmt:
			if d.Tok == token.DEFINE && len(d.Lhs) == 1 && len(d.Rhs) == 1 {
				if id, ok := d.Lhs[0].(*ast.Ident); ok {
					out[id.Name] = ":= " + types.ExprString(d.Rhs[0])
				}
			}
		}
		return true
	})
	return out
}

// rootName is the variable an operand reads: called for called.Load(),
// res for res.Count.
func rootName(op string) string {
	e, err := parser.ParseExpr(op)
	if err != nil {
		return ""
	}
	for {
		switch x := e.(type) {
		case *ast.CallExpr:
			e = x.Fun
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.UnaryExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// mentionsAny reports whether some text holds one of the values as whole
// tokens.
func mentionsAny(texts []string, values []string) bool {
	for _, v := range values {
		needle := " " + strings.Join(scanTokens([]byte(v), nil), " ") + " "
		for _, t := range texts {
			if strings.Contains(t, needle) {
				return true
			}
		}
	}
	return false
}

// renamed reports whether a head check may be a base check with its value
// renamed: the same relation (or the same assertion, for those goodhart
// has no canonical form for) over as many values.
func renamed(b, h *Site) bool {
	rb, _, _ := strings.Cut(b.key, "(")
	rh, _, _ := strings.Cut(h.key, "(")
	return rb == rh && rb != "" && !strings.Contains(rb, " ") && valueCount(b) == valueCount(h)
}

func valueCount(s *Site) int {
	n := 0
	for _, o := range s.operands {
		if !trivialOperand(o) {
			n++
		}
	}
	return n
}

// runsSuite recognises suite.Run(t, new(S)): not a check but the runner of
// a testify suite, whose methods now hold the test's checks.
func runsSuite(h *Site) bool {
	c, ok := h.call.(*ast.CallExpr)
	if !ok {
		return false
	}
	recv, name := CallName(c)
	return recv == "suite" && name == "Run"
}
