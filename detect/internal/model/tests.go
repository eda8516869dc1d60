package model

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// testKind says what go test does with a function.
type testKind int

const (
	kindOther testKind = iota // not something go test runs: a helper, or a test that lost its name or signature
	kindTest
	KindBenchmark
	kindFuzz
	KindExample
	KindMain // TestMain
	KindSuite
	KindSubtest
	KindSpec // a ginkgo It
)

// TestFunc is one test (or test-like function) found in a file: a top-level
// function, a suite method, or a subtest run with a literal name.
type TestFunc struct {
	Name   string // TestX, Suite.TestY, TestX/sub/case, or a helper's name
	Kind   testKind
	Dir    string // package directory
	File   *SrcFile
	Decl   ast.Node // the *ast.FuncDecl, or the t.Run *ast.CallExpr of a subtest
	Body   *ast.BlockStmt
	Param  string // the name the body uses for its *testing.T (or suite receiver)
	Parent *TestFunc
	// NotRun says why go test does not run it ("" when it does).
	NotRun string

	print *fingerprint    // computed on first use
	scope *CheckScope     // computed on first use (CheckScopeOf)
	table map[string]bool // literals of its table rows, computed on first use

	// Ginkgo specs: the BeforeEach bodies of their containers, and whether
	// they (or a container) are pending or focused.
	setup            []*ast.BlockStmt
	Pending, Focused bool
}

// IsTest reports whether the function is a test of some kind (whether or not
// its file is built by default).
func (tf *TestFunc) IsTest() bool { return tf.Kind != kindOther }

// Runs reports whether go test runs it by default on linux/amd64.
func (tf *TestFunc) Runs() bool { return tf.IsTest() && tf.NotRun == "" }

func (tf *TestFunc) Line() int { return tf.File.Line(tf.Decl.Pos()) }

// Key identifies a test within the whole tree.
func (tf *TestFunc) Key() string { return tf.Dir + "\x00" + tf.Name }

// indexFile lists the tests and test-like functions of a file. In non-test
// files only functions that look like tests are listed (a test moved out of a
// _test.go file no longer runs).
func indexFile(f *SrcFile) []*TestFunc {
	if f.AST == nil {
		return nil
	}
	notRun := FileNotRun(f)
	var out []*TestFunc
	for _, d := range f.AST.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		tf := classifyFunc(f, fd)
		if tf == nil {
			continue
		}
		if tf.NotRun == "" && tf.IsTest() {
			tf.NotRun = notRun
		}
		out = append(out, tf)
		if tf.IsTest() && tf.Kind != KindMain {
			out = append(out, subtests(tf, tf.Body, tf.Param)...)
		}
	}
	return append(out, indexGinkgo(f)...)
}

// FileNotRun says why go test would not run the tests of a file by default,
// or "" when it would.
func FileNotRun(f *SrcFile) string {
	switch {
	case !IsTestFile(f.Path):
		return "it is in " + baseName(f.Path) + ", which is not a _test.go file"
	case IgnoredDir(f.Path):
		return "its file is under a directory the go tool ignores"
	}
	if why := excludedByDefault(f); why != "" {
		return why
	}
	return ""
}

// classifyFunc decides what go test makes of a top-level function.
func classifyFunc(f *SrcFile, fd *ast.FuncDecl) *TestFunc {
	tf := &TestFunc{Name: fd.Name.Name, Dir: DirOf(f.Path), File: f, Decl: fd, Body: fd.Body}
	params := fd.Type.Params.List
	tf.Param = firstParamName(params)
	testFile := IsTestFile(f.Path)
	if fd.Recv != nil {
		return classifyMethod(f, fd, tf)
	}
	okSig := fd.Type.TypeParams == nil && fd.Type.Results == nil && countParams(params) == 1
	switch {
	case fd.Name.Name == "TestMain" && okSig && f.isTestingType(params[0].Type, "M"):
		tf.Kind = KindMain
	case isTestName(fd.Name.Name, "Test") && okSig && f.isTestingType(params[0].Type, "T"):
		tf.Kind = kindTest
	case isTestName(fd.Name.Name, "Benchmark") && okSig && f.isTestingType(params[0].Type, "B"):
		tf.Kind = KindBenchmark
	case isTestName(fd.Name.Name, "Fuzz") && okSig && f.isTestingType(params[0].Type, "F"):
		tf.Kind = kindFuzz
	case strings.HasPrefix(fd.Name.Name, "Example") && len(params) == 0 && fd.Type.Results == nil:
		if !hasOutputComment(f, fd) {
			tf.NotRun = "it has no // Output: comment, so go test only compiles it"
		}
		tf.Kind = KindExample
	case testFile || looksLikeTest(f, fd):
		tf.Kind = kindOther
		if p := testingParam(f, params); p != "" {
			tf.Param = p // a helper: the checks it makes go through this
		}
	default:
		return nil
	}
	return tf
}

