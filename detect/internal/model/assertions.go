package model

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// The assertion model: for a call in a test, "is this an assertion, and
// what does it check?" Whatever the library, an assertion is reduced to the
// condition under which it fails, in one canonical form, so that
//
//	if got != want { t.Errorf(…) }
//	assert.Equal(t, want, got)
//	Expect(got).To(Equal(want))
//	c.Assert(got, qt.Equals, want)
//
// all read ne(got,want), and a check rewritten from one library to another,
// or moved into a helper, is recognised as the same check.

// Import paths of the assertion libraries goodhart understands.
const (
	pathTestifyAssert  = "github.com/stretchr/testify/assert"
	pathTestifyRequire = "github.com/stretchr/testify/require"
	pathGomega         = "github.com/onsi/gomega"
	pathQuicktest      = "github.com/frankban/quicktest"
	pathIs             = "github.com/matryer/is"
	pathGotestAssert   = "gotest.tools/v3/assert"
	pathGotestAssertV2 = "gotest.tools/assert"
	pathGocheck        = "gopkg.in/check.v1"
	pathCmp            = "github.com/google/go-cmp/cmp"
)

// assertForm describes a named assertion (testify, gotest.tools, is, and
// the checkers of quicktest and gocheck): the canonical relation of its
// failure condition, and how many leading arguments are operands.
type assertForm struct {
	rel string
	n   int
}

var assertForms = map[string]assertForm{
	"Equal": {"ne", 2}, "EqualValues": {"ne", 2}, "Exactly": {"ne", 2}, "Same": {"ne", 2},
	"DeepEqual": {"ne", 2}, "Equals": {"ne", 2}, "DeepEquals": {"ne", 2}, "CmpEquals": {"ne", 2},
	"JSONEq": {"ne", 2}, "YAMLEq": {"ne", 2}, "ElementsMatch": {"ne", 2}, "EqualError": {"ne", 2},
	"NotEqual": {"eq", 2}, "NotEqualValues": {"eq", 2}, "NotSame": {"eq", 2},
	"NoError": {"nonnil", 1}, "Nil": {"nonnil", 1}, "NilError": {"nonnil", 1}, "NoErr": {"nonnil", 1}, "IsNil": {"nonnil", 1},
	"Error": {"isnil", 1}, "NotNil": {"isnil", 1}, "IsNotNil": {"isnil", 1}, "ErrorContains": {"isnil", 1},
	"True": {"not", 1}, "IsTrue": {"not", 1}, "Assert": {"not", 1}, "Check": {"not", 1},
	"False": {"id", 1}, "IsFalse": {"id", 1},
	"Len": {"len", 2}, "HasLen": {"len", 2},
	"ErrorIs": {"notis", 2}, "ErrorAs": {"notas", 2},
	"InDelta": {"delta", 2}, "InEpsilon": {"delta", 2}, "InDeltaSlice": {"delta", 2},
	"Empty": {"nonempty", 1}, "NotEmpty": {"empty", 1}, "Zero": {"nonzero", 1}, "NotZero": {"zero", 1},
	"Contains": {"notcontains", 2}, "NotContains": {"contains", 2},
}

// constructors bind an assertion object to a test's *testing.T.
var constructors = SetOf("New", "NewWithT", "NewGomegaWithT")

// testifyExtra are testify assertions beyond assertForms, for recognising
// a suite's own assertion methods (s.Greater, s.Panics …).
var testifyExtra = SetOf("Fail", "FailNow", "Panics", "NotPanics", "PanicsWithValue", "PanicsWithError",
	"Eventually", "EventuallyWithT", "Never", "WithinDuration", "WithinRange", "Regexp", "NotRegexp", "Subset",
	"NotSubset", "FileExists", "NoFileExists", "DirExists", "NoDirExists", "Greater", "GreaterOrEqual", "Less",
	"LessOrEqual", "Positive", "Negative", "IsType", "Implements", "Condition", "EqualExportedValues",
	"IsIncreasing", "IsDecreasing", "IsNonIncreasing", "IsNonDecreasing", "Conditionf", "ErrorAs", "NotErrorIs")

