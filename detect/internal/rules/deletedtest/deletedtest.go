package deletedtest

import (
	"fmt"
	"go/ast"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// idDeletedTest is the rule's stable identifier: users filter and accept findings by it.
const ID = "deleted-test"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Error,
	Doc: `A test function, subtest, or whole _test.go file that exists in base is gone from head.

Tests are matched across the change by identity, not by file: a test with the same
body (ignoring formatting, comments, its own name and the name of its *testing.T)
anywhere in head — another file, another package, another name — was moved or
renamed; a nearly identical body was moved with small edits; a head test that
contains the whole body absorbed it; a head test whose table holds its inputs and
expected values folded it into a table. None of these is a finding.

Severity is error only with evidence that a check is now missing: a message
the test expected is still in the code and no test of the package mentions it
any more, or the function the test is named after and calls is unchanged and
no test of the package mentions it. It is a warning when nothing explains the
deletion but nothing shows its subject untested either (what it called is
still tested, a message it expected is still checked elsewhere, its parent
test was restructured, its source file went while it used nothing the file
declared). It is info when the deletion is explained: what the test exercised
went with it (the function it is named after, every package function it
called, the whole package, the branch of a function it was written for, or a
sibling test of the same deleted file tested what the file removed); the
function it called changed its signature and the tests that still call it
were updated; it compared the code with a reference copy kept in the tests
and removed with it; a test of the same name that calls the same function
was added in another package (moved to the owner of the code); its file was
rewritten as a new file elsewhere; a new or rewritten table of its package
has a case named in the words of its name; its name is a kept test's plus a
suffix that only marks a copy (_Coverage3, _Final); the branch added it after
leaving the default branch, so against that branch nothing is lost; it could
not fail (its body was empty or only skipped) or compile; and when only
people's commits deleted it. Literals as common as a header name or a file
name prove nothing either way. Deleting a benchmark is info: go test does
not run benchmarks by default.

Example:
    -func TestParseNegative(t *testing.T) {
    -	if _, err := Parse("-1"); err == nil {
    -		t.Fatal("want an error")
    -	}
    -}

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): error: 1 right, 0 wrong; warning: 3 right, 2 wrong (a
redesign whose subtests were rewritten for the new behaviour, and a fork synced
to its upstream release). Before the severity followed the evidence: error 3
right, 13 wrong.`,
	Run: func(p *model.Pass) { runDeletedTest(&pass{Pass: p}) },
}

// pass is the rule's view of one analysis: the model's Pass, with the
// rule's own steps as methods.
type pass struct {
	*model.Pass
	homes    map[*model.SrcFile]fileHomes // per deleted test file, where its tests went (fileRewritten)
	followed map[*model.SrcFile][]string  // per deleted test file, its gone tests that followed the code (siblingFollowed)
}

// fileHomes counts, for a base test file, its top-level tests (all) and,
// per new head file, how many of them moved or were rewritten there.
type fileHomes struct {
	all  int
	took map[string]int
}

func runDeletedTest(a *pass) {
	byFile := map[string][]*model.Match{}
	for _, m := range a.Matches {
		if m.Kind != model.MatchGone || m.Base.Kind == model.KindExample && m.Base.NotRun != "" {
			continue
		}
		if a.CommentedOut(m.Base) != nil || a.unparsedInHead(m.Base) {
			continue // disabled-test reports it, or head is broken there
		}
		if _, ok := model.SuiteRunner(m.Base); ok {
			continue // the suite's own tests are matched one by one; disabled-test reports a suite left unrun
		}
		byFile[m.Base.File.Path] = append(byFile[m.Base.File.Path], m)
	}
	paths := make([]string, 0, len(byFile))
	for p := range byFile {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		a.reportDeleted(p, byFile[p])
	}
}