// classifyMethod recognises suite methods (testify's suite.Suite, gocheck):
// methods named Test… in a _test.go file.
func classifyMethod(f *SrcFile, fd *ast.FuncDecl, tf *TestFunc) *TestFunc {
	recvType := receiverType(fd)
	recvName := firstParamName(fd.Recv.List)
	if !IsTestFile(f.Path) || !isTestName(fd.Name.Name, "Test") || countParams(fd.Type.Params.List) > 1 {
		if IsTestFile(f.Path) {
			tf.Name = recvType + "." + fd.Name.Name
			tf.Param = recvName
			return tf // a method of the test file: a possible target of a moved or disabled test
		}
		return nil
	}
	tf.Kind = KindSuite
	tf.Name = recvType + "." + fd.Name.Name
	if tf.Param == "" {
		tf.Param = recvName
	}
	return tf
}

func receiverType(fd *ast.FuncDecl) string {
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch e := t.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			return id.Name
		}
	}
	return "?"
}

// looksLikeTest picks, in a non-test file, the functions worth indexing: a
// test moved out of its _test.go file keeps its name or its *testing.T.
func looksLikeTest(f *SrcFile, fd *ast.FuncDecl) bool {
	for _, p := range []string{"Test", "Benchmark", "Fuzz"} {
		if strings.HasPrefix(fd.Name.Name, p) {
			return true
		}
	}
	for _, p := range fd.Type.Params.List {
		if f.isTestingType(p.Type, "T", "B", "F", "TB") {
			return true
		}
	}
	return false
}

// isTestName applies go test's rule: the prefix, then nothing or a character
// that is not a lower-case letter.
func isTestName(name, prefix string) bool {
	if !strings.HasPrefix(name, prefix) {
		return false
	}
	if len(name) == len(prefix) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(name[len(prefix):])
	return !unicode.IsLower(r)
}

func hasOutputComment(f *SrcFile, fd *ast.FuncDecl) bool {
	for _, cg := range f.AST.Comments {
		if cg.Pos() < fd.Body.Lbrace || cg.End() > fd.Body.Rbrace {
			continue
		}
		t := strings.TrimSpace(cg.Text())
		if strings.HasPrefix(t, "Output:") || strings.HasPrefix(t, "Unordered output:") {
			return true
		}
		if strings.Contains(t, "\nOutput:") || strings.Contains(t, "\nUnordered output:") {
			return true
		}
	}
	return false
}

func countParams(fields []*ast.Field) int {
	n := 0
	for _, f := range fields {
		if len(f.Names) == 0 {
			n++
		}
		n += len(f.Names)
	}
	return n
}

func firstParamName(fields []*ast.Field) string {
	if len(fields) == 0 || len(fields[0].Names) == 0 {
		return ""
	}
	return fields[0].Names[0].Name
}

// subtests finds the subtests run with a literal name inside body, where
// param is the name of the enclosing test's *testing.T (or suite receiver).
func subtests(parent *TestFunc, body *ast.BlockStmt, param string) []*TestFunc {
	if param == "" || param == "_" || subtestDepth(parent) >= maxSubtestDepth {
		return nil
	}
	var out []*TestFunc
	seen := map[string]int{}
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		recv, name := CallName(call)
		lit, ok1 := call.Args[0].(*ast.BasicLit)
		fn, ok2 := call.Args[1].(*ast.FuncLit)
		if recv != param || name != "Run" || !ok1 || lit.Kind != token.STRING || !ok2 {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			return true
		}
		s = subtestName(s)
		if k := seen[s]; k > 0 {
			seen[s] = k + 1
			s = s + "#" + twoDigits(k)
		} else {
			seen[s] = 1
		}
		sub := &TestFunc{
			Name: parent.Name + "/" + s, Kind: KindSubtest, Dir: parent.Dir, File: parent.File,
			Decl: call, Body: fn.Body, Param: firstParamName(fn.Type.Params.List), Parent: parent,
			NotRun: parent.NotRun,
		}
		if sub.Param == "" && parent.Kind == KindSuite {
			sub.Param = param // suite.Run("name", func() { s.Equal(…) })
		}
		out = append(out, sub)
		out = append(out, subtests(sub, fn.Body, sub.Param)...)
		return false
	})
	return out
}

