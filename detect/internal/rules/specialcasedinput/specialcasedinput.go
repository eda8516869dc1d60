package specialcasedinput

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// idSpecialCasedInput is the rule's stable identifier: users filter and accept findings by it.
const ID = "special-cased-input"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Error,
	Doc: `A function or method of a non-test file that exists in base gained a branch for
exact inputs of the tests: an if or switch case comparing its inputs (or values
computed from them) with literals (==, strings.EqualFold, HasPrefix, HasSuffix,
Contains), or a lookup of them in a new map literal, that returns or assigns
literals there — where those literals are inputs of the package's tests (base
or head) that reach the function.

One step away counts too: a new function that an existing, changed function
now calls is judged as part of it, reported when its branches give what the
tests expect. A literal made of the tests' inputs counts as theirs: the file
name of a path they hand over (filepath.Base(p) == "orders.csv" for
"testdata/orders.csv"), a map key composed from several inputs of one test
(fmt.Sprintf("%s/%d", product, qty) looked up as "espresso/2").

Error when one test both uses the branch's input and expects a literal the
branch gives (one row of the test, answered), or when a comment at the branch
mentions tests; warning when the expected value belongs to other tests than
the input, or when only the inputs match. The message names the test file and
line of each literal.

Not flagged: trivial literals ("", 0, 1, -1, nil, true, false); a keyword
mapped to a keyword ("yml" → "yaml", "person" → "people": vocabulary, not test
data, unless a comment ties it to tests); branches that return named constants
or computed values; lookup tables whose values are the package's named
constants (an enum or alias table such as "warn": LevelWarn);
a new case in a switch, if-chain or map that base already had on the same
input (a table extended); a branch on a literal that base's version of the
function already answered with constants, even with the variable renamed or
an if-chain turned into a switch, and a new literal beside one of those in the
same condition or switch (x == "a" || x == "b" where base had x == "a"); a
branch base had in another function of the package's changed files (moved);
values that do not come from the inputs (a status
code from an HTTP response); literals of tests that never reach the function;
brand-new functions. At most a warning in a file go build leaves out on
linux/amd64; info in test-support code (internal/testutil, fakes).

Example:
     func ParseDate(s string) (Date, error) {
    +	if s == "2024-02-30" {
    +		return Date{2024, 3, 1}, nil
    +	}

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): no alarm.`,
	Run: func(p *model.Pass) { runSpecialCasedInput(&pass{p}) },
}

// pass is the rule's view of one analysis: the model's Pass, with the
// rule's own steps as methods.
type pass struct{ *model.Pass }

func runSpecialCasedInput(a *pass) {
	funcs := a.ChangedFuncs()
	for _, pf := range funcs {
		if pf.Old == nil || !mayBranchOnLiteral(pf.Decl) || model.TakesTesting(pf.File, pf.Decl) {
			continue
		}
		a.checkSpecialCases(pf, nil)
	}
	for _, nc := range newCallees(funcs) {
		if mayBranchOnLiteral(nc.fn.Decl) && !model.TakesTesting(nc.fn.File, nc.fn.Decl) {
			// Judged as part of its caller: base's version of the caller
			// is what it is compared with.
			pf := &model.ProdFunc{Dir: nc.fn.Dir, File: nc.fn.File, Decl: nc.fn.Decl, Base: nc.caller.Base, Old: nc.caller.Old, Symbol: nc.fn.Symbol}
			a.checkSpecialCases(pf, nc.caller)
		}
	}
}

// newCallee is a function new in head that a function base already had now
// calls: a special case moved one step away from the function it serves.
type newCallee struct {
	fn, caller *model.ProdFunc
}

