package gitutil

import (
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

// changeSummary is "M path", "A path", "D path" or "R old -> new" per change.
func changeSummary(t *testing.T, r Repo, changes []Change) []string {
	t.Helper()
	var out []string
	for _, c := range changes {
		switch {
		case c.From == nil:
			data, err := r.Blob(c.To.Blob)
			if err != nil {
				t.Fatalf("Blob(%s) of %s: %v", c.To.Blob, c.To.Path, err)
			}
			out = append(out, "A "+c.To.Path+" "+string(data))
		case c.To == nil:
			out = append(out, "D "+c.From.Path)
		case c.From.Path != c.To.Path:
			out = append(out, "R "+c.From.Path+" -> "+c.To.Path)
		default:
			data, err := r.Blob(c.To.Blob)
			if err != nil {
				t.Fatalf("Blob(%s) of %s: %v", c.To.Blob, c.To.Path, err)
			}
			out = append(out, "M "+c.To.Path+" "+string(data))
		}
	}
	sort.Strings(out)
	return out
}

func TestUncommitted(t *testing.T) { eachBackend(t, testUncommitted) }

func testUncommitted(t *testing.T) {
	tr := newTestRepo(t)
	tr.write(".gitignore", "ignored.go\n")
	tr.write("a.go", "package a\n")
	tr.write("a_test.go", "package a\n// test\n")
	tr.write("sub/b.go", "package sub\n")
	tr.write("keep.go", "package a\n// keep\n")
	base := tr.commit("base")
	tr.git("checkout", "-q", "-b", "topic")
	tr.write("committed.go", "package a\n// committed\n")
	head := tr.commit("on the branch")

	tr.write("a.go", "package a\n// unstaged\n")
	tr.remove("a_test.go")
	tr.write("new.go", "package a\n// untracked\n")
	tr.write("ignored.go", "package a\n// ignored\n")
	tr.write("sub/b.go", "package sub\n// staged\n")
	tr.git("add", "sub/b.go")
	tr.write("sub/b.go", "package sub\n// staged, then edited\n")
	tr.write("keep.go", "package a\n// keep\n") // rewritten, same contents

	r := openRepo(t, filepath.Join(tr.dir, "sub"))
	for _, tc := range []struct {
		staged bool
		name   string
		want   []string
	}{
		{false, WorktreeCommit, []string{
			"A new.go package a\n// untracked\n",
			"D a_test.go",
			"M a.go package a\n// unstaged\n",
			"M sub/b.go package sub\n// staged, then edited\n",
		}},
		{true, IndexCommit, []string{
			"M sub/b.go package sub\n// staged\n",
		}},
	} {
		gotHead, edits, err := Uncommitted(r, filepath.Join(tr.dir, "sub"), tc.staged)
		if err != nil {
			t.Fatalf("Uncommitted(staged=%v): %v", tc.staged, err)
		}
		if gotHead != head {
			t.Fatalf("Uncommitted head = %s, want %s", gotHead, head)
		}
		o, err := NewOverlay(r, tc.name, head, "uncommitted changes", edits)
		if err != nil {
			t.Fatal(err)
		}
		changes, err := o.Changes(head, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if got := changeSummary(t, o, changes); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Changes(HEAD, %s) =\n%q\nwant\n%q", tc.name, tc.name, got, tc.want)
		}
		// From the base, the branch's commit comes along.
		changes, err = o.Changes(base, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		want := append([]string{"A committed.go package a\n// committed\n"}, tc.want...)
		sort.Strings(want)
		if got := changeSummary(t, o, changes); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Changes(base, %s) =\n%q\nwant\n%q", tc.name, tc.name, got, want)
		}
		mb, err := o.MergeBase(base, tc.name)
		if err != nil || mb != base {
			t.Errorf("MergeBase(base, %s) = %s, %v; want %s", tc.name, mb, err, base)
		}
		commits, err := o.Commits(base, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if len(commits) != 2 || commits[0].Hash != head || commits[1].Hash != tc.name || commits[1].Parents[0] != head {
			t.Errorf("Commits(base, %s) = %+v", tc.name, commits)
		}
	}

	// The work tree's listing of the root: a_test.go is gone, new.go is in.
	_, edits, err := Uncommitted(r, tr.dir, false)
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewOverlay(r, WorktreeCommit, head, "uncommitted changes", edits)
	if err != nil {
		t.Fatal(err)
	}
	files, err := o.ListDir(WorktreeCommit, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Path)
	}
	if want := []string{".gitignore", "a.go", "committed.go", "keep.go", "new.go"}; !reflect.DeepEqual(names, want) {
		t.Errorf("ListDir(worktree, root) = %q, want %q", names, want)
	}
}

// A test file renamed in the work tree is a rename, not a deletion.
func TestUncommittedRename(t *testing.T) { eachBackend(t, testUncommittedRename) }

func testUncommittedRename(t *testing.T) {
	tr := newTestRepo(t)
	body := goLines("x", 40)
	tr.write("old_test.go", body)
	head := tr.commit("base")
	tr.git("mv", "old_test.go", "new_test.go")
	r := openRepo(t, tr.dir)
	for _, staged := range []bool{false, true} {
		_, edits, err := Uncommitted(r, tr.dir, staged)
		if err != nil {
			t.Fatal(err)
		}
		o, err := NewOverlay(r, WorktreeCommit, head, "", edits)
		if err != nil {
			t.Fatal(err)
		}
		changes, err := o.Changes(head, WorktreeCommit)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := changeSummary(t, o, changes), []string{"R old_test.go -> new_test.go"}; !reflect.DeepEqual(got, want) {
			t.Errorf("staged=%v: %q, want %q", staged, got, want)
		}
	}
}

func TestUncommittedBare(t *testing.T) { eachBackend(t, testUncommittedBare) }

func testUncommittedBare(t *testing.T) {
	tr := newTestRepo(t)
	tr.change("a.go", "package a\n")
	bare := filepath.Join(t.TempDir(), "bare.git")
	runGit(t, "", "clone", "-q", "--bare", tr.dir, bare)
	r := openRepo(t, bare)
	if _, _, err := Uncommitted(r, bare, false); err != ErrNoWorkTree {
		t.Errorf("Uncommitted in a bare repository: %v, want ErrNoWorkTree", err)
	}
}