// maxSubtestDepth bounds how deep subtests are listed as tests of their
// own: each is read over its whole body (fingerprints, checks), which holds
// every subtest nested in it, so listing every level of thousands of
// nested t.Run costs time and memory quadratic in the depth. Deeper
// subtests are part of their ancestor at the limit; real tests nest a few
// levels.
const maxSubtestDepth = 16

func subtestDepth(tf *TestFunc) int {
	n := 0
	for ; tf != nil && tf.Kind == KindSubtest; tf = tf.Parent {
		n++
	}
	return n
}

// subtestName rewrites a subtest name as go test reports it.
func subtestName(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return '_'
		}
		return r
	}, s)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func DirOf(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "."
	}
	return p[:i]
}

func baseName(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// SuiteRunner recognises a test whose whole body hands its *testing.T to a
// suite runner — suite.Run(t, new(S)), suite.Run(t, &S{}), check.TestingT(t)
// — and returns the suite's type name ("" for gocheck, which runs every
// registered suite).
func SuiteRunner(tf *TestFunc) (suite string, ok bool) {
	if len(tf.Body.List) != 1 {
		return "", false
	}
	es, isExpr := tf.Body.List[0].(*ast.ExprStmt)
	if !isExpr {
		return "", false
	}
	call, isCall := es.X.(*ast.CallExpr)
	if !isCall {
		return "", false
	}
	switch recv, name := CallName(call); {
	case name == "TestingT" && len(call.Args) == 1:
		return "", true
	case name == "Run" && recv != tf.Param && len(call.Args) == 2:
		return suiteType(call.Args[1]), true
	}
	return "", false
}

// suiteType reads the type out of new(S), &S{}, S{} or &S{…}.
func suiteType(e ast.Expr) string {
	switch x := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "new" && len(x.Args) == 1 {
			return suiteType(x.Args[0])
		}
	case *ast.UnaryExpr:
		return suiteType(x.X)
	case *ast.CompositeLit:
		return suiteType(x.Type)
	case *ast.Ident:
		return x.Name
	}
	return "?"
}

// bodySrc is the source text of the body, for a cheap test of "unchanged".
func (tf *TestFunc) bodySrc() []byte {
	tok := tf.File.Fset.File(tf.Body.Pos())
	if tok == nil || !tf.Body.Rbrace.IsValid() {
		return nil
	}
	start, end := tok.Offset(tf.Body.Lbrace), tok.Offset(tf.Body.Rbrace)+1
	if start < 0 || end > len(tf.File.Src) || start > end {
		return nil
	}
	return tf.File.Src[start:end]
}

// Ginkgo specs are tests too: an It inside Describe/Context/When containers,
// named by the containers' texts and its own, joined with "/".

var (
	ginkgoContainers = SetOf("Describe", "Context", "When")
	ginkgoSpecs      = SetOf("It", "Specify")
	ginkgoSetups     = SetOf("BeforeEach", "JustBeforeEach")
)

// ginkgoName returns how a file refers to ginkgo: "." for a dot import, its
// local name, or "" when it does not import it.
func ginkgoName(f *SrcFile) string {
	for _, p := range []string{"github.com/onsi/ginkgo/v2", "github.com/onsi/ginkgo"} {
		if f.dotImports(p) {
			return "."
		}
		for local, path := range f.imports {
			if path == p {
				return local
			}
		}
	}
	return ""
}

// ginkgoCall reads a call as a ginkgo node: its base name (It, Describe …)
// and its prefix ("", "X", "P" or "F").
func ginkgoCall(f *SrcFile, call *ast.CallExpr, gname string) (name, prefix string) {
	recv, n := CallName(call)
	if (gname == "." && recv != "") || (gname != "." && recv != gname) {
		return "", ""
	}
	for _, p := range []string{"X", "P", "F"} {
		if rest := strings.TrimPrefix(n, p); rest != n && (ginkgoContainers[rest] || ginkgoSpecs[rest]) {
			return rest, p
		}
	}
	return n, ""
}

// specState is what a spec inherits from its containers.
type specState struct {
	path             string
	setup            []*ast.BlockStmt
	pending, focused bool
}

