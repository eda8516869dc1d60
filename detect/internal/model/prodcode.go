package model

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
	"unicode"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

// This file holds what the production-code rules (hardcoded-return,
// special-cased-input, test-aware-code) share: the changed functions of
// non-test files paired with their base versions, what counts as a constant
// value, which values derive from a function's inputs, and which statements
// only produce output.

// prodFunc is a function or method of a changed non-test file in head,
// with its base version when it had one.
type ProdFunc struct {
	Dir    string
	File   *SrcFile
	Decl   *ast.FuncDecl
	Base   *SrcFile      // nil for a new function
	Old    *ast.FuncDecl // nil for a new function
	Symbol string        // Name, or Recv.Name for a method
}

// changedFuncs lists the functions of head's changed non-test files whose
// body differs from base, in file and line order. New functions are listed
// too, with old nil.
func (a *Pass) ChangedFuncs() []*ProdFunc {
	var out []*ProdFunc
	for _, f := range a.ProdFiles() {
		dir := DirOf(f.Path)
		for _, d := range f.AST.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			pf := &ProdFunc{Dir: dir, File: f, Decl: fd, Symbol: FuncSymbol(fd)}
			pf.Base, pf.Old = a.baseFunc(dir, declKey(fd), f.Path)
			if pf.Old != nil && sameBody(pf.Base, pf.Old, f, fd) {
				continue
			}
			out = append(out, pf)
		}
	}
	return out
}

