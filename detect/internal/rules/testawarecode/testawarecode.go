package testawarecode

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"sort"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// idTestAwareCode is the rule's stable identifier: users filter and accept findings by it.
const ID = "test-aware-code"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Error,
	Doc: `Non-test code of a package newly consults whether it runs under go test or on CI,
and behaves differently there: testing.Testing() (or testing.Short/Verbose),
flag.Lookup("test.v") and other test. flags, the test binary's name (os.Args[0]
or os.Executable() ending in .test, -test. arguments), os.Getenv/LookupEnv of
a CI variable (CI, GITHUB_ACTIONS, GITLAB_CI, BUILDKITE, CIRCLECI, JENKINS_URL,
TF_BUILD, TRAVIS …), of a variable whose name says test (MYAPP_TEST, GO_TEST…),
or of a variable the package's tests set for the whole package (os.Setenv in
TestMain or init, not t.Setenv) when the code only checks its value; an
environment or mode setting compared with a test value (os.Getenv("APP_ENV")
== "test", cfg.Environment == "testing", switch env { case "test": }); a
look for testing.tRunner on the call stack; a variable the change itself
sets where the tests run (a workflow's env:; in a Makefile, a variable it
exports or one set on a recipe line that runs tests, not a make variable
only the run targets expand); a
variable an existing test newly switches on with t.Setenv (a new test setting
it tests the feature), when its branch returns early and
its name is no setting of a place (…_PATH, …_URL, …_ID: those are
configuration), at most a warning; a check of whether a peer or host is the
local machine (== "127.0.0.1", "localhost", IsLoopback()) whose branch returns
early — httptest runs the tests there — at most a warning, and nothing when a
test new in the change uses that literal (a feature for local tools); info
in a function whose name says that is its job (isLoopbackHostname,
IsLocalhost, isLocalPeer).

Error when what it guards changes behaviour (returns early, skips work, returns
something else); warning when it only guards logging or output formatting, or
when goodhart cannot see what the answer changes (an environment variable read
as data); CI annotations printed, then return, are output; info in test-support code (internal/testutil, httptest-style
packages, mocks, fakes, files such as testing.go) and in test hooks
(SetClockForTesting); info too in a file whose build constraint needs a
custom tag (//go:build record, ignore): only a build asking for the tag, such
as a record/replay proxy for tests, compiles it. At most a warning in a file
go build leaves out on linux/amd64 for its platform (windows, !cgo).

Not flagged: importing testing only for its types (helpers taking testing.TB),
functions that take a *testing.T (they only run under tests), a guard that
only panics (if !testing.Testing() { panic(…) }: a test hook refusing
production use, which makes no test pass), a check that base already had and
that merely moved to another file or function of the package, or to a function
of the same name in another package (code moved out of a file the range changed
or deleted), feature flags
read from environment variables that say nothing of tests or CI, ".test"
compared with anything but the program's own name (a .test host name), and
"testing.tRunner" searched for in anything but the call stack.

Example:
     func Fetch(url string) ([]byte, error) {
    +	if os.Getenv("CI") != "" {
    +		return cachedResponse, nil
    +	}

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): no alarm (the 1 wrong warning it raised, a loopback
check in isLoopbackHostname, is info now).`,
	Run: func(p *model.Pass) { runTestAwareCode(&pass{Pass: p}) },
}

// pass is the rule's view of one analysis: the model's Pass, with the
// rule's own steps as methods.
type pass struct {
	*model.Pass
	elsewhere map[string]bool // base's probes in changed files, by dir, symbol and what they ask
}

// probe is one place non-test code asks whether it runs under test or CI.
type probe struct {
	node     ast.Node
	sig      string // what it asks, for matching base and head: "testing.Testing", "env CI"
	what     string // how the message says it
	inherent bool   // it asks go test itself, so it has no production meaning
	signal   bool   // only counts when the value is checked, not used as data
	// upToWarning: a variable only a test sets with t.Setenv, which is how
	// a feature flag is tested as much as how a hatch is opened
	upToWarning bool
	loopback    bool           // it asks whether a peer or host is local: what httptest gives the tests
	loopLit     string         // the loopback literal compared with, if any
	file        *model.SrcFile // nil for a probe of an unchanged file, read from what was kept of it (keptProbes)
	decl        ast.Node       // the function or var declaration holding it
	symbol      string
	path        string // the file holding it, changed or not
}