// reportDeleted reports the tests of one base file that are gone: one finding
// per test, or one for the whole file when the file went with several tests.
func (a *pass) reportDeleted(path string, ms []*model.Match) {
	type graded struct {
		m   *model.Match
		sev finding.Severity
		why string
	}
	if a.HoldsOnly() && a.HeadFile(path) != nil {
		// A replay asks which findings hold. The file is still there, so
		// each test gone from it is a finding of its own whatever its
		// grade (only a file deleted with its tests is graded together).
		for _, m := range ms {
			a.Report(finding.Finding{Rule: ID, Severity: finding.Info, Symbol: m.Base.Name, Pkg: m.Base.Dir, OldFile: m.Base.File.Path, OldLine: m.Base.Line()})
		}
		return
	}
	var all []graded
	for _, m := range ms {
		sev, why := a.deletionGrade(m.Base)
		all = append(all, graded{m, sev, why})
	}
	if a.HeadFile(path) == nil {
		bySev := map[finding.Severity][]graded{}
		for _, g := range all {
			if g.m.Base.Parent == nil {
				bySev[g.sev] = append(bySev[g.sev], g)
			}
		}
		var rest []graded
		for sev, gs := range bySev {
			if len(gs) < 2 {
				rest = append(rest, gs...)
				continue
			}
			var ms []*model.Match
			for _, g := range gs {
				ms = append(ms, g.m)
			}
			a.reportDeletedFile(path, ms, sev, gs[0].why)
		}
		all = rest
	}
	for _, g := range all {
		a.reportDeletedTest(g.m, g.sev, g.why)
	}
}

func (a *pass) reportDeletedTest(m *model.Match, sev finding.Severity, why string) {
	bt := m.Base
	f := finding.Finding{
		Rule: ID, Severity: sev, Symbol: bt.Name, Pkg: bt.Dir,
		OldFile: bt.File.Path, OldLine: bt.Line(),
		Excerpt: bt.File.Lines(bt.Decl.Pos(), bt.Body.Rbrace+1, "-", 6),
	}
	f.File, f.Line = a.SurvivingLine(bt)
	what := "test " + bt.Name
	if bt.Kind == model.KindSubtest {
		what = "subtest " + bt.Name
	} else if bt.Kind == model.KindBenchmark {
		what = "benchmark " + bt.Name
	}
	f.Message = fmt.Sprintf("The %s (%s:%d in base) was deleted, and its body appears nowhere in head: it was not moved, renamed, or folded into a table. %s",
		what, bt.File.Path, bt.Line(), why)
	a.Report(f)
}

func (a *pass) reportDeletedFile(path string, ms []*model.Match, sev finding.Severity, why string) {
	var names []string
	for _, m := range ms {
		names = append(names, m.Base.Name)
	}
	sort.Strings(names)
	f := finding.Finding{
		Rule: ID, Severity: sev, OldFile: path, OldLine: 1, Pkg: model.DirOf(path),
		Message: fmt.Sprintf("The test file %s was deleted with %d tests (%s), and their bodies appear nowhere in head: they were not moved, renamed, or folded into a table. %s",
			path, len(names), model.ListNames(names, 8), why),
	}
	for _, m := range ms[:min(len(ms), 3)] {
		f.Excerpt = append(f.Excerpt, m.Base.File.Lines(m.Base.Decl.Pos(), m.Base.Body.Lbrace+1, "-", 1)...)
	}
	a.Report(f)
}

