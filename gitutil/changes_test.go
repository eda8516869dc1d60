package gitutil

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gitChanges is `git diff --raw -M` in the form of describe, keeping regular
// files only and renames only among Go files, as Changes does.
func gitChanges(t *testing.T, tr *testRepo, from, to string) []string {
	var out []string
	// -z: paths as they are, not quoted.
	fields := strings.Split(strings.TrimSuffix(tr.git("diff", "--raw", "-z", "--no-abbrev", "-M", from, to), "\x00"), "\x00")
	for len(fields) > 1 {
		f := strings.Fields(strings.TrimPrefix(fields[0], ":"))
		modes, blobs := [2]string{f[0], f[1]}, [2]string{f[2], f[3]}
		names := []string{fields[1], fields[1]}
		fields = fields[2:]
		if f[4][0] == 'R' || f[4][0] == 'C' {
			names[1] = fields[0]
			fields = fields[1:]
		}
		var sides [2]*File
		for i := range sides {
			if modes[i] == "100644" || modes[i] == "100755" {
				var m uint32
				fmt.Sscanf(modes[i], "%o", &m)
				sides[i] = &File{Path: names[i], Blob: blobs[i], Mode: m}
			}
		}
		c := Change{From: sides[0], To: sides[1]}
		isRename := c.From != nil && c.To != nil && c.From.Path != c.To.Path
		if isRename && !strings.HasSuffix(c.From.Path, ".go") {
			out = append(out, describe(Change{From: c.From}), describe(Change{To: c.To}))
			continue
		}
		if c.From != nil || c.To != nil {
			out = append(out, describe(c))
		}
	}
	sort.Slice(out, func(i, j int) bool { return sortKey(out[i]) < sortKey(out[j]) })
	return out
}

// describe is "path <- from (blob mode -> blob mode)".
func describe(c Change) string {
	side := func(f *File) string {
		if f == nil {
			return "none"
		}
		return fmt.Sprintf("%s %o", f.Blob[:8], f.Mode)
	}
	s := c.Path()
	if c.From != nil && c.To != nil && c.From.Path != c.To.Path {
		s += " <- " + c.From.Path
	}
	return s + " (" + side(c.From) + " -> " + side(c.To) + ")"
}

func sortKey(s string) string { k, _, _ := strings.Cut(s, " "); return k }

func describeAll(cs []Change) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, describe(c))
	}
	return out
}

func checkChanges(t *testing.T, tr *testRepo, r Repo, from, to string) []Change {
	t.Helper()
	got, err := r.Changes(from, to)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	want := gitChanges(t, tr, from, to)
	if want == nil {
		want = []string{}
	}
	if diff := cmp.Diff(want, describeAll(got)); diff != "" {
		t.Errorf("Changes(%.8s, %.8s) differs from git diff -M (-git +got):\n%s", from, to, diff)
	}
	if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i].Path() < got[j].Path() }) {
		t.Errorf("Changes not sorted by path: %v", describeAll(got))
	}
	return got
}

func TestChanges(t *testing.T) { eachBackend(t, testChanges) }

func testChanges(t *testing.T) {
	tr := newTestRepo(t)
	tr.write("keep/unchanged.go", goLines("keep", 30))
	tr.write("edit.go", goLines("edit", 30))
	tr.write("old/dir/a.go", goLines("a", 30))
	tr.write("old/dir/deep/b.txt", "b\n")
	tr.write("moved.go", goLines("moved", 30))
	tr.write("edited_move.go", goLines("edmove", 40))
	tr.write("notes.txt", strings.Repeat("note line\n", 20))
	tr.write("gone.go", goLines("gone", 10))
	tr.write("kind", "a file that becomes a folder\n")
	tr.write("script.sh", "#!/bin/sh\n")
	base := tr.commit("base")

	tr.write("edit.go", goLines("edit", 31))
	tr.remove("old")
	tr.write("new/x/y.go", goLines("y", 5))
	tr.write("new/z.txt", "z\n")
	tr.remove("moved.go")
	tr.write("pkg/moved.go", goLines("moved", 30))
	tr.remove("edited_move.go")
	tr.write("pkg/edited.go", strings.Replace(goLines("edmove", 40), "line 3 ", "line three ", 1)+"// one more\n")
	tr.remove("notes.txt")
	tr.write("docs/notes.txt", strings.Repeat("note line\n", 20))
	tr.remove("gone.go")
	tr.write("unrelated.go", goLines("unrelated", 10))
	tr.remove("kind")
	tr.write("kind/inside.go", "package kind\n")
	if err := os.Chmod(filepath.Join(tr.dir, "script.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("edit.go", filepath.Join(tr.dir, "link.go")); err != nil {
		t.Fatal(err)
	}
	head := tr.commit("head")

	r := openRepo(t, tr.dir)
	got := checkChanges(t, tr, r, base, head)
	checkChanges(t, tr, r, head, base)
	checkChanges(t, tr, r, head, head)

	// Spot checks on top of the comparison with git.
	byPath := map[string]Change{}
	for _, c := range got {
		byPath[c.Path()] = c
	}
	if c := byPath["pkg/moved.go"]; c.From == nil || c.From.Path != "moved.go" {
		t.Errorf("exact rename not found: %s", describe(c))
	}
	if c := byPath["pkg/edited.go"]; c.From == nil || c.From.Path != "edited_move.go" {
		t.Errorf("edited rename not found: %s", describe(c))
	}
	if c, ok := byPath["unrelated.go"]; !ok || c.From != nil {
		t.Errorf("unrelated file paired: %s", describe(c))
	}
	if _, ok := byPath["link.go"]; ok {
		t.Error("symlink listed as a change")
	}
}

func TestChangesSubmoduleIgnored(t *testing.T) { eachBackend(t, testChangesSubmoduleIgnored) }

func testChangesSubmoduleIgnored(t *testing.T) {
	sub := newTestRepo(t)
	sub.change("s.go", "package s\n")
	tr := newTestRepo(t)
	base := tr.change("a.go", "package a\n")
	tr.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.dir, "vendor/sub")
	head := tr.commit("add submodule")
	r := openRepo(t, tr.dir)
	got, err := r.Changes(base, head)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{".gitmodules"}, paths(got)); diff != "" {
		t.Errorf("Changes with a submodule (-want +got):\n%s", diff)
	}
}