func runTestAwareCode(a *pass) {
	dirs := map[string]bool{}
	for _, f := range a.ProdFiles() {
		if mayProbe(f) {
			dirs[model.DirOf(f.Path)] = true
		}
	}
	var list []string
	for d := range dirs {
		list = append(list, d)
	}
	sort.Strings(list)
	for _, dir := range list {
		a.checkTestAware(dir)
	}
}

// mayProbe is a cheap first look at a changed file: only a file that
// mentions the environment, the testing package, test flags or the
// program's name can hold a new probe.
func mayProbe(f *model.SrcFile) bool {
	for _, w := range []string{"Getenv", "LookupEnv", "testing", "test.", "Args", "Executable", `"test"`, `"tests"`, `"unit`, "IsLoopback", `"127.`, `"localhost`, `"::1"`, `"[::1]`} {
		if bytes.Contains(f.Src, []byte(w)) {
			return true
		}
	}
	return false
}

func (a *pass) checkTestAware(dir string) {
	if !a.mayHaveNewProbe(dir) {
		return // spares loading the whole package on both sides
	}
	hx, bx := a.Head.CrossRef(dir), a.Base.CrossRef(dir)
	var tset map[string]*model.TestLit // read on the first question
	envSet := func(name string) *model.TestLit {
		if l := hx.EnvSet[name]; l != nil {
			return l
		}
		if l := bx.EnvSet[name]; l != nil {
			return l
		}
		if l := a.CISetenvs()[name]; l != nil {
			return l
		}
		if tset == nil {
			tset = a.TestSetenvs(dir)
		}
		return tset[name]
	}
	head := pkgProbes(a.Head.NonTestEntries(dir), hx, envSet)
	base := pkgProbes(a.Base.NonTestEntries(dir), bx, envSet)
	for _, p := range newProbes(base, head) {
		if a.movedFromElsewhere(dir, p) {
			continue // the same check in a function of the same name, moved from another package
		}
		if p.file == nil {
			continue // a file the range did not change: no new probe there
		}
		if _, changed := a.Head.Files[p.file.Path]; changed {
			a.reportProbe(dir, p)
		}
	}
}