// deletionGrade decides how serious a deletion is and says why.
func (a *pass) deletionGrade(bt *model.TestFunc) (finding.Severity, string) {
	if reason := a.subjectGone(bt); reason != "" {
		return finding.Info, "What it tested was removed too (" + reason + "): this looks like a feature removed with its tests. Confirm the removal was intended."
	}
	s := a.subjectOf(bt)
	if s.Followed() {
		return finding.Info, "It followed the code: " + s.Why() + ". Confirm the removal was intended."
	}
	if src := strings.TrimSuffix(bt.File.Path, "_test.go") + ".go"; a.Deleted[bt.File.Path] && a.Deleted[src] && !a.callsGoneFrom(bt, src) {
		if sib := a.siblingFollowed(bt); sib != "" {
			return finding.Info, "Its source file " + src + " was deleted with it, and " + sib + ", deleted from the same test file, tested what that file removed: the file's tests went with the code they were written for. Confirm the removal was intended."
		}
		return finding.Warning, "Its source file " + src + " was deleted with it, but the test used nothing that file declared and that is gone: what it checked may still be there. Check that it is, or that the removal was intended and reviewed."
	}
	if a.suiteEmptied(bt) {
		return finding.Info, "It only ran the package's ginkgo specs (RunSpecs), and head's package has none left to run: each spec is judged on its own."
	}
	if couldNotFail(bt) {
		return finding.Info, "It could not fail (its body was empty or only skipped), so no check was lost."
	}
	if model.CannotFail(bt) {
		return finding.Info, "It could fail only by crashing: it made no assertion, and its *testing.T served only logging and bookkeeping (t.Log, t.Run …), so no check was lost."
	}
	if names := a.undeclared(bt); len(names) > 0 {
		return finding.Info, "It called " + model.ListNames(names, 3) + ", which base's package did not declare: it could not compile, so no test that ran was lost."
	}
	if twin := a.twin(bt); twin != "" {
		return finding.Info, "A test of the package with the same stem stands in for it (" + twin + ", added or rewritten in this range, checking the same inputs, or one of a deleted file whose tests mostly moved or have such twins): this reads as tests consolidated or duplicates removed. Check that it covers the same cases."
	}
	if ht := a.RewrittenAs(bt); ht != "" {
		return finding.Info, "A test this range added or rewrote (" + ht + ") feeds the same inputs and expects the same values: it reads as this test rewritten under another name or in another style. Check that it checks as much."
	}
	if fn, had, has := a.signatureChanged(bt); fn != "" {
		return finding.Info, fmt.Sprintf("It called %s with %d arguments, and this range changed %s to take %d and updated the tests that still call it: the test could not compile against head, so it went with the change of the code it used. Confirm the removal was intended.", fn, had, fn, has)
	}
	if ref, fn := a.referenceGone(bt); ref != "" {
		return finding.Info, "It relied on " + ref + ", a reference copy of " + fn + " kept in the tests, which this range removed with it: an equivalence harness retired with its reference. Check that the behaviour checks that matter live on in other tests."
	}
	if twin := a.copyTwin(bt); twin != "" {
		return finding.Info, "Its name is " + twin + "'s with a suffix that only marks a copy, and " + twin + " still tests what it called: this reads as a duplicate removed. Check that it covered no case of its own."
	}
	if home, fn := a.movedAway(bt); home != "" {
		return finding.Info, "A test of the same name that calls " + fn + " was added or rewritten in this range in another package (" + home + "): it reads as moved there, to the package that owns what it tests. Check that it covers the same cases."
	}
	if root := bt.Root(); root.Kind != model.KindSpec {
		if start := a.AddedOnBranch(bt.Dir, root.Name); start != "" {
			return finding.Info, "Its test " + model.ShortName(root.Name) + " was not in the package where this branch left the default branch (" + model.Short(start) + "): the branch added it and now deletes it, so against the default branch no test is lost. Check that what it was written to verify is covered."
		}
	}
	if len(s.Untested) > 0 {
		return finding.Error, "What it checked is still in the code — " + model.ListNames(s.Untested, 3) + " — and no test of the package checks it any more. Deleting a failing test is the quickest way to a green build: check that the behaviour still holds, or that the removal was intended and reviewed."
	}
	if bt.Kind == model.KindBenchmark {
		return finding.Info, "Benchmarks do not run under a plain go test, so deleting one cannot turn a failing build green; the measurement is lost. Check the removal was intended."
	}
	if row := a.foldedByName(bt); row != "" {
		return finding.Info, "Its parent test in head has a case named " + strconv.Quote(row) + ": it reads as folded into the parent's table under the same name. Check that the row checks what the subtest did."
	}
	if ht, row := a.rowNamedAfter(bt); row != "" {
		return finding.Info, "A test this range added or rewrote in the package (" + ht + ") has a case named " + strconv.Quote(row) + ", which says in words what the deleted test's name says: it reads as folded into that table, perhaps with the behaviour changed on purpose. Check that the case checks what the test did."
	}
	if file, n, all, ht := a.fileRewritten(bt); file != "" {
		return finding.Info, fmt.Sprintf("Its test file was deleted and rewritten as %s, a file this range added: %d of its %d tests have a rewritten counterpart there, and %s there carries the words of its name. Check that its case is still covered.", file, n, all, ht)
	}
	if fn := a.namedSubjectUntested(bt); fn != "" {
		return finding.Error, "It is named after " + fn + ", which this range did not change and which no test of the package mentions any more. Deleting a failing test is the quickest way to a green build: check that " + fn + " still does what the test verified, or that the removal was intended and reviewed."
	}
	if len(s.CoveredBy) > 0 {
		return finding.Info, "The code it called is exercised by tests this range added or changed (" + model.ListNames(s.CoveredBy, 3) + "), which reads as tests reworked rather than dropped. Check that its cases are still covered."
	}
	if a.parentRestructured(bt) {
		return finding.Warning, "Its parent test was restructured and makes at least as many checks as before, so its cases may live on in another form (a table, computed subtest names). Check that they are still covered."
	}
	if len(s.Kept) > 0 {
		return finding.Warning, "What it expected is still in the code (" + model.ListNames(s.Kept, 3) + "), and other tests of the package still mention it; nothing in the range removed, moved or tested anew what it called. Check that what it verified still holds, or that the removal was intended and reviewed."
	}
	return finding.Warning, "Nothing in the range explains the deletion (what it called is still there, and no new test takes its place), but nothing shows its subject is left untested either. Check that what it verified still holds, or that the removal was intended and reviewed."
}

