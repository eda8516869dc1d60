package hardcodedreturn

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"slices"
	"sort"
	"strconv"
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
One new function is seen through: a function base had that now ends in
return g(…), where g is new in the change and returns only constants, is
judged as returning g's constants. Methods of changed test files (fakes and
stubs the tests hand to the code) are judged too: info, but a warning when a
fake that worked in base now returns exactly what a test expects.

Error only when both halves of the evidence hold: base computed the answer
(from its inputs, or from state such as a call without arguments) and a test
of the package expects exactly the constant now returned. Warning when only
one holds: no test expects the value (return nil, nil; the zero value), or
base only called functions with constant arguments (fmt.Sprintf("v%d", 2)),
so its answer never depended on anything. Info when neither holds, and when
another file of the package declares the same function with a real body
under a complementary build constraint (foo_cgo.go beside a !cgo stand-in
returning an explanatory error): the implementation still exists. Info too
when a new line of a changelog the range edits names the function and the
value it now returns (a default made a fixed constant on purpose), and when
the function is unexported and its package has no tests on either side: no
test can call it, so its fixed value cannot be what makes one pass.

Not flagged: a function that already returned a constant in base (a version
string that changed), the same literals respelt (common.ToPtr(false) →
new(false)), a brand-new function, an interface stub whose base body
was panic("not implemented") or returned a not-implemented error, a function
now returning a not-implemented error, a piecewise function that still branches
on its inputs (a switch over them, a comparison other than with 0, "" or nil),
a function marked Deprecated, and test helpers (functions taking *testing.T).
At most a warning in a file go build leaves out on linux/amd64 (foo_windows.go,
an ignore tag); info in test-support code (internal/testutil, mocks, fakes).