// mayHaveNewProbe looks for probes in the package's changed files of head
// alone, with a prober that takes any environment read for one. A new probe
// can only stand in a changed file, so when there is none the package need
// not be loaded and cross-referenced at all.
func (a *pass) mayHaveNewProbe(dir string) bool {
	var files []*model.SrcFile
	for path, f := range a.Head.Files {
		if model.DirOf(path) == dir && !model.IsTestFile(path) && mayProbe(f) {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return false
	}
	x := &model.PkgXref{Consts: map[string]string{}}
	var tests [][]byte // read on the first question: most probes read no environment
	read := false
	setByTests := func(name string) *model.TestLit {
		if !read {
			tests, read = a.Loader.TestSources(a.Head.Rev, dir), true
		}
		for _, src := range tests {
			if bytes.Contains(src, []byte(`Setenv("`+name+`"`)) {
				return &model.TestLit{} // maybe set for the whole package: look closer
			}
		}
		return a.CISetenvs()[name]
	}
	return len(collectProbesWith(files, x, setByTests, true)) > 0
}

// movedFromElsewhere reports whether base had the same probe in a function
// of the same name in a non-test file of another package that the range
// changed or deleted: code moved between packages (cmd/gh/main.go →
// internal/ghcmd/cmd.go) brings its checks along.
func (a *pass) movedFromElsewhere(dir string, p *probe) bool {
	if a.elsewhere == nil {
		a.elsewhere = map[string]bool{}
		var files []*model.SrcFile
		for path, f := range a.Base.Files {
			if !model.IsTestFile(path) && strings.HasSuffix(path, ".go") && mayProbe(f) {
				files = append(files, f)
			}
		}
		none := func(string) *model.TestLit { return nil }
		for _, q := range collectProbesWith(files, &model.PkgXref{Consts: map[string]string{}}, none, true) {
			a.elsewhere[model.DirOf(q.file.Path)+"\x00"+q.symbol+"\x00"+q.sig] = true
		}
	}
	for k := range a.elsewhere {
		d, rest, _ := strings.Cut(k, "\x00")
		if d != dir && rest == p.symbol+"\x00"+p.sig {
			return true
		}
	}
	return false
}

// newProbes returns the head probes base did not have: a probe of the same
// kind in the same function of the same file is the same probe, then one
// in a function of the same name (moved to another file); one left over
// elsewhere in the package moved. Pairing the same file first keeps an
// unchanged file's init from pairing with a new init of a file that sorts
// before it.
func newProbes(base, head []*probe) []*probe {
	left := append([]*probe(nil), head...)
	for _, key := range []func(*probe) string{
		func(p *probe) string { return p.path + "\x00" + p.symbol + "\x00" + p.sig },
		func(p *probe) string { return p.symbol + "\x00" + p.sig },
		func(p *probe) string { return p.sig },
	} {
		have := map[string]int{}
		for _, p := range base {
			if p != nil {
				have[key(p)]++
			}
		}
		var rest []*probe
		for _, p := range left {
			if k := key(p); have[k] > 0 {
				have[k]--
				for i, b := range base { // base's pairing is spent
					if b != nil && key(b) == k {
						base = append(base[:i:i], base[i+1:]...)
						break
					}
				}
				continue
			}
			rest = append(rest, p)
		}
		left = rest
	}
	return left
}

// collectProbesWith finds the probes of non-test files, in file and source
// order; a permissive prober also takes an environment read through a name
// it cannot resolve for a probe.
func collectProbesWith(files []*model.SrcFile, x *model.PkgXref, envSet func(string) *model.TestLit, permissive bool) []*probe {
	var out []*probe
	sorted := append([]*model.SrcFile(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	for _, f := range sorted {
		if model.IsTestFile(f.Path) || model.IgnoredDir(f.Path) {
			continue
		}
		out = append(out, fileProbes(f, x, envSet, permissive)...)
	}
	return out
}

// fileProbes finds the probes of one non-test file, in source order.
func fileProbes(f *model.SrcFile, x *model.PkgXref, envSet func(string) *model.TestLit, permissive bool) []*probe {
	var out []*probe
	pr := newProber(f, x, envSet, permissive)
	if pr == nil {
		return nil
	}
	pr.decls(func(decl, body ast.Node, symbol string) {
		out = append(out, pr.resolve(pr.scan(body), decl, symbol)...)
	})
	return out
}

// newProber returns the prober of a file, nil for a file whose probes are
// not looked for (it does not parse at all, or it is generated).
func newProber(f *model.SrcFile, x *model.PkgXref, envSet func(string) *model.TestLit, permissive bool) *prober {
	if f.AST == nil || f.Generated {
		return nil
	}
	return &prober{f: f, x: x, envSet: envSet, os: model.ImportName(f.AST, "os"), flag: model.ImportName(f.AST, "flag"), permissive: permissive}
}

// decls calls look on what of the file may probe: the bodies of its
// functions that take no *testing.T, and its variable declarations.
func (pr *prober) decls(look func(decl, body ast.Node, symbol string)) {
	for _, d := range pr.f.AST.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body != nil && !model.TakesTesting(pr.f, d) {
				look(d, d.Body, model.FuncSymbol(d))
			}
		case *ast.GenDecl:
			if d.Tok == token.VAR {
				look(d, d, strings.Join(model.DeclNames(d), ","))
			}
		}
	}
}

type prober struct {
	f          *model.SrcFile
	x          *model.PkgXref
	envSet     func(string) *model.TestLit
	os, flag   string            // local names of those imports
	argNames   []string          // locals holding the program's name or arguments
	stackNames []string          // locals holding the call stack or a caller's name
	envVars    map[string]string // locals holding an environment variable's value → the call reading it
	permissive bool              // take an unresolved environment variable name for a probe
}

// item is what the walk of a body finds, in order: a probe, or a read of
// the environment, which is a probe or not depending on the package (the
// constant that names the variable, what the tests and CI set) and which,
// when it is not one, leaves in its place what the walk finds inside it.
type item struct {
	p   *probe
	env *envRead
}

type envRead struct {
	call       *ast.CallExpr
	lit, ident string // the variable's name as a literal, or the identifier naming it
	instead    []item
}

// scan walks a declaration for probes, leaving the environment reads to
// resolve.
func (pr *prober) scan(body ast.Node) []item {
	// Each walk below starts from names the body must spell out (os.Args,
	// debug.Stack, os.Getenv); a body without them is spared the walk.
	pr.argNames, pr.stackNames = nil, nil
	if pr.f.Mentions(body, "Args", "Executable") {
		localsFrom(body, &pr.argNames, pr.programValue)
	}
	if pr.f.Mentions(body, "Stack", "Caller", "FuncForPC") {
		localsFrom(body, &pr.stackNames, pr.stackValue)
	}
	if pr.f.Mentions(body, "Getenv", "LookupEnv") {
		pr.envVars = pr.envLocals(body)
	} else {
		pr.envVars = map[string]string{}
	}
	return pr.items(body)
}

func (pr *prober) items(root ast.Node) []item {
	var out []item
	ast.Inspect(root, func(n ast.Node) bool {
		var p *probe
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				p = pr.binaryName(n, n.X, n.Y)
				if p == nil {
					p = pr.modeCompare(n, n.X, n.Y)
				}
				if p == nil {
					p = loopbackCompare(pr.f, n, n.X, n.Y)
				}
			}
		case *ast.SwitchStmt:
			p = pr.modeSwitch(n)
			if p != nil {
				out = append(out, item{p: p})
				p = nil // its node is a case value; the tag may hold other probes
			}
		case *ast.CallExpr:
			if pr.readsEnv(n) {
				out = append(out, item{env: pr.envRead(n)})
				return false
			}
			if p = pr.call(n); p == nil {
				p = pr.stackCheck(n)
			}
			if p == nil {
				p = loopbackCall(pr.f, n)
			}
		}
		if p != nil {
			p.node = n
			out = append(out, item{p: p})
			return false
		}
		return true
	})
	return out
}

