package gitutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOpenSubfolder(t *testing.T) { eachBackend(t, testOpenSubfolder) }

func testOpenSubfolder(t *testing.T) {
	tr := newTestRepo(t)
	tr.write("a/b/c.txt", "x\n")
	head := tr.commit("one")
	r := openRepo(t, filepath.Join(tr.dir, "a", "b"))
	got, err := r.Resolve("HEAD")
	if err != nil || got != head {
		t.Fatalf("Resolve(HEAD) = %q, %v; want %s", got, err, head)
	}
	if IsShallow(r) {
		t.Error("IsShallow = true for a full repository")
	}
}

func TestOpenBare(t *testing.T) { eachBackend(t, testOpenBare) }

func testOpenBare(t *testing.T) {
	tr := newTestRepo(t)
	tr.change("f.txt", "1\n")
	head := tr.change("f.txt", "2\n")
	bare := filepath.Join(t.TempDir(), "bare.git")
	runGit(t, "", "clone", "-q", "--bare", tr.dir, bare)
	for _, dir := range []string{bare, filepath.Join(bare, "refs", "heads")} {
		r := openRepo(t, dir)
		got, err := r.Resolve("main")
		if err != nil || got != head {
			t.Errorf("Open(%s).Resolve(main) = %q, %v; want %s", dir, got, err, head)
		}
	}
}

// A bare repository inside a work tree is found before the work tree, as git
// does.
func TestOpenBareInsideWorkTree(t *testing.T) { eachBackend(t, testOpenBareInsideWorkTree) }

func testOpenBareInsideWorkTree(t *testing.T) {
	outer := newTestRepo(t)
	outer.change("f.txt", "outer\n")
	inner := newTestRepo(t)
	innerHead := inner.change("g.txt", "inner\n")
	bare := filepath.Join(outer.dir, "inner.git")
	runGit(t, "", "clone", "-q", "--bare", inner.dir, bare)
	r := openRepo(t, bare)
	if got, _ := r.Resolve("HEAD"); got != innerHead {
		t.Errorf("Resolve(HEAD) = %s, want the bare repository's %s", got, innerHead)
	}
}

func TestOpenLinkedWorktree(t *testing.T) { eachBackend(t, testOpenLinkedWorktree) }

func testOpenLinkedWorktree(t *testing.T) {
	tr := newTestRepo(t)
	mainHead := tr.change("f.txt", "1\n")
	wt := filepath.Join(t.TempDir(), "wt")
	tr.git("worktree", "add", "-q", "-b", "feature", wt)
	runGit(t, wt, "commit", "-q", "--allow-empty", "-m", "in worktree")
	wtHead := runGit(t, wt, "rev-parse", "HEAD")

	r := openRepo(t, filepath.Join(wt))
	for rev, want := range map[string]string{"HEAD": wtHead, "main": mainHead, "feature": wtHead} {
		if got, err := r.Resolve(rev); err != nil || got != want {
			t.Errorf("Resolve(%s) = %q, %v; want %s", rev, got, err, want)
		}
	}
	cs, err := r.Commits(mainHead, wtHead)
	if err != nil || len(cs) != 1 || cs[0].Subject() != "in worktree" {
		t.Errorf("Commits = %v, %v", cs, err)
	}
}

func TestOpenNotRepo(t *testing.T) { eachBackend(t, testOpenNotRepo) }

func testOpenNotRepo(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	var nr *NotRepoError
	if !errors.As(err, &nr) || err.Error() != dir+" is not a git repository" {
		t.Errorf("Open(non-repo) = %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing")); err == nil {
		t.Error("Open(missing folder) succeeded")
	}
}

func TestResolve(t *testing.T) { eachBackend(t, testResolve) }

