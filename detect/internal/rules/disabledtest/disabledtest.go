package disabledtest

import (
	"fmt"
	"go/ast"
	"go/token"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// idDisabledTest is the rule's stable identifier: users filter and accept findings by it.
const ID = "disabled-test"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Error,
	Doc: `A test is still in the tree, but go test no longer runs it, or it can no longer fail.

Flags: a test renamed off its Test/Benchmark/Fuzz prefix (or to TestFoo's
illegal form Testfoo) or given a signature go test ignores; a whole test
commented out; a build constraint added that leaves its file out of a default
build (//go:build ignore, an unknown tag, a Go release no toolchain has such
as go1.99, or a platform that excludes linux/amd64 where CI runs — !linux,
!amd64, !cgo, a _windows or _plan9 file name: error; a tag naming a class of
tests such as integration or e2e: warning, info when base's CI, Makefile or
scripts give go test that tag); its file renamed so it no longer
ends in _test.go or moved under testdata/; an Example that lost its // Output:
comment; TestMain that no longer calls m.Run, returns or calls os.Exit(0)
before it, or throws its result away and exits with os.Exit(0) after it.
From outside any test: an init function or package-level variable of a test
file that exits with success (os.Exit(0), also through package functions), or
that sets go test's own -test.run, -test.skip or -test.list flag (-test.short:
warning); a new go.mod that makes a package folder a module of its own, out of
the root module's go test ./... (error; warning when the change edits a CI
file naming the folder; info when head's go.work uses it).

Not flagged: a test body moved into a helper that tests still call (the helper
is used, so the checks still run), a test renamed to another valid test name,
tags that already excluded the file in base, a test moved to a platform file
whose linux counterpart of the same name still runs, a TestMain that keeps
m.Run's result (os.Exit(code) after cleanup), an init that re-runs the test
binary as a helper process under an environment variable (info), a folder that
was a module of its own in base, a test commented out together with the
declarations it used (info: a feature switched off whole; uncommented, the
test would not compile).

Example:
    -func TestParse(t *testing.T) {
    +func testParse(t *testing.T) {

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): no alarm.`,
	Run: func(p *model.Pass) { runDisabledTest(&pass{p}) },
}

// pass is the rule's view of one analysis: the model's Pass, with the
// rule's own steps as methods.
type pass struct{ *model.Pass }

func runDisabledTest(a *pass) {
	fileLevel := map[string][]*model.Match{}
	for _, m := range a.Matches {
		bt, ht := m.Base, m.Head
		switch {
		case m.Kind == model.MatchGone:
			if c := a.CommentedOut(bt); c != nil {
				a.reportCommented(bt, c)
			} else if suite, ok := model.SuiteRunner(bt); ok {
				a.checkSuiteLeft(m, suite)
			}
		case !bt.Runs() || m.Kind == model.MatchFolded:
		case !ht.IsTest():
			a.checkRenamedOff(m)
		case ht.NotRun != "" && ht.NotRun == model.FileNotRun(ht.File):
			k := ht.File.Path + "\x00" + ht.NotRun
			fileLevel[k] = append(fileLevel[k], m)
		case ht.NotRun != "":
			a.reportDisabled(m, finding.Error, fmt.Sprintf("%s no longer runs: %s.", bt.Name, ht.NotRun), "")
		case bt.Kind == model.KindMain:
			a.checkTestMain(m)
		case bt.Kind != model.KindBenchmark && bt.Kind != model.KindExample:
			a.checkHollowed(m)
		}
	}
	a.checkNewTestMain()
	a.checkPrerun()
	a.checkNestedModules()
	keys := make([]string, 0, len(fileLevel))
	for k := range fileLevel {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a.reportFileDisabled(fileLevel[k])
	}
}