// indexGinkgo lists the specs of a test file that uses ginkgo.
func indexGinkgo(f *SrcFile) []*TestFunc {
	gname := ginkgoName(f)
	if gname == "" || !IsTestFile(f.Path) {
		return nil
	}
	var out []*TestFunc
	for _, d := range f.AST.Decls {
		var roots []ast.Node
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if vs, ok := s.(*ast.ValueSpec); ok {
					for _, v := range vs.Values {
						roots = append(roots, v)
					}
				}
			}
		case *ast.FuncDecl:
			if d.Name.Name == "init" && d.Recv == nil && d.Body != nil {
				roots = append(roots, d.Body)
			}
		}
		for _, r := range roots {
			out = append(out, ginkgoWalk(f, gname, r, specState{})...)
		}
	}
	return out
}

// ginkgoWalk finds the containers and specs under n.
func ginkgoWalk(f *SrcFile, gname string, n ast.Node, st specState) []*TestFunc {
	var out []*TestFunc
	var setups []*ast.BlockStmt
	ast.Inspect(n, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			name, _ := ginkgoCall(f, call, gname)
			switch {
			case ginkgoSetups[name]:
				if fl := lastFuncLit(call); fl != nil {
					setups = append(setups, fl.Body)
				}
				return false
			case ginkgoContainers[name] || ginkgoSpecs[name]:
				return false // their own setups are theirs
			}
		}
		return true
	})
	st.setup = append(append([]*ast.BlockStmt(nil), st.setup...), setups...)
	ast.Inspect(n, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		name, prefix := ginkgoCall(f, call, gname)
		if !ginkgoContainers[name] && !ginkgoSpecs[name] {
			return true
		}
		fl := lastFuncLit(call)
		text := ""
		if len(call.Args) > 0 {
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				text, _ = strconv.Unquote(lit.Value)
			}
		}
		if fl == nil || text == "" {
			return false
		}
		inner := st
		inner.path = strings.TrimPrefix(st.path+"/"+subtestName(text), "/")
		inner.pending = st.pending || prefix == "X" || prefix == "P" || hasDecorator(call, "Pending")
		inner.focused = st.focused || prefix == "F" || hasDecorator(call, "Focus")
		if ginkgoSpecs[name] {
			out = append(out, &TestFunc{
				Name: inner.path, Kind: KindSpec, Dir: DirOf(f.Path), File: f, Decl: call, Body: fl.Body,
				Param: firstParamName(fl.Type.Params.List), setup: inner.setup, Pending: inner.pending, Focused: inner.focused,
				NotRun: FileNotRun(f),
			})
			return false
		}
		out = append(out, ginkgoWalk(f, gname, fl.Body, inner)...)
		return false
	})
	return out
}

func lastFuncLit(call *ast.CallExpr) *ast.FuncLit {
	if len(call.Args) == 0 {
		return nil
	}
	fl, _ := call.Args[len(call.Args)-1].(*ast.FuncLit)
	return fl
}

// hasDecorator finds a ginkgo decorator (Pending, Focus) among the arguments.
func hasDecorator(call *ast.CallExpr, name string) bool {
	for _, arg := range call.Args {
		switch a := arg.(type) {
		case *ast.Ident:
			if a.Name == name {
				return true
			}
		case *ast.SelectorExpr:
			if a.Sel.Name == name {
				return true
			}
		}
	}
	return false
}

// testingParam names a function's first parameter of a testing type
// (*testing.T, *testing.B, *testing.F, testing.TB), or "".
func testingParam(f *SrcFile, params []*ast.Field) string {
	for _, p := range params {
		if f.isTestingType(p.Type, "T", "B", "F", "TB") && len(p.Names) > 0 {
			return p.Names[0].Name
		}
	}
	return ""
}

// IsHelper reports whether a function of a test file is a helper that tests
// hand their *testing.T to.
func (tf *TestFunc) IsHelper() bool {
	if tf.Kind != kindOther || tf.Parent != nil || !IsTestFile(tf.File.Path) {
		return false
	}
	fd, ok := tf.Decl.(*ast.FuncDecl)
	return ok && fd.Recv == nil && testingParam(tf.File, fd.Type.Params.List) != ""
}

// Setups returns the BeforeEach bodies of a ginkgo spec's containers: the
// spec's data and the code it drives sit there as much as in its body.
func (tf *TestFunc) Setups() []*ast.BlockStmt { return tf.setup }