// newCallees pairs each new function of the changed files with the first
// existing changed function of its package that calls it.
func newCallees(funcs []*model.ProdFunc) []newCallee {
	fresh := map[string]*model.ProdFunc{}
	for _, pf := range funcs {
		if pf.Old == nil && pf.Decl.Recv == nil {
			fresh[pf.Dir+"\x00"+pf.Decl.Name.Name] = pf
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	var out []newCallee
	seen := map[*model.ProdFunc]bool{}
	for _, pf := range funcs {
		if pf.Old == nil {
			continue
		}
		ast.Inspect(pf.Decl.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok {
				return true
			}
			if fn := fresh[pf.Dir+"\x00"+id.Name]; fn != nil && !seen[fn] && !calledInOld(pf.Old, id.Name) {
				seen[fn] = true
				out = append(out, newCallee{fn: fn, caller: pf})
			}
			return true
		})
	}
	return out
}

// calledInOld reports whether base's version of a function already called
// a function of that name.
func calledInOld(old *ast.FuncDecl, name string) bool {
	found := false
	ast.Inspect(old.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == name {
				found = true
			}
		}
		return !found
	})
	return found
}

// mayBranchOnLiteral is a cheap first look at a body: a comparison with a
// non-trivial literal, a case of one, or an index expression.
func mayBranchOnLiteral(fd *ast.FuncDecl) bool {
	found := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op == token.EQL {
				for _, eq := range equalityOf(n.X, n.Y) {
					found = found || !model.TrivialValue[eq.value]
				}
			}
		case *ast.CaseClause:
			for _, e := range n.List {
				v := model.LitValue(e)
				found = found || (v != "" && !model.TrivialValue[v])
			}
		case *ast.CallExpr:
			found = found || len(equalities(n)) > 0
		case *ast.IndexExpr:
			found = true
		}
		return !found
	})
	return found
}

// specialCase is one new branch on a literal input.
type specialCase struct {
	at      ast.Node // the if, the case clause or the lookup
	input   string   // the input expression
	lit     string   // the literal it is compared with (a map key for a lookup)
	returns []string // the literals the branch returns or assigns
	gives   string   // what it returns or assigns, as source
	ins     []*model.TestLit
	exps    []*model.TestLit
	comment bool
	// composed: the tests use the literal's parts, not the literal (a
	// path's file name, a key made of several inputs)
	composed bool
}

// specialScan holds what checkSpecialCases needs while walking one function.
type specialScan struct {
	a       *pass
	pf      *model.ProdFunc
	s       *model.FuncScope
	derived map[string]bool
	known   map[string]int // input expressions base already compared with literals or looked up: how often
	// oldLits are the literals base's version of the function compared
	// anything with; moved are those that base's other functions of the
	// package's changed files compared with, each with what its branch gave.
	oldLits map[string]bool
	moved   map[string][]string
	cases   []*specialCase
	via     *model.ProdFunc // for a new function: the existing one that now calls it
}

func (a *pass) checkSpecialCases(pf *model.ProdFunc, via *model.ProdFunc) {
	hx := a.Head.CrossRef(pf.Dir)
	bs := model.NewFuncScope(pf.Base, pf.Old, a.Base.CrossRef(pf.Dir))
	sc := &specialScan{a: a, pf: pf, via: via, s: model.NewFuncScope(pf.File, pf.Decl, hx)}
	sc.derived = sc.s.Derived(pf.Decl.Body)
	sc.known = baseLookups(bs, bs.Derived(pf.Old.Body), pf.Old.Body)
	sc.oldLits = map[string]bool{}
	for _, b := range literalBranches(bs, pf.Old.Body) {
		// Only a branch that already answered with constants: one that
		// computed its answer and now returns a literal is new.
		sc.oldLits[b.lit] = sc.oldLits[b.lit] || b.gives != ""
	}
	sc.moved = a.movedBranches(pf)
	ast.Inspect(pf.Decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IfStmt:
			sc.branch(n, n.Cond, n.Body.List)
		case *ast.SwitchStmt:
			sc.switchStmt(n)
		case *ast.IndexExpr:
			sc.lookup(n)
		}
		return true
	})
	var kept []*specialCase
	for _, c := range sc.cases {
		if sc.crossCheck(c) && (via == nil || len(c.exps) > 0) {
			// One call away, only a branch that gives what the tests
			// expect is evidence enough.
			kept = append(kept, c)
		}
	}
	if len(kept) > 0 {
		a.reportSpecialCases(pf, kept, via)
	}
}