// undeclared lists the functions a test calls by bare name that base's
// package declares nowhere, test files included: a test left behind by an
// earlier removal, which could not compile. Locals, builtins and files with
// dot imports (whose names come from elsewhere) prove nothing.
func (a *pass) undeclared(bt *model.TestFunc) []string {
	if bt.File.AST == nil || bt.Parent != nil {
		return nil
	}
	for _, im := range bt.File.AST.Imports {
		if im.Name != nil && im.Name.Name == "." {
			return nil
		}
	}
	locals := map[string]bool{}
	ast.Inspect(bt.Decl, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					locals[id.Name] = true
				}
			}
		case *ast.ValueSpec:
			for _, id := range x.Names {
				locals[id.Name] = true
			}
		case *ast.Field:
			for _, id := range x.Names {
				locals[id.Name] = true
			}
		}
		return true
	})
	var out []string
	seen := map[string]bool{}
	ast.Inspect(bt.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		if !ok || seen[id.Name] || locals[id.Name] || goBuiltins[id.Name] {
			return true
		}
		seen[id.Name] = true
		if !a.Base.DeclaresAnywhere(bt.Dir, id.Name) {
			out = append(out, id.Name)
		}
		return true
	})
	sort.Strings(out)
	return out
}

var goBuiltins = model.SetOf("append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make",
	"max", "min", "new", "panic", "print", "println", "real", "recover", "bool", "byte", "complex64", "complex128",
	"error", "float32", "float64", "int", "int8", "int16", "int32", "int64", "rune", "string", "uint", "uint8",
	"uint16", "uint32", "uint64", "uintptr", "any")

// couldNotFail reports whether a test body was empty or began by skipping.
func couldNotFail(tf *model.TestFunc) bool {
	if len(tf.Body.List) == 0 {
		return true
	}
	sc := model.CheckScopeOf(tf)
	if es, ok := tf.Body.List[0].(*ast.ExprStmt); ok {
		if call, ok := es.X.(*ast.CallExpr); ok && sc.IsSkipCall(call) {
			return true
		}
	}
	return false
}

