package model

// This file says when a base check missing from head is accounted for: its
// subject went away, its rows still hold it, or the test became table-driven.

import (
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"strings"
)

// explained reports whether a base check missing from the head test still
// stands elsewhere: in another new or changed test of the package (split
// or moved), inside a kept assertion (an Eventually predicate), in the
// rows of a table, or gone with the API it checked.
func (a *Pass) explained(m *Match, b *Site, hs []*Site) bool {
	// The questions about the test itself come first; those that read the
	// package's other tests (every test's checks, every table's rows) only
	// when they leave the check unexplained. The answer is the same in
	// either order.
	for _, h := range hs {
		if h.Kind == SiteAssert && holdsOperands(h.callFile.Text(h.call), b.operands) {
			return true
		}
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
	if a.operandVanished(m, b) || a.apiRemoved(m, b) || setupGone(m, b) {
		return true
	}
	for _, ht := range a.Head.PkgTests(m.Head.Dir) {
		if ht == m.Head || !ht.IsTest() {
			continue
		}
		if olds := a.Base.ByKey[ht.Key()]; len(olds) > 0 && olds[0].Fingerprint().Hash == ht.Fingerprint().Hash {
			continue // unchanged: it did not receive anything
		}
		if slices.Contains(a.checkKeys(a.Head, ht), b.key) {
			return true
		}
	}
	return a.rowsHold(m, b)
}

// setupGone recognises a check of a test's own setup — an error from the
// standard library (os.Chdir, os.Getwd, os.MkdirTemp) — that went with the
// setup step: head no longer makes that call, or makes it through the
// *testing.T, which fails the test itself (t.Chdir, t.Setenv, t.TempDir).
// Such a check guarded the test's footing, not the code under test.
func setupGone(m *Match, b *Site) bool {
	call, ok := b.call.(*ast.CallExpr)
	if b.Kind != SiteAssert || b.callFile == nil || !ok {
		return false
	}
	var setup []string // "os.Chdir"
	for _, arg := range call.Args {
		switch x := ast.Unparen(arg).(type) {
		case *ast.CallExpr:
			if pkg, fn, ok := stdlibCall(b.callFile, x); ok {
				setup = append(setup, pkg+"."+fn)
			} else {
				return false
			}
		case *ast.Ident:
			if x.Name == "err" {
				from := producerCall(m.Base.Body, x.Name, call.Pos())
				if from == nil {
					return false
				}
				pkg, fn, ok := stdlibCall(b.callFile, from)
				if !ok {
					return false
				}
				setup = append(setup, pkg+"."+fn)
			}
		}
	}
	if len(setup) == 0 {
		return false
	}
	still := map[string]bool{}
	ast.Inspect(m.Head.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if pkg, fn, ok := stdlibCall(m.Head.File, call); ok {
				still[pkg+"."+fn] = true
			}
		}
		return true
	})
	for _, s := range setup {
		if still[s] {
			return false
		}
	}
	return true
}

// stdlibCall reads pkg.Fn(...) where pkg is a standard library package of
// the file (an import path with no dot in its first element).
func stdlibCall(f *SrcFile, call *ast.CallExpr) (pkg, fn string, ok bool) {
	sel, isSel := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !isSel {
		return "", "", false
	}
	id, isID := sel.X.(*ast.Ident)
	if !isID {
		return "", "", false
	}
	path := f.importPath(id.Name)
	if path == "" || strings.Contains(strings.SplitN(path, "/", 2)[0], ".") {
		return "", "", false
	}
	return path, sel.Sel.Name, true
}

// producerCall finds the last call before pos that assigns name in body.
func producerCall(body *ast.BlockStmt, name string, pos token.Pos) *ast.CallExpr {
	var found *ast.CallExpr
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Pos() >= pos || len(as.Rhs) != 1 {
			return true
		}
		if call, ok := as.Rhs[0].(*ast.CallExpr); ok {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == name {
					found = call
				}
			}
		}
		return true
	})
	return found
}

