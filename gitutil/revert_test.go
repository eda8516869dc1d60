package gitutil

import "testing"

// Reverted finds what git revert and GitHub's revert button undo, and only
// an undo file for file counts.
func TestReverted(t *testing.T) { eachBackend(t, testReverted) }

func testReverted(t *testing.T) {
	tr := newTestRepo(t)
	tr.write("a.go", goLines("a", 8))
	tr.write("b.go", goLines("b", 8))
	tr.commit("start")
	tr.write("a.go", goLines("a", 8)+"var feature = 1\n")
	tr.write("a_test.go", goLines("atest", 8))
	x := tr.commit("Add feature")
	tr.change("b.go", goLines("b", 9))
	tr.git("revert", "--no-edit", x)
	clean := tr.rev("HEAD")

	// A revert that had to merge with a later edit of the same file.
	tr.write("a.go", goLines("a", 8)+"var feature = 1\n")
	tr.write("a_test.go", goLines("atest", 8))
	y := tr.commit("Add feature again")
	tr.change("a.go", "// edited\n"+goLines("a", 8)+"var feature = 1\n")
	tr.git("revert", "--no-edit", y)
	merged := tr.rev("HEAD")

	// GitHub: a pull request merged with a merge commit, reverted by title.
	tr.git("checkout", "-q", "-b", "feature")
	tr.write("b.go", goLines("b", 9)+"var other = 2\n")
	tr.write("b_test.go", goLines("btest", 5))
	tr.commit("wip")
	tr.git("checkout", "-q", "main")
	tr.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7 from me/feature\n\nAdd the other feature", "feature")
	pr := tr.rev("HEAD")
	tr.change("c.go", goLines("c", 3))
	tr.write("b.go", goLines("b", 9))
	tr.remove("b_test.go")
	byTitle := tr.commit("Revert \"Add the other feature\" (#8)\n\nReverts me/repo#7")

	// Says it reverts, but does something else.
	tr.write("c.go", goLines("c", 4))
	liar := tr.commit("Revert \"Add feature\"")

	r := openRepo(t, tr.dir)
	for _, tc := range []struct {
		name, commit, want string
		ok                 bool
	}{
		{"git revert", clean, x, true},
		{"revert merged with later edits", merged, y, false},
		{"GitHub revert of a merged pull request", byTitle, pr, true},
		{"not an undo", liar, "", false},
	} {
		c, err := r.Commit(tc.commit)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := Reverted(r, c)
		if err != nil {
			t.Fatal(err)
		}
		if ok != tc.ok || ok && got.Hash != tc.want {
			t.Errorf("%s: Reverted = %.7s, %v; want %.7s, %v", tc.name, got.Hash, ok, tc.want, tc.ok)
		}
	}
}