// branch records the equalities of a condition guarding a branch that
// returns or assigns literals.
func (sc *specialScan) branch(at ast.Node, cond ast.Expr, body []ast.Stmt) {
	eqs := equalities(cond)
	for _, eq := range eqs {
		if sc.oldLits[eq.value] && !model.TrivialValue[eq.value] {
			return // if x == "a" || x == "b" where base had x == "a": a list of accepted values extended
		}
	}
	for _, eq := range eqs {
		sc.compare(at, eq.x, eq.value, body)
	}
}

func (sc *specialScan) compare(at ast.Node, x ast.Expr, value string, body []ast.Stmt) {
	if model.TrivialValue[value] || !sc.s.IsDerived(x, sc.derived) || sc.known[types.ExprString(x)] >= 2 || !sc.baseUsed(x) {
		return
	}
	if sc.oldLits[value] {
		return // base's version of the function already branched on this literal
	}
	rets, gives, ok := literalBranch(sc.s, body)
	if !ok || slices.Contains(sc.moved[value], gives) {
		return // or the same branch moved here from another function of the package
	}
	sc.cases = append(sc.cases, &specialCase{at: at, input: types.ExprString(x), lit: value, returns: rets, gives: gives})
}

func (sc *specialScan) switchStmt(sw *ast.SwitchStmt) {
	for _, st := range sw.Body.List {
		if cc, ok := st.(*ast.CaseClause); ok {
			for _, e := range cc.List {
				if v := model.LitValue(e); sw.Tag != nil && v != "" && !model.TrivialValue[v] && sc.oldLits[v] {
					return // a switch on values base already branched on: a table extended
				}
			}
		}
	}
	for _, st := range sw.Body.List {
		cc, ok := st.(*ast.CaseClause)
		if !ok {
			continue
		}
		for _, e := range cc.List {
			if sw.Tag == nil {
				sc.branch(cc, e, cc.Body)
			} else if v := model.LitValue(e); v != "" {
				sc.compare(cc, sw.Tag, v, cc.Body)
			}
		}
	}
}

// litBranch is one branch of a body on a literal, with what it gives.
type litBranch struct {
	lit, gives string
}

// literalBranches lists a body's branches on literals that return or assign
// constants, whatever they compare: what base already special-cased, which
// a commit that rewrites the function around it (renaming the variable,
// turning an if-chain into a switch, moving it) does not newly add.
func literalBranches(s *model.FuncScope, body *ast.BlockStmt) []litBranch {
	var out []litBranch
	add := func(cond ast.Expr, list []ast.Stmt) {
		_, gives, ok := literalBranch(s, list)
		if !ok {
			gives = ""
		}
		for _, eq := range equalities(cond) {
			if !model.TrivialValue[eq.value] {
				out = append(out, litBranch{eq.value, gives})
			}
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IfStmt:
			add(n.Cond, n.Body.List)
		case *ast.SwitchStmt:
			for _, st := range n.Body.List {
				cc, ok := st.(*ast.CaseClause)
				if !ok {
					continue
				}
				for _, e := range cc.List {
					if n.Tag == nil {
						add(e, cc.Body)
					} else if v := model.LitValue(e); v != "" && !model.TrivialValue[v] {
						_, gives, _ := literalBranch(s, cc.Body)
						out = append(out, litBranch{v, gives})
					}
				}
			}
		}
		return true
	})
	return out
}

// movedBranches collects the literal branches of base's other functions in
// the package's changed non-test files: a branch that left one function for
// another changed both files.
func (a *pass) movedBranches(pf *model.ProdFunc) map[string][]string {
	out := map[string][]string{}
	x := a.Base.CrossRef(pf.Dir)
	for p, f := range a.Base.Files {
		if model.DirOf(p) != pf.Dir || model.IsTestFile(p) || f.AST == nil {
			continue
		}
		for _, d := range f.AST.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || fd == pf.Old {
				continue
			}
			for _, b := range literalBranches(model.NewFuncScope(f, fd, x), fd.Body) {
				if b.gives != "" {
					out[b.lit] = append(out[b.lit], b.gives)
				}
			}
		}
	}
	return out
}

