package model

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/gitutil"
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
		if _, code := NewLoader(repo).planMasks(changes); code != c.want {
			t.Errorf("%s: code changed = %v, want %v", name, code, c.want)
		}
	}
}

// TestParseWithoutAgreesWithBlankedParse: parsing the stretches between
// blanks on their own gives the tree, positions and lines that parsing
// the blanked text gives, on real code with many blanking patterns.
func TestParseWithoutAgreesWithBlankedParse(t *testing.T) {
	pieces := 0
	for _, files := range goroot(t, "strings", "go/ast", "net/http", "encoding/json", "reflect") {
		for p, src := range files {
			_, cs := chunks(string(src))
			for pattern := 1; pattern <= 4; pattern++ {
				var bl blanks
				for k, c := range cs {
					if k%pattern == 0 && !isImport(c.text) {
						continue // kept
					}
					if n := len(bl); n > 0 && bl[n-1][1] == c.start {
						bl[n-1][1] = c.end
					} else {
						bl = append(bl, [2]int{c.start, c.end})
					}
				}
				want := parseBlanked(p, src, bl)
				got := parseWithout(p, src, bl)
				if want == nil || got == nil {
					if (want == nil) != (got == nil) {
						t.Errorf("%s, pattern %d: blanked parse ok=%v, pieces ok=%v", p, pattern, want != nil, got != nil)
					}
					continue
				}
				pieces += len(bl)
				if w, g := dumpTree(want), dumpTree(got); w != g {
					t.Errorf("%s, pattern %d: trees differ first at\n%s", p, pattern, firstDiff(w, g))
				}
			}
		}
	}
	if pieces == 0 {
		t.Fatal("no file was parsed in pieces")
	}
}

// dumpTree lists every node of a file with its position, line and column,
// and every comment with its text and where it was attached.
func dumpTree(f *SrcFile) string {
	var b strings.Builder
	at := func(pos token.Pos) string {
		p := f.Fset.Position(pos)
		return fmt.Sprintf("%d@%d:%d", p.Offset, p.Line, p.Column)
	}
	ast.Inspect(f.AST, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		fmt.Fprintf(&b, "%T %s %s", n, at(n.Pos()), at(n.End()))
		if id, ok := n.(*ast.Ident); ok {
			b.WriteString(" " + id.Name)
		}
		b.WriteString("\n")
		return true
	})
	for _, g := range f.AST.Comments {
		fmt.Fprintf(&b, "comment %s %q\n", at(g.Pos()), g.Text())
	}
	fmt.Fprintf(&b, "imports %d, file %s-%s, %s\n", len(f.AST.Imports), at(f.AST.FileStart), at(f.AST.FileEnd), f.TestingName)
	return b.String()
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "  " + al[i] + "\n  " + bl[i]
		}
	}
	return fmt.Sprintf("  lengths %d and %d", len(al), len(bl))
}

func TestSetLinesAgreesWithSetLinesForContent(t *testing.T) {
	for _, src := range []string{"", "\n", "a", "a\n", "a\nb", "a\n\nb\n", "\n\nx\n\n"} {
		want, got := token.NewFileSet(), token.NewFileSet()
		want.AddFile("f", -1, len(src)).SetLinesForContent([]byte(src))
		tf := got.AddFile("f", -1, len(src))
		setLines(tf, []byte(src))
		if w, g := want.File(1).Lines(), tf.Lines(); !slices.Equal(w, g) {
			t.Errorf("%q: lines %v, want %v", src, g, w)
		}
	}
}

