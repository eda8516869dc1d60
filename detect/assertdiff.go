package detect

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// This file compares the assertions of a test in base with those of the
// same test in head, and sorts every difference: a check that is gone, a
// check that became weaker, or a rewrite that checks the same thing.
// removed-assertion and weakened-assertion report from the one comparison.

// weakening is one check that still stands but checks less.
type weakening struct {
	base, head *site // base is nil when the weak check is new
	sev        Severity
	what       string // what changed, for the message
}

// assertDiff is the comparison of one matched test.
type assertDiff struct {
	baseCount, headCount int
	removed              []*site
	weakened             []weakening
}

func (a *analysis) diffAssertions(m *match) *assertDiff {
	if d, ok := a.diffs[m]; ok {
		return d
	}
	d := a.compareAssertions(m)
	if a.diffs == nil {
		a.diffs = map[*match]*assertDiff{}
	}
	a.diffs[m] = d
	return d
}

// comparable reports whether a match is worth comparing check by check.
func comparable(m *match) bool {
	return (m.kind == matchSame || m.kind == matchMoved) && m.head.isTest() &&
		m.base.Kind != kindMain && m.base.Kind != kindBenchmark && m.base.Kind != kindExample
}

func checksOf(sites []*site) (checks, logs []*site) {
	for _, s := range sites {
		switch s.kind {
		case siteFail, siteAssert:
			checks = append(checks, s)
		case siteLog:
			logs = append(logs, s)
		}
	}
	return checks, logs
}

func (a *analysis) compareAssertions(m *match) *assertDiff {
	bs := a.checksIn(a.base, m.base)
	headSites := collectSites(a.head, m.head)
	hs, hl := checksOf(headSites)
	d := &assertDiff{baseCount: len(bs), headCount: len(hs)}
	ub, uh := pairByKey(bs, hs, d)
	// A check that is not in head as such may have become a log, or been
	// rewritten: paired first with a head check that compares the same
	// values, then, failing that, with one of the same relation.
	var left []*site
	for _, b := range ub {
		if i := findSite(hl, func(h *site) bool { return h.key == b.key }); i >= 0 {
			d.weakened = append(d.weakened, weakening{b, hl[i], Error, fmt.Sprintf("%s became %s: it now only logs, and can no longer fail", callText(b), callText(hl[i]))})
			hl = append(hl[:i], hl[i+1:]...)
			continue
		}
		left = append(left, b)
	}
	var gone []*site
	for pass, pairs := range []func(b, h *site) bool{sharesOperand, sameRelation} {
		var next []*site
		for _, b := range left {
			i := findSite(uh, func(h *site) bool { return pairs(b, h) })
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
			d.weakened = append(d.weakened, weakening{nil, h, Error, fmt.Sprintf("the new check %s can never fail: %s", callText(h), neverWhy(h))})
		}
	}
	d.weakened = append(d.weakened, a.wantFromGot(m, hs)...)
	gone = tableDriven(gone, hs)
	for _, b := range gone {
		if findSite(headSites, func(h *site) bool { return h.kind == siteSkip && h.key == b.key }) >= 0 {
			continue // the failure became a skip: skipped-test reports it
		}
		if w, ok := a.errorDropped(m, b); ok {
			d.weakened = append(d.weakened, w)
			continue
		}
		if !a.explained(m, b, hs) {
			d.removed = append(d.removed, b)
		}
	}
	if d.headCount >= d.baseCount || (len(d.removed) > 0 && a.becameTable(m, d)) {
		d.removed = nil // as many checks as before: rewritten, not removed
	}
	return d
}