func (a *pass) reportDisabled(m *model.Match, sev finding.Severity, what, detail string) *finding.Finding {
	bt, ht := m.Base, m.Head
	f := finding.Finding{
		Rule: ID, Severity: sev, Symbol: bt.Name, Pkg: bt.Dir,
		OldFile: bt.File.Path, OldLine: bt.Line(),
	}
	if ht != nil {
		f.File, f.Line = ht.File.Path, ht.Line()
		f.Excerpt = ht.File.Lines(ht.Decl.Pos(), ht.Body.Lbrace+1, "+", 1)
	}
	if detail != "" {
		what += " " + detail
	}
	f.Message = what + " A test that does not run, or cannot fail, passes without checking anything. Check why it was turned off; if it was failing, the failure is the thing to fix."
	a.Report(f)
	return &a.Findings[len(a.Findings)-1]
}

// runsElsewhere reports whether a test that head's file hf no longer runs
// has a counterpart that does: a test of the same name in the same package,
// in a file built by default (a platform-specific test file with a linux
// counterpart).
func (a *pass) runsElsewhere(bt *model.TestFunc, hf *model.SrcFile) bool {
	for _, t := range a.Head.ByKey[bt.Key()] {
		if t.File != hf && t.Runs() {
			return true
		}
	}
	if !model.PlatformOnly(hf) {
		return false
	}
	for _, t := range a.Head.PkgTests(bt.Dir) {
		if t.Name == bt.Name && t.File.Path != hf.Path && t.Runs() {
			return true
		}
	}
	return false
}

// checkRenamedOff handles a test whose head counterpart is not a test: a
// renamed-off prefix, a changed signature — unless the function is now a
// helper that tests call.
func (a *pass) checkRenamedOff(m *model.Match) {
	bt, ht := m.Base, m.Head
	if a.Head.Pkg(ht.Dir).UseCount(model.ShortName(ht.Name)) > 1 {
		return // its body became a helper that is still called
	}
	if model.ShortName(ht.Name) == model.ShortName(bt.Name) {
		a.reportDisabled(m, finding.Error, fmt.Sprintf("%s is no longer a test go test runs: its signature changed to %s.", bt.Name, funcSignature(ht)), "")
		return
	}
	a.reportDisabled(m, finding.Error, fmt.Sprintf("%s was renamed to %s, which go test does not run (a test must be named TestXxx, where Xxx does not start with a lower-case letter, and take one *testing.T), and nothing calls it.",
		bt.Name, ht.Name), "")
}

// funcSignature writes a test function's parameters and results, to say how
// its signature changed.
func funcSignature(tf *model.TestFunc) string {
	fd, ok := tf.Decl.(*ast.FuncDecl)
	if !ok {
		return tf.Name
	}
	return strings.TrimSpace(tf.File.Text(&ast.FuncDecl{Name: fd.Name, Type: fd.Type, Recv: fd.Recv}))
}