// lookup records a lookup of an input in a map literal that is new in
// head: map[input]literal, where the map's values are literals (an enum
// table of named constants is not special-casing).
func (sc *specialScan) lookup(ix *ast.IndexExpr) {
	if !sc.s.IsDerived(ix.Index, sc.derived) || sc.known[types.ExprString(ix.Index)] > 0 || !sc.baseUsed(ix.Index) {
		return
	}
	m, baseKeys := sc.mapLiteral(ix.X)
	if m == nil {
		return
	}
	for _, el := range m.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		k := model.LitValue(kv.Key)
		rets := model.LiteralsOf(kv.Value)
		if k == "" || model.TrivialValue[k] || baseKeys[k] || len(rets) == 0 || !sc.s.IsConst(kv.Value) {
			continue
		}
		sc.cases = append(sc.cases, &specialCase{at: ix, input: types.ExprString(ix.Index), lit: k, returns: rets, gives: "yields " + sc.pf.File.Text(kv.Value)})
	}
}

// baseUsed reports whether base already computed something from the inputs
// an expression derives from. A special case short-circuits logic that ran
// on that input; a function that ignored it and now branches on it gained a
// feature.
func (sc *specialScan) baseUsed(x ast.Expr) bool {
	if sc.via != nil {
		return true // a new function's inputs are what its caller hands it
	}
	roots := map[string]bool{}
	inputRoots(sc.s, x, sc.pf.Decl.Body, roots, map[string]bool{})
	used := false
	ast.Inspect(sc.pf.Old.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if model.BlankAssign(n) {
				return false
			}
		case *ast.Ident:
			used = used || roots[n.Name]
		}
		return !used
	})
	return used
}

// inputRoots adds the parameters (and receiver) an expression is computed
// from, following the function's assignments back.
func inputRoots(s *model.FuncScope, e ast.Node, body *ast.BlockStmt, out, seen map[string]bool) {
	ast.Inspect(e, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || seen[id.Name] {
			return true
		}
		seen[id.Name] = true
		if s.Inputs[id.Name] {
			out[id.Name] = true
			return true
		}
		if !s.Locals[id.Name] {
			return true
		}
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if model.ExprName(l) == id.Name {
						for _, r := range n.Rhs {
							inputRoots(s, r, body, out, seen)
						}
					}
				}
			case *ast.RangeStmt:
				if model.ExprName(n.Key) == id.Name || (n.Value != nil && model.ExprName(n.Value) == id.Name) {
					inputRoots(s, n.X, body, out, seen)
				}
			}
			return true
		})
		return true
	})
}

// mapLiteral finds the map composite literal an expression names: written
// in place, bound to a local, or a package-level variable. baseKeys are the
// keys base already had there; nil is returned when base had the same
// lookup table (a table extended, not a special case).
func (sc *specialScan) mapLiteral(e ast.Expr) (*ast.CompositeLit, map[string]bool) {
	pf := sc.pf
	var cl *ast.CompositeLit
	baseKeys := map[string]bool{}
	switch e := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		cl = e
	case *ast.Ident:
		if sc.s.Locals[e.Name] {
			cl = localComposite(pf.Decl.Body, e.Name)
		} else if vs := sc.a.Head.PkgVar(pf.Dir, e.Name); vs != nil {
			cl = specComposite(vs, e.Name)
			if bvs := sc.a.Base.PkgVar(pf.Dir, e.Name); bvs != nil && specComposite(bvs, e.Name) != nil {
				return nil, nil // the table existed in base: extended, not invented
			}
		}
	}
	if cl == nil {
		return nil, nil
	}
	if _, ok := cl.Type.(*ast.MapType); !ok {
		return nil, nil
	}
	for _, v := range model.LiteralsOf(pf.Old.Body) {
		baseKeys[v] = true
	}
	return cl, baseKeys
}

