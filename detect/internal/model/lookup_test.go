package model

import (
	"bytes"
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// goroot reads the Go files of some standard library directories: real code
// in many styles (generics, cgo, build tags, groups, generated files).
func goroot(t *testing.T, dirs ...string) map[string]map[string][]byte {
	t.Helper()
	out := map[string]map[string][]byte{}
	for _, dir := range dirs {
		paths, err := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", dir, "*.go"))
		if err != nil || len(paths) == 0 {
			t.Skipf("no Go sources at GOROOT: %v", err)
		}
		out[dir] = map[string][]byte{}
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out[dir][dir+"/"+filepath.Base(p)] = src
		}
	}
	return out
}

// flatten merges the files of every directory of sides (goroot's shape)
// into one map by path, as a memRepo side holds them.
func flatten(sides map[string]map[string][]byte) map[string][]byte {
	files := map[string][]byte{}
	for _, fs := range sides {
		for p, src := range fs {
			files[p] = src
		}
	}
	return files
}

var lookupDirs = []string{"strings", "go/ast", "go/scanner", "net/http", "encoding/json", "reflect", "runtime", "syscall", "crypto/internal/fips140/mldsa"}

// TestChunkDeclaresMissesNothing: every name the parser finds declared at
// the top level is read off the text, or sits in a declaration the text
// index marks unsure (which every lookup of a name it mentions parses).
func TestChunkDeclaresMissesNothing(t *testing.T) {
	for _, files := range goroot(t, lookupDirs...) {
		for path, src := range files {
			f := parseFile(path, src)
			if f.Err != nil {
				continue
			}
			p := &pkgText{byName: map[string][]declRef{}}
			p.add(newTextFile(path, src, false))
			for _, d := range f.AST.Decls {
				for _, name := range DeclNames(d) {
					if len(p.candidates(name)) == 0 && name != "_" {
						t.Errorf("%s: %s is declared but the text index does not list it", path, name)
					}
				}
			}
		}
	}
}

// TestLookupAgreesWithWholeParse compares every lookup by name with the
// answer of the whole package parsed.
func TestLookupAgreesWithWholeParse(t *testing.T) {
	for dir, files := range goroot(t, "strings", "go/ast", "go/scanner", "encoding/json", "crypto/internal/fips140/mldsa") {
		repo := &memRepo{base: files}
		lazy := newSnapshot(NewLoader(repo), "base")
		whole := newSnapshot(NewLoader(repo), "base")
		whole.ld.Exhaustive = true
		names := map[string]bool{"NoSuchName": true, "init": true}
		for _, f := range whole.Pkg(dir).Files {
			ast.Inspect(f.AST, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					names[id.Name] = true
				}
				return true
			})
		}
		for name := range names {
			if got, want := lazy.Declares(dir, name), whole.Declares(dir, name); got != want {
				t.Errorf("%s: declares(%s) = %v, the whole parse says %v", dir, name, got, want)
			}
			if got, want := where(lazy.funcDecl(dir, name)), where(whole.funcDecl(dir, name)); got != want {
				t.Errorf("%s: funcDecl(%s) at %q, the whole parse at %q", dir, name, got, want)
			}
			for _, tok := range []token.Token{token.VAR, token.CONST} {
				got, want := lazy.valueSpec(dir, tok, name), whole.valueSpec(dir, tok, name)
				if (got == nil) != (want == nil) || got != nil && got.Pos() != want.Pos() {
					t.Errorf("%s: valueSpec(%s, %s) = %v, the whole parse says %v", dir, tok, name, got, want)
				}
			}
			if got, want := lazy.lastFuncBody(dir, name), whole.lastFuncBody(dir, name); !bytes.Equal(got, want) {
				t.Errorf("%s: lastFuncBody(%s) = %.40q, the whole parse says %.40q", dir, name, got, want)
			}
			gotCL, gotF := lazy.varTable(dir, name)
			wantCL, wantF := whole.varTable(dir, name)
			if (gotCL == nil) != (wantCL == nil) || gotCL != nil && (gotCL.Pos() != wantCL.Pos() || gotF.Path != wantF.Path) {
				t.Errorf("%s: varTable(%s) differs from the whole parse", dir, name)
			}
		}
		if len(lazy.dirs) != 0 {
			t.Errorf("%s: the lookups parsed the whole package", dir)
		}
	}
}

// where names a helper's declaration by file and offset (every parse of a
// file numbers positions alike).
func where(h *helperFunc) string {
	if h == nil {
		return ""
	}
	return h.file.Path + ":" + strings.TrimSpace(h.file.Fset.Position(h.decl.Pos()).String())
}

// A test with the same fingerprint has every one of its words in its text,
// whatever assertion package, *testing.T name or messages it uses: the
// words are never placeholders of normalization or keywords.
func TestFingerprintWordsComeFromTheSource(t *testing.T) {
	src := []byte(`package calc

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAdd(tt *testing.T) {
	for _, c := range cases {
		got := Add(c.a, c.b)
		if got != c.want {
			tt.Errorf("Add(%d, %d) = %d", c.a, c.b, got)
		}
		assert.Equal(tt, c.want, got)
		tt.Logf("checked %v", c)
	}
}
`)
	f := parseFile("calc/add_test.go", src)
	tests := indexFile(f)
	if len(tests) != 1 {
		t.Fatalf("indexed %d tests", len(tests))
	}
	words := tests[0].Fingerprint().words()
	if len(words) == 0 {
		t.Fatal("no words")
	}
	body := string(f.Text(tests[0].Body))
	for _, w := range words {
		if goKeywords[w] || !mentions(body, map[string]bool{w: true}) {
			t.Errorf("word %q is not an identifier of the body", w)
		}
	}
	for _, placeholder := range []string{"ILLEGAL", "fail", "log", "tt", "TestAdd"} {
		if slices.Contains(words, placeholder) {
			t.Errorf("words %v include %q", words, placeholder)
		}
	}
}