// The mentioner answers as mentions does, for few names and for many,
// identifiers or not.
func TestMentionerAgreesWithMentions(t *testing.T) {
	texts := []string{
		"func f() { return fooBar(x) }",
		"var x = foo.Bar + baz_1",
		"// foo in a comment\nfunc g() {}",
		`s := "foo"; t := xfoo; u := foox`,
		"ünï := fooé + 1",
		"",
		"foo",
		"a.b(c)",
	}
	few := map[string]bool{"foo": true, "Bar": true}
	many := map[string]bool{"a.b": true, "ünï": true, "é": true}
	for _, n := range []string{"x", "y", "z", "baz", "baz_1", "qux", "quux", "corge", "grault", "fooBar"} {
		many[n] = true
	}
	for _, names := range []map[string]bool{few, many, {}} {
		m := newMentioner(names)
		for _, text := range texts {
			if got, want := m.mentions(text), mentions(text, names); got != want {
				t.Errorf("mentioner(%v).mentions(%q) = %v, mentions says %v", names, text, got, want)
			}
		}
		for name := range names {
			one := map[string]bool{name: true}
			for _, text := range texts {
				if got, want := newMentioner(one).mentions(text), mentions(text, one); got != want {
					t.Errorf("mentioner(%q).mentions(%q) = %v, mentions says %v", name, text, got, want)
				}
			}
		}
	}
}

// revRepo is a repository of named revisions of a few files; a file's blob
// is named by its revision and path.
type revRepo struct {
	memRepo
	revs map[string]map[string][]byte
}

func (r *revRepo) Blob(h string) ([]byte, error) {
	rev, path, _ := cut(h)
	return r.revs[rev][path], nil
}

func (r *revRepo) Changes(from, to string) ([]gitutil.Change, error) {
	var out []gitutil.Change
	for p, src := range r.revs[to] {
		if old, ok := r.revs[from][p]; !ok || string(old) != string(src) {
			c := gitutil.Change{To: &gitutil.File{Path: p, Blob: to + ":" + p, Mode: 0o100644}}
			if ok {
				c.From = &gitutil.File{Path: p, Blob: from + ":" + p, Mode: 0o100644}
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func (r *revRepo) ListDir(rev, dir string) ([]gitutil.File, error) {
	var out []gitutil.File
	for p := range r.revs[rev] {
		if DirOf(p) == dir {
			out = append(out, gitutil.File{Path: p, Blob: rev + ":" + p, Mode: 0o100644})
		}
	}
	slices.SortFunc(out, func(a, b gitutil.File) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// The same version of a file is masked differently against different
// partners, and a loader that keeps masked parses from one analysis to the
// next (attribution's replays compare base with one commit after another)
// hands each analysis the parse of its own mask: the base's tests that the
// second head changed are there to compare, whatever the first analysis
// blanked.
func TestMaskedParseFollowsItsMask(t *testing.T) {
	onlyA := strings.Replace(maskBase, "A() != tol", "A() != tol+1", 1)
	onlyB := strings.Replace(maskBase, "B() != 2", "B() != 3", 1)
	repo := &revRepo{revs: map[string]map[string][]byte{
		"base": {"x/x_test.go": []byte(maskBase), "x/x.go": []byte("package x\n\nfunc A() int { return 1 }\n\nfunc B() int { return 2 }\n")},
		"c1":   {"x/x_test.go": []byte(onlyA), "x/x.go": []byte("package x\n\nfunc A() int { return 1 }\n\nfunc B() int { return 2 }\n")},
		"c2":   {"x/x_test.go": []byte(onlyB), "x/x.go": []byte("package x\n\nfunc A() int { return 1 }\n\nfunc B() int { return 2 }\n")},
	}}
	names := func(a *Pass) []string {
		var out []string
		for _, tf := range a.Base.Tests {
			out = append(out, tf.Name)
		}
		slices.Sort(out)
		return out
	}
	ld := NewLoader(repo)
	for _, c := range []struct {
		head string
		want []string
	}{{"c1", []string{"TestA"}}, {"c2", []string{"TestB"}}, {"c1", []string{"TestA"}}} {
		a, err := Analyze(ld, "base", c.head, nil)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := Analyze(NewLoader(repo), "base", c.head, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(a); !slices.Equal(got, c.want) || !slices.Equal(got, names(fresh)) {
			t.Errorf("base..%s: base tests %v on a loader that analysed before, %v on a new one; want %v", c.head, got, names(fresh), c.want)
		}
	}
}
