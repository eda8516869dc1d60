package testawarecode

import (
	"go/ast"
	"go/token"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// This file follows a probe's answer to the code it decides, to tell
// behaviour that differs under test from logging that does.

// guarded is what a probe decides: the branches that run only when it
// holds (or only when it does not).
type guarded struct {
	bodies  [][]ast.Stmt
	checked bool      // its value is tested in a condition
	data    bool      // its value is handed to other code as data
	near    token.Pos // the end of the first branch it guards, when that is in the probe's own declaration
}

// failsOnly reports whether every branch the probe decides only panics or
// exits: code that refuses to run somewhere, which makes no test pass.
func (g *guarded) failsOnly() bool {
	if len(g.bodies) == 0 {
		return false
	}
	for _, b := range g.bodies {
		if len(b) == 0 {
			continue
		}
		es, ok := b[len(b)-1].(*ast.ExprStmt)
		if !ok {
			return false
		}
		call, ok := es.X.(*ast.CallExpr)
		if !ok {
			return false
		}
		recv, name := model.CallName(call)
		if !(recv == "" && name == "panic") && !(recv == "log" && strings.HasPrefix(name, "Fatal")) && !(recv == "log" && strings.HasPrefix(name, "Panic")) {
			return false
		}
	}
	return true
}

// testHook recognises functions that exist for tests: SetClockForTesting,
// ResetForTest.
func testHook(symbol string) bool {
	return strings.Contains(symbol, "ForTest") || strings.Contains(symbol, "ForTesting") || strings.HasSuffix(symbol, "TestHook")
}

func (g *guarded) outputOnly() bool {
	for _, b := range g.bodies {
		if n := len(b); n > 1 {
			if r, ok := b[n-1].(*ast.ReturnStmt); ok && len(r.Results) == 0 {
				b = b[:n-1] // print the CI's way, then stop: still only output
			}
		}
		if !model.OutputOnly(b) {
			return false
		}
	}
	return true
}

// end is where a probe's excerpt stops: the end of the first branch it
// guards when that is in the same file, else the probe itself.
func (g *guarded) end(p *probe) token.Pos {
	if g.near > p.node.End() {
		return g.near
	}
	return p.node.End()
}

func (g *guarded) add(bodies [][]ast.Stmt, depth int) {
	g.checked = true
	if depth == 0 && g.near == token.NoPos {
		for _, b := range bodies {
			if len(b) > 0 {
				g.near = b[len(b)-1].End()
				break
			}
		}
	}
	g.bodies = append(g.bodies, bodies...)
}

// guards finds what a probe's answer decides, following it through a
// condition, a local or field it is stored in, or a predicate function that
// returns it, one step into the package.
func (a *pass) guards(dir string, p *probe) *guarded {
	g := &guarded{}
	path := pathTo(p.decl, p.node)
	a.trace(dir, path, g, 0)
	return g
}

// passThrough are calls whose result still carries the probe's answer.
var passThrough = model.SetOf("ParseBool", "EqualFold", "ToLower", "ToUpper", "TrimSpace", "HasPrefix", "HasSuffix", "Contains", "Atoi")

// trace walks up from the probe's answer (path runs from its declaration
// down to it) to what decides on it: the branches of a condition, a local or
// field it is stored in and the uses of that, or the callers of a function
// that returns it; depth counts the steps taken.
func (a *pass) trace(dir string, path []ast.Node, g *guarded, depth int) {
	field := "" // the struct field a composite stores the answer in
	for i := len(path) - 2; i >= 0; i-- {
		child := path[i+1]
		switch s := path[i].(type) {
		case *ast.IfStmt:
			if child == s.Cond || child == s.Init {
				g.add(ifBodies(s), depth)
			}
			return
		case *ast.SwitchStmt:
			if child == s.Tag || child == s.Init {
				var bodies [][]ast.Stmt
				for _, cc := range s.Body.List {
					if c, ok := cc.(*ast.CaseClause); ok {
						bodies = append(bodies, c.Body)
					}
				}
				g.add(bodies, depth)
			}
			return
		case *ast.CaseClause:
			g.add([][]ast.Stmt{s.Body}, depth)
			return
		case *ast.ForStmt:
			if child == s.Cond {
				g.add([][]ast.Stmt{s.Body.List}, depth)
			}
			return
		case *ast.BinaryExpr:
			if model.IsComparison(s.Op) || s.Op == token.LAND || s.Op == token.LOR {
				g.checked = true
			}
		case *ast.KeyValueExpr:
			if field == "" {
				field = model.ExprName(s.Key)
			}
		case *ast.UnaryExpr, *ast.ParenExpr, *ast.SelectorExpr, *ast.IndexExpr, *ast.CompositeLit:
		case *ast.CallExpr:
			if _, name := model.CallName(s); !passThrough[name] {
				g.data = true // handed to other code
				return
			}
			g.checked = true
		case *ast.AssignStmt:
			if i > 0 && initOf(path[i-1]) == s {
				continue // if v := os.Getenv("CI"); v != "" {…}
			}
			names := storedNames(s.Lhs, child, s.Rhs)
			if field != "" {
				names = []string{field}
			}
			if depth < 2 {
				a.usesOf(dir, path[0], names, g, depth)
			}
			return
		case *ast.ValueSpec:
			var names []string
			for _, n := range s.Names {
				names = append(names, n.Name)
			}
			if field != "" {
				names = []string{field}
			}
			if depth < 2 {
				a.usesOf(dir, path[0], names, g, depth)
			}
			return
		case *ast.ReturnStmt:
			if depth >= 2 {
				return
			}
			if field != "" {
				a.usesOf(dir, path[0], []string{field}, g, depth) // return &Runner{color: …}
			} else if fd, ok := path[0].(*ast.FuncDecl); ok {
				a.callersOf(dir, fd.Name.Name, g, depth)
			}
			return
		default:
			return
		}
	}
}

// storedNames names what an assignment stores a probe in: the variable or
// field receiving it, and the struct field when it is a composite's value.
func storedNames(lhs []ast.Expr, child ast.Node, rhs []ast.Expr) []string {
	var names []string
	for i, r := range rhs {
		if r != child {
			continue
		}
		if len(lhs) == len(rhs) {
			names = append(names, model.ExprName(lhs[i]))
		}
	}
	if len(names) == 0 {
		for _, l := range lhs {
			names = append(names, model.ExprName(l))
		}
	}
	return names
}

func initOf(n ast.Node) ast.Stmt {
	switch n := n.(type) {
	case *ast.IfStmt:
		return n.Init
	case *ast.SwitchStmt:
		return n.Init
	}
	return nil
}

func ifBodies(s *ast.IfStmt) [][]ast.Stmt {
	out := [][]ast.Stmt{s.Body.List}
	switch e := s.Else.(type) {
	case *ast.BlockStmt:
		out = append(out, e.List)
	case *ast.IfStmt:
		out = append(out, ifBodies(e)...)
	}
	return out
}

// usesOf follows names (a local, a field, a package variable) holding a
// probe's answer to the conditions that read them: in the same function for
// a local, anywhere in the package's non-test code otherwise.
func (a *pass) usesOf(dir string, decl ast.Node, names []string, g *guarded, depth int) {
	want := map[string]bool{}
	for _, n := range names {
		if n != "" && n != "_" {
			want[n] = true
		}
	}
	if len(want) == 0 {
		return
	}
	scopes := []ast.Node{decl}
	if _, isFunc := decl.(*ast.FuncDecl); !isFunc || a.isField(decl, names) {
		scopes = a.packageDecls(dir)
	}
	for _, scope := range scopes {
		ast.Inspect(scope, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && want[id.Name] {
				if path := pathTo(scope, n); len(path) > 1 && !isAssignTarget(path) {
					a.trace(dir, path, g, depth+1)
				}
			}
			return true
		})
	}
}