// subjectGone says what the deleted test exercised that head no longer has:
// its package, the function it is named after, or every package function it
// called. "" when the subject is still there.
func (a *pass) subjectGone(bt *model.TestFunc) string {
	// Only code truly removed counts: a package moved elsewhere, a
	// function renamed, or a source file deleted that held none of what the
	// test called, is not its subject gone.
	headDir := bt.Dir
	if !a.Head.HasFiles(bt.Dir) {
		if a.Submodule(bt.Dir) {
			return "" // replaced by a submodule: its code lives on elsewhere
		}
		if headDir = a.MovedTo(bt.Dir); headDir == "" {
			return "the package " + bt.Dir + " is gone"
		}
	}
	if src := strings.TrimSuffix(bt.File.Path, "_test.go") + ".go"; a.Deleted[bt.File.Path] && a.Deleted[src] && a.callsGoneFrom(bt, src) {
		return "its source file " + src + " was deleted with it"
	}
	for _, name := range subjectNames(bt.Root().Name) {
		if a.Base.Declares(bt.Dir, name) && !a.Head.Declares(headDir, name) && a.RenamedTo(bt.Dir, name) == "" {
			return name + " is gone from " + bt.Dir
		}
	}
	if name := a.removedAlongside(bt); name != "" {
		return name + ", which it is named after, was removed"
	}
	var called, gone []string
	for name := range model.CalledNames(bt) {
		if a.Base.Declares(bt.Dir, name) {
			called = append(called, name)
			if !a.Head.Declares(headDir, name) && a.RenamedTo(bt.Dir, name) == "" {
				gone = append(gone, name)
			}
		}
	}
	if len(called) > 0 && len(gone) == len(called) {
		sort.Strings(gone)
		return model.ListNames(gone, 4) + " no longer exist in " + bt.Dir
	}
	return ""
}

// subjectNames guesses what a test is named after: TestParse → Parse;
// TestParser_Parse → Parser_Parse, Parser, Parse; Suite.TestX → X.
func subjectNames(name string) []string {
	name = model.ShortName(name)
	for _, p := range []string{"Test", "Benchmark", "Fuzz", "Example"} {
		if strings.HasPrefix(name, p) {
			name = strings.TrimPrefix(name[len(p):], "_")
			break
		}
	}
	if name == "" {
		return nil
	}
	out := []string{name}
	if parts := strings.Split(name, "_"); len(parts) > 1 {
		out = append(out, parts...)
	}
	return out
}

// unparsedInHead reports whether head's version of the test's file does not
// parse and still mentions the test: the test may be there, unseen.
func (a *pass) unparsedInHead(bt *model.TestFunc) bool {
	hf := a.HeadFile(bt.File.Path)
	return hf != nil && hf.Err != nil && strings.Contains(string(hf.Src), model.ShortName(bt.Name))
}

// removedAlongside finds code the range removed that the test is named
// after: a declaration (TestHCL and a removed hclCodec) or a non-test file
// or directory (TestIni and internal/encoding/ini). Names shorter than
// three letters say too little to count.
func (a *pass) removedAlongside(bt *model.TestFunc) string {
	subjects := subjectNames(bt.Root().Name)
	if len(subjects) == 0 || len(subjects[0]) < 3 {
		return ""
	}
	subject := strings.ToLower(subjects[0])
	for _, p := range slices.Sorted(maps.Keys(a.Deleted)) { // the same answer every run
		if model.IsTestFile(p) || !strings.HasSuffix(p, ".go") {
			continue
		}
		for _, part := range strings.Split(strings.TrimSuffix(p, ".go"), "/") {
			if strings.ToLower(part) == subject || (len(subject) >= 5 && strings.Contains(strings.ToLower(part), subject)) {
				return p
			}
		}
	}
	for _, name := range a.removedDecls() {
		if l := strings.ToLower(name); (l == subject || (len(subject) >= 4 && strings.Contains(l, subject))) && a.RenamedTo(bt.Dir, name) == "" {
			return name
		}
	}
	return ""
}

