package model

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unsafe"
)

// MaxFileSize bounds the Go files goodhart parses whole; larger ones are
// parsed in part or fail the check (MaxMaskedSize). It is a variable only
// so that tests can lower it rather than write megabytes; nothing else
// changes it.
var MaxFileSize = 4 << 20

// MaxMaskedSize bounds the modified Go files goodhart analyses in part:
// a file over MaxFileSize is parsed masked, only the declarations the range
// changed (and what mentions them), so memory follows the change, not the
// file. A changed file that cannot be read that way (added, deleted,
// renamed, its header changed, or larger still) fails the check: a file
// too large to read must not hide what the change did to it.
const MaxMaskedSize = 64 << 20

// maskable says whether a modified file's version may be parsed masked.
func maskable(p string, src []byte) bool {
	return len(src) <= MaxMaskedSize && skipReason(p, src[:min(len(src), MaxFileSize)]) == "" && !isGenerated(src)
}

// TooLargeError is the error of an analysis that met a changed Go file it
// cannot read: larger than MaxFileSize and not analysable in part.
type TooLargeError struct {
	Path, Rev string
	Size      int
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s at %s is %d MiB, larger than goodhart reads whole (%d MiB), and the change to it cannot be analysed in part (only a modified file's changed declarations can, up to %d MiB); check that change by hand, or split the file",
		e.Path, Short(e.Rev), (e.Size+(1<<20)-1)>>20, MaxFileSize>>20, MaxMaskedSize>>20)
}

// SrcFile is one parsed version of a Go file.
type SrcFile struct {
	Path string
	Src  []byte
	Fset *token.FileSet
	AST  *ast.File // nil when the file could not be read as Go at all
	Err  error     // the parse error, if any; AST then holds what could be parsed

	Generated bool // "Code generated … DO NOT EDIT.": read for context, never judged

	masked bool     // declarations both versions share were blanked before parsing
	whole  *SrcFile // the full parse of a masked file, made on first use

	TestingName string            // local name of the "testing" import: "testing", an alias, "." or ""
	imports     map[string]string // local name → import path ("." entries listed under ".path")

	// version names the text a Loader parsed (blob, path, whether masked),
	// and prints is that Loader's store of its tests' fingerprints: the
	// replays of a check parse the same versions again (printStore).
	version string
	prints  *printStore
}

// importPath returns the import path a file's local package name refers to.
func (f *SrcFile) importPath(local string) string { return f.imports[local] }

// dotImports reports whether the file dot-imports the package at path.
func (f *SrcFile) dotImports(path string) bool { return f.imports["."+path] != "" }

// IsTestFile reports whether go test compiles the file as a test file.
func IsTestFile(p string) bool { return strings.HasSuffix(p, "_test.go") }

// IgnoredDir reports whether the go tool ignores files under p: testdata,
// vendor and directories starting with "_" or ".".
func IgnoredDir(p string) bool {
	for _, part := range strings.Split(path.Dir(p), "/") {
		if part == "testdata" || part == "vendor" || (part != "." && part != ".." && (strings.HasPrefix(part, "_") || strings.HasPrefix(part, "."))) {
			return true
		}
	}
	return false
}

var generatedRE = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// skipReason says why a file's contents are not analysed, or "" when they are.
func skipReason(p string, src []byte) string {
	switch {
	case len(src) > MaxFileSize:
		return fmt.Sprintf("larger than %d MiB", MaxFileSize>>20)
	case bytes.IndexByte(src[:min(len(src), 8000)], 0) >= 0:
		return "binary"
	case isGenerated(src):
		return "generated"
	}
	return ""
}

// IsGenerated reports whether a file's source carries Go's generated-code
// header ("Code generated … DO NOT EDIT." before the package clause).
func IsGenerated(src []byte) bool { return isGenerated(src) }

// isGenerated applies Go's convention: a "Code generated … DO NOT EDIT." line
// before the package clause.
func isGenerated(src []byte) bool {
	if bytes.HasPrefix(src, []byte("package ")) {
		return false // nothing comes before the clause (and no need to look for it through the whole file)
	}
	head := src[:min(len(src), 4096)]
	if i := bytes.Index(src, []byte("\npackage ")); i >= 0 {
		head = src[:i]
	}
	// The expression is slow over a long package comment: look first.
	return bytes.Contains(head, []byte("// Code generated ")) && generatedRE.Match(head)
}

// view returns a blob's bytes as a string without copying them: blobs are
// large and read-only (gitutil.Repo.Blob's callers never modify what it
// returns, and neither does anything here), so the string stays valid and
// unchanged.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// parseFile parses one version of a file. It never fails: a file with syntax
// errors keeps the partial tree the parser produced and records the error.
func parseFile(p string, src []byte) *SrcFile {
	f := &SrcFile{Path: p, Src: src, Fset: token.NewFileSet()}
	f.AST, f.Err = parser.ParseFile(f.Fset, p, src, parseMode)
	f.index()
	return f
}

