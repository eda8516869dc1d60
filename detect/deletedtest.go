package detect

import (
	"fmt"
	"go/ast"
	"maps"
	"slices"
	"sort"
	"strings"
)

// idDeletedTest is the rule's stable identifier: users filter and accept findings by it.
const idDeletedTest = "deleted-test"

var deletedTest = &Rule{
	ID:       idDeletedTest,
	Severity: Error,
	Doc: `A test function, subtest, or whole _test.go file that exists in base is gone from head.

Tests are matched across the change by identity, not by file: a test with the same
body (ignoring formatting, comments, its own name and the name of its *testing.T)
anywhere in head — another file, another package, another name — was moved or
renamed; a nearly identical body was moved with small edits; a head test that
contains the whole body absorbed it; a head test whose table holds its inputs and
expected values folded it into a table. None of these is a finding.

Severity is info, not error, when what the test exercised went with it (the
function it is named after, or every package function it called, or the whole
package), when the deleted test could not fail (its body was empty or only
skipped), and when only people's commits deleted it. Deleting a benchmark is a
warning: go test does not run benchmarks by default.

Example:
    -func TestParseNegative(t *testing.T) {
    -	if _, err := Parse("-1"); err == nil {
    -		t.Fatal("want an error")
    -	}
    -}`,
	run: runDeletedTest,
}

