package gitutil

import (
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A merge's own changes are the files it left unlike every parent: what it
// took from either side is not its change. Each case is one file's story on
// the two sides and in the merge.
func TestOwnChanges(t *testing.T) { eachBackend(t, testOwnChanges) }

func testOwnChanges(t *testing.T) {
	tr := newTestRepo(t)
	tr.write("both.go", goLines("both", 6))     // main and the branch edit it apart; the merge combines them
	tr.write("main.go", goLines("main", 6))     // main edits it; the merge takes main's
	tr.write("branch.go", goLines("branch", 6)) // the branch edits it; the merge keeps the branch's
	tr.write("resolved.go", goLines("res", 6))  // both edit the same line; the merge writes a third version
	tr.write("gone.go", goLines("gone", 6))     // main deletes it; the merge takes the deletion
	tr.write("killed.go", goLines("kill", 6))   // nobody deletes it but the merge
	tr.write("old.go", goLines("moved", 30))    // main renames it to new.go; the merge takes the rename
	tr.write("copied.go", goLines("copy", 30))  // main copies it to copy.go; the merge deletes it
	fork := tr.commit("start")

	tr.git("checkout", "-q", "-b", "branch")
	tr.write("branch.go", goLines("branch", 6)+"var branchOnly = 1\n")
	tr.write("both.go", "// branch header\n"+goLines("both", 6))
	tr.write("resolved.go", goLines("res", 5)+"var res5 = 1\n")
	branch := tr.commit("branch work")

	tr.git("checkout", "-q", "main")
	tr.write("main.go", goLines("main", 6)+"var mainOnly = 1\n")
	tr.write("both.go", goLines("both", 6)+"// main footer\n")
	tr.write("resolved.go", goLines("res", 5)+"var res5 = 2\n")
	tr.remove("gone.go")
	tr.remove("old.go")
	tr.write("new.go", goLines("moved", 30))
	tr.write("added.go", goLines("added", 4)) // main adds it; the merge takes it
	tr.write("copy.go", goLines("copy", 30))
	main := tr.commit("main work")

	tr.git("checkout", "-q", "branch")
	cmd := exec.Command("git", "-C", tr.dir, "merge", "-q", "--no-commit", "main")
	cmd.Env = gitEnv(t.TempDir())
	_ = cmd.Run() // resolved.go conflicts: written below
	tr.write("resolved.go", goLines("res", 5)+"var res5 = 3\n")
	tr.remove("killed.go")
	tr.remove("copied.go")
	merge := tr.commit("merge main into branch")

	r := openRepo(t, tr.dir)
	c, err := r.Commit(merge)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Parents) != 2 || c.Parents[0] != branch || c.Parents[1] != main {
		t.Fatalf("parents %v, want %s %s", c.Parents, branch, main)
	}
	all, err := r.Changes(branch, merge)
	if err != nil {
		t.Fatal(err)
	}
	renamed := false
	for _, ch := range all {
		renamed = renamed || ch.From != nil && ch.To != nil && ch.From.Path == "copied.go" && ch.To.Path == "copy.go"
	}
	if !renamed {
		t.Fatalf("want copied.go -> copy.go seen as a rename from the first parent: %v", describeAll(all))
	}
	got, err := OwnChanges(r, c)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, ch := range got {
		paths = append(paths, ch.Path())
	}
	// first parent to merge, copied.go -> copy.go is a rename whose new
	// half is main's: only the deletion is the merge's.
	if diff := cmp.Diff([]string{"both.go", "copied.go", "killed.go", "resolved.go"}, paths); diff != "" {
		t.Errorf("the merge's own changes (-want +got):\n%s\nall: %v", diff, describeAll(got))
	}
	for _, ch := range got {
		if ch.Path() == "copied.go" && ch.To != nil {
			t.Errorf("copied.go: want the deletion half alone, got %s", describe(ch))
		}
	}

	// A commit with one parent: all its changes.
	b, err := r.Commit(branch)
	if err != nil {
		t.Fatal(err)
	}
	got, err = OwnChanges(r, b)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := r.Changes(fork, branch)
	if diff := cmp.Diff(describeAll(want), describeAll(got)); diff != "" {
		t.Errorf("a commit with one parent (-Changes +OwnChanges):\n%s", diff)
	}
}
