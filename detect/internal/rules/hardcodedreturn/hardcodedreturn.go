package hardcodedreturn

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// idHardcodedReturn is the rule's stable identifier: users filter and accept findings by it.
const ID = "hardcoded-return"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Error,
	Doc: `A function or method of a non-test file that computed its result in base (it
called something, looped, branched on or used its inputs) now only returns
constants — literals, named constants, nil, zero values — whatever its inputs
are. "_ = x" does not count as using x, and neither do guards whose branches
also return only constants (if len(rows) == 0 { return 0 }; return 3). The
message names the tests that expect exactly the returned constant, when any do.

Not flagged: a function that already returned a constant in base (a version
string that changed), a brand-new function, an interface stub whose base body
was panic("not implemented") or returned a not-implemented error, a function
now returning a not-implemented error, a piecewise function that still branches
on its inputs (a switch over them, a comparison other than with 0, "" or nil),
a function marked Deprecated, and test helpers (functions taking *testing.T).
Warning in a file go build leaves out on linux/amd64 (foo_windows.go, an
ignore tag); info in test-support code (internal/testutil, mocks, fakes).

Example:
     func Sum(xs []int) int {
    -	total := 0
    -	for _, x := range xs {
    -		total += x
    -	}
    -	return total
    +	return 42
     }`,
	Run: func(p *model.Pass) { runHardcodedReturn(&pass{p}) },
}

// pass is the rule's view of one analysis: the model's Pass, with the
// rule's own steps as methods.
type pass struct{ *model.Pass }

func runHardcodedReturn(a *pass) {
	for _, pf := range a.ChangedFuncs() {
		if pf.Old == nil || pf.Decl.Type.Results == nil || !mayBeConstant(pf.Decl) || model.TakesTesting(pf.File, pf.Decl) || deprecated(pf.Decl) {
			continue
		}
		a.checkHardcoded(pf)
	}
}

// mayBeConstant is a cheap first look at a body: no loop, switch or
// closure, and a return at its top level. Only such bodies are worth the
// package's cross-reference.
func mayBeConstant(fd *ast.FuncDecl) bool {
	top := false
	for _, st := range fd.Body.List {
		_, top = st.(*ast.ReturnStmt)
	}
	ok := top
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
			ok = false
		}
		return ok
	})
	return ok
}

func deprecated(fd *ast.FuncDecl) bool {
	return fd.Doc != nil && strings.Contains(fd.Doc.Text(), "Deprecated:")
}

func (a *pass) checkHardcoded(pf *model.ProdFunc) {
	hs := model.NewFuncScope(pf.File, pf.Decl, a.Head.Pkg(pf.Dir).CrossRef())
	cb, ok := constantBody(hs, pf.Decl)
	if !ok || (cb.guarded && allTrivial(cb.final)) {
		return // a guarded function returning 0/nil/"" at the end may well be a real one
	}
	bs := model.NewFuncScope(pf.Base, pf.Old, a.Base.Pkg(pf.Dir).CrossRef())
	work := baseWork(bs, pf.Old)
	if work == "" {
		return // base was a stub or already a constant
	}
	if _, was := constantBody(bs, pf.Old); was {
		return
	}
	a.reportHardcoded(pf, cb, work)
}

// constBody is a body that returns constants whatever its inputs.
type constBody struct {
	final   []ast.Expr // the values of the last, unconditional return
	ret     ast.Node   // that return statement
	guarded bool       // it has guards (if len(x) == 0 { return 0 }) before it
}

// constantBody reports whether a function only returns constants, and with
// what: its statements are ignorable (_ = x, logging, constant locals),
// guards on emptiness or nil that themselves only return constants, and a
// final return of constants.
func constantBody(s *model.FuncScope, fd *ast.FuncDecl) (*constBody, bool) {
	cb := &constBody{}
	for _, st := range fd.Body.List {
		switch st := st.(type) {
		case *ast.ReturnStmt:
			vals, ok := returnValues(s, fd, st)
			if !ok || notImplemented(vals) {
				return nil, false
			}
			cb.final, cb.ret = vals, st
			return cb, true
		case *ast.IfStmt:
			if !isGuard(s, fd, st) {
				return nil, false
			}
			cb.guarded = true
		default:
			if !ignorable(s, st) {
				return nil, false
			}
		}
	}
	return nil, false // falls off the end or panics: not a constant answer
}

// returnValues lists what a return statement returns, reading named results
// for a bare return; ok is false unless every value is a constant.
func returnValues(s *model.FuncScope, fd *ast.FuncDecl, r *ast.ReturnStmt) ([]ast.Expr, bool) {
	vals := r.Results
	if len(vals) == 0 && fd.Type.Results != nil {
		for _, f := range fd.Type.Results.List {
			for _, n := range f.Names {
				vals = append(vals, lastValue(fd.Body, n))
			}
		}
	}
	for _, v := range vals {
		if !s.IsConst(v) {
			return nil, false
		}
	}
	return vals, true
}