// envRead is a read of the environment as items holds it: when it is no
// probe, the call's other readings, or else what its parts hold.
func (pr *prober) envRead(call *ast.CallExpr) *envRead {
	e := &envRead{call: call, lit: model.StringArg(call, 0)}
	if id, ok := call.Args[0].(*ast.Ident); ok {
		e.ident = id.Name
	}
	alt := pr.stackCheck(call)
	if alt == nil {
		alt = loopbackCall(pr.f, call)
	}
	if alt != nil {
		alt.node = call
		e.instead = []item{{p: alt}}
		return e
	}
	e.instead = pr.items(call.Fun)
	for _, arg := range call.Args {
		e.instead = append(e.instead, pr.items(arg)...)
	}
	return e
}

// resolve turns a declaration's items into its probes.
func (pr *prober) resolve(items []item, decl ast.Node, symbol string) []*probe {
	var out []*probe
	for _, it := range items {
		p := it.p
		if it.env != nil {
			if p = envProbe(envName(it.env.lit, it.env.ident, pr.x, pr.permissive), pr.f.Text(it.env.call), pr.envSet); p == nil {
				out = append(out, pr.resolve(it.env.instead, decl, symbol)...)
				continue
			}
			p.node = it.env.call
		}
		p.file, p.decl, p.symbol, p.path = pr.f, decl, symbol, pr.f.Path
		out = append(out, p)
	}
	return out
}

// testFlagFuncs are the testing functions that only mean something under go test.
var testFlagFuncs = model.SetOf("Testing", "Short", "Verbose", "CoverMode")

// stackCheck recognises a look for go test's frames on the call stack:
// strings.Contains(string(debug.Stack()), "testing.tRunner").
func (pr *prober) stackCheck(call *ast.CallExpr) *probe {
	if _, name := model.CallName(call); name != "Contains" && name != "Index" && name != "HasPrefix" && name != "HasSuffix" {
		return nil
	}
	if len(call.Args) != 2 || !strings.Contains(stringLit(call.Args[1]), "testing.tRunner") || !pr.stackValue(call.Args[0]) {
		return nil
	}
	return &probe{sig: "stack testing.tRunner", what: "whether go test is on the call stack (" + pr.f.Text(call) + ")", inherent: true}
}

