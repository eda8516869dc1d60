package genhistory

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// The same options give the same history, every file of which is Go.
func TestGenerate(t *testing.T) {
	src := t.TempDir()
	for i := range 6 {
		var code, tests strings.Builder
		fmt.Fprintf(&code, "package p%d\n", i%2)
		fmt.Fprintf(&tests, "package p%d\n\nimport \"testing\"\n", i%2)
		for j := range 8 {
			fmt.Fprintf(&code, "\n// F%d does a sum.\nfunc F%d_%d(a, b int) int {\n\treturn a + b + %d\n}\n", j, i, j, j)
			fmt.Fprintf(&code, "\nfunc (r *R%d) M%d(x int) int {\n\treturn x\n}\n", i, j)
			fmt.Fprintf(&code, "\nfunc G%d_%d[T any](x T) T {\n\treturn x\n}\n", i, j)
			fmt.Fprintf(&tests, "\nfunc TestF%d_%d(t *testing.T) {\n\tif F%d_%d(1, 2) != %d {\n\t\tt.Errorf(\"bad\")\n\t}\n}\n", i, j, i, j, 3+j)
		}
		fmt.Fprintf(&code, "\ntype R%d struct{}\n\nconst raw = `\nfunc inside() {\n}\n`\n", i)
		dir := filepath.Join(src, fmt.Sprintf("p%d", i%2))
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.go", i)), []byte(code.String()), 0o644)
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d_test.go", i)), []byte(tests.String()), 0o644)
	}
	var heads []string
	for _, name := range []string{"a.git", "b.git"} {
		dir := filepath.Join(t.TempDir(), name)
		if err := Generate(Options{Src: src, Dir: dir, Commits: 60, Seed: 7}); err != nil {
			t.Fatal(err)
		}
		heads = append(heads, gitOut(t, dir, "rev-parse", "HEAD"))
		if n := gitOut(t, dir, "rev-list", "--count", "HEAD"); n != "61" {
			t.Errorf("%s: %s commits, want 61", name, n)
		}
		for _, p := range strings.Fields(gitOut(t, dir, "ls-tree", "-r", "--name-only", "HEAD")) {
			if _, err := parser.ParseFile(token.NewFileSet(), p, gitOut(t, dir, "show", "HEAD:"+p), 0); err != nil {
				t.Errorf("%s: %s does not parse: %v", name, p, err)
			}
		}
	}
	if heads[0] != heads[1] {
		t.Errorf("same options, different histories: %s and %s", heads[0], heads[1])
	}
	// Comments sets the mix: with every edit a comment, no function is
	// copied ("Gen" names); with few, notes are rarer by far.
	notes := map[int]int{}
	for _, comments := range []int{100, 5} {
		dir := filepath.Join(t.TempDir(), "mix.git")
		if err := Generate(Options{Src: src, Dir: dir, Commits: 60, Seed: 7, Comments: comments}); err != nil {
			t.Fatal(err)
		}
		log := gitOut(t, dir, "log", "-p", "--format=")
		notes[comments] = strings.Count(log, "+// Note ")
		if comments == 100 && strings.Contains(log, "Gen") {
			t.Error("Comments 100: a function was copied")
		}
	}
	if notes[5]*3 > notes[100] {
		t.Errorf("notes added: %d with Comments 5, %d with 100", notes[5], notes[100])
	}
}