func testResolve(t *testing.T) {
	tr := newTestRepo(t)
	tr.change("f.txt", "1\n")
	tr.git("tag", "light")
	tr.change("f.txt", "2\n")
	tr.git("tag", "-a", "-m", "annotated", "v1")
	tr.git("checkout", "-q", "-b", "side", "HEAD~1")
	tr.change("g.txt", "side\n")
	tr.git("checkout", "-q", "main")
	tr.change("f.txt", "3\n")
	tr.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
	clone := filepath.Join(t.TempDir(), "clone")
	runGit(t, "", "clone", "-q", tr.dir, clone)

	r := openRepo(t, clone)
	head := runGit(t, clone, "rev-parse", "HEAD")
	revs := []string{"HEAD", "@", "main", "origin/main", "origin/side", "origin/HEAD", "refs/remotes/origin/main",
		"light", "v1", "tags/v1", "HEAD~2", "HEAD^2", "HEAD^2~1", "HEAD~1^0", "main~3", "v1~1", head, head[:7], head[:12]}
	for _, rev := range revs {
		want := runGit(t, clone, "rev-parse", "--verify", rev+"^{commit}")
		if got, err := r.Resolve(rev); err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %s", rev, got, err, want)
		}
	}
	for _, rev := range []string{"nope", "origin/nope", "HEAD~9", "0123456789abcdef0123456789abcdef01234567", ""} {
		got, err := r.Resolve(rev)
		if err == nil {
			t.Errorf("Resolve(%q) = %q, want an error", rev, got)
		}
	}
	_, err := r.Resolve("nope")
	if err == nil || err.Error() != `unknown revision "nope"` {
		t.Errorf("Resolve(nope) error = %v", err)
	}
}

// history builds main and feature with merges both ways:
//
//	main:    m1 - m2 - m3 ------ m4 - m5
//	            \         \            \
//	feature:     f1 - f2 - mergeMain - f3 - mergeSide - f4
//	               \                      /
//	side:           s1 - s2 ------------
func history(t *testing.T, still bool) *testRepo {
	tr := newTestRepo(t)
	tr.still = still
	tr.change("m.txt", "m1\n")
	tr.change("m.txt", "m2\n")
	tr.git("branch", "feature")
	tr.change("m.txt", "m3\n")
	tr.git("checkout", "-q", "feature")
	tr.change("f.txt", "f1\n")
	tr.git("branch", "side")
	tr.change("f.txt", "f2\n")
	tr.git("merge", "-q", "--no-ff", "-m", "merge main", "main")
	tr.change("f.txt", "f3\n")
	tr.git("checkout", "-q", "side")
	tr.change("s.txt", "s1\n")
	tr.change("s.txt", "s2\n")
	tr.git("checkout", "-q", "main")
	tr.change("m.txt", "m4\n")
	tr.change("m.txt", "m5\n")
	tr.git("checkout", "-q", "feature")
	tr.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
	tr.change("f.txt", "f4\n")
	return tr
}

var historyRevs = []string{"main", "feature", "side", "main~1", "main~3", "main~4", "feature~1", "feature~2",
	"feature~3", "side~1"}

// revs resolves historyRevs with one git call.
func (tr *testRepo) revs() map[string]string {
	out := strings.Fields(tr.git(append([]string{"rev-parse"}, historyRevs...)...))
	m := map[string]string{}
	for i, rev := range historyRevs {
		m[rev] = out[i]
	}
	return m
}

func TestMergeBaseMatchesGit(t *testing.T) {
	for _, still := range []bool{false, true} {
		tr := history(t, still)
		repos := openBackends(t, tr.dir)
		revs := tr.revs()
		for _, a := range historyRevs {
			for _, b := range historyRevs {
				ha, hb := revs[a], revs[b]
				want := tr.git("merge-base", ha, hb)
				for name, r := range repos {
					if got, err := r.MergeBase(ha, hb); err != nil || got != want {
						t.Errorf("%s: still=%v MergeBase(%s, %s) = %q, %v; want %s", name, still, a, b, got, err, want)
					}
				}
			}
		}
	}
}

func TestCommitsMatchGit(t *testing.T) {
	for _, still := range []bool{false, true} {
		tr := history(t, still)
		if still {
			tr.git("gc", "-q") // read from a packfile too
		}
		repos := openBackends(t, tr.dir)
		revs := tr.revs()
		for _, base := range historyRevs {
			for _, head := range historyRevs {
				hb, hh := revs[base], revs[head]
				want := strings.Fields(tr.git("rev-list", "--reverse", "--topo-order", hb+".."+hh))
				for name, r := range repos {
					cs, err := r.Commits(hb, hh)
					if err != nil {
						t.Fatalf("%s: Commits(%s, %s): %v", name, base, head, err)
					}
					if diff := cmp.Diff(want, hashes(cs)); diff != "" {
						t.Errorf("%s: still=%v Commits(%s, %s) differs from git rev-list (-git +got):\n%s", name, still, base, head, diff)
					}
				}
			}
		}
	}
}

