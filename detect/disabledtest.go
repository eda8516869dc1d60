package detect

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
	"strings"
)

// idDisabledTest is the rule's stable identifier: users filter and accept findings by it.
const idDisabledTest = "disabled-test"

var disabledTest = &Rule{
	ID:       idDisabledTest,
	Severity: Error,
	Doc: `A test is still in the tree, but go test no longer runs it, or it can no longer fail.

Flags: a test renamed off its Test/Benchmark/Fuzz prefix (or to TestFoo's
illegal form Testfoo) or given a signature go test ignores; a whole test
commented out; a build constraint added that leaves its file out of a default
build (//go:build ignore or an unknown tag: error; a tag naming a class of tests
such as integration or e2e, or a platform that excludes linux/amd64: warning);
its file renamed so it no longer ends in _test.go or moved under testdata/;
an Example that lost its // Output: comment; TestMain that no longer calls
m.Run, or returns or calls os.Exit(0) before it; a body emptied, made to return
before its first check, or left with no check at all.

Not flagged: a test body moved into a helper that tests still call (the helper
is used, so the checks still run), a test renamed to another valid test name,
tags that already excluded the file in base.

Example:
    -func TestParse(t *testing.T) {
    +func testParse(t *testing.T) {`,
	run: runDisabledTest,
}

func runDisabledTest(a *analysis) {
	fileLevel := map[string][]*match{}
	for _, m := range a.matches {
		bt, ht := m.base, m.head
		switch {
		case m.kind == matchGone:
			if c := a.commentedOut(bt); c != nil {
				a.reportCommented(bt, c)
			} else if suite, ok := suiteRunner(bt); ok {
				a.checkSuiteLeft(m, suite)
			}
		case !bt.runs() || m.kind == matchFolded:
		case !ht.isTest():
			a.checkRenamedOff(m)
		case ht.NotRun != "" && ht.NotRun == fileNotRun(ht.File):
			k := ht.File.Path + "\x00" + ht.NotRun
			fileLevel[k] = append(fileLevel[k], m)
		case ht.NotRun != "":
			a.reportDisabled(m, Error, fmt.Sprintf("%s no longer runs: %s.", bt.Name, ht.NotRun), "")
		case bt.Kind == kindMain:
			a.checkTestMain(m)
		case bt.Kind != kindBenchmark && bt.Kind != kindExample:
			a.checkHollowed(m)
		}
	}
	a.checkNewTestMain()
	keys := make([]string, 0, len(fileLevel))
	for k := range fileLevel {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a.reportFileDisabled(fileLevel[k])
	}
}

func (a *analysis) reportDisabled(m *match, sev Severity, what, detail string) *Finding {
	bt, ht := m.base, m.head
	f := Finding{
		Rule: idDisabledTest, Severity: sev, Symbol: bt.Name, Pkg: bt.Dir,
		OldFile: bt.File.Path, OldLine: bt.line(),
	}
	if ht != nil {
		f.File, f.Line = ht.File.Path, ht.line()
		f.Excerpt = ht.File.lines(ht.Decl.Pos(), ht.Body.Lbrace+1, "+", 1)
	}
	if detail != "" {
		what += " " + detail
	}
	f.Message = what + " A test that does not run, or cannot fail, passes without checking anything. Check why it was turned off; if it was failing, the failure is the thing to fix."
	a.report(f)
	return &a.findings[len(a.findings)-1]
}

// checkRenamedOff handles a test whose head counterpart is not a test: a
// renamed-off prefix, a changed signature — unless the function is now a
// helper that tests call.
func (a *analysis) checkRenamedOff(m *match) {
	bt, ht := m.base, m.head
	if a.head.pkg(ht.Dir).useCount(shortName(ht.Name)) > 1 {
		return // its body became a helper that is still called
	}
	if shortName(ht.Name) == shortName(bt.Name) {
		a.reportDisabled(m, Error, fmt.Sprintf("%s is no longer a test go test runs: its signature changed to %s.", bt.Name, signature(ht)), "")
		return
	}
	a.reportDisabled(m, Error, fmt.Sprintf("%s was renamed to %s, which go test does not run (a test must be named TestXxx, where Xxx does not start with a lower-case letter, and take one *testing.T), and nothing calls it.",
		bt.Name, ht.Name), "")
}