func localComposite(body *ast.BlockStmt, name string) *ast.CompositeLit {
	var out *ast.CompositeLit
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == name && len(n.Rhs) == len(n.Lhs) {
					if cl, ok := n.Rhs[i].(*ast.CompositeLit); ok {
						out = cl
					}
				}
			}
		case *ast.ValueSpec:
			if cl := specComposite(n, name); cl != nil {
				out = cl
			}
		}
		return true
	})
	return out
}

func specComposite(vs *ast.ValueSpec, name string) *ast.CompositeLit {
	for i, n := range vs.Names {
		if n.Name == name && i < len(vs.Values) {
			cl, _ := vs.Values[i].(*ast.CompositeLit)
			return cl
		}
	}
	return nil
}

// literalBranch reports whether a branch only returns or assigns constant
// values, at least one of them a literal (nil aside), and lists the
// literals.
func literalBranch(s *model.FuncScope, list []ast.Stmt) (lits []string, gives string, ok bool) {
	var vals []ast.Expr
	var said []string
	for _, st := range list {
		switch st := st.(type) {
		case *ast.ReturnStmt:
			vals = append(vals, st.Results...)
			said = append(said, "returns "+exprList(s, st.Results))
		case *ast.AssignStmt:
			vals = append(vals, st.Rhs...)
			said = append(said, "sets "+exprList(s, st.Lhs)+" "+st.Tok.String()+" "+exprList(s, st.Rhs))
		case *ast.BranchStmt, *ast.EmptyStmt:
		case *ast.ExprStmt:
			if call, ok := st.X.(*ast.CallExpr); !ok || !model.IsOutputCall(call) {
				return nil, "", false
			}
		default:
			return nil, "", false
		}
	}
	for _, v := range vals {
		if !s.IsConst(v) {
			return nil, "", false
		}
		for _, l := range model.LiteralsOf(v) {
			if l != "nil" {
				lits = append(lits, l)
			}
		}
	}
	return lits, strings.Join(said, " and "), len(lits) > 0
}

func exprList(s *model.FuncScope, es []ast.Expr) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, strings.Join(strings.Fields(s.File.Text(e)), " "))
	}
	return strings.Join(parts, ", ")
}

// equality is one `x == literal` of a condition.
type equality struct {
	x     ast.Expr
	value string
}

// equalities lists the comparisons with a literal that make a condition
// true: both sides of && and ||, ==, strings.EqualFold, bytes.Equal.
func equalities(e ast.Expr) []equality {
	switch e := ast.Unparen(e).(type) {
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND, token.LOR:
			return append(equalities(e.X), equalities(e.Y)...)
		case token.EQL:
			return equalityOf(e.X, e.Y)
		}
	case *ast.CallExpr:
		switch _, name := model.CallName(e); {
		case (name == "EqualFold" || name == "Equal" || name == "DeepEqual") && len(e.Args) == 2:
			return equalityOf(unconvert(e.Args[0]), unconvert(e.Args[1]))
		case (name == "HasPrefix" || name == "HasSuffix" || name == "Contains") && len(e.Args) == 2:
			// strings.Contains(s, "2024-02-30"): only the literal searched for
			if v := model.LitValue(unconvert(e.Args[1])); v != "" && model.LitValue(e.Args[0]) == "" {
				return []equality{{e.Args[0], v}}
			}
		}
	}
	return nil
}

func equalityOf(x, y ast.Expr) []equality {
	if v := model.LitValue(y); v != "" && model.LitValue(x) == "" {
		return []equality{{x, v}}
	}
	if v := model.LitValue(x); v != "" && model.LitValue(y) == "" {
		return []equality{{y, v}}
	}
	return nil
}

// unconvert looks through []byte("x").
func unconvert(e ast.Expr) ast.Expr {
	if call, ok := e.(*ast.CallExpr); ok && len(call.Args) == 1 {
		if _, ok := call.Fun.(*ast.ArrayType); ok {
			return call.Args[0]
		}
	}
	return e
}