// prodFiles lists head's changed non-test Go files that go build compiles,
// sorted by path.
func (a *Pass) ProdFiles() []*SrcFile {
	var out []*SrcFile
	for p, f := range a.Head.Files {
		if strings.HasSuffix(p, ".go") && !IsTestFile(p) && !IgnoredDir(p) && f.AST != nil {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// baseFunc finds the base version of a declaration: in the same file (or
// the file it was renamed from) first, then in the package's other changed
// files, since functions move between files — and a function that left a
// file changed that file too, so base's unchanged files need no look.
func (a *Pass) baseFunc(dir, key, headPath string) (*SrcFile, *ast.FuncDecl) {
	basePath := headPath
	for from, to := range a.renamed {
		if to == headPath {
			basePath = from
		}
	}
	if bf, ok := a.Base.Files[basePath]; ok {
		if fd := a.funcIndex(bf)[key]; fd != nil {
			return bf, fd
		}
	}
	paths := make([]string, 0, len(a.Base.Files))
	for p := range a.Base.Files {
		if DirOf(p) == dir && p != basePath {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		if fd := a.funcIndex(a.Base.Files[p])[key]; fd != nil {
			return a.Base.Files[p], fd
		}
	}
	return nil, nil
}

// funcIndex maps a non-test file's functions by declaration key, once.
func (a *Pass) funcIndex(f *SrcFile) map[string]*ast.FuncDecl {
	if idx, ok := a.funcs[f]; ok {
		return idx
	}
	idx := map[string]*ast.FuncDecl{}
	if f.AST != nil && !IsTestFile(f.Path) {
		for _, d := range f.AST.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				idx[declKey(fd)] = fd
			}
		}
	}
	if a.funcs == nil {
		a.funcs = map[*SrcFile]map[string]*ast.FuncDecl{}
	}
	a.funcs[f] = idx
	return idx
}

func findFunc(f *SrcFile, key string) *ast.FuncDecl {
	if f.AST == nil || IsTestFile(f.Path) {
		return nil
	}
	for _, d := range f.AST.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && declKey(fd) == key {
			return fd
		}
	}
	return nil
}

// sameBody compares two bodies token by token, ignoring formatting and
// comments.
func sameBody(bf *SrcFile, bd *ast.FuncDecl, hf *SrcFile, hd *ast.FuncDecl) bool {
	if bf.Text(bd.Body) == hf.Text(hd.Body) {
		return true // the common case, without tokenizing
	}
	return tokenText(bf, bd.Body) == tokenText(hf, hd.Body)
}

// tokenText is the source of a node as a string of tokens, without comments
// or layout.
func tokenText(f *SrcFile, n ast.Node) string {
	src := []byte(f.Text(n))
	var s scanner.Scanner
	fs := token.NewFileSet()
	s.Init(fs.AddFile("", -1, len(src)), src, func(token.Position, string) {}, 0)
	var b strings.Builder
	for {
		_, tok, lit := s.Scan()
		switch {
		case tok == token.EOF:
			return b.String()
		case tok == token.SEMICOLON && lit == "\n":
			continue
		case lit != "":
			b.WriteString(lit)
		default:
			b.WriteString(tok.String())
		}
		b.WriteByte(' ')
	}
}

func FuncSymbol(fd *ast.FuncDecl) string {
	if fd.Recv != nil && len(fd.Recv.List) > 0 {
		return receiverType(fd) + "." + fd.Name.Name
	}
	return fd.Name.Name
}

// takesTesting reports whether a function has a *testing.T-like parameter:
// a test helper living in a non-test file, which only runs under go test.
func TakesTesting(f *SrcFile, fd *ast.FuncDecl) bool {
	for _, p := range fd.Type.Params.List {
		if f.isTestingType(p.Type, "T", "B", "F", "TB", "M") {
			return true
		}
	}
	return false
}

// testSupport reports whether a file is test support rather than production
// code: in a package or directory such as internal/testutil, httptest, mocks
// or stubs, or a file such as testing.go or mock_store.go.
func TestSupport(f *SrcFile) bool {
	names := strings.Split(DirOf(f.Path), "/")
	if f.AST != nil {
		names = append(names, f.AST.Name.Name)
	}
	for _, n := range names {
		if testSupportName(strings.ToLower(n)) {
			return true
		}
	}
	// File names: testing.go, testutil.go, mock_store.go, fake_clock.go — not
	// stub.go, the usual name of a platform's stand-in in production code.
	b := strings.ToLower(strings.TrimSuffix(baseName(f.Path), ".go"))
	for _, part := range strings.FieldsFunc(b, func(r rune) bool { return r == '_' || r == '-' }) {
		if testSupportFiles[part] || strings.HasPrefix(part, "mock") || strings.HasPrefix(part, "fake") {
			return true
		}
	}
	return false
}

// testSupportFiles are the words of file names that hold test support
// (testing.go, testutil.go, export_testing.go) — unlike testaware.go.
var testSupportFiles = SetOf("test", "testing", "testutil", "testutils", "testhelper", "testhelpers", "testhelp",
	"testenv", "testdata", "testfixtures", "testsupport", "testkit", "testtools", "testserver")

func testSupportName(n string) bool {
	switch n {
	case "mock", "mocks", "fake", "fakes", "stub", "stubs", "testutil", "testutils":
		return true
	}
	return strings.HasPrefix(n, "test") || strings.HasSuffix(n, "test") || strings.HasSuffix(n, "testing") ||
		strings.HasSuffix(n, "tests") || strings.HasPrefix(n, "mock") || strings.HasPrefix(n, "fake")
}

// defaultBuildGrade lowers an error to a warning in a file go build leaves
// out on linux/amd64, where CI usually runs: what it does there is not what
// the tests see.
func DefaultBuildGrade(f *SrcFile, sev finding.Severity, msg string) (finding.Severity, string) {
	why := excludedByDefault(f)
	if why == "" || sev < finding.Error {
		return sev, msg
	}
	return finding.Warning, msg + " It is a warning, not an error, because " + why + ", where CI usually runs."
}

// trivialValue lists the literals too common to say anything about a test:
// they never tie production code to a test.
var TrivialValue = SetOf(`""`, "0", "1", "-1", "nil", "true", "false")

// litValue returns the normalised value of a literal, including a negative
// number (-3) and the identifiers true, false and nil, or "" when e is not
// a literal.
func LitValue(e ast.Expr) string {
	switch e := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return LiteralValue(e)
	case *ast.UnaryExpr:
		if l, ok := ast.Unparen(e.X).(*ast.BasicLit); ok && e.Op == token.SUB && l.Kind != token.STRING && l.Kind != token.CHAR {
			return "-" + LiteralValue(l)
		}
	case *ast.Ident:
		if e.Name == "true" || e.Name == "false" || e.Name == "nil" {
			return e.Name
		}
	}
	return ""
}