// becameTable recognises a test rewritten around a case table: its loop
// over the rows makes at least as many checks as base's test did in all,
// and the rows carry the values the removed checks compared.
func (a *analysis) becameTable(m *match, d *assertDiff) bool {
	if a.caseChecks(a.head, m.head) < d.baseCount {
		return false
	}
	want := map[string]bool{}
	for _, b := range d.removed {
		for v := range siteLiterals(b) {
			want[v] = true
		}
	}
	if len(want) == 0 {
		return true
	}
	have := a.head.tableLiterals(m.head)
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
func (a *analysis) withoutAPIChanges(m *match, checks []*site) []*site {
	var out []*site
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
func (d *assertDiff) compareRewrite(b, h *site) {
	switch {
	case neverFails(h):
		d.weakened = append(d.weakened, weakening{b, h, Error, fmt.Sprintf("the check %s can no longer fail: %s", callText(b), neverWhy(h))})
	case newlyGated(b, h) != "":
		d.weakened = append(d.weakened, weakening{b, h, Error, fmt.Sprintf("the check %s now runs only %s", callText(b), newlyGated(b, h))})
	case sharesOperand(b, h) && simpleKey(b) && simpleKey(h) && strength(h.key) < strength(b.key):
		d.weakened = append(d.weakened, weakening{b, h, Warning, fmt.Sprintf("%s became the weaker %s", callText(b), callText(h))})
	}
}

// pairByKey pairs base and head checks with the same failure condition,
// compares what pairs still differ in (tolerances, cmp options), and
// returns the unpaired ones.
func pairByKey(bs, hs []*site, d *assertDiff) (ub, uh []*site) {
	uh = append([]*site(nil), hs...)
	for _, b := range bs {
		i := findSite(uh, func(h *site) bool { return h.key == b.key })
		if i < 0 {
			ub = append(ub, b)
			continue
		}
		h := uh[i]
		uh = append(uh[:i], uh[i+1:]...)
		if w, ok := loosened(b, h); ok {
			d.weakened = append(d.weakened, w)
		}
		if g := newlyGated(b, h); g != "" {
			d.weakened = append(d.weakened, weakening{b, h, Error, fmt.Sprintf("the check %s now runs only %s", callText(b), g)})
		}
		if w, ok := newIgnores(b, h); ok {
			d.weakened = append(d.weakened, w)
		}
	}
	return ub, uh
}

func findSite(ss []*site, pred func(*site) bool) int {
	for i, s := range ss {
		if pred(s) {
			return i
		}
	}
	return -1
}

func sharesOperand(b, h *site) bool {
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
func newlyGated(b, h *site) string {
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
func simpleKey(s *site) bool {
	return !strings.Contains(s.key, " && ") && !strings.Contains(s.key, " || ")
}

func sameRelation(b, h *site) bool {
	rb, _, _ := strings.Cut(b.key, "(")
	rh, _, _ := strings.Cut(h.key, "(")
	return rb == rh && rb != "" && !strings.Contains(rb, " ")
}

// neverFails reports whether a check's failure condition is constant false:
// if false && …, … && false, got != got, assert.True(t, true).
func neverFails(s *site) bool {
	if s.kind == siteAssert {
		return strength(s.key) == 0 || selfCompare(s)
	}
	for _, g := range s.gates {
		if g.cond == nil {
			continue
		}
		if v, known := evalConst(g.cond); known && v == g.negated {
			return true
		}
	}
	return false
}

func neverWhy(s *site) string {
	if selfCompare(s) {
		return "it compares " + s.operands[0] + " with itself"
	}
	if s.kind == siteAssert {
		return "it asserts a constant"
	}
	for _, g := range s.gates {
		if g.cond == nil {
			continue
		}
		if v, known := evalConst(g.cond); known && v == g.negated {
			return "its condition `" + g.String() + "` is always false"
		}
	}
	return "its condition is always false"
}

// selfCompare matches an equality assertion of a value with itself:
// assert.Equal(t, got, got).
func selfCompare(s *site) bool {
	return s.kind == siteAssert && strings.HasPrefix(s.key, "ne(") && len(s.operands) == 2 && s.operands[0] == s.operands[1]
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
func loosened(b, h *site) (weakening, bool) {
	if b.tol == nil || h.tol == nil {
		bt, ht := gateTolerance(b), gateTolerance(h)
		if bt == nil || ht == nil {
			return weakening{}, false
		}
		b, h = withTol(b, bt), withTol(h, ht)
	}
	bv, bok := b.scope.numeric(b.tol)
	hv, hok := h.scope.numeric(h.tol)
	if !bok || !hok || bv <= 0 || hv < 10*bv {
		return weakening{}, false
	}
	return weakening{b, h, Warning, fmt.Sprintf("the tolerance of %s went from %s to %s (%.0f× looser)",
		callText(h), strconv.FormatFloat(bv, 'g', -1, 64), strconv.FormatFloat(hv, 'g', -1, 64), hv/bv)}, true
}

func withTol(s *site, tol ast.Expr) *site {
	c := *s
	c.tol = tol
	return &c
}

// gateTolerance finds eps in a failure guarded by math.Abs(a-b) > eps.
func gateTolerance(s *site) ast.Expr {
	for _, g := range s.gates {
		if x, ok := ast.Unparen(g.cond).(*ast.BinaryExpr); ok && (x.Op == token.GTR || x.Op == token.GEQ) {
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
func newIgnores(b, h *site) (weakening, bool) {
	nb, nh := countIgnores(b), countIgnores(h)
	if nh <= nb || equalizedBefore(b, h) {
		return weakening{}, false
	}
	return weakening{b, h, Warning, fmt.Sprintf("the comparison %s gained %d cmpopts.Ignore… option(s): it now skips part of the values it compared", callText(h), nh-nb)}, true
}

// equalizedBefore recognises cmpopts.IgnoreFields(T{}, "F") replacing what
// base did by hand before comparing: x.F = y.F.
func equalizedBefore(b, h *site) bool {
	var fields []string
	for _, n := range checkedNodesAndCtx(h) {
		ast.Inspect(n, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if recv, name := callName(call); recv == "cmpopts" && name == "IgnoreFields" {
					for _, arg := range call.Args[min(1, len(call.Args)):] {
						if s := stringArg(&ast.CallExpr{Args: []ast.Expr{arg}}, 0); s != "" {
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

func checkedNodesAndCtx(s *site) []ast.Node {
	out := checkedNodes(s)
	for _, g := range s.gates {
		out = append(out, g.ctx...)
	}
	return out
}

func countIgnores(s *site) int {
	n := 0
	count := func(node ast.Node) {
		ast.Inspect(node, func(n2 ast.Node) bool {
			if call, ok := n2.(*ast.CallExpr); ok {
				if recv, name := callName(call); recv == "cmpopts" && strings.HasPrefix(name, "Ignore") {
					n++
				}
			}
			return true
		})
	}
	if s.kind == siteAssert {
		count(s.call)
		return n
	}
	for _, g := range s.gates {
		if g.cond != nil {
			count(g.cond)
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
func (a *analysis) errorDropped(m *match, b *site) (weakening, bool) {
	if !strings.HasSuffix(b.key, ",nil)") || !strings.HasPrefix(b.key, "ne(") || len(b.operands) == 0 {
		return weakening{}, false
	}
	errName := b.operands[0]
	if errName == "nil" && len(b.operands) > 1 {
		errName = b.operands[1]
	}
	found := false
	ast.Inspect(m.head.Body, func(n ast.Node) bool {
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
		return weakening{}, false
	}
	return weakening{b, nil, Error, fmt.Sprintf("the error check %s was dropped while the error is still produced: %s is now discarded", callText(b), errName)}, true
}

// discardsAtSamePlace finds the call that assigned errName in base and
// checks whether head assigns that result position to _.
func (a *analysis) discardsAtSamePlace(m *match, errName string) bool {
	callee, idx, n := producer(m.base.Body, errName)
	if callee == "" {
		return false
	}
	dropped := false
	ast.Inspect(m.head.Body, func(node ast.Node) bool {
		as, ok := node.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || len(as.Lhs) != n {
			return true
		}
		if call, ok := as.Rhs[0].(*ast.CallExpr); ok {
			if _, name := callName(call); name == callee && isBlank(as.Lhs[idx]) {
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
func (a *analysis) wantFromGot(m *match, hs []*site) []weakening {
	baseAssigns := map[string]bool{}
	for _, as := range identAssigns(m.base.Body) {
		baseAssigns[as] = true
	}
	var out []weakening
	for _, pair := range identAssigns(m.head.Body) {
		if baseAssigns[pair] {
			continue
		}
		lhs, rhs, _ := strings.Cut(pair, "=")
		key := relKey("ne", []string{lhs, rhs})
		if i := findSite(hs, func(h *site) bool { return h.key == key }); i >= 0 {
			out = append(out, weakening{nil, hs[i], Error, fmt.Sprintf("the expected value is now assigned from the actual one (%s = %s), so %s compares a value with itself", lhs, rhs, callText(hs[i]))})
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
func (a *analysis) explained(m *match, b *site, hs []*site) bool {
	for _, ht := range a.head.pkg(m.head.Dir).tests {
		if ht == m.head || !ht.isTest() {
			continue
		}
		if olds := a.base.byKey[ht.key()]; len(olds) > 0 && olds[0].fingerprint().hash == ht.fingerprint().hash {
			continue // unchanged: it did not receive anything
		}
		checks := a.checksIn(a.head, ht)
		if findSite(checks, func(h *site) bool { return h.key == b.key }) >= 0 {
			return true
		}
	}
	for _, h := range hs {
		if h.kind == siteAssert && containsAll(h.callFile.text(h.call), b.operands) {
			return true
		}
	}
	if a.rowsHold(m, b) {
		return true
	}
	if lits := siteLiterals(b); len(lits) > 0 {
		have := a.head.tableLiterals(m.head)
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
func (a *analysis) apiRemoved(m *match, b *site) bool {
	basePkg, headPkg := a.base.pkg(m.base.Dir), a.head.pkg(m.head.Dir)
	gone := false
	for _, n := range checkedNodesAndCtx(b) {
		ast.Inspect(n, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if _, name := callName(call); basePkg.declared[name] && !headPkg.declared[name] {
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
func siteLiterals(s *site) map[string]bool {
	out := map[string]bool{}
	add := func(n ast.Node) {
		for v := range literalsIn(n) {
			if !trivialLiteral[v] {
				out[v] = true
			}
		}
	}
	if s.kind == siteAssert {
		add(s.call)
	}
	for _, g := range s.gates {
		if g.cond != nil {
			add(g.cond)
		}
	}
	return out
}

// operandVanished recognises a check that went with the value it checked
// because the API stopped returning it: base assigned the value from a
// call, and head calls the same function for fewer results (v, err := f()
// became v := f()). A value still produced and now discarded (_, err := f())
// is not that.
func (a *analysis) operandVanished(m *match, b *site) bool {
	used := map[string]bool{}
	ast.Inspect(m.head.Body, func(n ast.Node) bool {
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
		callee, _, n := producer(m.base.Body, op)
		if callee == "" || !callsWithFewerResults(m.head.Body, callee, n) {
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
				_, callee = callName(call)
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
					if _, name := callName(call); name == callee {
						fewer = true
					}
				}
			}
		case *ast.ExprStmt:
			if call, ok := x.X.(*ast.CallExpr); ok {
				if _, name := callName(call); name == callee {
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
func callText(s *site) string {
	t := strings.TrimSpace(firstLine(s.callFile.text(s.call)))
	if len(t) > 80 {
		t = t[:77] + "…"
	}
	if s.kind != siteAssert {
		if g := gatesOnly(s); g != "" {
			if len(g) > 60 {
				g = g[:57] + "…"
			}
			t = "if " + g + " { " + t + " }"
		}
	}
	return "`" + t + "`"
}

// checksIn returns a test's checks, once per test.
func (a *analysis) checksIn(snap *snapshot, tf *testFunc) []*site {
	if cs, ok := a.checks[tf]; ok {
		return cs
	}
	if a.checks == nil {
		a.checks = map[*testFunc][]*site{}
	}
	cs, _ := checksOf(collectSites(snap, tf))
	a.checks[tf] = cs
	return cs
}

// rowsHold recognises a check turned into a table row: the function it
// called, with the same arguments, is now called from a new or changed
// test of the package whose table has a row starting with those arguments
// (if ObjectsAreEqualValues(0, nil) {…} → {0, nil, false} in a table).
func (a *analysis) rowsHold(m *match, b *site) bool {
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
		_, name := callName(c)
		args := make([]string, len(c.Args))
		for i, arg := range c.Args {
			args[i] = types.ExprString(arg)
		}
		for _, ht := range a.head.pkg(m.head.Dir).tests {
			if ht.isTest() && (ht == m.head || ht.Kind != kindSubtest) && calledNames(ht)[name] && a.head.hasRow(ht, args) {
				return true
			}
		}
	}
	return false
}

// checkedNodes are the expressions a check evaluates: the assertion call,
// or the conditions guarding a failure.
func checkedNodes(s *site) []ast.Node {
	if s.kind == siteAssert {
		return []ast.Node{s.call}
	}
	var out []ast.Node
	for _, g := range s.gates {
		if g.cond != nil {
			out = append(out, g.cond)
		}
	}
	return out
}

// hasRow reports whether a table in the test (or a package variable it
// reads) has a row whose elements include args, in order and adjacent.
func (s *snapshot) hasRow(tf *testFunc, args []string) bool {
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
func tableDriven(gone, hs []*site) []*site {
	budget := map[*site]int{}
	var left []*site
	for _, b := range gone {
		i := findSite(hs, func(h *site) bool {
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
func rowShaped(b, h *site) bool {
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