func signature(tf *testFunc) string {
	fd, ok := tf.Decl.(*ast.FuncDecl)
	if !ok {
		return tf.Name
	}
	return strings.TrimSpace(tf.File.text(&ast.FuncDecl{Name: fd.Name, Type: fd.Type, Recv: fd.Recv}))
}

// reportFileDisabled reports the tests one head file no longer runs for a
// file-level reason: a build constraint, its name, its directory.
func (a *analysis) reportFileDisabled(ms []*match) {
	hf := ms[0].head.File
	var names []string
	for _, m := range ms {
		if m.base.Parent == nil {
			names = append(names, m.base.Name)
		}
	}
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	sev, line := Error, 1
	if x, l := buildExpr(hf); x != nil && !x.Eval(defaultTag) {
		sev, _ = constraintSeverity(x)
		line = l
	} else if goos, goarch := fileNamePlatform(hf.Path); goos != "" || goarch != "" {
		sev = Warning
	}
	bf := ms[0].base.File
	f := Finding{
		Rule: idDisabledTest, Severity: sev, File: hf.Path, Line: line, OldFile: bf.Path, OldLine: 1, Pkg: ms[0].base.Dir,
		Message: fmt.Sprintf("%d test(s) of %s no longer run: %s (%s). ", len(names), bf.Path, ms[0].head.NotRun, listNames(names, 8)),
	}
	if len(names) == 1 {
		f.Symbol = names[0]
	}
	if line > 1 || sev != Error {
		f.Excerpt = hf.lines(hf.Fset.File(hf.AST.Pos()).LineStart(line), hf.Fset.File(hf.AST.Pos()).LineStart(line)+1, "+", 1)
	}
	switch sev {
	case Warning:
		f.Message += "They still run in a build that sets that tag or platform; check that CI has such a job, or they are no longer tested anywhere."
	default:
		f.Message += "A test that does not run passes without checking anything. Check why it was turned off; if it was failing, the failure is the thing to fix."
	}
	a.report(f)
}

func (a *analysis) reportCommented(bt *testFunc, cg *ast.CommentGroup) {
	hf := a.headFile(bt.File.Path)
	f := Finding{
		Rule: idDisabledTest, Severity: Error, Symbol: bt.Name, Pkg: bt.Dir,
		File: hf.Path, Line: hf.line(cg.Pos()), OldFile: bt.File.Path, OldLine: bt.line(),
		Excerpt: hf.lines(cg.Pos(), cg.End(), "+", 4),
		Message: fmt.Sprintf("%s was commented out: its code is still in %s, but go test no longer compiles or runs it. A test that does not run passes without checking anything. Check why it was turned off; if it was failing, the failure is the thing to fix.",
			bt.Name, hf.Path),
	}
	a.report(f)
}

// checkTestMain flags a TestMain that no longer runs the package's tests.
func (a *analysis) checkTestMain(m *match) {
	bt, ht := m.base, m.head
	if mRun(bt) == token.NoPos {
		return
	}
	run := mRun(ht)
	if run == token.NoPos {
		a.reportDisabled(m, Error, "TestMain no longer calls m.Run, so no test of package "+bt.Dir+" runs and go test reports success.", "")
		return
	}
	baseExits := map[string]int{}
	for _, s := range collectSites(a.base, bt) {
		if s.kind == siteExit {
			baseExits[s.signature()]++
		}
	}
	for _, s := range collectSites(a.head, ht) {
		if s.kind != siteExit || s.at.Pos() > run {
			continue
		}
		if baseExits[s.signature()] > 0 {
			baseExits[s.signature()]--
			continue
		}
		sev, why := grade(s, nil)
		f := Finding{
			Rule: idDisabledTest, Severity: sev, Symbol: bt.Name, Pkg: bt.Dir,
			File: ht.File.Path, Line: ht.File.line(s.at.Pos()), OldFile: bt.File.Path, OldLine: bt.line(),
			Excerpt: ht.File.lines(s.at.Pos(), s.at.End(), "+", 3),
			Message: fmt.Sprintf("TestMain now exits with success before m.Run %s: no test of package %s runs then, and go test reports success. Check why the package's tests are bypassed.",
				why, bt.Dir),
		}
		a.report(f)
	}
}

