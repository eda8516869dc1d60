package model

// This file tells a check that still stands but checks less from one that
// checks as much: the weakenings the assertion rules report.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
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