// literalsOf lists the literal values inside an expression, trivial ones
// included, in source order.
func LiteralsOf(n ast.Node) []string {
	var out []string
	ast.Inspect(n, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok {
			if v := LitValue(e); v != "" {
				out = append(out, v)
				return false
			}
		}
		return true
	})
	return out
}

// funcScope knows, for one function, which names are its own (parameters,
// results, locals) and which of them only ever hold constants.
type FuncScope struct {
	File    *SrcFile
	imports map[string]bool // local names of the file's imports
	Types   map[string]bool // type names declared in the package
	state   map[string]bool // package-level variables that hold state (not sentinel errors)
	Inputs  map[string]bool // parameters and receiver
	Locals  map[string]bool // every name the function binds, inputs included
	Consts  map[string]bool // locals that only ever hold constants
}

func NewFuncScope(f *SrcFile, fd *ast.FuncDecl, x *PkgXref) *FuncScope {
	s := &FuncScope{File: f, imports: importNames(f), Types: x.types, state: x.state, Inputs: map[string]bool{}, Locals: map[string]bool{}, Consts: map[string]bool{}}
	var fields []*ast.Field
	if fd.Recv != nil {
		fields = append(fields, fd.Recv.List...)
	}
	fields = append(fields, fd.Type.Params.List...)
	for _, fl := range fields {
		for _, n := range fl.Names {
			if n.Name != "_" {
				s.Inputs[n.Name] = true
				s.Locals[n.Name] = true
			}
		}
	}
	var results []string
	if fd.Type.Results != nil {
		for _, fl := range fd.Type.Results.List {
			for _, n := range fl.Names {
				s.Locals[n.Name] = true
				results = append(results, n.Name)
			}
		}
	}
	// A local holds a constant when every value bound to it is one: named
	// results start at their zero value, `var x T` too.
	assigned := map[string][]ast.Expr{}
	for _, r := range results {
		assigned[r] = nil
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				s.Locals[id.Name] = true
				var v ast.Expr = id // x += y, or a, b := f(): not a constant
				if len(n.Lhs) == len(n.Rhs) && (n.Tok == token.DEFINE || n.Tok == token.ASSIGN) {
					v = n.Rhs[i]
				}
				assigned[id.Name] = append(assigned[id.Name], v)
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				s.Locals[id.Name] = true
				if i < len(n.Values) && len(n.Values) == len(n.Names) {
					assigned[id.Name] = append(assigned[id.Name], n.Values[i])
				} else if len(n.Values) > 0 {
					assigned[id.Name] = append(assigned[id.Name], id)
				} else if _, ok := assigned[id.Name]; !ok {
					assigned[id.Name] = nil
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					s.Locals[id.Name] = true
					assigned[id.Name] = append(assigned[id.Name], id)
				}
			}
		case *ast.IncDecStmt:
			if id, ok := n.X.(*ast.Ident); ok {
				assigned[id.Name] = append(assigned[id.Name], id)
			}
		case *ast.UnaryExpr:
			if id, ok := n.X.(*ast.Ident); ok && n.Op == token.AND {
				assigned[id.Name] = append(assigned[id.Name], id) // &x escapes: anything may write it
			}
		case *ast.TypeSwitchStmt:
			if as, ok := n.Assign.(*ast.AssignStmt); ok {
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						s.Locals[id.Name] = true
						assigned[id.Name] = append(assigned[id.Name], id)
					}
				}
			}
		}
		return true
	})
	for changed := true; changed; {
		changed = false
		for name, vals := range assigned {
			if s.Consts[name] || s.Inputs[name] {
				continue
			}
			all := true
			for _, v := range vals {
				if !s.IsConst(v) {
					all = false
					break
				}
			}
			if all {
				s.Consts[name] = true
				changed = true
			}
		}
	}
	return s
}