func TestCommitsContents(t *testing.T) { eachBackend(t, testCommitsContents) }

func testCommitsContents(t *testing.T) {
	tr := newTestRepo(t)
	base := tr.change("a.txt", "a\n")
	tr.write("b.txt", "b\n")
	tr.git("add", "-A")
	tr.git("commit", "-q", "-m", "subject line\n\nbody", "--author", "Bob <bob@example.com>")
	r := openRepo(t, tr.dir)
	cs, err := r.Commits(base, tr.rev("HEAD"))
	if err != nil || len(cs) != 1 {
		t.Fatalf("Commits = %v, %v", cs, err)
	}
	c := cs[0]
	if c.Subject() != "subject line" || c.Author.String() != "Bob <bob@example.com>" ||
		c.Committer.Email != "ada@example.com" || len(c.Parents) != 1 || c.Parents[0] != base {
		t.Errorf("commit = %+v", c)
	}
	one, err := r.Commit(c.Hash)
	if err != nil || !cmp.Equal(one, c) {
		t.Errorf("Commit(%s) = %+v, %v; want %+v", c.Hash, one, err, c)
	}
	all, err := r.Commits("", c.Hash)
	if err != nil || len(all) != 2 || all[0].Hash != base {
		t.Errorf("Commits(\"\", head) = %v, %v", hashes(all), err)
	}
}

func hashes(cs []Commit) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Hash)
	}
	return out
}

func TestListDirAndBlob(t *testing.T) { eachBackend(t, testListDirAndBlob) }