func TestChangesFromEmpty(t *testing.T) { eachBackend(t, testChangesFromEmpty) }

func testChangesFromEmpty(t *testing.T) {
	tr := newTestRepo(t)
	tr.write("a.go", "package a\n")
	tr.write("d/b.go", "package d\n")
	head := tr.commit("root")
	r := openRepo(t, tr.dir)
	got, err := r.Changes("", head)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a.go", "d/b.go"}, paths(got)); diff != "" {
		t.Errorf("Changes from the empty tree (-want +got):\n%s", diff)
	}
}

// Several identical files moved at once pair up one to one.
func TestChangesDuplicateRenames(t *testing.T) { eachBackend(t, testChangesDuplicateRenames) }

func testChangesDuplicateRenames(t *testing.T) {
	tr := newTestRepo(t)
	for _, n := range []string{"a", "b", "c"} {
		tr.write(n+".go", "package same\n")
	}
	tr.write("big1.go", goLines("big", 50))
	tr.write("big2.go", goLines("big", 50)+"// two\n")
	base := tr.commit("base")
	for _, n := range []string{"a", "b", "c"} {
		tr.remove(n + ".go")
		tr.write("moved/"+n+".go", "package same\n")
	}
	tr.remove("big1.go")
	tr.remove("big2.go")
	tr.write("moved/big1.go", goLines("big", 50)+"// one\n")
	tr.write("moved/big2.go", goLines("big", 50)+"// two\n// more\n")
	head := tr.commit("move")
	r := openRepo(t, tr.dir)
	got, err := r.Changes(base, head)
	if err != nil {
		t.Fatal(err)
	}
	froms := map[string]bool{}
	for _, c := range got {
		if c.From == nil || c.To == nil {
			t.Errorf("unpaired: %s", describe(c))
			continue
		}
		froms[c.From.Path] = true
	}
	if len(froms) != 5 {
		t.Errorf("renames reuse a source: %v", describeAll(got))
	}
}

func paths(cs []Change) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Path())
	}
	return out
}

func TestSimilarity(t *testing.T) {
	a := newFingerprint([]byte("one\ntwo\nthree\nfour\n"))
	cases := []struct {
		b    string
		want float64
	}{
		{"one\ntwo\nthree\nfour\n", 1},
		{"one\ntwo\nthree\nFOUR\n", 14.0 / 19},
		{"four\nthree\ntwo\none\n", 1}, // order does not matter
		{"x\n", 0},                     // too small to reach the threshold
		{"", 0},
	}
	for _, c := range cases {
		if got := similarity(a, newFingerprint([]byte(c.b))); got != c.want {
			t.Errorf("similarity(%q) = %v, want %v", c.b, got, c.want)
		}
	}
}

// BenchmarkChanges diffs two commits of a generated repository of 2,000
// files in 100 folders where a handful of files changed.
func BenchmarkChanges(b *testing.B) {
	tr := newTestRepo(b)
	for d := 0; d < 100; d++ {
		for f := 0; f < 20; f++ {
			tr.write(fmt.Sprintf("pkg%03d/file%02d.go", d, f), goLines(fmt.Sprintf("p%df%d", d, f), 20))
		}
	}
	base := tr.commit("base")
	for d := 0; d < 100; d += 10 {
		tr.write(fmt.Sprintf("pkg%03d/file00.go", d), goLines("changed", 20))
	}
	tr.remove("pkg050/file01.go")
	tr.write("pkg051/renamed.go", goLines("p50f1", 20))
	head := tr.commit("head")
	for _, backend := range backends {
		b.Run(backend, func(b *testing.B) {
			b.Setenv("GOODHART_GIT", backend)
			r := openRepo(b, tr.dir)
			for b.Loop() {
				if _, err := r.Changes(base, head); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A comparison asked again is the same list, and each caller's own: one
// that reorders its list does not reorder the next caller's.
func TestChangesAskedAgain(t *testing.T) { eachBackend(t, testChangesAskedAgain) }

func testChangesAskedAgain(t *testing.T) {
	tr := newTestRepo(t)
	tr.write("a.go", "package a\n")
	tr.write("b.go", "package a\n\nvar B = 1\n")
	base := tr.commit("base")
	tr.write("a.go", "package a\n\nvar A = 1\n")
	tr.write("c.txt", "c\n")
	tr.remove("b.go")
	head := tr.commit("head")
	r := openRepo(t, tr.dir)
	first, err := r.Changes(base, head)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a.go", "b.go", "c.txt"}
	if diff := cmp.Diff(want, paths(first)); diff != "" {
		t.Fatalf("Changes (-want +got):\n%s", diff)
	}
	slices.Reverse(first)
	first[0] = Change{}
	for range 2 {
		again, err := r.Changes(base, head)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, paths(again)); diff != "" {
			t.Errorf("Changes asked again (-want +got):\n%s", diff)
		}
		slices.Reverse(again)
	}
	back, err := r.Changes(head, base)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 || back[0].From == nil || back[0].To == nil || back[1].From != nil || back[2].To != nil {
		t.Errorf("Changes the other way: %v", paths(back))
	}
}