// isSuiteAssertion matches a testify suite's assertions: s.Equal(…),
// s.Require().NoError(…), s.Assert().Len(…) — not other calls on the suite
// (s.server.Close(), s.Worktree.Filesystem.Create(…)).
func isSuiteAssertion(call *ast.CallExpr, suite string) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	name := strings.TrimSuffix(sel.Sel.Name, "f")
	if _, known := assertForms[name]; !known && !testifyExtra[name] && !testifyExtra[sel.Sel.Name] {
		return false
	}
	switch x := ast.Unparen(sel.X).(type) {
	case *ast.Ident:
		return x.Name == suite
	case *ast.CallExpr:
		recv, n := CallName(x)
		return recv == suite && (n == "Require" || n == "Assert")
	}
	return false
}

// strength grades how much a failure condition checks: comparing values is
// stronger than checking presence, which is stronger than a constant.
func strength(key string) int {
	switch {
	case key == "" || key == "true" || key == "false" || key == "not(true)" || key == "not(false)":
		return 0
	case strings.HasSuffix(key, ",nil)") || strings.HasPrefix(key, "empty(") || strings.HasPrefix(key, "zero(") ||
		strings.HasPrefix(key, "nonempty(") || strings.HasPrefix(key, "nonzero("):
		return 2
	case strings.HasPrefix(key, "ne(") && strings.Contains(key, "len("):
		return 2 // a length, not the contents
	case strings.HasPrefix(key, "ne(") || strings.HasPrefix(key, "not(is(") || strings.HasPrefix(key, "absdiff("):
		return 3
	}
	return 2
}

// assertionKey returns the canonical failure condition of a library
// assertion call and its operands, or ok false when the call is not one.
// sc describes the test (its *testing.T names, bound assertion objects).
func (w *siteWalker) assertionKey(call *ast.CallExpr) (key string, operands []string, tol ast.Expr, ok bool) {
	f := w.sc.file
	recv, name := CallName(call)
	root := rootIdent(call.Fun)
	path := f.importPath(recv)
	args := call.Args
	if constructors[name] {
		return "", nil, nil, false // a := assert.New(t) binds, it checks nothing
	}
	switch {
	case w.isGomegaChain(call):
		return w.gomegaKey(call)
	case recv != "" && (path == pathTestifyAssert || path == pathTestifyRequire || path == pathGotestAssert || path == pathGotestAssertV2) &&
		len(args) > 0 && w.sc.isTestingArg(args[0]):
		return w.formKey(name, args[1:])
	case recv != "" && path == pathQuicktest && (name == "Assert" || name == "Check") && len(args) >= 2 && w.sc.isTestingArg(args[0]):
		return w.checkerKey(args[1:])
	case root != "" && w.sc.bound[root]:
		if name == "Assert" || name == "Check" { // c := qt.New(t); c.Assert(got, qt.Equals, want)
			return w.checkerKey(args)
		}
		return w.formKey(name, args)
	case w.sc.suite != "" && isSuiteAssertion(call, w.sc.suite):
		return w.formKey(name, args)
	case recv != "" && w.sc.testing[recv] && (name == "Assert" || name == "Check") && len(args) >= 2:
		return w.checkerKey(args) // gocheck: c.Assert(got, Equals, want)
	case recv != "" && recv != "?" && path != "" && len(args) > 0 && w.sc.isTestingArg(args[0]):
		// An assertion helper of another package: testutil.AssertEqual(t, a, b).
		return "call:" + recv + "." + name + "(" + strings.Join(w.texts(args[1:]), ",") + ")", w.texts(args[1:]), nil, true
	}
	return "", nil, nil, false
}