func testListDirAndBlob(t *testing.T) {
	tr := newTestRepo(t)
	tr.write("top.go", "package top\n")
	tr.write("dir/a.go", "package dir\n")
	tr.write("dir/b.sh", "#!/bin/sh\n")
	tr.write("dir/sub/c.go", "package sub\n")
	if err := os.Chmod(filepath.Join(tr.dir, "dir", "b.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.go", filepath.Join(tr.dir, "dir", "link.go")); err != nil {
		t.Fatal(err)
	}
	head := tr.commit("files")
	r := openRepo(t, tr.dir)

	cases := map[string][]string{
		"":        {"top.go"},
		".":       {"top.go"},
		"dir":     {"dir/a.go", "dir/b.sh"},
		"./dir/":  {"dir/a.go", "dir/b.sh"},
		"dir/sub": {"dir/sub/c.go"},
		"missing": nil,
		"top.go":  nil,
	}
	for dir, want := range cases {
		files, err := r.ListDir(head, dir)
		if err != nil {
			t.Errorf("ListDir(%q): %v", dir, err)
		}
		var got []string
		for _, f := range files {
			got = append(got, f.Path)
			content, err := r.Blob(f.Blob)
			disk, _ := os.ReadFile(filepath.Join(tr.dir, f.Path))
			if err != nil || string(content) != string(disk) {
				t.Errorf("Blob(%s) = %q, %v; want %q", f.Path, content, err, disk)
			}
			wantMode := uint32(0o100644)
			if strings.HasSuffix(f.Path, ".sh") {
				wantMode = 0o100755
			}
			if f.Mode != wantMode {
				t.Errorf("%s mode = %o, want %o", f.Path, f.Mode, wantMode)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ListDir(%q) (-want +got):\n%s", dir, diff)
		}
	}
}

func TestShallowClone(t *testing.T) { eachBackend(t, testShallowClone) }

func testShallowClone(t *testing.T) {
	tr := newTestRepo(t)
	for _, s := range []string{"1", "2", "3", "4", "5"} {
		tr.change("f.txt", s+"\n")
	}
	tr.git("branch", "old", "HEAD~3")
	clone := filepath.Join(t.TempDir(), "shallow")
	runGit(t, "", "clone", "-q", "--depth", "1", "--no-single-branch", "file://"+tr.dir, clone)
	r := openRepo(t, clone)
	if !IsShallow(r) {
		t.Fatal("IsShallow = false for a --depth 1 clone")
	}
	head, err := r.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	old, err := r.Resolve("origin/old")
	if err != nil {
		t.Fatal(err)
	}
	missing := tr.rev("HEAD~1")

	_, err = r.Commits(old, head)
	wantShallow(t, "Commits", err, missing)
	_, err = r.MergeBase(old, head)
	wantShallow(t, "MergeBase", err, "")
	_, err = r.Resolve("HEAD~1")
	wantShallow(t, "Resolve(HEAD~1)", err, missing)

	// What the clone holds still works.
	cs, err := r.Commits("", head)
	if err == nil {
		t.Errorf("Commits(\"\", head) in a shallow clone = %v, want an error", hashes(cs))
	}
	if got, err := r.MergeBase(head, head); err != nil || got != head {
		t.Errorf("MergeBase(head, head) = %q, %v", got, err)
	}
}

// A deeper clone answers ranges that fit in it, as the full repository does.
// (git itself may answer differently in the clone: it treats every shallow
// commit as a root even when the clone holds its parents, while we follow
// the parents that are there.)
func TestShallowCloneDeepEnough(t *testing.T) { eachBackend(t, testShallowCloneDeepEnough) }

func testShallowCloneDeepEnough(t *testing.T) {
	tr := history(t, false)
	clone := filepath.Join(t.TempDir(), "shallow")
	runGit(t, "", "clone", "-q", "--depth", "5", "-b", "feature", "file://"+tr.dir, clone)
	r := openRepo(t, clone)
	if !IsShallow(r) {
		t.Fatal("IsShallow = false for a --depth 5 clone")
	}
	// The walks reach the shallow boundary on their way but do not need
	// what lies beyond.
	for _, pair := range [][2]string{{"feature~2", "feature"}, {"feature~2", "side"}} {
		base, head := tr.rev(pair[0]), tr.rev(pair[1])
		mb, err := r.MergeBase(base, head)
		if want := tr.git("merge-base", base, head); err != nil || mb != want {
			t.Errorf("MergeBase(%s, %s) = %q, %v; want %s", pair[0], pair[1], mb, err, want)
		}
		cs, err := r.Commits(base, head)
		want := strings.Fields(tr.git("rev-list", "--reverse", "--topo-order", base+".."+head))
		if err != nil {
			t.Fatalf("Commits(%s, %s): %v", pair[0], pair[1], err)
		}
		if diff := cmp.Diff(want, hashes(cs)); diff != "" {
			t.Errorf("Commits(%s, %s) (-git +got):\n%s", pair[0], pair[1], diff)
		}
	}
	// side..feature~2 holds m3, whose parent m2 (in side's history, but
	// the clone cannot tell) is cut off.
	_, err := r.Commits(tr.rev("side"), tr.rev("feature~2"))
	wantShallow(t, "Commits(side, feature~2)", err, tr.rev("main~3"))
}

func wantShallow(t *testing.T, what string, err error, missing string) {
	t.Helper()
	var se *ShallowError
	if !errors.As(err, &se) {
		t.Errorf("%s: error = %v, want a *ShallowError", what, err)
		return
	}
	if missing != "" && se.Missing != missing {
		t.Errorf("%s: missing = %s, want %s", what, se.Missing, missing)
	}
	if !strings.Contains(err.Error(), "git fetch --unshallow") || !strings.Contains(err.Error(), se.Missing) {
		t.Errorf("%s: message %q lacks the commit or the fix", what, err)
	}
}

// In a full repository a missing object is corruption, not shallowness.
func TestMissingObjectNotShallow(t *testing.T) { eachBackend(t, testMissingObjectNotShallow) }

func testMissingObjectNotShallow(t *testing.T) {
	tr := newTestRepo(t)
	first := tr.change("f.txt", "1\n")
	head := tr.change("f.txt", "2\n")
	obj := filepath.Join(tr.dir, ".git", "objects", first[:2], first[2:])
	if err := os.Remove(obj); err != nil {
		t.Fatal(err)
	}
	r := openRepo(t, tr.dir)
	_, err := r.Commits("", head)
	var se *ShallowError
	if err == nil || errors.As(err, &se) {
		t.Errorf("Commits with a missing object: %v, want a plain error", err)
	}
}

func TestDefaultBase(t *testing.T) { eachBackend(t, testDefaultBase) }

func testDefaultBase(t *testing.T) {
	tr := newTestRepo(t)
	mainHead := tr.change("f.txt", "1\n")
	r := openRepo(t, tr.dir)

	_, _, err := DefaultBase(r, "HEAD")
	var hib *HeadIsBaseError
	if !errors.As(err, &hib) || hib.Ref != "main" ||
		err.Error() != "HEAD is main itself: nothing to compare; pass --base REV (the branch or commit the change started from)" {
		t.Errorf("DefaultBase on main = %v", err)
	}

	tr.git("checkout", "-q", "-b", "feature")
	tr.change("f.txt", "2\n")
	if ref, h, err := DefaultBase(r, "HEAD"); err != nil || ref != "main" || h != mainHead {
		t.Errorf("DefaultBase on feature = %q, %q, %v", ref, h, err)
	}

	// main comes before master.
	tr.git("branch", "master", "HEAD")
	if ref, _, err := DefaultBase(r, "HEAD~1"); ref != "" || !errors.As(err, &hib) {
		t.Errorf("DefaultBase(HEAD~1) = %q, %v; want HEAD is main", ref, err)
	}

	// A clone prefers origin/HEAD.
	clone := filepath.Join(t.TempDir(), "clone")
	runGit(t, "", "clone", "-q", tr.dir, clone)
	runGit(t, clone, "checkout", "-q", "-b", "work", "origin/main")
	runGit(t, clone, "commit", "-q", "--allow-empty", "-m", "work")
	rc := openRepo(t, clone)
	if ref, h, err := DefaultBase(rc, "HEAD"); err != nil || ref != "origin/HEAD" || h != tr.rev("feature") {
		t.Errorf("DefaultBase in clone = %q, %q, %v; want origin/HEAD at feature", ref, h, err)
	}

	other := newTestRepo(t)
	other.git("checkout", "-q", "-b", "trunk")
	other.change("f.txt", "1\n")
	if _, _, err := DefaultBase(openRepo(t, other.dir), "HEAD"); !errors.Is(err, ErrNoBase) {
		t.Errorf("DefaultBase without main = %v, want ErrNoBase", err)
	}
}

// A commit dated before its parents (clock skew) must not end the walk
// early: base merges head with an old date, so head..base is empty.
func TestCommitsClockSkew(t *testing.T) { eachBackend(t, testCommitsClockSkew) }

func testCommitsClockSkew(t *testing.T) {
	tr := newTestRepo(t)
	tr.clock = 1000
	m1 := tr.change("m.txt", "1\n")
	tr.git("checkout", "-q", "-b", "feature")
	tr.clock = 2000
	p := tr.change("f.txt", "p\n")
	tr.git("checkout", "-q", "main")
	tr.clock = 500
	tr.git("merge", "-q", "--no-ff", "-m", "skewed merge", "feature")
	x := tr.rev("HEAD")
	r := openRepo(t, tr.dir)
	for _, pair := range [][2]string{{x, p}, {p, x}, {m1, x}, {x, m1}} {
		want := strings.Fields(tr.git("rev-list", "--reverse", "--topo-order", pair[0]+".."+pair[1]))
		cs, err := r.Commits(pair[0], pair[1])
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, hashes(cs)); diff != "" {
			t.Errorf("Commits(%.8s, %.8s) (-git +got):\n%s", pair[0], pair[1], diff)
		}
	}
}

// The Repo can be shared between goroutines (run with -race).
func TestConcurrentUse(t *testing.T) { eachBackend(t, testConcurrentUse) }

func testConcurrentUse(t *testing.T) {
	tr := history(t, false)
	tr.git("gc", "-q")
	r := openRepo(t, tr.dir)
	base, head := tr.rev("main~4"), tr.rev("feature")
	want, err := r.Changes(base, head)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for i := 0; i < 4; i++ {
		go func() {
			for j := 0; j < 20; j++ {
				got, err := r.Changes(base, head)
				if err == nil && !cmp.Equal(got, want) {
					err = errors.New("Changes differ between goroutines")
				}
				if err == nil {
					_, err = r.Commits(base, head)
				}
				if err == nil {
					_, err = r.Blob(want[0].To.Blob)
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