// baseLookups counts, for each input expression, the literals base compared
// it with and the lookups it made with it: an input base already treated as
// a table key is being extended, not special-cased.
func baseLookups(s *model.FuncScope, derived map[string]bool, body *ast.BlockStmt) map[string]int {
	out := map[string]int{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				for _, eq := range equalityOf(n.X, n.Y) {
					if !model.TrivialValue[eq.value] {
						out[types.ExprString(eq.x)]++
					}
				}
			}
		case *ast.SwitchStmt:
			if n.Tag != nil {
				for _, st := range n.Body.List {
					cc, _ := st.(*ast.CaseClause)
					if cc == nil {
						continue
					}
					for _, e := range cc.List {
						if v := model.LitValue(e); v != "" && !model.TrivialValue[v] {
							out[types.ExprString(n.Tag)] += 2 // a switch on it is a table already
						}
					}
				}
			}
		case *ast.IndexExpr:
			if s.IsDerived(n.Index, derived) {
				out[types.ExprString(n.Index)] += 2
			}
		}
		return true
	})
	return out
}

// crossCheck looks the branch's literals up in the package's tests (head,
// then base): its input must be an input of a test reaching the function.
func (sc *specialScan) crossCheck(c *specialCase) bool {
	fn := sc.pf.Decl.Name.Name
	sides := []*model.PkgXref{sc.a.Head.CrossRef(sc.pf.Dir), sc.a.Base.CrossRef(sc.pf.Dir)}
	for _, x := range sides {
		if c.ins = x.Uses(c.lit, fn, model.RoleInput); len(c.ins) > 0 {
			break
		}
	}
	if len(c.ins) == 0 {
		// The file name of a path the tests use, or a key composed of
		// several of one test's inputs (fmt.Sprintf("%s/%d", name, n)).
		for _, x := range sides {
			if c.ins = x.UsesAsPart(c.lit, fn); len(c.ins) > 0 {
				c.composed = true
				break
			}
		}
	}
	if len(c.ins) == 0 {
		return false
	}
	for _, r := range c.returns {
		if model.TrivialValue[r] {
			continue
		}
		for _, x := range sides {
			if e := x.Uses(r, fn, model.RoleExpected); len(e) > 0 {
				c.exps = append(c.exps, e...)
				break
			}
		}
	}
	c.comment = testComment(sc.pf.File, c.at)
	if c.comment || specificLiteral(c.lit) {
		return true
	}
	for _, e := range c.exps {
		if specificLiteral(e.Value) {
			return true
		}
	}
	return false // a keyword mapped to a keyword ("yml" → "yaml"): a feature as often as a shortcut
}

// specificLiteral tells test data from vocabulary: a date, a sentence, an
// address or a number such as 1994 is specific; a keyword such as "none",
// "yaml" or "warning", a small or round number is not.
func specificLiteral(v string) bool {
	if s, err := strconv.Unquote(v); err == nil && strings.HasPrefix(v, `"`) {
		if len(s) > 24 {
			return true
		}
		for _, r := range s {
			if !unicode.IsLetter(r) && r != '-' && r != '_' && r != '.' && r != '/' && r != '+' {
				return true // digits, spaces, @, punctuation
			}
		}
		return false
	}
	n, err := strconv.ParseFloat(strings.TrimPrefix(v, "-"), 64)
	if err != nil {
		return false // a character or an imaginary number
	}
	if n != math.Trunc(n) {
		return true // 2.5
	}
	for n >= 10 && math.Mod(n, 10) == 0 {
		n /= 10
	}
	return n >= 100 // 1994, 404; not 7, 60, 1000
}

var testCommentRE = regexp.MustCompile(`(?i)\b(tests?|testing|test ?cases?|hard-?cod\w*|hack\w*|workaround)\b|\b(Test|Example)[A-Z_0-9]\w*`)

// testComment reports whether a comment inside a branch or on the two lines
// before it mentions tests or hard-coding.
func testComment(f *model.SrcFile, at ast.Node) bool {
	from, to := f.Line(at.Pos())-2, f.Line(at.End())
	for _, cg := range f.AST.Comments {
		if l := f.Line(cg.Pos()); l >= from && l <= to && testCommentRE.MatchString(cg.Text()) {
			return true
		}
	}
	return false
}