// importNames returns the local names under which a file refers to its imports.
func importNames(f *SrcFile) map[string]bool {
	out := map[string]bool{}
	if f.AST == nil {
		return out
	}
	for _, imp := range f.AST.Imports {
		p := strings.Trim(imp.Path.Value, "\"`")
		if imp.Name != nil {
			out[imp.Name.Name] = true
			continue
		}
		name := baseName(p)
		if isMajorVersion(name) && DirOf(p) != "." { // example.com/x/v2 is package x
			name = baseName(DirOf(p))
		}
		if i := strings.IndexAny(name, ".-"); i > 0 {
			name = name[:i]
		}
		out[name] = true
	}
	return out
}

func isMajorVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

var BuiltinTypes = SetOf("bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
	"uint32", "uint64", "uintptr", "float32", "float64", "complex64", "complex128", "byte", "rune", "error", "any")

// constCalls are calls whose value is fixed when their arguments are:
// error and time constructors, formatting of constants.
var constCalls = SetOf("errors.New", "fmt.Errorf", "fmt.Sprintf", "fmt.Sprint", "time.Date", "time.Unix",
	"time.UnixMilli", "time.Duration", "time.Month", "big.NewInt", "big.NewFloat", "strconv.Itoa", "netip.MustParseAddr",
	"net.ParseIP", "url.URL")

// isConst reports whether an expression always has the same value in this
// function: literals, named constants and package-level values, zero
// values, and composites, conversions and constructors of those.
func (s *FuncScope) IsConst(e ast.Expr) bool {
	switch e := e.(type) {
	case nil:
		return false
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		if s.Locals[e.Name] {
			return s.Consts[e.Name]
		}
		return !s.state[e.Name] // a named constant, a sentinel error, true/false/nil — not a variable holding state
	case *ast.ParenExpr:
		return s.IsConst(e.X)
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok && s.imports[id.Name] && !s.Locals[id.Name] {
			return true // http.StatusOK, io.EOF
		}
		return s.IsConst(e.X)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && s.IsConst(e.X)
	case *ast.BinaryExpr:
		return s.IsConst(e.X) && s.IsConst(e.Y)
	case *ast.CompositeLit:
		for _, el := range e.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			if !s.IsConst(el) {
				return false
			}
		}
		return true
	case *ast.CallExpr:
		return s.IsConstCall(e)
	}
	return false
}

func (s *FuncScope) IsConstCall(call *ast.CallExpr) bool {
	for _, arg := range call.Args {
		if !s.IsConst(arg) {
			return false
		}
	}
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		if fn.Name == "new" || BuiltinTypes[fn.Name] || (s.Types[fn.Name] && !s.Locals[fn.Name]) {
			return true // new(T), int64(3), Level(2)
		}
	case *ast.SelectorExpr:
		if id, ok := fn.X.(*ast.Ident); ok && s.imports[id.Name] {
			return constCalls[id.Name+"."+fn.Sel.Name]
		}
	case *ast.ArrayType, *ast.StarExpr, *ast.MapType:
		return true // []byte("x"), (*T)(nil)
	}
	return false
}

// derived computes which locals of a function hold values derived from its
// inputs: the parameters and receiver, and whatever is computed from them
// without leaving the function's own logic (a network call breaks the chain:
// a status code from an HTTP response is not an input of the function).
func (s *FuncScope) Derived(body *ast.BlockStmt) map[string]bool {
	d := map[string]bool{}
	for n := range s.Inputs {
		d[n] = true
	}
	for changed, rounds := true, 0; changed && rounds < 8; rounds++ {
		changed = false
		mark := func(lhs []ast.Expr, from bool) {
			for _, l := range lhs {
				if id, ok := l.(*ast.Ident); ok && from && !d[id.Name] && id.Name != "_" {
					d[id.Name] = true
					changed = true
				}
			}
		}
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				any := false
				for _, r := range n.Rhs {
					any = any || s.IsDerived(r, d)
				}
				mark(n.Lhs, any)
			case *ast.ValueSpec:
				any := false
				for _, v := range n.Values {
					any = any || s.IsDerived(v, d)
				}
				var lhs []ast.Expr
				for _, id := range n.Names {
					lhs = append(lhs, id)
				}
				mark(lhs, any)
			case *ast.RangeStmt:
				mark([]ast.Expr{n.Key, n.Value}, s.IsDerived(n.X, d))
			case *ast.TypeSwitchStmt:
				if as, ok := n.Assign.(*ast.AssignStmt); ok {
					mark(as.Lhs, len(as.Rhs) == 1 && s.IsDerived(as.Rhs[0], d))
				}
			}
			return true
		})
	}
	return d
}