// reportFileDisabled reports the tests one head file no longer runs for a
// file-level reason: a build constraint, its name, its directory.
func (a *pass) reportFileDisabled(ms []*model.Match) {
	hf := ms[0].Head.File
	var names []string
	for _, m := range ms {
		if m.Base.Parent == nil && !a.runsElsewhere(m.Base, hf) {
			names = append(names, m.Base.Name)
		}
	}
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	// A platform that excludes linux/amd64 is an error: that is where CI
	// runs, and a test kept for another platform there has a counterpart
	// (runsElsewhere), which spares it above.
	sev, line := finding.Error, 1
	if x, l := model.BuildExpr(hf); x != nil && !x.Eval(model.DefaultTag) {
		var kind string
		if sev, kind = model.ConstraintSeverity(x); kind == "platform" {
			sev = finding.Error
		}
		line = l
	}
	bf := ms[0].Base.File
	f := finding.Finding{
		Rule: ID, Severity: sev, File: hf.Path, Line: line, OldFile: bf.Path, OldLine: 1, Pkg: ms[0].Base.Dir,
		Message: fmt.Sprintf("%d test(s) of %s no longer run: %s (%s). ", len(names), bf.Path, ms[0].Head.NotRun, model.ListNames(names, 8)),
	}
	if len(names) == 1 {
		f.Symbol = names[0]
	}
	if line > 1 || sev != finding.Error {
		f.Excerpt = hf.Lines(hf.Fset.File(hf.AST.Pos()).LineStart(line), hf.Fset.File(hf.AST.Pos()).LineStart(line)+1, "+", 1)
	}
	ciTag, ciFile := "", ""
	if x, _ := model.BuildExpr(hf); x != nil && sev == finding.Warning {
		tags := a.Base.CITags() // base's: the change cannot add a tag to CI and lower its own finding
		if x.Eval(func(t string) bool { _, ci := tags[t]; return ci || model.DefaultTag(t) }) {
			for _, t := range slices.Sorted(maps.Keys(tags)) {
				if !x.Eval(func(u string) bool { return u != t && model.DefaultTag(u) }) && x.Eval(func(u string) bool { return u == t || model.DefaultTag(u) }) {
					ciTag, ciFile = t, tags[t]
					break
				}
			}
			if ciTag == "" {
				ciTag, ciFile = "and the tags it needs", "CI"
			}
		}
	}
	switch {
	case ciTag != "":
		f.Severity = finding.Info
		f.Message += fmt.Sprintf("They still run where base's CI gives go test -tags %s (%s).", ciTag, ciFile)
	case sev == finding.Warning:
		f.Message += "They still run in a build that sets that tag; check that CI has such a job, or they are no longer tested anywhere."
	case model.PlatformOnly(hf):
		f.Message += "They still build on other platforms, but not on linux/amd64, where CI usually runs, and nothing there stands in for them. Check why they were moved off it; if they were failing, the failure is the thing to fix."
	default:
		f.Message += "A test that does not run passes without checking anything. Check why it was turned off; if it was failing, the failure is the thing to fix."
	}
	a.Report(f)
}

func (a *pass) reportCommented(bt *model.TestFunc, cg *ast.CommentGroup) {
	hf := a.HeadFile(bt.File.Path)
	f := finding.Finding{
		Rule: ID, Severity: finding.Error, Symbol: bt.Name, Pkg: bt.Dir,
		File: hf.Path, Line: hf.Line(cg.Pos()), OldFile: bt.File.Path, OldLine: bt.Line(),
		Excerpt: hf.Lines(cg.Pos(), cg.End(), "+", 4),
		Message: fmt.Sprintf("%s was commented out: its code is still in %s, but go test no longer compiles or runs it. A test that does not run passes without checking anything. Check why it was turned off; if it was failing, the failure is the thing to fix.",
			bt.Name, hf.Path),
	}
	// Commented out with the code it exercised (a feature switched off as
	// a whole): uncommented, it would not compile against head.
	if s := a.SubjectOf(bt, true, bt.Body); len(s.Gone) > 0 {
		f.Severity = finding.Info
		f.Message = fmt.Sprintf("%s was commented out (its code is still in %s), and %s: uncommented, it would not compile against head, so it went with the code. Confirm the change was intended.",
			bt.Name, hf.Path, s.Why())
	}
	a.Report(f)
}

