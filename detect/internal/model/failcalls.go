package model

import (
	"go/ast"
	"go/token"
	"strings"
)

// This file answers, for one test body, "which calls can make it fail?" —
// enough to tell a test that still checks something from one that cannot
// fail any more.

// failMethods are the methods of *testing.T (and of gocheck's *C) that fail
// a test.
var failMethods = SetOf("Error", "Errorf", "Fatal", "Fatalf", "Fail", "FailNow", "Assert", "Check", "Expect")

// globalMatchers are the package-level assertion entry points of gomega.
var globalMatchers = SetOf("Expect", "Ω", "Eventually", "Consistently", "ExpectWithOffset", "EventuallyWithOffset")

// suiteNonChecks are suite-receiver methods that set up rather than check.
var suiteNonChecks = SetOf("T", "SetT", "Run", "SetupTest", "TearDownTest", "SetupSuite", "TearDownSuite", "Helper", "Log", "Logf")

// CheckScope holds the names a test body uses for its *testing.T (its
// parameter, those of function literals taking one) and for objects bound to
// it (a := assert.New(t)).
type CheckScope struct {
	file    *SrcFile
	testing map[string]bool
	bound   map[string]bool
	suite   string // the suite receiver, for suite methods
	// suiteType is the suite's type: the receiver type of the suite method
	// (or of the helper method reached through it).
	suiteType string
}

// CheckScopeOf returns the check scope of a test's body: the names bound
// to its *testing.T and to assertion objects. It is made once per test
// (several rules and the matching ask for it) and shared: callers read it.
func CheckScopeOf(tf *TestFunc) *CheckScope {
	if tf.scope == nil {
		tf.scope = newCheckScope(tf)
	}
	return tf.scope
}

func newCheckScope(tf *TestFunc) *CheckScope {
	sc := &CheckScope{file: tf.File, testing: map[string]bool{}, bound: map[string]bool{}}
	if tf.Param != "" && tf.Param != "_" {
		sc.testing[tf.Param] = true
	}
	if tf.Kind == KindSuite || (tf.Kind == KindSubtest && tf.Root().Kind == KindSuite) {
		if fd, ok := tf.Root().Decl.(*ast.FuncDecl); ok && fd.Recv != nil {
			sc.suite, sc.suiteType = firstParamName(fd.Recv.List), receiverType(fd)
		}
	}
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			for _, p := range n.Type.Params.List {
				if tf.File.isTestingType(p.Type, "T", "B", "F", "TB") {
					for _, id := range p.Names {
						sc.testing[id.Name] = true
					}
				}
			}
		}
		return true
	})
	sc.bindObjects(tf.Body)
	return sc
}

// bindObjects records the objects a body binds to its *testing.T:
// a := assert.New(t), g := NewWithT(t), c := qt.New(t), is := is.New(t).
func (sc *CheckScope) bindObjects(body *ast.BlockStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		if call, ok := as.Rhs[0].(*ast.CallExpr); ok && sc.passesT(call) {
			recv, name := CallName(call)
			if name == "New" || name == "NewWithT" || name == "NewGomegaWithT" || name == "Require" || name == "Assert" {
				if id, ok := as.Lhs[0].(*ast.Ident); ok && (name != "New" || sc.assertionPackage(recv) || assertsThrough(body, id.Name)) {
					sc.bound[id.Name] = true
				}
			}
		}
		return true
	})
}

// assertionPackage reports whether a package name of the file imports an
// assertion library: its New(t) makes an assertion object.
func (sc *CheckScope) assertionPackage(local string) bool {
	switch sc.file.importPath(local) {
	case pathTestifyAssert, pathTestifyRequire, pathGomega, pathQuicktest, pathIs, pathGotestAssert, pathGotestAssertV2:
		return true
	}
	return false
}

// assertsThrough reports whether the body calls an assertion method on
// name (name.Equal(…), name.Assert(…), name.Expect(…)): x := pkg.New(t)
// of a package goodhart does not know makes an assertion object only when
// it is used as one — a test context (ctx := testctx.New(t)) is not.
func assertsThrough(body *ast.BlockStmt, name string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok && id.Name == name {
			m := strings.TrimSuffix(sel.Sel.Name, "f")
			if _, known := assertForms[m]; known || testifyExtra[m] || testifyExtra[sel.Sel.Name] ||
				m == "Assert" || m == "Check" || m == "Expect" || m == "Eventually" || m == "Consistently" || m == "True" || m == "NoErr" {
				found = true
			}
		}
		return true
	})
	return found
}

func (tf *TestFunc) Root() *TestFunc {
	for tf.Parent != nil {
		tf = tf.Parent
	}
	return tf
}

// passesT reports whether a call hands the test's *testing.T to someone:
// a helper or an assertion library that can fail the test.
func (sc *CheckScope) passesT(call *ast.CallExpr) bool {
	for _, arg := range call.Args {
		if id, ok := ast.Unparen(arg).(*ast.Ident); ok && (sc.testing[id.Name] || sc.bound[id.Name]) {
			return true
		}
		if sc.suite != "" && isSuiteT(arg, sc.suite) {
			return true
		}
	}
	return false
}