// ignorable reports whether a statement leaves the result alone: _ = x,
// logging, a local bound to a constant.
func ignorable(s *model.FuncScope, st ast.Stmt) bool {
	switch st := st.(type) {
	case *ast.EmptyStmt:
		return true
	case *ast.AssignStmt:
		for i, l := range st.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok {
				return false
			}
			if id.Name == "_" {
				continue
			}
			if !s.Consts[id.Name] || len(st.Rhs) != len(st.Lhs) || !s.IsConst(st.Rhs[i]) {
				return false
			}
		}
		return true
	case *ast.DeclStmt:
		gd, ok := st.Decl.(*ast.GenDecl)
		if !ok {
			return false
		}
		for _, sp := range gd.Specs {
			if vs, ok := sp.(*ast.ValueSpec); ok {
				for _, v := range vs.Values {
					if !s.IsConst(v) && !blankOnly(vs.Names) {
						return false
					}
				}
			}
		}
		return true
	case *ast.ExprStmt:
		call, ok := st.X.(*ast.CallExpr)
		return ok && model.IsOutputCall(call)
	}
	return false
}

// lastValue returns the value last assigned to a named result at the top
// level of a body, or the result itself (its zero value).
func lastValue(body *ast.BlockStmt, id *ast.Ident) ast.Expr {
	var v ast.Expr = id
	for _, st := range body.List {
		if as, ok := st.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
			for i, l := range as.Lhs {
				if model.ExprName(l) == id.Name {
					v = as.Rhs[i]
				}
			}
		}
	}
	return v
}

func blankOnly(names []*ast.Ident) bool {
	for _, n := range names {
		if n.Name != "_" {
			return false
		}
	}
	return true
}

// isGuard recognises `if len(rows) == 0 { return 0 }`: a condition that
// only compares with 0, "", nil and the like, and branches that only return
// constants or log.
func isGuard(s *model.FuncScope, fd *ast.FuncDecl, st *ast.IfStmt) bool {
	if (st.Init != nil && !ignorable(s, st.Init)) || !degenerate(st.Cond) {
		return false
	}
	if !constBranch(s, fd, st.Body.List) {
		return false
	}
	switch e := st.Else.(type) {
	case nil:
		return true
	case *ast.BlockStmt:
		return constBranch(s, fd, e.List)
	case *ast.IfStmt:
		return isGuard(s, fd, e)
	}
	return false
}

func constBranch(s *model.FuncScope, fd *ast.FuncDecl, list []ast.Stmt) bool {
	for _, st := range list {
		if r, ok := st.(*ast.ReturnStmt); ok {
			_, ok := returnValues(s, fd, r)
			return ok
		}
		if !ignorable(s, st) {
			return false
		}
	}
	return true
}

// degenerate reports whether a condition only checks for the empty, zero
// or nil case, or a boolean as it is.
func degenerate(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND, token.LOR:
			return degenerate(e.X) && degenerate(e.Y)
		case token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ:
			return model.TrivialValue[model.LitValue(e.X)] || model.TrivialValue[model.LitValue(e.Y)]
		}
	case *ast.UnaryExpr:
		return e.Op == token.NOT && degenerate(e.X)
	case *ast.Ident:
		return true
	}
	return false
}

func allTrivial(vals []ast.Expr) bool {
	for _, v := range vals {
		if !model.TrivialValue[model.LitValue(v)] {
			return false
		}
	}
	return true
}

// notImplemented recognises a stub's answer: an error saying it is not
// implemented or not supported.
func notImplemented(vals []ast.Expr) bool {
	for _, v := range vals {
		s := strings.ToLower(types.ExprString(v))
		for _, w := range []string{"not implemented", "notimplemented", "unimplemented", "not supported", "notsupported", "unsupported", "todo"} {
			if strings.Contains(s, w) {
				return true
			}
		}
	}
	return false
}

// baseWork says what a base body did to compute its result ("" when it
// did nothing: a stub, or only constants): the calls it made, a loop, a
// branch, the inputs it used.
func baseWork(s *model.FuncScope, fd *ast.FuncDecl) string {
	if stub(fd) {
		return ""
	}
	var calls []string
	loop, branch, uses := false, false, false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if model.BlankAssign(n) {
				return false // _ = x does not use x
			}
		case *ast.ForStmt, *ast.RangeStmt:
			loop = true
		case *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			branch = true
		case *ast.CallExpr:
			if !s.IsConstCall(n) && !model.IsOutputCall(n) && !isBuiltinOrConversion(s, n) {
				if name := calledAs(n); !slices.Contains(calls, name) {
					calls = append(calls, name)
				}
			}
		case *ast.Ident:
			uses = uses || s.Inputs[n.Name]
		}
		return true
	})
	switch {
	case len(calls) > 0:
		return "called " + model.ListNames(calls, 3)
	case loop:
		return "looped over its input"
	case branch && uses:
		return "branched on its inputs"
	case uses:
		return "computed it from its inputs"
	}
	return ""
}

var builtinFuncs = model.SetOf("len", "cap", "append", "make", "new", "copy", "delete", "min", "max", "clear", "complex", "real", "imag")