func runDeletedTest(a *analysis) {
	byFile := map[string][]*match{}
	for _, m := range a.matches {
		if m.kind != matchGone || m.base.Kind == kindExample && m.base.NotRun != "" {
			continue
		}
		if a.commentedOut(m.base) != nil || a.unparsedInHead(m.base) {
			continue // disabled-test reports it, or head is broken there
		}
		if _, ok := suiteRunner(m.base); ok {
			continue // the suite's own tests are matched one by one; disabled-test reports a suite left unrun
		}
		byFile[m.base.File.Path] = append(byFile[m.base.File.Path], m)
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
func (a *analysis) reportDeleted(path string, ms []*match) {
	type graded struct {
		m   *match
		sev Severity
		why string
	}
	var all []graded
	for _, m := range ms {
		sev, why := a.deletionGrade(m.base)
		all = append(all, graded{m, sev, why})
	}
	if a.headFile(path) == nil {
		bySev := map[Severity][]graded{}
		for _, g := range all {
			if g.m.base.Parent == nil {
				bySev[g.sev] = append(bySev[g.sev], g)
			}
		}
		var rest []graded
		for sev, gs := range bySev {
			if len(gs) < 2 {
				rest = append(rest, gs...)
				continue
			}
			var ms []*match
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

func (a *analysis) reportDeletedTest(m *match, sev Severity, why string) {
	bt := m.base
	f := Finding{
		Rule: idDeletedTest, Severity: sev, Symbol: bt.Name, Pkg: bt.Dir,
		OldFile: bt.File.Path, OldLine: bt.line(),
		Excerpt: bt.File.lines(bt.Decl.Pos(), bt.Body.Rbrace+1, "-", 6),
	}
	f.File, f.Line = a.survivingLine(bt)
	what := "test " + bt.Name
	if bt.Kind == kindSubtest {
		what = "subtest " + bt.Name
	} else if bt.Kind == kindBenchmark {
		what = "benchmark " + bt.Name
	}
	f.Message = fmt.Sprintf("The %s (%s:%d in base) was deleted, and its body appears nowhere in head: it was not moved, renamed, or folded into a table. %s",
		what, bt.File.Path, bt.line(), why)
	a.report(f)
}

func (a *analysis) reportDeletedFile(path string, ms []*match, sev Severity, why string) {
	var names []string
	for _, m := range ms {
		names = append(names, m.base.Name)
	}
	sort.Strings(names)
	f := Finding{
		Rule: idDeletedTest, Severity: sev, OldFile: path, OldLine: 1, Pkg: dirOf(path),
		Message: fmt.Sprintf("The test file %s was deleted with %d tests (%s), and their bodies appear nowhere in head: they were not moved, renamed, or folded into a table. %s",
			path, len(names), listNames(names, 8), why),
	}
	for _, m := range ms[:min(len(ms), 3)] {
		f.Excerpt = append(f.Excerpt, m.base.File.lines(m.base.Decl.Pos(), m.base.Body.Lbrace+1, "-", 1)...)
	}
	a.report(f)
}

// deletionGrade decides how serious a deletion is and says why.
func (a *analysis) deletionGrade(bt *testFunc) (Severity, string) {
	if reason := a.subjectGone(bt); reason != "" {
		return Info, "What it tested was removed too (" + reason + "): this looks like a feature removed with its tests. Confirm the removal was intended."
	}
	if couldNotFail(bt) {
		return Info, "It could not fail (its body was empty or only skipped), so no check was lost."
	}
	if bt.Kind == kindBenchmark {
		return Warning, "Benchmarks do not run under a plain go test, but the measurement is lost. Check the removal was intended."
	}
	if a.parentRestructured(bt) {
		return Warning, "Its parent test was restructured and makes at least as many checks as before, so its cases may live on in another form (a table, computed subtest names). Check that they are still covered."
	}
	return Error, "Deleting a failing test is the quickest way to a green build. Check that what it verified still holds, or that the removal was intended and reviewed."
}

// couldNotFail reports whether a test body was empty or began by skipping.
func couldNotFail(tf *testFunc) bool {
	if len(tf.Body.List) == 0 {
		return true
	}
	sc := newCheckScope(tf)
	if es, ok := tf.Body.List[0].(*ast.ExprStmt); ok {
		if call, ok := es.X.(*ast.CallExpr); ok && sc.isSkipCall(call) {
			return true
		}
	}
	return false
}

// subjectGone says what the deleted test exercised that head no longer has:
// its package, the function it is named after, or every package function it
// called. "" when the subject is still there.
func (a *analysis) subjectGone(bt *testFunc) string {
	if !a.head.hasFiles(bt.Dir) {
		return "the package " + bt.Dir + " is gone"
	}
	for _, name := range subjectNames(bt.root().Name) {
		if a.base.declares(bt.Dir, name) && !a.head.declares(bt.Dir, name) {
			return name + " is gone from " + bt.Dir
		}
	}
	if name := a.removedAlongside(bt); name != "" {
		return name + ", which it is named after, was removed"
	}
	var called, gone []string
	for name := range calledNames(bt) {
		if a.base.declares(bt.Dir, name) {
			called = append(called, name)
			if !a.head.declares(bt.Dir, name) {
				gone = append(gone, name)
			}
		}
	}
	if len(called) > 0 && len(gone) == len(called) {
		sort.Strings(gone)
		return listNames(gone, 4) + " no longer exist in " + bt.Dir
	}
	return ""
}

// subjectNames guesses what a test is named after: TestParse → Parse;
// TestParser_Parse → Parser_Parse, Parser, Parse; Suite.TestX → X.
func subjectNames(name string) []string {
	name = shortName(name)
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
func (a *analysis) unparsedInHead(bt *testFunc) bool {
	hf := a.headFile(bt.File.Path)
	return hf != nil && hf.Err != nil && strings.Contains(string(hf.Src), shortName(bt.Name))
}

// removedAlongside finds code the range removed that the test is named
// after: a declaration (TestHCL and a removed hclCodec) or a non-test file
// or directory (TestIni and internal/encoding/ini). Names shorter than
// three letters say too little to count.
func (a *analysis) removedAlongside(bt *testFunc) string {
	subjects := subjectNames(bt.root().Name)
	if len(subjects) == 0 || len(subjects[0]) < 3 {
		return ""
	}
	subject := strings.ToLower(subjects[0])
	for _, p := range slices.Sorted(maps.Keys(a.deleted)) { // the same answer every run
		if isTestFile(p) || !strings.HasSuffix(p, ".go") {
			continue
		}
		for _, part := range strings.Split(strings.TrimSuffix(p, ".go"), "/") {
			if strings.ToLower(part) == subject || (len(subject) >= 5 && strings.Contains(strings.ToLower(part), subject)) {
				return p
			}
		}
	}
	for _, name := range a.removedDecls() {
		if l := strings.ToLower(name); l == subject || (len(subject) >= 4 && strings.Contains(l, subject)) {
			return name
		}
	}
	return ""
}

// removedDecls lists the top-level names that non-test files of base
// declared and no changed file of head declares any more.
func (a *analysis) removedDecls() []string {
	if a.gone != nil {
		return a.gone
	}
	have := map[string]bool{}
	for _, f := range a.head.files {
		if f.AST != nil && !isTestFile(f.Path) {
			for _, d := range f.AST.Decls {
				for _, n := range declNames(d) {
					have[n] = true
				}
			}
		}
	}
	a.gone = []string{}
	for _, path := range slices.Sorted(maps.Keys(a.base.files)) {
		f := a.base.files[path]
		if f.AST == nil || isTestFile(f.Path) {
			continue
		}
		for _, d := range f.AST.Decls {
			for _, n := range declNames(d) {
				if !have[n] && n != "_" && !a.head.declares(dirOf(f.Path), n) {
					a.gone = append(a.gone, n)
				}
			}
		}
	}
	return a.gone
}

// parentRestructured reports whether a deleted subtest's parent was kept and
// rewritten into something that checks at least as much as the parent and
// all its subtests did.
func (a *analysis) parentRestructured(bt *testFunc) bool {
	if bt.Parent == nil {
		return false
	}
	var head *testFunc
	for _, m := range a.matches {
		if m.base == bt.Parent && m.kind == matchSame {
			head = m.head
		}
	}
	if head == nil {
		return false
	}
	return a.familyChecks(a.head, head) >= a.familyChecks(a.base, bt.Parent)
}

// familyChecks counts the checks of a test and of all its subtests.
func (a *analysis) familyChecks(s *snapshot, tf *testFunc) int {
	n := len(a.checksIn(s, tf))
	for _, other := range s.tests {
		for p := other.Parent; p != nil; p = p.Parent {
			if p == tf {
				n += len(a.checksIn(s, other))
				break
			}
		}
	}
	return n
}
