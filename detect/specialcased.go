package detect

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
)

// idSpecialCasedInput is the rule's stable identifier: users filter and accept findings by it.
const idSpecialCasedInput = "special-cased-input"

var specialCasedInput = &Rule{
	ID:       idSpecialCasedInput,
	Severity: Error,
	Doc: `A function or method of a non-test file that exists in base gained a branch for
exact inputs of the tests: an if or switch case comparing its inputs (or values
computed from them) with literals (==, strings.EqualFold, HasPrefix, HasSuffix,
Contains), or a lookup of them in a new map literal, that returns or assigns
literals there — where those literals are inputs of the package's tests (base
or head) that reach the function.

Error when a returned literal is also a value the tests expect, or when a
comment at the branch mentions tests; warning when only the inputs match. The
message names the test file and line of each literal.

Not flagged: trivial literals ("", 0, 1, -1, nil, true, false); a keyword
mapped to a keyword ("yml" → "yaml", "person" → "people": vocabulary, not test
data, unless a comment ties it to tests); branches that return named constants
or computed values; lookup tables whose values are the package's named
constants (an enum or alias table such as "warn": LevelWarn);
a new case in a switch, if-chain or map that base already had on the same
input (a table extended); values that do not come from the inputs (a status
code from an HTTP response); literals of tests that never reach the function;
brand-new functions. At most a warning in a file go build leaves out on
linux/amd64; info in test-support code (internal/testutil, fakes).

Example:
     func ParseDate(s string) (Date, error) {
    +	if s == "2024-02-30" {
    +		return Date{2024, 3, 1}, nil
    +	}`,
	run: runSpecialCasedInput,
}

func runSpecialCasedInput(a *analysis) {
	for _, pf := range a.changedFuncs() {
		if pf.old == nil || !mayBranchOnLiteral(pf.decl) || takesTesting(pf.file, pf.decl) {
			continue
		}
		a.checkSpecialCases(pf)
	}
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
					found = found || !trivialValue[eq.value]
				}
			}
		case *ast.CaseClause:
			for _, e := range n.List {
				v := litValue(e)
				found = found || (v != "" && !trivialValue[v])
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
	ins     []*testLit
	exps    []*testLit
	comment bool
}

// specialScan holds what checkSpecialCases needs while walking one function.
type specialScan struct {
	a       *analysis
	pf      *prodFunc
	s       *funcScope
	derived map[string]bool
	known   map[string]int // input expressions base already compared with literals or looked up: how often
	cases   []*specialCase
}