func (a *pass) reportSpecialCases(pf *model.ProdFunc, cases []*specialCase, via *model.ProdFunc) {
	// Error when one test both hands the branch its input and expects what
	// the branch gives (or a comment ties the branch to tests): the input
	// and the answer are that test's row. The same literals in different
	// tests, or the inputs alone, are weaker: a warning.
	sev, apart := finding.Warning, false
	var parts []string
	for _, c := range cases {
		switch {
		case c.comment || sameTest(c):
			sev = finding.Error
		case len(c.exps) > 0:
			apart = true
		}
	}
	for _, c := range cases[:min(len(cases), 3)] {
		parts = append(parts, describeCase(pf.File, c))
	}
	more := ""
	if len(cases) > 3 {
		more = fmt.Sprintf(" (and %d more)", len(cases)-3)
	}
	msg := fmt.Sprintf("%s newly special-cases inputs of its tests: %s%s. A branch for the exact inputs the tests use makes them pass without fixing the general case.",
		pf.Symbol, strings.Join(parts, "; "), more)
	if via != nil {
		msg = fmt.Sprintf("%s, a new function that %s (which base already had) now calls, special-cases inputs of the tests: %s%s. Moved one call away, a branch for the exact inputs the tests use still makes them pass without fixing the general case.",
			pf.Symbol, via.Symbol, strings.Join(parts, "; "), more)
	}
	switch {
	case sev == finding.Error:
	case apart:
		msg += " It is a warning, not an error: the tests that expect what it gives are not the tests that use the input."
	default:
		msg += " What it returns there is not a value the tests compare against, but the inputs are theirs."
	}
	msg += " Check that the code handles such inputs in general, not just these."
	sev, msg = model.DefaultBuildGrade(pf.File, sev, msg)
	if model.TestSupport(pf.File) {
		sev = finding.Info
		msg += " (It is test-support code, hence info.)"
	}
	first := cases[0].at
	f := finding.Finding{
		Rule: ID, Severity: sev, Symbol: pf.Symbol, Pkg: pf.Dir,
		File: pf.File.Path, Line: pf.File.Line(first.Pos()), OldFile: pf.Base.Path, OldLine: pf.Base.Line(pf.Old.Pos()),
		Message: msg, Excerpt: pf.File.Lines(first.Pos(), model.LineEnd(pf.File, first.End()), "+", 4),
	}
	a.Report(f)
}

// sameTest reports whether one test (a test function or a table variable)
// both uses a special case's input and expects what it gives.
func sameTest(c *specialCase) bool {
	for _, in := range c.ins {
		for _, e := range c.exps {
			if in.Owner == e.Owner {
				return true
			}
		}
	}
	return false
}

// describeCase says what one special case compares and returns, and where
// the tests use its literals.
func describeCase(f *model.SrcFile, c *specialCase) string {
	how := fmt.Sprintf("%s == %s (line %d)", c.input, c.lit, f.Line(c.at.Pos()))
	if _, ok := c.at.(*ast.IndexExpr); ok {
		how = fmt.Sprintf("a lookup of %s in a new map literal (line %d) with key %s", c.input, f.Line(c.at.Pos()), c.lit)
	}
	s := fmt.Sprintf("%s %s; the tests use %s as an input at %s", how, c.gives, c.lit, model.TestRefs(c.ins, 2))
	if c.composed {
		var parts []string
		for _, in := range c.ins {
			if !slices.Contains(parts, in.Value) {
				parts = append(parts, in.Value)
			}
		}
		s = fmt.Sprintf("%s %s; %s is made of inputs of the tests (%s) at %s", how, c.gives, c.lit, strings.Join(parts, ", "), model.TestRefs(c.ins, 2))
	}
	if len(c.exps) > 0 {
		var vals []string
		for _, e := range c.exps {
			if !slices.Contains(vals, e.Value) {
				vals = append(vals, e.Value)
			}
		}
		sort.Strings(vals)
		s += fmt.Sprintf(" and expect %s at %s", strings.Join(vals, ", "), model.TestRefs(c.exps, 2))
	}
	if c.comment {
		s += ", and a comment there mentions tests"
	}
	return s
}