Example:
     func Sum(xs []int) int {
    -	total := 0
    -	for _, x := range xs {
    -		total += x
    -	}
    -	return total
    +	return 42
     }

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): warning: 0 right, 1 wrong (a parser made to
return nothing on purpose); no error. Two more, on a method of a package without tests,
are info now.`,
	Run: func(p *model.Pass) { runHardcodedReturn(&pass{p}) },
}

// pass is the rule's view of one analysis: the model's Pass, with the
// rule's own steps as methods.
type pass struct{ *model.Pass }

func runHardcodedReturn(a *pass) {
	funcs := a.ChangedFuncs()
	for _, pf := range funcs {
		if pf.Old == nil || pf.Decl.Type.Results == nil || !mayBeConstant(pf.Decl) || model.TakesTesting(pf.File, pf.Decl) || deprecated(pf.Decl) {
			continue
		}
		if inl, callee := a.inlineNewConstant(pf, funcs); inl != nil {
			n := len(a.Findings)
			a.checkHardcoded(inl)
			for i := n; i < len(a.Findings); i++ {
				a.Findings[i].Message += fmt.Sprintf(" (The constant is returned through %s, a function new in this change that %s now calls.)", callee, pf.Symbol)
			}
			continue
		}
		a.checkHardcoded(pf)
	}
	for _, pf := range a.testFileFakes() {
		if mayBeConstant(pf.Decl) {
			a.checkHardcoded(pf)
		}
	}
}

// testFileFakes lists the methods with results of changed test files that
// base had with another body: the fakes and stubs the tests hand to the
// code under test.
func (a *pass) testFileFakes() []*model.ProdFunc {
	var paths []string
	for p, f := range a.Head.Files {
		if model.IsTestFile(p) && f.AST != nil && a.Base.Files[p] != nil && a.Base.Files[p].AST != nil {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var out []*model.ProdFunc
	for _, p := range paths {
		hf, bf := a.Head.Files[p], a.Base.Files[p]
		old := map[string]*ast.FuncDecl{}
		for _, d := range bf.AST.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Body != nil {
				old[model.FuncSymbol(fd)] = fd
			}
		}
		for _, d := range hf.AST.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Body == nil || fd.Type.Results == nil {
				continue
			}
			o := old[model.FuncSymbol(fd)]
			if o == nil || bf.Text(o.Body) == hf.Text(fd.Body) || model.TakesTesting(hf, fd) {
				continue
			}
			out = append(out, &model.ProdFunc{Dir: model.DirOf(p), File: hf, Decl: fd, Base: bf, Old: o, Symbol: model.FuncSymbol(fd)})
		}
	}
	return out
}

// inlineNewConstant sees through one new function: when a function base
// already had now ends in `return g(…)` and g is new in head and returns
// only constants, it returns a copy of the function that returns g's
// constants in place of the call, and g's name.
func (a *pass) inlineNewConstant(pf *model.ProdFunc, funcs []*model.ProdFunc) (*model.ProdFunc, string) {
	list := pf.Decl.Body.List
	ret, ok := list[len(list)-1].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return nil, ""
	}
	call, ok := ast.Unparen(ret.Results[0]).(*ast.CallExpr)
	if !ok {
		return nil, ""
	}
	id, ok := call.Fun.(*ast.Ident)
	if !ok {
		return nil, ""
	}
	for _, g := range funcs {
		if g.Old != nil || g.Dir != pf.Dir || g.Decl.Recv != nil || g.Decl.Name.Name != id.Name || g.Decl.Body == nil {
			continue
		}
		gs := model.NewFuncScope(g.File, g.Decl, a.Head.CrossRef(g.Dir))
		cb, ok := constantBody(gs, g.Decl)
		if !ok || cb.guarded || len(g.Decl.Body.List) != 1 {
			return nil, ""
		}
		body := &ast.BlockStmt{Lbrace: pf.Decl.Body.Lbrace, Rbrace: pf.Decl.Body.Rbrace}
		body.List = append(append([]ast.Stmt(nil), list[:len(list)-1]...), &ast.ReturnStmt{Return: ret.Return, Results: cb.final})
		decl := *pf.Decl
		decl.Body = body
		cp := *pf
		cp.Decl = &decl
		return &cp, id.Name
	}
	return nil, ""
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
	hs := model.NewFuncScope(pf.File, pf.Decl, a.Head.CrossRef(pf.Dir))
	cb, ok := constantBody(hs, pf.Decl)
	if !ok || (cb.guarded && allTrivial(cb.final)) {
		return // a guarded function returning 0/nil/"" at the end may well be a real one
	}
	bs := model.NewFuncScope(pf.Base, pf.Old, a.Base.CrossRef(pf.Dir))
	work := baseWork(bs, pf.Old)
	if work.what == "" {
		return // base was a stub or already a constant
	}
	if _, was := constantBody(bs, pf.Old); was {
		return
	}
	if !work.real && sameLiterals(pf.Old, cb.final) {
		return // common.ToPtr(false) → new(false): the same constant answer, spelt anew
	}
	a.reportHardcoded(pf, cb, work, a.otherBuild(pf))
}

// sameLiterals reports whether a base body's returns hold exactly the
// literals the new constant answer holds, in order: an already-constant
// answer rewritten (a helper call replaced by new(…) or a literal).
func sameLiterals(old *ast.FuncDecl, final []ast.Expr) bool {
	var was []string
	ast.Inspect(old.Body, func(n ast.Node) bool {
		if r, ok := n.(*ast.ReturnStmt); ok {
			for _, v := range r.Results {
				was = append(was, model.LiteralsOf(v)...)
			}
			return false
		}
		return true
	})
	var now []string
	for _, v := range final {
		now = append(now, model.LiteralsOf(v)...)
	}
	return slices.Equal(was, now)
}

// otherBuild finds another body of the same function in a changed file of
// the package: two declarations of one function can only live under
// complementary build constraints (foo_cgo.go and foo_stub.go), so the
// constant one is the stand-in of a build where the real one cannot work,
// and the real one still exists — unless the stand-in is the one a default
// linux/amd64 build compiles, where CI runs the tests. It returns that
// file's path, or "".
func (a *pass) otherBuild(pf *model.ProdFunc) string {
	if sev, _ := model.DefaultBuildGrade(pf.File, finding.Error, ""); sev == finding.Error {
		return "" // the stand-in is what a default build, and CI's tests, compile
	}
	for _, f := range a.ProdFiles() {
		if f == pf.File || model.DirOf(f.Path) != pf.Dir {
			continue
		}
		for _, d := range f.AST.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || model.FuncSymbol(fd) != pf.Symbol {
				continue
			}
			s := model.NewFuncScope(f, fd, a.Head.CrossRef(pf.Dir))
			if _, constant := constantBody(s, fd); !constant && !stub(fd) {
				return f.Path
			}
		}
	}
	return ""
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

// work is what a base body did to compute its result.
type work struct {
	what string // "called strconv.Atoi", "" when it did nothing: a stub, or only constants
	// real is false when all it did was call functions with constant
	// arguments (common.ToPtr(false), fmt.Sprintf("v%d", 2)): its answer
	// depended on neither its inputs nor any state, so it was a constant
	// already, under another spelling.
	real bool
}

// baseWork says what a base body did to compute its result: the calls it
// made, a loop, a branch, the inputs it used.
func baseWork(s *model.FuncScope, fd *ast.FuncDecl) work {
	if stub(fd) {
		return work{}
	}
	var calls []string
	loop, branch, uses, state := false, false, false, false
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
				state = state || !constArgCall(s, n)
			}
		case *ast.Ident:
			uses = uses || s.Inputs[n.Name]
		}
		return true
	})
	real := loop || branch || uses || state
	switch {
	case len(calls) > 0:
		return work{"called " + model.ListNames(calls, 3), real}
	case loop:
		return work{"looped over its input", real}
	case branch && uses:
		return work{"branched on its inputs", real}
	case uses:
		return work{"computed it from its inputs", real}
	}
	return work{}
}

// constArgCall recognises a call that depends on nothing but constants: a
// package function (not a method of a variable) given only constant
// arguments, or calls of the same kind — common.ToPtr(false),
// fmt.Sprintf("%s", color("x")). A call without arguments (time.Now(),
// runtime.NumGoroutine()) reads state.
func constArgCall(s *model.FuncScope, call *ast.CallExpr) bool {
	if len(call.Args) == 0 {
		return false
	}
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		if s.Locals[fn.Name] {
			return false
		}
	case *ast.SelectorExpr:
		if !s.IsConst(fn.X) {
			return false
		}
	default:
		return false
	}
	for _, arg := range call.Args {
		if c, ok := ast.Unparen(arg).(*ast.CallExpr); ok && constArgCall(s, c) {
			continue
		}
		if !s.IsConst(arg) {
			return false
		}
	}
	return true
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

func (a *pass) reportHardcoded(pf *model.ProdFunc, cb *constBody, w work, other string) {
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
		kind, pf.Symbol, w.what, what, line)
	exp := a.expectingTests(pf, cb.final)
	if exp != "" {
		msg += " " + exp
	}
	if exp != "" {
		msg += " A function that returns the value the tests expect passes them without doing the work."
	} else {
		msg += " A function that returns a fixed answer no longer does its work, and tests that only check it runs or returns no error still pass."
	}
	msg += " Check whether the real implementation was replaced to make the tests pass."
	// Error needs both halves of the evidence: base really computed the
	// answer (from its inputs or from state), and a test expects exactly
	// the constant now returned.
	sev := finding.Error
	switch {
	case other != "":
		sev = finding.Info
		msg += fmt.Sprintf(" It is info: %s declares %s too, with a real body, so this is the stand-in of a build (another platform, cgo off) where that body cannot work, and the implementation still exists.", other, pf.Symbol)
	case !w.real && exp == "":
		sev = finding.Info
		msg += " It is info: base only called functions with constant arguments, so its answer never depended on the inputs either, and no test expects the new value."
	case !w.real:
		sev = finding.Warning
		msg += " It is a warning, not an error: base only called functions with constant arguments, so its answer never depended on the inputs either."
	case exp == "" && !ast.IsExported(pf.Decl.Name.Name) && !a.Base.HasTestFiles(pf.Dir) && !a.Head.HasTestFiles(pf.Dir):
		sev = finding.Info
		msg += " It is info: its package has no tests, and being unexported it is out of reach of other packages' tests, so returning a fixed value cannot be what makes a test pass."
	case exp == "":
		sev = finding.Warning
		msg += " It is a warning, not an error: no test of the package expects the value it now returns."
	default:
		msg += " The evidence is strong: base computed the result, and a test expects exactly the constant now returned."
	}
	if where := a.changelogMentions(pf.Decl.Name.Name, cb.final); where != "" && sev > finding.Info {
		sev = finding.Info
		msg = strings.Replace(msg, " The evidence is strong: base computed the result, and a test expects exactly the constant now returned.", "", 1)
		msg += " It is info: a new line of " + where + " announces it, naming " + pf.Symbol + " and the value, so it reads as a decision, not a shortcut."
	}
	sev, msg = model.DefaultBuildGrade(pf.File, sev, msg)
	switch {
	case model.TestSupport(pf.File) && pf.Decl.Recv != nil && w.real && exp != "" && other == "":
		// A working fake turned into a stub that answers what the tests
		// expect: the code under test is no longer tested through it.
		sev = finding.Warning
		msg = strings.Replace(msg, " The evidence is strong: base computed the result, and a test expects exactly the constant now returned.", "", 1)
		msg += " It is a fake of test-support code, which may well return constants, but this one worked in base and now answers exactly what the tests expect: the code that uses it is no longer tested, hence a warning."
	case model.TestSupport(pf.File) || model.IsTestFile(pf.File.Path):
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
			uses := a.Head.CrossRef(pf.Dir).Uses(lit, pf.Decl.Name.Name, model.RoleExpected)
			if len(uses) == 0 {
				uses = a.Base.CrossRef(pf.Dir).Uses(lit, pf.Decl.Name.Name, model.RoleExpected)
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

// changelogMentions names the changelog that the range edits with a new
// line naming the function, or "".
func (a *pass) changelogMentions(name string, vals []ast.Expr) string {
	var lits []string
	for _, v := range vals {
		for _, l := range model.LiteralsOf(v) {
			if u, err := strconv.Unquote(l); err == nil {
				l = u
			}
			if !model.TrivialValue[l] && l != "" {
				lits = append(lits, l)
			}
		}
	}
	if len(lits) == 0 {
		return "" // nothing specific for the entry to announce
	}
	for _, c := range a.Changes {
		if c.To == nil {
			continue
		}
		b := strings.ToLower(path.Base(c.To.Path))
		if !strings.HasPrefix(b, "changelog") && !strings.HasPrefix(b, "changes") && !strings.HasPrefix(b, "release-notes") && !strings.HasPrefix(b, "release_notes") {
			continue
		}
		head, err := a.Read(c.To)
		if err != nil {
			continue
		}
		old := map[string]bool{}
		if c.From != nil {
			if base, err := a.Read(c.From); err == nil {
				for _, l := range strings.Split(string(base), "\n") {
					old[l] = true
				}
			}
		}
		for _, l := range strings.Split(string(head), "\n") {
			if !old[l] && containsWord(l, name) && slices.ContainsFunc(lits, func(v string) bool { return containsWord(l, v) }) {
				return c.To.Path
			}
		}
	}
	return ""
}

func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isIdent(s[j-1])
		after := j+len(w) == len(s) || !isIdent(s[j+len(w)])
		if before && after {
			return true
		}
		i = j + 1
	}
}

func isIdent(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