// isSuiteT matches s.T(), a suite's *testing.T.
func isSuiteT(e ast.Expr, recv string) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	r, name := CallName(call)
	return r == recv && name == "T"
}

// isCheck reports whether a call can fail the test.
func (sc *CheckScope) isCheck(call *ast.CallExpr) bool {
	recv, name := CallName(call)
	root := rootIdent(call.Fun)
	switch {
	case recv != "" && recv != "?" && sc.testing[recv] && failMethods[name]:
		return true
	case root != "" && sc.bound[root]:
		return true
	case sc.suite != "" && isSuiteAssertion(call, sc.suite):
		return true
	case recv == "" && (name == "panic" || globalMatchers[name]):
		return true
	case recv != "" && recv != "?" && globalMatchers[name] && !sc.testing[recv]:
		return true // gomega.Expect, g.Expect
	case recv == "log" && (name == "Fatal" || name == "Fatalf" || name == "Fatalln" || name == "Panic" || name == "Panicf"):
		return true
	case name == "Run" && sc.testing[recv]:
		return false // the subtest's own checks count, not the call
	case constructors[name]:
		return false
	}
	return sc.passesT(call)
}

// rootIdent returns the identifier a selector or call chain starts from:
// s.Require().Equal → s.
func rootIdent(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name
		case *ast.SelectorExpr:
			e = x.X
		case *ast.CallExpr:
			e = x.Fun
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		default:
			return ""
		}
	}
}

// ChecksIn lists the positions of the calls in n that can fail the test.
func (sc *CheckScope) ChecksIn(n ast.Node) []token.Pos {
	var out []token.Pos
	if n == nil {
		return nil
	}
	ast.Inspect(n, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && sc.isCheck(call) {
			out = append(out, call.Pos())
		}
		return true
	})
	return out
}

// IsSkipCall reports whether a call is t.Skip, t.Skipf or t.SkipNow on one
// of the test's *testing.T values (or a suite's s.T()).
func (sc *CheckScope) IsSkipCall(call *ast.CallExpr) bool {
	if recv, name := CallName(call); name == "Skip" && sc.file != nil {
		if g := ginkgoName(sc.file); g != "" && ((g == "." && recv == "") || recv == g) {
			return true // ginkgo's Skip(…)
		}
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || !skipMethods[sel.Sel.Name] {
		return false
	}
	if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok {
		return sc.testing[id.Name] || (sc.suite != "" && id.Name == sc.suite)
	}
	return sc.suite != "" && isSuiteT(sel.X, sc.suite)
}

var skipMethods = SetOf("Skip", "Skipf", "SkipNow")

// isFailCall reports whether a call is t.Error…/t.Fatal…/t.Fail… itself.
func (sc *CheckScope) isFailCall(call *ast.CallExpr) bool {
	recv, name := CallName(call)
	return sc.testing[recv] && failMethods[name]
}

// bookkeeping are the methods of a *testing.T that cannot fail the test.
var bookkeeping = SetOf("Log", "Logf", "Helper", "Name", "Parallel", "Skip", "Skipf", "SkipNow", "Skipped",
	"TempDir", "Setenv", "Chdir", "Context", "Deadline", "Failed", "Output", "Attr", "ArtifactDir", "Run", "Cleanup")

// CannotFail reports whether a plain test (or a subtest of one) can fail
// only by crashing: its *testing.T values serve logging and bookkeeping
// alone (t.Log, t.Helper, t.Parallel, t.Skip, t.TempDir, t.Run and
// t.Cleanup with a literal body …), nothing else receives them, it binds
// no assertion object, and it calls no panic, os.Exit, log.Fatal or
// gomega matcher. Such a test reports; it checks nothing.
func CannotFail(tf *TestFunc) bool {
	if tf.Root().Kind != kindTest || tf.Body == nil {
		return false
	}
	sc := CheckScopeOf(tf)
	if len(sc.testing) == 0 || len(sc.bound) > 0 {
		return false
	}
	can := false
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		if can {
			return false
		}
		switch x := n.(type) {
		case *ast.Field:
			return false // a parameter of a literal: func(t *testing.T)
		case *ast.CallExpr:
			recv, name := CallName(x)
			switch {
			case recv == "" && (name == "panic" || globalMatchers[name]),
				recv == "os" && name == "Exit",
				recv == "log" && (strings.HasPrefix(name, "Fatal") || strings.HasPrefix(name, "Panic")):
				can = true
			case sc.testing[recv] && (name == "Run" || name == "Cleanup"):
				if len(x.Args) == 0 {
					break
				}
				if _, lit := ast.Unparen(x.Args[len(x.Args)-1]).(*ast.FuncLit); !lit {
					can = true // a function declared elsewhere runs with the *testing.T
				}
			}
		case *ast.SelectorExpr:
			if id, ok := ast.Unparen(x.X).(*ast.Ident); ok && sc.testing[id.Name] {
				if !bookkeeping[x.Sel.Name] {
					can = true // t.Error, t.Fatal, t.Fail …
				}
				return false
			}
		case *ast.Ident:
			if sc.testing[x.Name] {
				can = true // handed to something that may fail it
			}
		}
		return !can
	})
	return !can
}
