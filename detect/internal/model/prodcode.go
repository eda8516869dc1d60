package model

import (
	"bytes"
	"go/ast"
	"go/scanner"
	"go/token"
	"sort"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

// This file holds what the production-code rules (hardcoded-return,
// special-cased-input, test-aware-code) share: the changed functions of
// non-test files paired with their base versions, what counts as a constant
// value, which values derive from a function's inputs, and which statements
// only produce output.

// ProdFunc is a function or method of a changed non-test file in head,
// with its base version when it had one.
type ProdFunc struct {
	Dir    string
	File   *SrcFile
	Decl   *ast.FuncDecl
	Base   *SrcFile      // nil for a new function
	Old    *ast.FuncDecl // nil for a new function
	Symbol string        // Name, or Recv.Name for a method
}

// ChangedFuncs lists the functions of head's changed non-test files whose
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

// ProdFiles lists head's changed non-test Go files that go build compiles,
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
	idx := a.baseIndex()
	basePath := headPath
	if from, ok := idx.renamedFrom[headPath]; ok {
		basePath = from
	}
	if bf, ok := a.Base.Files[basePath]; ok {
		if fd := a.funcIndex(bf)[key]; fd != nil {
			return bf, fd
		}
	}
	for _, p := range idx.byDir[dir] {
		if p == basePath {
			continue
		}
		if fd := a.funcIndex(a.Base.Files[p])[key]; fd != nil {
			return a.Base.Files[p], fd
		}
	}
	return nil, nil
}

// baseIndex is what baseFunc looks up for every changed function: base's
// changed files by directory (sorted by path) and the renames by head path.
// A change that moves a tree renames thousands of files, and scanning them
// per function cost a pull request seconds.
type baseIndex struct {
	files, renames int // the sizes it was made from
	byDir          map[string][]string
	renamedFrom    map[string]string
}

func (a *Pass) baseIndex() *baseIndex {
	if x := a.baseIdx; x != nil && x.files == len(a.Base.Files) && x.renames == len(a.renamed) {
		return x
	}
	x := &baseIndex{files: len(a.Base.Files), renames: len(a.renamed), byDir: map[string][]string{}, renamedFrom: map[string]string{}}
	for p := range a.Base.Files {
		x.byDir[DirOf(p)] = append(x.byDir[DirOf(p)], p)
	}
	for _, paths := range x.byDir {
		sort.Strings(paths)
	}
	for from, to := range a.renamed {
		// Two files renamed to one path cannot come from one diff; should
		// they, the first by name is taken, where a map's order chose before.
		if prev, ok := x.renamedFrom[to]; !ok || from < prev {
			x.renamedFrom[to] = from
		}
	}
	a.baseIdx = x
	return x
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
	if bytes.Equal(bf.textBytes(bd.Body), hf.textBytes(hd.Body)) {
		return true // the common case, without tokenizing
	}
	return tokenText(bf, bd.Body) == tokenText(hf, hd.Body)
}

// tokenText is the source of a node as a string of tokens, without comments
// or layout.
func tokenText(f *SrcFile, n ast.Node) string {
	src := f.textBytes(n) // read, never written, by the scanner
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

// TakesTesting reports whether a function has a *testing.T-like parameter:
// a test helper living in a non-test file, which only runs under go test.
func TakesTesting(f *SrcFile, fd *ast.FuncDecl) bool {
	for _, p := range fd.Type.Params.List {
		if f.isTestingType(p.Type, "T", "B", "F", "TB", "M") {
			return true
		}
	}
	return false
}

// TestSupport reports whether a file is test support rather than production
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

// DefaultBuildGrade lowers an error to a warning in a file go build leaves
// out on linux/amd64, where CI usually runs: what it does there is not what
// the tests see.
func DefaultBuildGrade(f *SrcFile, sev finding.Severity, msg string) (finding.Severity, string) {
	why := excludedByDefault(f)
	if why == "" || sev < finding.Error {
		return sev, msg
	}
	return finding.Warning, msg + " It is a warning, not an error, because " + why + ", where CI usually runs."
}

// TrivialValue lists the literals too common to say anything about a test:
// they never tie production code to a test.
var TrivialValue = SetOf(`""`, "0", "1", "-1", "nil", "true", "false")

// LitValue returns the normalised value of a literal, including a negative
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

// LiteralsOf lists the literal values inside an expression, trivial ones
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

// funcAt returns the function declaration of a file that contains pos.
func funcAt(f *SrcFile, pos token.Pos) *ast.FuncDecl {
	for _, d := range f.AST.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Pos() <= pos && pos < fd.End() {
			return fd
		}
	}
	return nil
}

// BodyExcerpt shows the first lines of a body (without its braces).
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