// stackValue reports whether an expression reads the call stack:
// debug.Stack(), runtime.Stack, runtime.Caller(s), runtime.FuncForPC, or a
// local computed from one.
func (pr *prober) stackValue(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			recv, name := model.CallName(n)
			found = found || (recv == "debug" && name == "Stack") || (recv == "runtime" && (name == "Stack" || strings.HasPrefix(name, "Caller") || name == "FuncForPC"))
		case *ast.Ident:
			found = found || slices.Contains(pr.stackNames, n.Name)
		}
		return !found
	})
	return found
}

// testValues are the values an environment or mode setting takes under test.
var testValues = model.SetOf("test", "testing", "tests", "unittest", "unit-test", "unit_test")

// modeCompare recognises a check of the environment or mode against a test
// value: os.Getenv("APP_ENV") == "test", cfg.Environment == "testing".
func (pr *prober) modeCompare(at ast.Node, x, y ast.Expr) *probe {
	for _, pair := range [][2]ast.Expr{{x, y}, {y, x}} {
		v := stringLit(pair[1])
		if !testValues[strings.ToLower(v)] {
			continue
		}
		if what := pr.modeSetting(pair[0]); what != "" {
			text := pr.f.Text(at)
			if call := pr.envVars[model.ExprName(pair[0])]; call != "" {
				text += ", where " + model.ExprName(pair[0]) + " is " + call
			}
			return &probe{sig: "mode " + what + "=" + v, what: fmt.Sprintf("whether it runs in a test environment (%s)", text)}
		}
	}
	return nil
}

// modeSwitch recognises switch os.Getenv("APP_ENV") { case "test": … }; the
// probe is the case value, so that what it guards is that case.
func (pr *prober) modeSwitch(sw *ast.SwitchStmt) *probe {
	if sw.Tag == nil {
		return nil
	}
	what := pr.modeSetting(sw.Tag)
	if what == "" {
		return nil
	}
	for _, st := range sw.Body.List {
		cc, ok := st.(*ast.CaseClause)
		if !ok {
			continue
		}
		for _, e := range cc.List {
			if v := stringLit(e); testValues[strings.ToLower(v)] {
				return &probe{node: e, sig: "mode " + what + "=" + v, what: fmt.Sprintf("whether it runs in a test environment (switch %s, case %s)", pr.f.Text(sw.Tag), pr.f.Text(e))}
			}
		}
	}
	return nil
}

// modeSetting names what an expression holds when it is an environment or
// mode setting: an environment variable (read here or into a local) or a
// variable or field named like env, environment, mode, stage or profile.
func (pr *prober) modeSetting(e ast.Expr) string {
	e = ast.Unparen(e)
	if call, ok := e.(*ast.CallExpr); ok {
		if recv, name := model.CallName(call); recv == pr.os && pr.os != "" && (name == "Getenv" || name == "LookupEnv") {
			return "env " + model.StringArg(call, 0)
		}
		if _, name := model.CallName(call); (name == "ToLower" || name == "TrimSpace") && len(call.Args) == 1 {
			return pr.modeSetting(call.Args[0])
		}
		return ""
	}
	name := model.ExprName(e)
	if call := pr.envVars[name]; call != "" {
		return "env " + call
	}
	n := strings.ToLower(name)
	for _, w := range []string{"env", "mode", "stage", "profile"} {
		if strings.HasSuffix(n, w) || strings.HasPrefix(n, w) {
			return name
		}
	}
	return ""
}

// envLocals lists the locals a body assigns an environment variable to.
func (pr *prober) envLocals(body ast.Node) map[string]string {
	out := map[string]string{}
	if pr.os == "" {
		return out
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
			if call, ok := as.Rhs[0].(*ast.CallExpr); ok {
				if recv, name := model.CallName(call); recv == pr.os && (name == "Getenv" || name == "LookupEnv") {
					out[model.ExprName(as.Lhs[0])] = pr.f.Text(call)
				}
			}
		}
		return true
	})
	return out
}