// pureCalls are the packages whose functions transform a value without
// reaching outside the program.
var purePackages = SetOf("strings", "strconv", "bytes", "unicode", "utf8", "path", "filepath", "math", "time", "fmt", "url", "slices", "maps", "sort", "netip", "big", "regexp")

// isDerived reports whether an expression is computed from the inputs.
func (s *FuncScope) IsDerived(e ast.Expr, d map[string]bool) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return d[e.Name]
	case *ast.ParenExpr:
		return s.IsDerived(e.X, d)
	case *ast.SelectorExpr:
		return s.IsDerived(e.X, d)
	case *ast.IndexExpr:
		return s.IsDerived(e.X, d) || s.IsDerived(e.Index, d)
	case *ast.SliceExpr:
		return s.IsDerived(e.X, d)
	case *ast.StarExpr:
		return s.IsDerived(e.X, d)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && s.IsDerived(e.X, d)
	case *ast.BinaryExpr:
		return s.IsDerived(e.X, d) || s.IsDerived(e.Y, d)
	case *ast.TypeAssertExpr:
		return s.IsDerived(e.X, d)
	case *ast.CallExpr:
		return s.isDerivedCall(e, d)
	}
	return false
}

func (s *FuncScope) isDerivedCall(call *ast.CallExpr, d map[string]bool) bool {
	anyArg := false
	for _, a := range call.Args {
		anyArg = anyArg || s.IsDerived(a, d)
	}
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return anyArg // len(s), string(b), normalize(s): the package's own logic
	case *ast.SelectorExpr:
		if id, ok := fn.X.(*ast.Ident); ok && s.imports[id.Name] && !s.Locals[id.Name] {
			return anyArg && purePackages[id.Name]
		}
		// A method of an input: an accessor (d.Year(), s.String()) derives;
		// one that takes arguments may reach outside (c.client.Do(req)).
		return s.IsDerived(fn.X, d) && len(call.Args) == 0
	case *ast.ArrayType:
		return anyArg
	}
	return false
}

// outputOnly reports whether statements only log, print or change how
// output looks: branches that leave the program's behaviour alone.
func OutputOnly(list []ast.Stmt) bool {
	if len(list) == 0 {
		return false
	}
	for _, st := range list {
		if !isOutputStmt(st) {
			return false
		}
	}
	return true
}

// outputWords are the words of names that only concern how output looks:
// colors, verbosity, progress display, logging.
var outputWords = SetOf("color", "colors", "colour", "colours", "nocolor", "ansi", "format", "formatter", "pretty",
	"style", "verbose", "verbosity", "quiet", "silent", "progress", "spinner", "interactive", "tty", "width", "emoji",
	"output", "log", "logs", "logger", "logging", "loglevel", "print", "printer", "banner", "prompt", "pager", "debug", "trace")

func isOutputStmt(st ast.Stmt) bool {
	switch st := st.(type) {
	case *ast.ExprStmt:
		call, ok := st.X.(*ast.CallExpr)
		return ok && IsOutputCall(call)
	case *ast.AssignStmt:
		for _, l := range st.Lhs {
			name := ""
			switch l := l.(type) {
			case *ast.Ident:
				name = l.Name
			case *ast.SelectorExpr:
				name = l.Sel.Name
			}
			if !hasOutputWord(name) {
				return false
			}
		}
		return true
	case *ast.EmptyStmt:
		return true
	case *ast.ReturnStmt:
		// return report.Write(w, …): the rest of the function is the other
		// branch. A bare return or return nil is no output: it skips the rest.
		writes := false
		for _, r := range st.Results {
			if call, ok := r.(*ast.CallExpr); ok && IsOutputCall(call) {
				writes = true
			} else if id, ok := r.(*ast.Ident); !ok || (id.Name != "nil" && id.Name != "err") {
				return false
			}
		}
		return writes
	}
	return false
}