// mRun finds where a TestMain runs the tests: its m.Run() call, or a call
// that is handed m and runs them itself (goleak.VerifyTestMain(m),
// testscript.Main(m, …)).
func mRun(tf *testFunc) token.Pos {
	pos := token.NoPos
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || pos != token.NoPos {
			return pos == token.NoPos
		}
		if recv, name := callName(call); recv == tf.Param && name == "Run" {
			pos = call.Pos()
		}
		for _, arg := range call.Args {
			if id, ok := ast.Unparen(arg).(*ast.Ident); ok && id.Name == tf.Param && tf.Param != "" && tf.Param != "_" {
				pos = call.Pos()
			}
		}
		return true
	})
	return pos
}

// checkHollowed flags a test still in place that can no longer fail: its
// body emptied or commented out, or a return before its first check. (A
// test that merely lost its checks is removed-assertion's.)
func (a *analysis) checkHollowed(m *match) {
	what, line := a.hollowed(m)
	if what == "" {
		return
	}
	f := a.reportDisabled(m, Error, what, "")
	if line > 0 {
		ht := m.head
		f.Line = line
		f.Excerpt = ht.File.lines(ht.File.Fset.File(ht.Body.Pos()).LineStart(line), ht.Body.Rbrace, "+", 3)
	}
}

func startsWithSkip(tf *testFunc, sc *checkScope) bool {
	for _, s := range tf.Body.List {
		if es, ok := s.(*ast.ExprStmt); ok {
			if call, ok := es.X.(*ast.CallExpr); ok && sc.isSkipCall(call) {
				return true
			}
		}
	}
	return false
}

// checkSuiteLeft flags a deleted suite runner whose suite is still there:
// without its runner, none of the suite's tests run.
func (a *analysis) checkSuiteLeft(m *match, suite string) {
	bt := m.base
	var left []string
	for _, ht := range a.head.pkg(bt.Dir).tests {
		if ht.Kind == kindSuite && ht.Parent == nil && (suite == "" || strings.HasPrefix(ht.Name, suite+".")) {
			left = append(left, ht.Name)
		}
	}
	if len(left) == 0 {
		return
	}
	what := "the suite " + suite
	if suite == "" {
		what = "the gocheck suites"
	}
	f := a.reportDisabled(m, Error, fmt.Sprintf("%s, which ran %s, was deleted, but the suite's tests are still there (%s): nothing runs them now.",
		bt.Name, what, listNames(left, 6)), "")
	f.File, f.Line = a.survivingLine(bt)
}

// checkNewTestMain flags a TestMain added to a package that had none, when
// it does not run the package's tests: a new TestMain that never calls m.Run,
// or exits with success before it, turns every test of the package off.
func (a *analysis) checkNewTestMain() {
	for _, ht := range a.head.tests {
		if ht.Kind != kindMain || ht.NotRun != "" {
			continue
		}
		had := false
		for _, bt := range a.base.pkg(ht.Dir).tests {
			had = had || bt.Kind == kindMain
		}
		if had {
			continue
		}
		tests := 0
		for _, t := range a.base.pkg(ht.Dir).tests {
			if t.runs() && t.Parent == nil && t.Kind != kindMain {
				tests++
			}
		}
		if tests == 0 {
			continue // nothing to turn off
		}
		m := &match{base: ht, head: ht, kind: matchSame}
		run := mRun(ht)
		if run == token.NoPos {
			f := a.reportDisabled(m, Error, fmt.Sprintf("A new TestMain in package %s never calls m.Run, so none of the package's %d tests run and go test reports success.", ht.Dir, tests), "")
			f.OldFile, f.OldLine = "", 0
			continue
		}
		for _, s := range collectSites(a.head, ht) {
			if s.kind != siteExit || s.at.Pos() > run {
				continue
			}
			sev, why := grade(s, nil)
			a.report(Finding{
				Rule: idDisabledTest, Severity: sev, Symbol: ht.Name, Pkg: ht.Dir,
				File: ht.File.Path, Line: ht.File.line(s.at.Pos()),
				Excerpt: ht.File.lines(s.at.Pos(), s.at.End(), "+", 3),
				Message: fmt.Sprintf("A new TestMain exits with success before m.Run %s: none of the package's %d tests run then, and go test reports success. Check why the package's tests are bypassed.", why, tests),
			})
		}
	}
}