const parseMode = parser.ParseComments | parser.SkipObjectResolution

// index records what the file's imports are called.
func (f *SrcFile) index() {
	if f.AST != nil {
		f.TestingName = ImportName(f.AST, "testing")
		f.imports = map[string]string{}
		for _, imp := range f.AST.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				continue
			}
			name := importLocalName(p)
			if imp.Name != nil {
				name = imp.Name.Name
			}
			if name == "." {
				name = "." + p
			}
			f.imports[name] = p
		}
	}
}

// ImportName returns the name under which file refers to the package with
// import path ip: its alias, "." for a dot import, the last path element
// otherwise, or "" when the file does not import it.
func ImportName(file *ast.File, ip string) string {
	for _, imp := range file.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil || p != ip {
			continue
		}
		if imp.Name != nil {
			return imp.Name.Name
		}
		return path.Base(ip)
	}
	return ""
}

// importLocalName guesses the package name of an import path as Go code
// usually refers to it: the last element, without a major version suffix or
// a gopkg.in version (gopkg.in/check.v1 → check, .../go-git/v5 → go-git).
func importLocalName(p string) string {
	parts := strings.Split(p, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = parts[len(parts)-2]
	}
	if i := strings.Index(last, ".v"); i > 0 {
		last = last[:i]
	}
	return last
}

// Line returns the 1-based line of pos in f.
func (f *SrcFile) Line(pos token.Pos) int {
	if !pos.IsValid() {
		return 0
	}
	return f.Fset.Position(pos).Line
}

// Text returns the source text of a node.
func (f *SrcFile) Text(n ast.Node) string { return string(f.textBytes(n)) }

// Mentions reports whether the source text of n holds one of words. It is
// a cheap test before a walk that looks for names: a name in the tree is
// in the text as written. It is true when the text cannot be told (a node
// of another file), so that the walk still runs.
func (f *SrcFile) Mentions(n ast.Node, words ...string) bool {
	t := f.textBytes(n)
	if t == nil {
		return true
	}
	for _, w := range words {
		if bytes.Contains(t, []byte(w)) {
			return true
		}
	}
	return false
}

// textBytes is Text as a window on the file's source, not a copy: nil
// where Text is "".
func (f *SrcFile) textBytes(n ast.Node) []byte {
	tf := f.Fset.File(n.Pos())
	if tf == nil {
		return nil
	}
	start, end := tf.Offset(n.Pos()), tf.Offset(n.End())
	if start < 0 || end > len(f.Src) || start > end {
		return nil
	}
	return f.Src[start:end]
}

// Lines returns up to max source lines starting at the line of pos, each
// prefixed with mark.
func (f *SrcFile) Lines(from, to token.Pos, mark string, max int) []string {
	tf := f.Fset.File(from)
	if tf == nil || !to.IsValid() {
		return nil
	}
	start, end := tf.Offset(tf.LineStart(f.Line(from))), tf.Offset(to)
	if start < 0 || end > len(f.Src) || start > end {
		return nil
	}
	var out []string
	for _, l := range strings.Split(string(f.Src[start:end]), "\n") {
		if len(out) == max {
			out = append(out, mark+" …")
			break
		}
		out = append(out, mark+" "+strings.TrimRight(l, " \t\r"))
	}
	return out
}

// isTestingType reports whether expr names one of the testing package's types
// among names (for example "T", "TB"), possibly behind a pointer.
func (f *SrcFile) isTestingType(expr ast.Expr, names ...string) bool {
	if star, ok := expr.(*ast.StarExpr); ok {
		expr = star.X
	}
	var sel string
	switch e := expr.(type) {
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		if !ok || f.TestingName == "" || f.TestingName == "." || x.Name != f.TestingName {
			return false
		}
		sel = e.Sel.Name
	case *ast.Ident:
		if f.TestingName != "." {
			return false
		}
		sel = e.Name
	default:
		return false
	}
	for _, n := range names {
		if sel == n {
			return true
		}
	}
	return false
}

// CallName splits a call's function into its receiver or package identifier
// (if it is a plain identifier) and its name: t.Skip → ("t", "Skip"),
// Parse → ("", "Parse").
func CallName(call *ast.CallExpr) (recv, name string) {
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return "", fn.Name
	case *ast.SelectorExpr:
		if x, ok := ast.Unparen(fn.X).(*ast.Ident); ok {
			return x.Name, fn.Sel.Name
		}
		return "?", fn.Sel.Name
	case *ast.IndexExpr: // generic instantiation F[T](…)
		if id, ok := fn.X.(*ast.Ident); ok {
			return "", id.Name
		}
	}
	return "?", ""
}