// apiRemoved recognises a check of a call to something the range removed
// from the package (assert.NoError(t, fl.Apply(fs)) when Apply is gone):
// the check went with the API, not around it.
func (a *Pass) apiRemoved(m *Match, b *Site) bool {
	var baseDeclared, headDeclared map[string]bool // loaded on the first call
	gone := false
	for _, n := range checkedNodesAndCtx(b) {
		ast.Inspect(n, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if baseDeclared == nil {
					baseDeclared, headDeclared = a.Base.declaredIn(m.Base.Dir), a.Head.declaredIn(m.Head.Dir)
				}
				if _, name := CallName(call); baseDeclared[name] && !headDeclared[name] {
					gone = true
				}
			}
			return !gone
		})
	}
	return gone
}

// errorMatcher finds the assertions that check an error and its message
// in one call (require.ErrorContains(t, err, "x"), EqualError, gomega's
// MatchError, quicktest's ErrorMatches, errors.Is-style ErrorIs).
var errorMatcher = regexp.MustCompile(`\b(ErrorContainsf?|EqualErrorf?|MatchError|ErrorMatchesf?|ErrorIsf?|ErrorAsf?)\(`)

// holdsOperands reports whether a head assertion's text still holds every
// operand of a base check. In an assertion that checks an error's message
// itself, err stands for err.Error(): require.Error(t, err) and
// require.Contains(t, err.Error(), "x") merged into
// require.ErrorContains(t, err, "x") check as much as before.
func holdsOperands(text string, ops []string) bool {
	if containsAll(text, ops) {
		return true
	}
	if !errorMatcher.MatchString(text) {
		return false
	}
	stripped := make([]string, 0, len(ops))
	changed := false
	for _, op := range ops {
		if x, ok := strings.CutSuffix(op, ".Error()"); ok && x != "" && !containsAll(text, []string{op}) {
			op, changed = x, true
		}
		stripped = append(stripped, op)
	}
	return changed && containsAll(text, stripped)
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
		for _, ht := range a.Head.PkgTests(m.Head.Dir) {
			if ht.IsTest() && (ht == m.Head || ht.Kind != KindSubtest) && a.calledNames(ht)[name] && a.hasRow(ht, args) {
				return true
			}
		}
	}
	return false
}

// calledNames is CalledNames of a head test, computed once a pass.
func (a *Pass) calledNames(tf *TestFunc) map[string]bool {
	if c, ok := a.called[tf]; ok {
		return c
	}
	if a.called == nil {
		a.called = map[*TestFunc]map[string]bool{}
	}
	c := CalledNames(tf)
	a.called[tf] = c
	return c
}

// hasRow reports whether a table in the head test (or a package variable
// it reads) has a row whose elements include args, in order and adjacent.
// The rows of each test are read once a pass.
func (a *Pass) hasRow(tf *TestFunc, args []string) bool {
	rows, ok := a.rows[tf]
	if !ok {
		rows = a.Head.tableRows(tf)
		if a.rows == nil {
			a.rows = map[*TestFunc][][]string{}
		}
		a.rows[tf] = rows
	}
	for _, elems := range rows {
		if hasRun(elems, args) {
			return true
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

// tableRows lists the elements of every composite literal in the test (or
// in a package variable it reads), as text: the rows hasRow looks in.
func (s *Snapshot) tableRows(tf *TestFunc) [][]string {
	var rows [][]string
	visit := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			row, ok := n.(*ast.CompositeLit)
			if !ok || len(row.Elts) == 0 {
				return true
			}
			elems := make([]string, len(row.Elts))
			for i, e := range row.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					e = kv.Value
				}
				elems[i] = types.ExprString(e)
			}
			rows = append(rows, elems)
			return true
		})
	}
	visit(tf.Decl)
	seen := map[string]bool{}
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && !seen[id.Name] {
			seen[id.Name] = true
			if vs := s.valueSpec(tf.Dir, token.VAR, id.Name); vs != nil {
				visit(vs)
			}
		}
		return true
	})
	return rows
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