// checkTestMain flags a TestMain that no longer runs the package's tests.
func (a *pass) checkTestMain(m *model.Match) {
	bt, ht := m.Base, m.Head
	if mRun(bt) == token.NoPos {
		return
	}
	run := mRun(ht)
	if run == token.NoPos {
		a.reportDisabled(m, finding.Error, "TestMain no longer calls m.Run, so no test of package "+bt.Dir+" runs and go test reports success.", "")
		return
	}
	baseExits := map[string]int{}
	for _, s := range model.CollectSites(a.Base, bt) {
		if s.Kind == model.SiteExit {
			baseExits[s.Signature()]++
		}
	}
	for _, s := range model.CollectSites(a.Head, ht) {
		if s.Kind != model.SiteExit || s.At.Pos() > run {
			continue
		}
		if baseExits[s.Signature()] > 0 {
			baseExits[s.Signature()]--
			continue
		}
		sev, why := model.Grade(s, nil)
		f := finding.Finding{
			Rule: ID, Severity: sev, Symbol: bt.Name, Pkg: bt.Dir,
			File: ht.File.Path, Line: ht.File.Line(s.At.Pos()), OldFile: bt.File.Path, OldLine: bt.Line(),
			Excerpt: ht.File.Lines(s.At.Pos(), s.At.End(), "+", 3),
			Message: fmt.Sprintf("TestMain now exits with success before m.Run %s: no test of package %s runs then, and go test reports success. Check why the package's tests are bypassed.",
				why, bt.Dir),
		}
		a.Report(f)
	}
	if exit := exitDiscardingRun(ht, run); exit != nil && exitDiscardingRun(bt, mRun(bt)) == nil {
		a.reportDiscarded(m, exit, bt.Dir)
	}
}

// exitDiscardingRun finds, in a TestMain that runs the tests at run, an
// os.Exit after it while m.Run's result goes unused: the exit code of the
// tests is thrown away and the binary exits with whatever that call says.
// (A TestMain that returns after m.Run is fine: go test then exits with
// m.Run's result itself.)
func exitDiscardingRun(tf *model.TestFunc, run token.Pos) *ast.CallExpr {
	if run == token.NoPos || tf == nil {
		return nil
	}
	var runCall *ast.CallExpr
	used, discarded := false, false
	var result string
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ExprStmt:
			if c, ok := ast.Unparen(n.X).(*ast.CallExpr); ok && c.Pos() == run {
				runCall, discarded = c, true
			}
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 && len(n.Lhs) == 1 {
				if c, ok := ast.Unparen(n.Rhs[0]).(*ast.CallExpr); ok && c.Pos() == run {
					runCall = c
					if id, ok := n.Lhs[0].(*ast.Ident); ok {
						if id.Name == "_" {
							discarded = true
						} else {
							result = id.Name
						}
					}
				}
			}
		}
		return true
	})
	if runCall == nil {
		return nil // m.Run's result is used where it is called (os.Exit(m.Run()))
	}
	if result != "" {
		ast.Inspect(tf.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == result && id.Pos() > runCall.End() {
				used = true
			}
			return !used
		})
		discarded = !used
	}
	if !discarded {
		return nil
	}
	var exit *ast.CallExpr
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok || exit != nil || c.Pos() <= runCall.End() {
			return exit == nil
		}
		if recv, name := model.CallName(c); name == "Exit" && (tf.File.ImportPath(recv) == "os" || tf.File.ImportPath(recv) == "syscall") && len(c.Args) == 1 {
			if _, lit := ast.Unparen(c.Args[0]).(*ast.BasicLit); lit {
				exit = c
			}
		}
		return true
	})
	return exit
}

func (a *pass) reportDiscarded(m *model.Match, exit *ast.CallExpr, dir string) {
	ht := m.Head
	f := finding.Finding{
		Rule: ID, Severity: finding.Error, Symbol: ht.Name, Pkg: dir,
		File: ht.File.Path, Line: ht.File.Line(exit.Pos()),
		Excerpt: ht.File.Lines(exit.Pos(), exit.End(), "+", 3),
		Message: fmt.Sprintf("TestMain runs the tests of package %s but throws m.Run's result away and exits with %s: go test reports success even when tests fail. Exit with m.Run's result (os.Exit(m.Run()), or return after m.Run).",
			dir, ht.File.Text(exit)),
	}
	if m.Base != ht {
		f.OldFile, f.OldLine = m.Base.File.Path, m.Base.Line()
	}
	a.Report(f)
}