func (pr *prober) call(call *ast.CallExpr) *probe {
	recv, name := model.CallName(call)
	tn := pr.f.TestingName
	switch {
	case tn != "" && tn != "." && recv == tn && testFlagFuncs[name]:
		return &probe{sig: "testing." + name, what: "whether it runs under go test (" + recv + "." + name + "())", inherent: true}
	case name == "Lookup" && strings.HasPrefix(model.StringArg(call, 0), "test.") && (recv == pr.flag || recv == "?"):
		return &probe{sig: "flag " + model.StringArg(call, 0), what: fmt.Sprintf("whether it runs under go test (%s)", pr.f.Text(call)), inherent: true}
	case (name == "HasSuffix" || name == "HasPrefix" || name == "Contains" || name == "Index") && len(call.Args) == 2:
		return pr.binaryName(call, call.Args[0], call.Args[1])
	}
	return nil
}

// readsEnv reports whether a call reads an environment variable:
// os.Getenv, os.LookupEnv, syscall.Getenv.
func (pr *prober) readsEnv(call *ast.CallExpr) bool {
	recv, name := model.CallName(call)
	return pr.os != "" && recv == pr.os && (name == "Getenv" || name == "LookupEnv") && len(call.Args) == 1 ||
		recv == "syscall" && name == "Getenv" && len(call.Args) == 1
}

// envName is the name of the variable a read of the environment reads: a
// literal, or a constant of the package; "?" for a permissive prober when
// neither tells it; "" when it is unknown.
func envName(lit, ident string, x *model.PkgXref, permissive bool) string {
	name := lit
	if name == "" && ident != "" && x != nil {
		name = x.Consts[ident]
	}
	if name == "" && permissive {
		name = "?"
	}
	return name
}

// envProbe judges a read of the environment variable name (text is the
// call, for the message): a probe when the name is CI's or says test, or
// the package's tests or CI set it; nil otherwise.
func envProbe(name, text string, envSet func(string) *model.TestLit) *probe {
	if name == "" {
		return nil
	}
	p := &probe{sig: "env " + name}
	switch {
	case model.CIVariables[name]:
		p.what = "whether it runs on CI (" + text + ")"
	case testNamed(name):
		p.what = "an environment variable whose name says test (" + text + ")"
	case envSet(name) != nil:
		set := envSet(name)
		switch set.Owner {
		case "t.Setenv":
			// A feature flag and its test look the same: at most a
			// warning, and never for a setting that names a place.
			if settingName(name) {
				return nil
			}
			p.what = fmt.Sprintf("%s, which an existing test of the package now switches on with t.Setenv (%s)", text, set.Where())
			p.upToWarning = true
		case "ci":
			p.what = fmt.Sprintf("%s, which the change sets where the tests run (%s)", text, set.Where())
		default:
			p.what = fmt.Sprintf("%s, which the package's tests set for the whole package (%s)", text, set.Where())
		}
		p.signal = true
	default:
		return nil
	}
	return p
}

// testNamed reports whether an environment variable's name says test:
// MYAPP_TEST, TESTING, GO_TEST_MODE — not LATEST or CONTEST.
func testNamed(name string) bool {
	up := strings.ToUpper(name)
	if strings.HasPrefix(up, "GO_TEST") || strings.HasPrefix(up, "GOTEST") {
		return true
	}
	for _, part := range strings.FieldsFunc(up, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		switch part {
		case "TEST", "TESTS", "TESTING", "GOTEST", "UNITTEST", "TESTMODE", "INTEGRATIONTEST", "E2ETEST":
			return true
		}
	}
	return false
}

// binaryName recognises a test of the program's own name or arguments
// against what go test gives its binary: os.Args[0] ending in .test, a
// -test.v argument, a go-build temporary directory.
func (pr *prober) binaryName(at ast.Node, x, y ast.Expr) *probe {
	for _, pair := range [][2]ast.Expr{{x, y}, {y, x}} {
		v := stringLit(pair[1])
		if v == "" || !testBinaryMarker(v) || !pr.programValue(pair[0]) {
			continue
		}
		return &probe{sig: "test binary", what: fmt.Sprintf("whether it runs as a go test binary (%s)", pr.f.Text(at)), inherent: true}
	}
	return nil
}

