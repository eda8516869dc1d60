package detect

import (
	"strings"
	"testing"
)

const maskBase = `//go:build linux

package x

import "testing"

// TestA checks A.
func TestA(t *testing.T) {
	if A() != tol {
		t.Fatal()
	}
}

func TestB(t *testing.T) {
	if B() != 2 {
		t.Fatal()
	}
}

const tol = 1
`

func TestChunks(t *testing.T) {
	header, cs := chunks(maskBase)
	if !strings.HasSuffix(maskBase[:header], "package x\n\n") {
		t.Errorf("header = %q", maskBase[:header])
	}
	var names []string
	for _, c := range cs {
		names = append(names, chunkNames(c)...)
	}
	if got := strings.Join(names, " "); got != "TestA TestB tol" {
		t.Errorf("names = %q", got)
	}
	if !strings.HasPrefix(cs[1].text, "// TestA checks A.\nfunc TestA") {
		t.Errorf("the doc comment does not lead its declaration: %q", cs[1].text)
	}
}

// A line that reads like a declaration inside a raw string or a block
// comment starts nothing; strings, runes and line comments that hold a
// backquote do not open a raw string.
func TestChunksSkipStringsAndComments(t *testing.T) {
	src := "package x\n\n" +
		"func TestA(t *testing.T) {\n\tconst src = `package a\nfunc f() {\n}\n`\n\t_ = '`' // a ` here\n\t_ = \"\\\"`\"\n}\n\n" +
		"/*\nfunc g() {}\n*/\n\n" +
		"func TestB(t *testing.T) {}\n"
	_, cs := chunks(src)
	var names []string
	for _, c := range cs {
		names = append(names, chunkNames(c)...)
	}
	if got := strings.Join(names, " "); got != "TestA TestB" {
		t.Errorf("names = %q", got)
	}
}

// Shared declarations are blanked with lines and offsets kept; imports,
// changed ones and those that mention a changed name are not.
func TestMaskShared(t *testing.T) {
	head := strings.Replace(maskBase, "B() != 2", "B() != 3", 1)
	bl, ok := maskShared(head, maskBase, map[string]bool{"TestB": true})
	masked := string(bl.apply([]byte(head), nil))
	if !ok || len(masked) != len(head) || strings.Count(masked, "\n") != strings.Count(head, "\n") {
		t.Fatalf("masked %v, %d bytes and %d lines for %d and %d", ok, len(masked), strings.Count(masked, "\n"), len(head), strings.Count(head, "\n"))
	}
	for _, want := range []string{`import "testing"`, "func TestB", "B() != 3"} {
		if !strings.Contains(masked, want) {
			t.Errorf("masked text lost %q", want)
		}
	}
	for _, gone := range []string{"func TestA", "const tol"} {
		if strings.Contains(masked, gone) {
			t.Errorf("masked text kept %q", gone)
		}
	}
	if bl, _ := maskShared(head, maskBase, map[string]bool{"tol": true}); !strings.Contains(string(bl.apply([]byte(head), nil)), "func TestA") {
		t.Error("TestA mentions the changed constant tol, and was blanked")
	}
}

// Declarations that differ only in comments and layout pair up; a change
// to the code, or a line of code commented out, does not.
func TestCommentsOnly(t *testing.T) {
	base := "// A adds.\nfunc A(a, b int) int {\n\treturn a + b\n}\n"
	for head, want := range map[string]bool{
		"// A adds two numbers.\nfunc A(a, b int) int {\n\treturn a + b\n}\n":          true,
		"// A adds.\nfunc A(a, b int) int {\n\t// a note\n\treturn a + b // here\n}\n": true,
		"// A adds.\nfunc A(a, b int) int { return a + b }\n":                          true,
		"// A adds.\nfunc A(a, b int) int {\n\treturn a - b\n}\n":                      false,
		"// A adds.\nfunc A(a, b int) int {\n\t// return a + b\n\treturn 0\n}\n":       false,
	} {
		alike := commentsOnly([]chunk{{text: base}}, []chunk{{text: head}})
		if got := alike[base] && alike[head]; got != want {
			t.Errorf("commentsOnly(%q) = %v, want %v", head, got, want)
		}
	}
}

// planMasks says whether any code changed: not when every change is a Go
// file's comments; yes for a changed line of code or a file added.
func TestPlanMasksSaysWhetherCodeChanged(t *testing.T) {
	noted := strings.Replace(maskBase, "\t\tt.Fatal()\n\t}\n}\n\nfunc TestB", "\t\t// Fatal: nothing after it means anything.\n\t\tt.Fatal()\n\t}\n}\n\nfunc TestB", 1)
	for name, c := range map[string]struct {
		head map[string][]byte
		want bool
	}{
		"comments": {map[string][]byte{"x/x_test.go": []byte(noted)}, false},
		"code":     {map[string][]byte{"x/x_test.go": []byte(strings.Replace(maskBase, "B() != 2", "B() != 3", 1))}, true},
		"added":    {map[string][]byte{"x/x_test.go": []byte(noted), "x/y.go": []byte("package x\n")}, true},
	} {
		repo := &memRepo{base: map[string][]byte{"x/x_test.go": []byte(maskBase)}, head: c.head}
		changes, err := repo.Changes("base", "head")
		if err != nil {
			t.Fatal(err)
		}
		if _, code := newLoader(repo).planMasks(changes); code != c.want {
			t.Errorf("%s: code changed = %v, want %v", name, code, c.want)
		}
	}
}