// mRun finds where a TestMain runs the tests: its m.Run() call, or a call
// that is handed m and runs them itself (goleak.VerifyTestMain(m),
// testscript.Main(m, …)).
func mRun(tf *model.TestFunc) token.Pos {
	pos := token.NoPos
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || pos != token.NoPos {
			return pos == token.NoPos
		}
		if recv, name := model.CallName(call); recv == tf.Param && name == "Run" {
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
func (a *pass) checkHollowed(m *model.Match) {
	what, line := a.Hollowed(m)
	if what == "" {
		return
	}
	f := a.reportDisabled(m, finding.Error, what, "")
	if line > 0 {
		ht := m.Head
		f.Line = line
		f.Excerpt = ht.File.Lines(ht.File.Fset.File(ht.Body.Pos()).LineStart(line), ht.Body.Rbrace, "+", 3)
	}
}

func startsWithSkip(tf *model.TestFunc, sc *model.CheckScope) bool {
	for _, s := range tf.Body.List {
		if es, ok := s.(*ast.ExprStmt); ok {
			if call, ok := es.X.(*ast.CallExpr); ok && sc.IsSkipCall(call) {
				return true
			}
		}
	}
	return false
}

// checkSuiteLeft flags a deleted suite runner whose suite is still there:
// without its runner, none of the suite's tests run.
func (a *pass) checkSuiteLeft(m *model.Match, suite string) {
	bt := m.Base
	var left []string
	for _, ht := range a.Head.PkgTests(bt.Dir) {
		if ht.Kind == model.KindSuite && ht.Parent == nil && (suite == "" || strings.HasPrefix(ht.Name, suite+".")) {
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
	f := a.reportDisabled(m, finding.Error, fmt.Sprintf("%s, which ran %s, was deleted, but the suite's tests are still there (%s): nothing runs them now.",
		bt.Name, what, model.ListNames(left, 6)), "")
	f.File, f.Line = a.SurvivingLine(bt)
}

// checkNewTestMain flags a TestMain added to a package that had none, when
// it does not run the package's tests: a new TestMain that never calls m.Run,
// or exits with success before it, turns every test of the package off.
func (a *pass) checkNewTestMain() {
	for _, ht := range a.Head.Tests {
		if ht.Kind != model.KindMain || ht.NotRun != "" {
			continue
		}
		had := false
		for _, bt := range a.Base.PkgTests(ht.Dir) {
			had = had || bt.Kind == model.KindMain
		}
		if had {
			continue
		}
		tests := 0
		for _, t := range a.Base.PkgTests(ht.Dir) {
			if t.Runs() && t.Parent == nil && t.Kind != model.KindMain {
				tests++
			}
		}
		if tests == 0 {
			continue // nothing to turn off
		}
		m := &model.Match{Base: ht, Head: ht, Kind: model.MatchSame}
		run := mRun(ht)
		if run == token.NoPos {
			f := a.reportDisabled(m, finding.Error, fmt.Sprintf("A new TestMain in package %s never calls m.Run, so none of the package's %d tests run and go test reports success.", ht.Dir, tests), "")
			f.OldFile, f.OldLine = "", 0
			continue
		}
		for _, s := range model.CollectSites(a.Head, ht) {
			if s.Kind != model.SiteExit || s.At.Pos() > run {
				continue
			}
			sev, why := model.Grade(s, nil)
			a.Report(finding.Finding{
				Rule: ID, Severity: sev, Symbol: ht.Name, Pkg: ht.Dir,
				File: ht.File.Path, Line: ht.File.Line(s.At.Pos()),
				Excerpt: ht.File.Lines(s.At.Pos(), s.At.End(), "+", 3),
				Message: fmt.Sprintf("A new TestMain exits with success before m.Run %s: none of the package's %d tests run then, and go test reports success. Check why the package's tests are bypassed.", why, tests),
			})
		}
		if exit := exitDiscardingRun(ht, run); exit != nil {
			a.reportDiscarded(m, exit, ht.Dir)
		}
	}
}