// isBuiltinOrConversion recognises len(x), append(…) and T(x): not the
// calls a reader means by "it called".
func isBuiltinOrConversion(s *model.FuncScope, call *ast.CallExpr) bool {
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return !s.Locals[fn.Name] && (builtinFuncs[fn.Name] || model.BuiltinTypes[fn.Name] || s.Types[fn.Name])
	case *ast.ArrayType, *ast.MapType, *ast.StarExpr, *ast.InterfaceType, *ast.FuncType, *ast.ChanType:
		return true
	}
	return false
}

// calledAs names a call the way a reader knows it: strconv.Atoi, p.parse, helper.
func calledAs(call *ast.CallExpr) string {
	recv, name := model.CallName(call)
	if recv == "" || recv == "?" {
		return name
	}
	return recv + "." + name
}

// stub recognises a placeholder body: empty, a panic, or a return of a
// not-implemented error.
func stub(fd *ast.FuncDecl) bool {
	list := fd.Body.List
	if len(list) == 0 {
		return true
	}
	if len(list) != 1 {
		return false
	}
	switch st := list[0].(type) {
	case *ast.ExprStmt:
		if call, ok := st.X.(*ast.CallExpr); ok {
			recv, name := model.CallName(call)
			return recv == "" && name == "panic"
		}
	case *ast.ReturnStmt:
		return notImplemented(st.Results)
	}
	return false
}

func (a *pass) reportHardcoded(pf *model.ProdFunc, cb *constBody, work string) {
	var shown []string
	for _, v := range cb.final {
		if id, ok := v.(*ast.Ident); ok && !model.TrivialValue[id.Name] && isZeroLocal(pf.Decl, id.Name) {
			shown = append(shown, "the zero value")
			continue
		}
		shown = append(shown, types.ExprString(v))
	}
	what := strings.Join(shown, ", ")
	kind := "function"
	if pf.Decl.Recv != nil {
		kind = "method"
	}
	line := pf.File.Line(cb.ret.Pos())
	msg := fmt.Sprintf("The %s %s used to compute its result (it %s) and now returns %s (line %d) whatever its inputs are.",
		kind, pf.Symbol, work, what, line)
	if exp := a.expectingTests(pf, cb.final); exp != "" {
		msg += " " + exp
	}
	msg += " A function that returns the value the tests expect passes them without doing the work. Check whether the real implementation was replaced to make the tests pass."
	sev, msg := model.DefaultBuildGrade(pf.File, finding.Error, msg)
	if model.TestSupport(pf.File) {
		sev = finding.Info
		msg += " (It is test-support code, hence info.)"
	}
	f := finding.Finding{
		Rule: ID, Severity: sev, Symbol: pf.Symbol, Pkg: pf.Dir,
		File: pf.File.Path, Line: line, OldFile: pf.Base.Path, OldLine: pf.Base.Line(pf.Old.Pos()),
		Message: msg,
	}
	f.Excerpt = append(model.BodyExcerpt(pf.Base, pf.Old.Body, "-", 3), model.BodyExcerpt(pf.File, pf.Decl.Body, "+", 3)...)
	a.Report(f)
}

// expectingTests names the tests that compare a result against one of the
// returned constants: "TestSum (calc/calc_test.go:12) expects 42."
func (a *pass) expectingTests(pf *model.ProdFunc, vals []ast.Expr) string {
	var order []string
	byTests := map[string][]string{}
	seen := map[string]bool{}
	for _, v := range vals {
		for _, lit := range model.LiteralsOf(v) {
			if model.TrivialValue[lit] || seen[lit] {
				continue
			}
			seen[lit] = true
			uses := a.Head.Pkg(pf.Dir).CrossRef().Uses(lit, pf.Decl.Name.Name, model.RoleExpected)
			if len(uses) == 0 {
				uses = a.Base.Pkg(pf.Dir).CrossRef().Uses(lit, pf.Decl.Name.Name, model.RoleExpected)
			}
			if len(uses) > 0 {
				who := fmt.Sprintf("%s (%s)", ownerNames(uses), model.TestRefs(uses, 3))
				if byTests[who] == nil {
					order = append(order, who)
				}
				byTests[who] = append(byTests[who], lit)
			}
		}
	}
	var parts []string
	for _, who := range order {
		parts = append(parts, who+" expects "+strings.Join(byTests[who], " and "))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + "."
}

// isZeroLocal reports whether name is a named result or a `var name T`
// without a value: a zero value.
func isZeroLocal(fd *ast.FuncDecl, name string) bool {
	zero := false
	if fd.Type.Results != nil {
		for _, f := range fd.Type.Results.List {
			for _, n := range f.Names {
				zero = zero || n.Name == name
			}
		}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Values) == 0 {
			for _, id := range vs.Names {
				zero = zero || id.Name == name
			}
		}
		return true
	})
	return zero
}

func ownerNames(ls []*model.TestLit) string {
	var names []string
	for _, l := range ls {
		if !slices.Contains(names, l.Owner) {
			names = append(names, l.Owner)
		}
	}
	sort.Strings(names)
	return model.ListNames(names, 3)
}