// formKey canonicalises a named assertion: Equal(a, b) → ne(a,b).
func (w *siteWalker) formKey(name string, args []ast.Expr) (string, []string, ast.Expr, bool) {
	form, ok := assertForms[name]
	if !ok && strings.HasSuffix(name, "f") {
		form, ok = assertForms[strings.TrimSuffix(name, "f")]
	}
	if !ok {
		ops := w.texts(args[:min(len(args), 2)])
		return "call:" + name + "(" + strings.Join(ops, ",") + ")", ops, nil, true
	}
	if len(args) < form.n {
		return "call:" + name, nil, nil, true
	}
	ops := w.texts(args[:form.n])
	var tol ast.Expr
	if form.rel == "delta" && len(args) > 2 {
		tol = args[2]
	}
	if form.rel == "not" && len(args) == 1 { // True(x), Assert(cond): fails when !x
		return "not(" + w.canon(args[0], nil) + ")", ops, nil, true
	}
	if form.rel == "id" {
		return w.canon(args[0], nil), ops, nil, true
	}
	return relKey(form.rel, ops), ops, tol, true
}

// relKey writes a relation over operands; symmetric relations sort them,
// and comparisons with a boolean or nil read as the check they are:
// Equal(t, false, ok) is False(t, ok), Equal(t, nil, err) is NoError.
func relKey(rel string, ops []string) string {
	if (rel == "ne" || rel == "eq") && len(ops) == 2 {
		for i, o := range ops {
			other := ops[1-i]
			switch {
			case o == "nil" && other != "nil":
				return rel + "(" + other + ",nil)"
			case (o == "true") == (rel == "ne") && (o == "true" || o == "false"):
				return "not(" + other + ")"
			case o == "true" || o == "false":
				return other
			}
		}
	}
	switch rel {
	case "ne", "eq", "delta":
		ops = append([]string(nil), ops...)
		sort.Strings(ops)
	case "nonnil":
		return "ne(" + ops[0] + ",nil)"
	case "isnil":
		return "eq(" + ops[0] + ",nil)"
	case "len":
		a := []string{"len(" + ops[0] + ")", ops[1]}
		sort.Strings(a)
		return "ne(" + strings.Join(a, ",") + ")"
	case "notis":
		return "not(is(" + strings.Join(ops, ",") + "))"
	}
	if rel == "delta" {
		rel = "absdiff"
	}
	return rel + "(" + strings.Join(ops, ",") + ")"
}

// checkerKey reads quicktest's and gocheck's form: (got, Checker, want…),
// or quicktest's newer (Checker(got, want)).
func (w *siteWalker) checkerKey(args []ast.Expr) (string, []string, ast.Expr, bool) {
	if len(args) == 1 {
		if c, ok := ast.Unparen(args[0]).(*ast.CallExpr); ok {
			_, name := CallName(c)
			return w.formKey(name, c.Args)
		}
	}
	if len(args) < 2 {
		return "call:Assert", nil, nil, true
	}
	var name string
	switch c := ast.Unparen(args[1]).(type) {
	case *ast.Ident:
		name = c.Name
	case *ast.SelectorExpr:
		name = c.Sel.Name
	case *ast.CallExpr: // qt.Not(qt.IsNil), qt.CmpEquals(opts…)
		_, name = CallName(c)
	}
	ops := append([]ast.Expr{args[0]}, args[2:]...)
	return w.formKey(name, ops)
}

// isGomegaChain matches Expect(x).To(M), Ω(x).Should(M), g.Expect(x).NotTo(M),
// Eventually(f).Should(M) and the like.
func (w *siteWalker) isGomegaChain(call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || !gomegaVerbs[sel.Sel.Name] {
		return false
	}
	inner, ok := ast.Unparen(sel.X).(*ast.CallExpr)
	if !ok {
		return false
	}
	_, name := CallName(inner)
	return globalMatchers[name]
}

var gomegaVerbs = SetOf("To", "ToNot", "NotTo", "Should", "ShouldNot")