// hasOutputWord reports whether one of the words of a camelCase or
// snake_case name is an output word: noColor, logLevel — not catalog.
func hasOutputWord(name string) bool {
	for _, w := range nameWords(name) {
		if outputWords[w] {
			return true
		}
	}
	return false
}

// nameWords splits a name into lower-case words at underscores and case changes.
func nameWords(name string) []string {
	var words []string
	start := 0
	rs := []rune(name)
	for i := 1; i <= len(rs); i++ {
		boundary := i == len(rs) || rs[i] == '_' || rs[i] == '-' ||
			(unicode.IsUpper(rs[i]) && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]))))
		if !boundary {
			continue
		}
		if w := strings.Trim(string(rs[start:i]), "_-"); w != "" {
			words = append(words, strings.ToLower(w))
		}
		start = i
	}
	return words
}

var logReceivers = SetOf("log", "slog", "logger", "l", "lg", "logrus", "klog", "glog", "zap", "zerolog", "fmt", "color", "Logger", "Log")

// isOutputCall recognises logging and printing: log.Printf, slog.Info,
// s.logger.Debug, fmt.Fprintln, logger.SetLevel, color.NoColor().
func IsOutputCall(call *ast.CallExpr) bool {
	recv, name := CallName(call)
	if recv == "" {
		return hasOutputWord(name) // printBanner(), disableColor()
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && recv == "?" {
		if inner, ok := sel.X.(*ast.SelectorExpr); ok {
			recv = inner.Sel.Name // s.logger.Info
		}
	}
	for _, p := range []string{"Print", "Fprint", "Debug", "Info", "Warn", "Trace", "Log", "Set", "Disable", "Enable", "NoColor"} {
		if strings.HasPrefix(name, p) && (logReceivers[recv] || hasOutputWord(recv)) {
			return true
		}
	}
	if (name == "Error" || name == "Errorf") && (logReceivers[recv] || hasOutputWord(recv)) && recv != "fmt" {
		return true
	}
	return writesToOutput(call, name)
}

// writesToOutput recognises a write, render or encode into an output
// stream: report.Write(w, …), tmpl.Execute(os.Stdout, …), json.NewEncoder(out).Encode(v).
func writesToOutput(call *ast.CallExpr, name string) bool {
	writes := false
	for _, p := range []string{"Write", "Render", "Encode", "Execute", "Fprint", "Print"} {
		writes = writes || strings.HasPrefix(name, p)
	}
	if !writes {
		return false
	}
	args := call.Args
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if inner, ok := sel.X.(*ast.CallExpr); ok {
			args = append(args, inner.Args...) // json.NewEncoder(out).Encode(v)
		}
	}
	for _, a := range args {
		switch a := ast.Unparen(a).(type) {
		case *ast.Ident:
			if a.Name == "w" || a.Name == "out" || a.Name == "stdout" || a.Name == "stderr" || a.Name == "writer" {
				return true
			}
		case *ast.SelectorExpr:
			if a.Sel.Name == "Stdout" || a.Sel.Name == "Stderr" {
				return true
			}
		}
	}
	return false
}

// funcAt returns the function declaration of a file that contains pos.
func funcAt(f *SrcFile, pos token.Pos) *ast.FuncDecl {
	for _, d := range f.AST.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Pos() <= pos && pos < fd.End() {
			return fd
		}
	}
	return nil
}

// bodyExcerpt shows the first lines of a body (without its braces).
func BodyExcerpt(f *SrcFile, body *ast.BlockStmt, mark string, max int) []string {
	if len(body.List) == 0 {
		return f.Lines(body.Lbrace, body.Rbrace+1, mark, max)
	}
	return f.Lines(body.List[0].Pos(), body.List[len(body.List)-1].End(), mark, max)
}

func BlankAssign(as *ast.AssignStmt) bool {
	for _, l := range as.Lhs {
		if id, ok := l.(*ast.Ident); !ok || id.Name != "_" {
			return false
		}
	}
	return true
}