func (a *analysis) checkSpecialCases(pf *prodFunc) {
	hx := a.head.pkg(pf.dir).crossRef()
	bs := newFuncScope(pf.base, pf.old, a.base.pkg(pf.dir).crossRef())
	sc := &specialScan{a: a, pf: pf, s: newFuncScope(pf.file, pf.decl, hx)}
	sc.derived = sc.s.derived(pf.decl.Body)
	sc.known = baseLookups(bs, bs.derived(pf.old.Body), pf.old.Body)
	ast.Inspect(pf.decl.Body, func(n ast.Node) bool {
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
		if sc.crossCheck(c) {
			kept = append(kept, c)
		}
	}
	if len(kept) > 0 {
		a.reportSpecialCases(pf, kept)
	}
}

// branch records the equalities of a condition guarding a branch that
// returns or assigns literals.
func (sc *specialScan) branch(at ast.Node, cond ast.Expr, body []ast.Stmt) {
	for _, eq := range equalities(cond) {
		sc.compare(at, eq.x, eq.value, body)
	}
}

func (sc *specialScan) compare(at ast.Node, x ast.Expr, value string, body []ast.Stmt) {
	if trivialValue[value] || !sc.s.isDerived(x, sc.derived) || sc.known[types.ExprString(x)] >= 2 || !sc.baseUsed(x) {
		return
	}
	rets, gives, ok := sc.s.literalBranch(body)
	if !ok {
		return
	}
	sc.cases = append(sc.cases, &specialCase{at: at, input: types.ExprString(x), lit: value, returns: rets, gives: gives})
}

func (sc *specialScan) switchStmt(sw *ast.SwitchStmt) {
	for _, st := range sw.Body.List {
		cc, ok := st.(*ast.CaseClause)
		if !ok {
			continue
		}
		for _, e := range cc.List {
			if sw.Tag == nil {
				sc.branch(cc, e, cc.Body)
			} else if v := litValue(e); v != "" {
				sc.compare(cc, sw.Tag, v, cc.Body)
			}
		}
	}
}

// lookup records a lookup of an input in a map literal that is new in
// head: map[input]literal, where the map's values are literals (an enum
// table of named constants is not special-casing).
func (sc *specialScan) lookup(ix *ast.IndexExpr) {
	if !sc.s.isDerived(ix.Index, sc.derived) || sc.known[types.ExprString(ix.Index)] > 0 || !sc.baseUsed(ix.Index) {
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
		k := litValue(kv.Key)
		rets := literalsOf(kv.Value)
		if k == "" || trivialValue[k] || baseKeys[k] || len(rets) == 0 || !sc.s.isConst(kv.Value) {
			continue
		}
		sc.cases = append(sc.cases, &specialCase{at: ix, input: types.ExprString(ix.Index), lit: k, returns: rets, gives: "yields " + sc.pf.file.text(kv.Value)})
	}
}

// baseUsed reports whether base already computed something from the inputs
// an expression derives from. A special case short-circuits logic that ran
// on that input; a function that ignored it and now branches on it gained a
// feature.
func (sc *specialScan) baseUsed(x ast.Expr) bool {
	roots := map[string]bool{}
	sc.s.inputRoots(x, sc.pf.decl.Body, roots, map[string]bool{})
	used := false
	ast.Inspect(sc.pf.old.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if blankAssign(n) {
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
func (s *funcScope) inputRoots(e ast.Node, body *ast.BlockStmt, out, seen map[string]bool) {
	ast.Inspect(e, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || seen[id.Name] {
			return true
		}
		seen[id.Name] = true
		if s.inputs[id.Name] {
			out[id.Name] = true
			return true
		}
		if !s.locals[id.Name] {
			return true
		}
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if exprName(l) == id.Name {
						for _, r := range n.Rhs {
							s.inputRoots(r, body, out, seen)
						}
					}
				}
			case *ast.RangeStmt:
				if exprName(n.Key) == id.Name || (n.Value != nil && exprName(n.Value) == id.Name) {
					s.inputRoots(n.X, body, out, seen)
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
		if sc.s.locals[e.Name] {
			cl = localComposite(pf.decl.Body, e.Name)
		} else if vs := sc.a.head.pkg(pf.dir).vars()[e.Name]; vs != nil {
			cl = specComposite(vs, e.Name)
			if bvs := sc.a.base.pkg(pf.dir).vars()[e.Name]; bvs != nil && specComposite(bvs, e.Name) != nil {
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
	for _, v := range literalsOf(pf.old.Body) {
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
func (s *funcScope) literalBranch(list []ast.Stmt) (lits []string, gives string, ok bool) {
	var vals []ast.Expr
	var said []string
	for _, st := range list {
		switch st := st.(type) {
		case *ast.ReturnStmt:
			vals = append(vals, st.Results...)
			said = append(said, "returns "+s.exprList(st.Results))
		case *ast.AssignStmt:
			vals = append(vals, st.Rhs...)
			said = append(said, "sets "+s.exprList(st.Lhs)+" "+st.Tok.String()+" "+s.exprList(st.Rhs))
		case *ast.BranchStmt, *ast.EmptyStmt:
		case *ast.ExprStmt:
			if call, ok := st.X.(*ast.CallExpr); !ok || !isOutputCall(call) {
				return nil, "", false
			}
		default:
			return nil, "", false
		}
	}
	for _, v := range vals {
		if !s.isConst(v) {
			return nil, "", false
		}
		for _, l := range literalsOf(v) {
			if l != "nil" {
				lits = append(lits, l)
			}
		}
	}
	return lits, strings.Join(said, " and "), len(lits) > 0
}

func (s *funcScope) exprList(es []ast.Expr) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, strings.Join(strings.Fields(s.file.text(e)), " "))
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
		switch _, name := callName(e); {
		case (name == "EqualFold" || name == "Equal" || name == "DeepEqual") && len(e.Args) == 2:
			return equalityOf(unconvert(e.Args[0]), unconvert(e.Args[1]))
		case (name == "HasPrefix" || name == "HasSuffix" || name == "Contains") && len(e.Args) == 2:
			// strings.Contains(s, "2024-02-30"): only the literal searched for
			if v := litValue(unconvert(e.Args[1])); v != "" && litValue(e.Args[0]) == "" {
				return []equality{{e.Args[0], v}}
			}
		}
	}
	return nil
}

func equalityOf(x, y ast.Expr) []equality {
	if v := litValue(y); v != "" && litValue(x) == "" {
		return []equality{{x, v}}
	}
	if v := litValue(x); v != "" && litValue(y) == "" {
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
func baseLookups(s *funcScope, derived map[string]bool, body *ast.BlockStmt) map[string]int {
	out := map[string]int{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				for _, eq := range equalityOf(n.X, n.Y) {
					if !trivialValue[eq.value] {
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
						if v := litValue(e); v != "" && !trivialValue[v] {
							out[types.ExprString(n.Tag)] += 2 // a switch on it is a table already
						}
					}
				}
			}
		case *ast.IndexExpr:
			if s.isDerived(n.Index, derived) {
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
	fn := sc.pf.decl.Name.Name
	sides := []*pkgXref{sc.a.head.pkg(sc.pf.dir).crossRef(), sc.a.base.pkg(sc.pf.dir).crossRef()}
	for _, x := range sides {
		if c.ins = x.uses(c.lit, fn, roleInput); len(c.ins) > 0 {
			break
		}
	}
	if len(c.ins) == 0 {
		return false
	}
	for _, r := range c.returns {
		if trivialValue[r] {
			continue
		}
		for _, x := range sides {
			if e := x.uses(r, fn, roleExpected); len(e) > 0 {
				c.exps = append(c.exps, e...)
				break
			}
		}
	}
	c.comment = testComment(sc.pf.file, c.at)
	if c.comment || specificLiteral(c.lit) {
		return true
	}
	for _, e := range c.exps {
		if specificLiteral(e.value) {
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
func testComment(f *srcFile, at ast.Node) bool {
	from, to := f.line(at.Pos())-2, f.line(at.End())
	for _, cg := range f.AST.Comments {
		if l := f.line(cg.Pos()); l >= from && l <= to && testCommentRE.MatchString(cg.Text()) {
			return true
		}
	}
	return false
}

func (a *analysis) reportSpecialCases(pf *prodFunc, cases []*specialCase) {
	sev := Warning
	var parts []string
	for _, c := range cases {
		if len(c.exps) > 0 || c.comment {
			sev = Error
		}
	}
	for _, c := range cases[:min(len(cases), 3)] {
		parts = append(parts, describeCase(pf.file, c))
	}
	more := ""
	if len(cases) > 3 {
		more = fmt.Sprintf(" (and %d more)", len(cases)-3)
	}
	msg := fmt.Sprintf("%s newly special-cases inputs of its tests: %s%s. A branch for the exact inputs the tests use makes them pass without fixing the general case.",
		pf.symbol, strings.Join(parts, "; "), more)
	if sev == Warning {
		msg += " What it returns there is not a value the tests compare against, but the inputs are theirs."
	}
	msg += " Check that the code handles such inputs in general, not just these."
	sev, msg = defaultBuildGrade(pf.file, sev, msg)
	if testSupport(pf.file) {
		sev = Info
		msg += " (It is test-support code, hence info.)"
	}
	first := cases[0].at
	f := Finding{
		Rule: idSpecialCasedInput, Severity: sev, Symbol: pf.symbol, Pkg: pf.dir,
		File: pf.file.Path, Line: pf.file.line(first.Pos()), OldFile: pf.base.Path, OldLine: pf.base.line(pf.old.Pos()),
		Message: msg, Excerpt: pf.file.lines(first.Pos(), lineEnd(pf.file, first.End()), "+", 4),
	}
	a.report(f)
}

// describeCase says what one special case compares and returns, and where
// the tests use its literals.
func describeCase(f *srcFile, c *specialCase) string {
	how := fmt.Sprintf("%s == %s (line %d)", c.input, c.lit, f.line(c.at.Pos()))
	if _, ok := c.at.(*ast.IndexExpr); ok {
		how = fmt.Sprintf("a lookup of %s in a new map literal (line %d) with key %s", c.input, f.line(c.at.Pos()), c.lit)
	}
	s := fmt.Sprintf("%s %s; the tests use %s as an input at %s", how, c.gives, c.lit, testRefs(c.ins, 2))
	if len(c.exps) > 0 {
		var vals []string
		for _, e := range c.exps {
			if !slices.Contains(vals, e.value) {
				vals = append(vals, e.value)
			}
		}
		sort.Strings(vals)
		s += fmt.Sprintf(" and expect %s at %s", strings.Join(vals, ", "), testRefs(c.exps, 2))
	}
	if c.comment {
		s += ", and a comment there mentions tests"
	}
	return s
}