// isField reports whether the names are not locals of the function: a
// struct field or package variable.
func (a *pass) isField(decl ast.Node, names []string) bool {
	fd, ok := decl.(*ast.FuncDecl)
	if !ok {
		return true
	}
	locals := map[string]bool{}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, l := range as.Lhs {
				locals[model.ExprName(l)] = true
			}
		}
		if vs, ok := n.(*ast.ValueSpec); ok {
			for _, id := range vs.Names {
				locals[id.Name] = true
			}
		}
		return true
	})
	for _, n := range names {
		if !locals[n] {
			return true
		}
	}
	return false
}

// isAssignTarget reports whether the last node of a path is written, not read.
func isAssignTarget(path []ast.Node) bool {
	n := path[len(path)-1]
	for i := len(path) - 2; i >= 0; i-- {
		switch p := path[i].(type) {
		case *ast.SelectorExpr:
			n = p
			continue
		case *ast.AssignStmt:
			for _, l := range p.Lhs {
				if l == n {
					return true
				}
			}
		case *ast.ValueSpec:
			for _, id := range p.Names {
				if ast.Node(id) == n {
					return true
				}
			}
		case *ast.KeyValueExpr:
			return p.Key == n
		}
		return false
	}
	return false
}

// callersOf follows a predicate (func isCI() bool) to the conditions that call it.
func (a *pass) callersOf(dir, fn string, g *guarded, depth int) {
	for _, scope := range a.packageDecls(dir) {
		ast.Inspect(scope, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if _, name := model.CallName(call); name == fn {
					if path := pathTo(scope, call); len(path) > 1 {
						a.trace(dir, path, g, depth+1)
					}
				}
			}
			return true
		})
	}
}

// packageDecls lists the top-level declarations of the package's non-test
// files in head.
func (a *pass) packageDecls(dir string) []ast.Node {
	var out []ast.Node
	for _, f := range a.Head.Pkg(dir).Files {
		if f.AST == nil || model.IsTestFile(f.Path) || model.IgnoredDir(f.Path) {
			continue
		}
		for _, d := range f.AST.Decls {
			out = append(out, d)
		}
	}
	return out
}

// pathTo returns the nodes from root down to target, or nil.
func pathTo(root, target ast.Node) []ast.Node {
	var stack, found []ast.Node
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if found != nil || n.Pos() > target.Pos() || n.End() < target.End() {
			return false
		}
		stack = append(stack, n)
		if n == target {
			found = append([]ast.Node(nil), stack...)
		}
		return true
	})
	return found
}
