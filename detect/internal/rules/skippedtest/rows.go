package skippedtest

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// checkRowExits flags a new `continue` or bare `return` in a table-driven
// test's loop that leaves some rows before their checks without checking
// anything: those rows pass without being tested, as if skipped. The loop
// must already be in base (over the same table); a branch that checks
// something before it moves on (an error row: require.Error, then continue)
// is not this. Error when the condition singles out rows by a literal of
// the test (tc.name == "big"), warning when it selects them by a property.
func (a *pass) checkRowExits(m *model.Match) {
	bt, ht := m.Base, m.Head
	baseLoops := map[string]bool{}
	baseConds := map[string]bool{}
	ast.Inspect(bt.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.RangeStmt:
			baseLoops[types.ExprString(x.X)] = true
		case *ast.IfStmt:
			baseConds[types.ExprString(x.Cond)] = true
		}
		return true
	})
	sc := model.CheckScopeOf(ht)
	ast.Inspect(ht.Body, func(n ast.Node) bool {
		rs, ok := n.(*ast.RangeStmt)
		if !ok || !baseLoops[types.ExprString(rs.X)] || !isTable(rs.X, ht.Body) {
			return true
		}
		v, ok := rs.Value.(*ast.Ident)
		if !ok || v.Name == "_" {
			return true
		}
		checks := sc.ChecksIn(rs.Body)
		ast.Inspect(rs.Body, func(n ast.Node) bool {
			is, ok := n.(*ast.IfStmt)
			if !ok || is.Else != nil || len(is.Body.List) == 0 || baseConds[types.ExprString(is.Cond)] {
				return true
			}
			if !exits(is.Body.List[len(is.Body.List)-1]) || !mentions(is.Cond, v.Name) {
				return true
			}
			if len(sc.ChecksIn(is.Body)) > 0 || hasSkip(sc, is.Body) || !anyAfter(checks, is.End()) {
				return true
			}
			a.reportRowExit(m, is, v.Name, singlesOut(is.Cond, v.Name, ht.Body))
			return true
		})
		return true
	})
}

// exits reports whether a statement leaves the row: continue, or a return
// with no results (out of the loop's test or subtest function).
func exits(s ast.Stmt) bool {
	switch x := s.(type) {
	case *ast.BranchStmt:
		return x.Tok == token.CONTINUE
	case *ast.ReturnStmt:
		return len(x.Results) == 0
	}
	return false
}

func mentions(e ast.Expr, name string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}

func hasSkip(sc *model.CheckScope, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && sc.IsSkipCall(call) {
			found = true
		}
		return !found
	})
	return found
}

func anyAfter(ps []token.Pos, after token.Pos) bool {
	for _, p := range ps {
		if p > after {
			return true
		}
	}
	return false
}

// singlesOut reports whether a condition compares a row's field with a
// literal that the test's table holds: rows picked by name or value.
func singlesOut(cond ast.Expr, row string, body *ast.BlockStmt) bool {
	var lits []string
	ast.Inspect(cond, func(n ast.Node) bool {
		be, ok := n.(*ast.BinaryExpr)
		if !ok || (be.Op != token.EQL && be.Op != token.NEQ) {
			return true
		}
		for _, pair := range [][2]ast.Expr{{be.X, be.Y}, {be.Y, be.X}} {
			if l, ok := ast.Unparen(pair[1]).(*ast.BasicLit); ok && mentions(pair[0], row) {
				lits = append(lits, l.Value)
			}
		}
		return true
	})
	for _, lit := range lits {
		n := 0
		ast.Inspect(body, func(x ast.Node) bool {
			if l, ok := x.(*ast.BasicLit); ok && l.Value == lit {
				n++
			}
			return true
		})
		if n >= 2 { // the condition's own, and a row's
			return true
		}
	}
	return false
}

func (a *pass) reportRowExit(m *model.Match, is *ast.IfStmt, row string, picked bool) {
	bt, ht := m.Base, m.Head
	sev, how := finding.Warning, "the rows it selects"
	if picked {
		sev, how = finding.Error, "the rows it names"
	}
	exit := strings.TrimSpace(ht.File.Text(is.Body.List[len(is.Body.List)-1]))
	line := ht.File.Line(is.Pos())
	a.Report(finding.Finding{
		Rule: ID, Severity: sev, Symbol: ht.Name, Pkg: ht.Dir,
		File: ht.File.Path, Line: line, OldFile: bt.File.Path, OldLine: bt.Line(),
		Excerpt: ht.File.Lines(is.Pos(), is.End(), "+", 4),
		Message: fmt.Sprintf("The test %s now leaves some rows of its table before their checks: `if %s { %s }` at line %d checks nothing, so %s pass without being tested, as if skipped. Check why those rows were set aside; if they were failing, the failure is the thing to fix.",
			ht.Name, types.ExprString(is.Cond), exit, line, how),
	})
}

// isTable reports whether a loop ranges over a case table: a composite
// literal, a variable of the test bound to one, or a package variable named
// as a table (tests, cases, table).
func isTable(x ast.Expr, body *ast.BlockStmt) bool {
	switch e := ast.Unparen(x).(type) {
	case *ast.CompositeLit:
		return true
	case *ast.Ident:
		lower := strings.ToLower(e.Name)
		if strings.Contains(lower, "test") || strings.Contains(lower, "case") || strings.Contains(lower, "table") {
			return true
		}
		found := false
		ast.Inspect(body, func(n ast.Node) bool {
			if as, ok := n.(*ast.AssignStmt); ok {
				for i, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == e.Name && i < len(as.Rhs) {
						if _, ok := as.Rhs[i].(*ast.CompositeLit); ok {
							found = true
						}
					}
				}
			}
			return !found
		})
		return found
	}
	return false
}