// removedDecls lists the top-level names that non-test files of base
// declared and no changed file of head declares any more.
func (a *pass) removedDecls() []string {
	if a.Gone != nil {
		return a.Gone
	}
	have := map[string]bool{}
	for _, f := range a.Head.Files {
		if f.AST != nil && !model.IsTestFile(f.Path) {
			for _, d := range f.AST.Decls {
				for _, n := range model.DeclNames(d) {
					have[n] = true
				}
			}
		}
	}
	a.Gone = []string{}
	for _, path := range slices.Sorted(maps.Keys(a.Base.Files)) {
		f := a.Base.Files[path]
		if f.AST == nil || model.IsTestFile(f.Path) {
			continue
		}
		for _, d := range f.AST.Decls {
			for _, n := range model.DeclNames(d) {
				if !have[n] && n != "_" && !a.Head.Declares(model.DirOf(f.Path), n) {
					a.Gone = append(a.Gone, n)
				}
			}
		}
	}
	return a.Gone
}

// parentRestructured reports whether a deleted subtest's parent was kept and
// rewritten into something that checks at least as much as the parent and
// all its subtests did.
func (a *pass) parentRestructured(bt *model.TestFunc) bool {
	if bt.Parent == nil {
		return false
	}
	var head *model.TestFunc
	for _, m := range a.Matches {
		if m.Base == bt.Parent && m.Kind == model.MatchSame {
			head = m.Head
		}
	}
	if head == nil {
		return false
	}
	return a.familyChecks(a.Head, head) >= a.familyChecks(a.Base, bt.Parent)
}

// familyChecks counts the checks of a test and of all its subtests.
func (a *pass) familyChecks(s *model.Snapshot, tf *model.TestFunc) int {
	n := len(a.ChecksIn(s, tf))
	for _, other := range s.Tests {
		for p := other.Parent; p != nil; p = p.Parent {
			if p == tf {
				n += len(a.ChecksIn(s, other))
				break
			}
		}
	}
	return n
}

// suiteEmptied recognises a ginkgo suite's bootstrap — a test whose only
// work is RunSpecs — deleted when head's package has no spec left: the
// specs, not the bootstrap, carried the checks, and each deleted spec is
// reported for itself. With specs still in head, deleting the bootstrap
// stops them all, and is no such case.
func (a *pass) suiteEmptied(bt *model.TestFunc) bool {
	if bt.Parent != nil || bt.Body == nil {
		return false
	}
	runs := false
	for _, st := range bt.Body.List {
		ast.Inspect(st, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if _, fn := model.CallName(c); fn == "RunSpecs" {
					runs = true
				}
			}
			return true
		})
	}
	if !runs {
		return false
	}
	for _, ht := range a.Head.PkgTests(bt.Dir) {
		if ht.Kind == model.KindSpec {
			return false
		}
	}
	return true
}

// callsGoneFrom reports whether the test used something (a function, a
// type, a variable) that the base file src declared and head's package no
// longer declares under any name.
func (a *pass) callsGoneFrom(bt *model.TestFunc, src string) bool {
	f := a.Base.Files[src]
	if f == nil || f.AST == nil {
		return true // unread: keep to the file's name, as before
	}
	declared := map[string]bool{}
	for _, d := range f.AST.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			declared[d.Name.Name] = true
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					declared[sp.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						declared[n.Name] = true
					}
				}
			}
		}
	}
	gone := false
	look := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && !gone && declared[id.Name] && !a.Head.Declares(bt.Dir, id.Name) && a.RenamedTo(bt.Dir, id.Name) == "" {
				gone = true
			}
			return !gone
		})
	}
	look(bt.Decl)
	// and through the helpers of its own file that it calls
	called := model.CalledNames(bt)
	if bt.File.AST != nil {
		for _, d := range bt.File.AST.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && called[fd.Name.Name] {
				look(fd)
			}
		}
	}
	return gone
}