func (w *siteWalker) gomegaKey(call *ast.CallExpr) (string, []string, ast.Expr, bool) {
	sel := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	inner := ast.Unparen(sel.X).(*ast.CallExpr)
	_, entry := CallName(inner)
	negated := sel.Sel.Name == "ToNot" || sel.Sel.Name == "NotTo" || sel.Sel.Name == "ShouldNot"
	var actual ast.Expr
	if len(inner.Args) > 0 {
		actual = inner.Args[0]
		if strings.HasSuffix(entry, "WithOffset") && len(inner.Args) > 1 {
			actual = inner.Args[1]
		}
	}
	if actual == nil || len(call.Args) == 0 {
		return "gomega:" + entry, nil, nil, true
	}
	m, ok := ast.Unparen(call.Args[0]).(*ast.CallExpr)
	if !ok {
		return "gomega:" + entry, w.texts([]ast.Expr{actual}), nil, true
	}
	_, matcher := CallName(m)
	if matcher == "Not" && len(m.Args) == 1 {
		if mm, ok := ast.Unparen(m.Args[0]).(*ast.CallExpr); ok {
			m, negated = mm, !negated
			_, matcher = CallName(m)
		}
	}
	a := w.text(actual)
	ops := append([]string{a}, w.texts(m.Args)...)
	prefix := ""
	if entry == "Eventually" || entry == "Consistently" {
		prefix = strings.ToLower(entry) + ":"
	}
	var tol ast.Expr
	switch {
	case matcher == "HaveOccurred" && negated, matcher == "Succeed" && !negated, matcher == "BeNil" && !negated:
		return prefix + relKey("nonnil", ops), ops, nil, true
	case matcher == "HaveOccurred" && !negated, matcher == "BeNil" && negated, matcher == "Succeed" && negated:
		return prefix + relKey("isnil", ops), ops, nil, true
	case (matcher == "Equal" || matcher == "BeEquivalentTo" || matcher == "BeIdenticalTo") && len(ops) == 2 && !negated:
		return prefix + relKey("ne", ops), ops, nil, true
	case matcher == "BeTrue" && !negated, matcher == "BeFalse" && negated:
		return prefix + "not(" + w.canon(actual, nil) + ")", ops, nil, true
	case matcher == "BeFalse" && !negated, matcher == "BeTrue" && negated:
		return prefix + w.canon(actual, nil), ops, nil, true
	case matcher == "HaveLen" && len(ops) == 2 && !negated:
		return prefix + relKey("len", ops), ops, nil, true
	case matcher == "BeNumerically" && len(m.Args) >= 3:
		tol = m.Args[2]
	case matcher == "BeEmpty" && negated:
		return prefix + relKey("empty", ops[:1]), ops, nil, true
	}
	not := ""
	if negated {
		not = "not:"
	}
	return prefix + not + "gomega:" + matcher + "(" + strings.Join(ops, ",") + ")", ops, tol, true
}

// failKey is the canonical failure condition of a t.Error/t.Fatal site: the
// conjunction of the conditions that lead to it.
func (w *siteWalker) failKey(gates []gate) (string, []string) {
	var parts, ops []string
	for _, g := range gates {
		if g.Cond == nil {
			parts = append(parts, "default")
			continue
		}
		k := w.canon(g.Cond, g.ctx)
		if g.negated {
			k = "not(" + k + ")"
		}
		parts = append(parts, k)
		ops = append(ops, w.operandsOf(g.Cond, g.ctx)...)
	}
	if len(parts) == 0 {
		return "always", nil
	}
	return strings.Join(parts, " && "), ops
}