func testBinaryMarker(v string) bool {
	return strings.HasSuffix(v, ".test") || strings.HasSuffix(v, ".test.exe") || strings.HasPrefix(v, "-test.") ||
		strings.HasPrefix(v, "test.") || v == "_test" || strings.Contains(v, "/_test/") || v == "go-build" || v == "/go-build"
}

func stringLit(e ast.Expr) string {
	l, ok := ast.Unparen(e).(*ast.BasicLit)
	if !ok || l.Kind != token.STRING {
		return ""
	}
	v := model.LiteralValue(l)
	return strings.Trim(v, `"`)
}

// programValue reports whether an expression mentions os.Args,
// os.Executable or a local computed from them.
func (pr *prober) programValue(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && pr.os != "" && id.Name == pr.os && (n.Sel.Name == "Args" || n.Sel.Name == "Executable") {
				found = true
			}
		case *ast.Ident:
			found = found || slices.Contains(pr.argNames, n.Name)
		}
		return !found
	})
	return found
}

// localsFrom sets names to the locals a body computes from what source
// recognises (source sees the names found so far): exe, _ := os.Executable();
// for _, a := range os.Args; buf := debug.Stack().
func localsFrom(body ast.Node, names *[]string, source func(ast.Expr) bool) {
	*names = nil
	for changed := true; changed; {
		changed = false
		ast.Inspect(body, func(n ast.Node) bool {
			var lhs, rhs []ast.Expr
			switch n := n.(type) {
			case *ast.AssignStmt:
				lhs, rhs = n.Lhs, n.Rhs
			case *ast.RangeStmt:
				lhs, rhs = []ast.Expr{n.Key, n.Value}, []ast.Expr{n.X}
			default:
				return true
			}
			from := false
			for _, r := range rhs {
				from = from || source(r)
			}
			for _, l := range lhs {
				if id, ok := l.(*ast.Ident); ok && from && id.Name != "_" && !slices.Contains(*names, id.Name) {
					*names = append(*names, id.Name)
					changed = true
				}
			}
			return true
		})
	}
}

// localByName reports whether a function's name says it classifies local
// addresses (isLoopbackHostname, IsLocalhost, Server.isLocalPeer): a loopback
// check there is the function's purpose, not a way to tell tests apart.
func localByName(symbol string) bool {
	name := strings.ToLower(symbol[strings.LastIndex(symbol, ".")+1:])
	return strings.Contains(name, "loopback") || strings.Contains(name, "localhost") ||
		strings.HasPrefix(name, "islocal")
}