// canon writes a condition in canonical form: comparisons with their
// operands sorted, DeepEqual/cmp.Equal/cmp.Diff as comparisons, and
// identifiers fed by cmp.Diff resolved.
func (w *siteWalker) canon(e ast.Expr, ctx []ast.Node) string {
	switch x := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if x.Op == token.NOT {
			if a, b, ok := w.equalityCall(x.X, ctx); ok {
				return relKey("ne", []string{a, b})
			}
			if call, ok := ast.Unparen(x.X).(*ast.CallExpr); ok {
				if recv, name := CallName(call); recv == "errors" && name == "Is" && len(call.Args) == 2 {
					return relKey("notis", w.texts(call.Args))
				}
			}
			return "not(" + w.canon(x.X, ctx) + ")"
		}
	case *ast.BinaryExpr:
		switch x.Op {
		case token.NEQ, token.EQL:
			if a, b, ok := w.diffCompare(x, ctx); ok {
				if x.Op == token.NEQ {
					return relKey("ne", []string{a, b})
				}
				return relKey("eq", []string{a, b})
			}
			rel := "ne"
			if x.Op == token.EQL {
				rel = "eq"
			}
			return relKey(rel, []string{w.text(x.X), w.text(x.Y)})
		case token.GTR, token.GEQ:
			if a, b, ok := absDiff(x.X); ok {
				return relKey("delta", []string{w.text(a), w.text(b)})
			}
		case token.LAND, token.LOR:
			return w.canon(x.X, ctx) + " " + x.Op.String() + " " + w.canon(x.Y, ctx)
		}
	case *ast.CallExpr:
		if a, b, ok := w.equalityCall(x, ctx); ok {
			return relKey("eq", []string{a, b})
		}
	}
	return w.text(e)
}

// equalityCall matches reflect.DeepEqual(a, b), cmp.Equal(a, b, …),
// bytes.Equal, slices.Equal, maps.Equal, proto.Equal.
func (w *siteWalker) equalityCall(e ast.Expr, ctx []ast.Node) (a, b string, ok bool) {
	call, isCall := ast.Unparen(e).(*ast.CallExpr)
	if !isCall || len(call.Args) < 2 {
		return "", "", false
	}
	recv, name := CallName(call)
	switch {
	case recv == "reflect" && name == "DeepEqual", recv == "cmp" && name == "Equal",
		(recv == "bytes" || recv == "slices" || recv == "maps" || recv == "strings") && (name == "Equal" || name == "EqualFold"),
		recv == "proto" && name == "Equal": // protobuf messages: the equality reflect.DeepEqual cannot give them
		return w.text(call.Args[0]), w.text(call.Args[1]), true
	}
	return "", "", false
}

// diffCompare matches diff != "" (and == "") where diff came from
// cmp.Diff(a, b), directly or through an earlier assignment.
func (w *siteWalker) diffCompare(x *ast.BinaryExpr, ctx []ast.Node) (a, b string, ok bool) {
	other, lit := x.X, x.Y
	if l, isLit := ast.Unparen(x.X).(*ast.BasicLit); isLit {
		other, lit = x.Y, l
	}
	if l, isLit := lit.(*ast.BasicLit); !isLit || l.Value != `""` {
		return "", "", false
	}
	call := cmpDiffCall(other, ctx)
	if call == nil || len(call.Args) < 2 {
		return "", "", false
	}
	return w.text(call.Args[0]), w.text(call.Args[1]), true
}

// cmpDiffCall returns the cmp.Diff call behind e, if any.
func cmpDiffCall(e ast.Expr, ctx []ast.Node) *ast.CallExpr {
	switch x := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if recv, name := CallName(x); recv == "cmp" && name == "Diff" {
			return x
		}
	case *ast.Ident:
		for _, n := range ctx {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != len(as.Rhs) {
				continue
			}
			for i, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == x.Name {
					if c := cmpDiffCall(as.Rhs[i], nil); c != nil {
						return c
					}
				}
			}
		}
	}
	return nil
}

// absDiff matches math.Abs(a-b).
func absDiff(e ast.Expr) (a, b ast.Expr, ok bool) {
	call, isCall := ast.Unparen(e).(*ast.CallExpr)
	if !isCall || len(call.Args) != 1 {
		return nil, nil, false
	}
	if recv, name := CallName(call); recv != "math" || name != "Abs" {
		return nil, nil, false
	}
	sub, isSub := ast.Unparen(call.Args[0]).(*ast.BinaryExpr)
	if !isSub || sub.Op != token.SUB {
		return nil, nil, false
	}
	return sub.X, sub.Y, true
}