// reportProbe grades a new probe by what it guards and reports it.
func (a *pass) reportProbe(dir string, p *probe) {
	if p.loopback && a.newTestUses(dir, p.loopLit) {
		return // a feature for local addresses, with its own new test
	}
	g := a.guards(dir, p)
	if (p.loopback || p.upToWarning) && !g.bypass() {
		return // it does something else there, but skips nothing: a feature as often as a hatch
	}
	if p.signal && (!g.checked || g.data || storedAsData(p)) {
		return // a variable the tests set, read as configuration data
	}
	if g.failsOnly() {
		return // if !testing.Testing() { panic(…) }: a test hook refusing production use, which makes nothing pass
	}
	sev, what := finding.Error, ""
	switch {
	case len(g.bodies) == 0 && p.inherent:
		what = "; goodhart could not see what it changes, but it has no meaning outside go test"
	case len(g.bodies) == 0:
		sev, what = finding.Warning, "; goodhart could not see what it changes"
	case g.outputOnly():
		sev, what = finding.Warning, ", but only to change logging or output there"
	default:
		what = " and does something else then"
	}
	if p.loopback && localByName(p.symbol) {
		sev, what = finding.Info, what+" (info: the function's name says telling a local address from another is its job)"
	}
	if p.upToWarning && sev == finding.Error {
		sev = finding.Warning
		if p.loopback {
			what += " (a warning: real code gives local peers special treatment too)"
		} else {
			what += " (a warning: a feature flag and its test look the same)"
		}
	}
	line := p.file.Line(p.node.Pos())
	verb := "checks"
	if !g.checked {
		verb = "reads"
	}
	msg := fmt.Sprintf("%s newly %s %s at line %d%s.", p.symbol, verb, p.what, line, what)
	switch sev {
	case finding.Error:
		msg += " Code that behaves one way under go test or CI and another in production passes its tests without being tested. Check what the branch skips or returns instead; the tests should exercise the code production runs."
	default:
		msg += " Check that it changes nothing the tests are meant to check."
	}
	switch tag := optIn(p.file); {
	case model.TestSupport(p.file) || testHook(p.symbol):
		sev = finding.Info
		msg += " (It is test-support code, hence info.)"
	case tag != "":
		sev = finding.Info
		msg += fmt.Sprintf(" It is info: its file's build constraint //go:build %s needs a tag that only a build asking for it sets (go test -tags …, a record/replay proxy or other test tooling); a plain go test or go build never compiles it.", tag)
	default:
		sev, msg = model.DefaultBuildGrade(p.file, sev, msg)
	}
	f := finding.Finding{
		Rule: ID, Severity: sev, Symbol: p.symbol, Pkg: dir,
		File: p.file.Path, Line: line, Message: msg,
		Excerpt: p.file.Lines(p.node.Pos(), max(g.end(p), model.LineEnd(p.file, p.node.End())), "+", 4),
	}
	a.Report(f)
}

// optIn returns a file's build constraint when it needs a custom tag
// (//go:build record, //go:build ignore), or "": such a file is compiled only
// by a build that asks for the tag, which is what record/replay proxies and
// other test tooling do. A platform (//go:build windows, !cgo) is not opt-in:
// some CI runs there.
func optIn(f *model.SrcFile) string {
	x, _ := model.BuildExpr(f)
	if x == nil || x.Eval(model.DefaultTag) {
		return ""
	}
	if _, kind := model.ConstraintSeverity(x); kind == "platform" || kind == "impossible" {
		return ""
	}
	return x.String()
}

// storedAsData reports whether the value a probe reads is stored in a local
// that the function then uses as a value, not only in comparisons:
// if id := os.Getenv("KEY_ID"); id != "" { key = append([]byte(id), key...) }.
func storedAsData(p *probe) bool {
	if p.decl == nil {
		return false
	}
	var names []string
	ast.Inspect(p.decl, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, r := range as.Rhs {
			if r.Pos() <= p.node.Pos() && p.node.End() <= r.End() {
				if id, ok := as.Lhs[i].(*ast.Ident); ok && id.Name != "_" {
					names = append(names, id.Name)
				}
			}
		}
		return true
	})
	if len(names) == 0 {
		return false
	}
	data := false
	var walk func(n ast.Node, inCmp bool)
	walk = func(n ast.Node, inCmp bool) {
		ast.Inspect(n, func(x ast.Node) bool {
			switch x := x.(type) {
			case *ast.BinaryExpr:
				if model.IsComparison(x.Op) {
					walk(x.X, true)
					walk(x.Y, true)
					return false
				}
			case *ast.AssignStmt:
				for _, r := range x.Rhs {
					walk(r, inCmp)
				}
				return false
			case *ast.Ident:
				if !inCmp && slices.Contains(names, x.Name) {
					data = true
				}
			}
			return !data
		})
	}
	walk(p.decl, false)
	return data
}

// settingName reports whether an environment variable's name says it holds
// a place or an address (…_PATH, …_DIR, …_URL): configuration that a test
// points somewhere, not a switch.
func settingName(name string) bool {
	up := strings.ToUpper(name)
	for _, suf := range []string{"PATH", "DIR", "FILE", "URL", "URI", "HOST", "PORT", "ENDPOINT", "ADDR", "ADDRESS", "HOME", "ROOT", "NAME", "ID", "REGION", "KEY"} {
		if strings.HasSuffix(up, "_"+suf) || up == suf {
			return true
		}
	}
	return false
}