// operandsOf lists the texts of the values a condition compares.
func (w *siteWalker) operandsOf(e ast.Expr, ctx []ast.Node) []string {
	switch x := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		return w.operandsOf(x.X, ctx)
	case *ast.BinaryExpr:
		if x.Op == token.LAND || x.Op == token.LOR {
			return append(w.operandsOf(x.X, ctx), w.operandsOf(x.Y, ctx)...)
		}
		if a, b, ok := w.diffCompare(x, ctx); ok {
			return []string{a, b}
		}
		return []string{w.text(x.X), w.text(x.Y)}
	case *ast.CallExpr:
		return w.texts(x.Args)
	}
	return []string{w.text(e)}
}

// text prints an expression, with a helper's parameters replaced by what
// the test passed for them.
func (w *siteWalker) text(e ast.Expr) string {
	s := types.ExprString(e)
	if len(w.subst) == 0 {
		return s
	}
	return substIdents(s, w.subst)
}

func (w *siteWalker) texts(es []ast.Expr) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, w.text(e))
	}
	return out
}

// substIdents replaces whole identifiers (not field names after a dot).
func substIdents(s string, subst map[string]string) string {
	var sc scanner.Scanner
	fs := token.NewFileSet()
	src := []byte(s)
	sc.Init(fs.AddFile("", -1, len(src)), src, nil, 0)
	var b strings.Builder
	last, prev := 0, token.ILLEGAL
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		off := fs.Position(pos).Offset
		if tok == token.IDENT && prev != token.PERIOD {
			if r, ok := subst[lit]; ok {
				b.WriteString(s[last:off])
				b.WriteString(r)
				last = off + len(lit)
			}
		}
		prev = tok
	}
	b.WriteString(s[last:])
	return b.String()
}

// assertionMessages returns the message arguments of a testify-style
// assertion (require.Equal(t, want, got, "msg", args…), s.NoError(err,
// "msg")): what the failure says, not what the test checks.
func assertionMessages(f *SrcFile, call *ast.CallExpr) []ast.Expr {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || f == nil {
		return nil
	}
	n, ok := testifyValues[strings.TrimSuffix(sel.Sel.Name, "f")]
	if !ok {
		return nil
	}
	first := 0
	if recv, _ := CallName(call); recv != "" {
		if p := f.importPath(recv); p == pathTestifyAssert || p == pathTestifyRequire {
			first = 1 // the *testing.T
		}
	}
	if len(call.Args) <= first+n {
		return nil
	}
	return call.Args[first+n:]
}

// testifyValues is how many values testify's assertions take after the
// *testing.T, before their message and its arguments.
var testifyValues = map[string]int{
	"NoError": 1, "Error": 1, "Nil": 1, "NotNil": 1, "True": 1, "False": 1, "Empty": 1, "NotEmpty": 1,
	"Zero": 1, "NotZero": 1, "Panics": 1, "NotPanics": 1, "FileExists": 1, "DirExists": 1,
	"Equal": 2, "NotEqual": 2, "EqualValues": 2, "NotEqualValues": 2, "Exactly": 2, "Same": 2, "NotSame": 2,
	"Contains": 2, "NotContains": 2, "Len": 2, "Greater": 2, "GreaterOrEqual": 2, "Less": 2, "LessOrEqual": 2,
	"ElementsMatch": 2, "JSONEq": 2, "YAMLEq": 2, "EqualError": 2, "ErrorContains": 2, "ErrorIs": 2,
	"NotErrorIs": 2, "ErrorAs": 2, "IsType": 2, "Implements": 2, "Subset": 2, "NotSubset": 2, "Regexp": 2,
	"NotRegexp": 2, "PanicsWithValue": 2, "PanicsWithError": 2, "EqualExportedValues": 2,
	"InDelta": 3, "InEpsilon": 3, "WithinDuration": 3,
}
