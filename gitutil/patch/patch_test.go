package patch

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/gitutil"
)

type repo struct {
	t   *testing.T
	dir string
}

func newRepo(t *testing.T) *repo {
	r := &repo{t: t, dir: filepath.Join(t.TempDir(), "repo")}
	r.git("init", "-q", "-b", "main", r.dir)
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	if _, err := os.Stat(r.dir); err == nil {
		args = append([]string{"-C", r.dir}, args...)
	}
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(), "HOME="+r.t.TempDir(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
		}
		r.t.Fatal(err)
	}
	return string(out)
}

func (r *repo) write(p, content string, mode os.FileMode) {
	r.t.Helper()
	full := filepath.Join(r.dir, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), mode); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Chmod(full, mode); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) commit(msg string) string {
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return strings.TrimSpace(r.git("rev-parse", "HEAD"))
}

// numbered is n lines "<prefix> <i>\n".
func numbered(prefix string, n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s %d\n", prefix, i)
	}
	return b.String()
}

// tree lists the regular files of a commit: path → mode and contents.
func tree(t *testing.T, r gitutil.Repo, rev string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(dir string)
	walk = func(dir string) {
		files, err := r.ListDir(rev, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := r.Blob(f.Blob)
			if err != nil {
				t.Fatal(err)
			}
			out[f.Path] = fmt.Sprintf("%o %q", f.Mode, data)
		}
	}
	// The test repositories have these folders only.
	for _, d := range []string{"", "pkg", "moved"} {
		walk(d)
	}
	return out
}

// TestApplyGitDiffs applies diffs git made between two commits to the
// first and compares every file with the second's.
func TestApplyGitDiffs(t *testing.T) {
	g := newRepo(t)
	g.write("pkg/a.go", numbered("a", 60), 0o644)
	g.write("pkg/gone_test.go", numbered("gone", 10), 0o644)
	g.write("pkg/old.go", numbered("old", 30), 0o644)
	g.write("pkg/copy_src.go", numbered("copy", 30), 0o644)
	g.write("run.sh", "#!/bin/sh\necho hi\n", 0o644)
	g.write("nonl.txt", "one\ntwo", 0o644)
	g.write("addnl.txt", "one\ntwo\n", 0o644)
	g.write("crlf.txt", "one\r\ntwo\r\nthree\r\n", 0o644)
	g.write("img.bin", "\x00\x01\x02binary", 0o644)
	g.write("bye.bin", "\x00\x01\x02bye", 0o644)
	if err := os.Symlink("run.sh", filepath.Join(g.dir, "link")); err != nil {
		t.Fatal(err)
	}
	base := g.commit("base")

	a := strings.Replace(numbered("a", 60), "a 5\n", "a 5 changed\n", 1)
	a = strings.Replace(a, "a 30\n", "a 30\ninserted\n", 1)
	a = strings.Replace(a, "a 59\na 60\n", "a 59\n", 1)
	g.write("pkg/a.go", a, 0o644)
	g.git("rm", "-q", "pkg/gone_test.go")
	g.git("rm", "-q", "pkg/old.go")
	g.write("moved/new.go", strings.Replace(numbered("old", 30), "old 15\n", "old 15 edited\n", 1), 0o644)
	g.write("pkg/copy_dst.go", strings.Replace(numbered("copy", 30), "copy 2\n", "copy 2 edited\n", 1), 0o644)
	g.write("pkg/new_test.go", "package pkg\n", 0o644)
	g.write("empty.txt", "", 0o644)
	g.write("run.sh", "#!/bin/sh\necho hi\n", 0o755)
	g.write("nonl.txt", "one\ntwo\nthree", 0o644)
	g.write("addnl.txt", "one\ntwo", 0o644)
	g.write("crlf.txt", "one\r\n2\r\nthree\r\n", 0o644)
	g.write("img.bin", "\x00\x01\x02changed", 0o644)
	g.git("rm", "-q", "bye.bin")
	if err := os.Remove(filepath.Join(g.dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nonl.txt", filepath.Join(g.dir, "link")); err != nil {
		t.Fatal(err)
	}
	g.git("add", "-A")
	g.git("update-index", "--add", "--cacheinfo", "160000,"+base+",sub") // a submodule
	g.git("commit", "-q", "-m", "head")
	head := strings.TrimSpace(g.git("rev-parse", "HEAD"))

	r, err := gitutil.Open(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want := tree(t, r, head)
	want["img.bin"] = tree(t, r, base)["img.bin"] // a binary patch is skipped

	for _, args := range [][]string{
		{"diff", base, head},
		{"diff", "-M", "-C", "--find-copies-harder", base, head},
		{"diff", "-U1", base, head},
		{"format-patch", "--stdout", base + ".." + head},
		{"diff", "--no-prefix", base, head},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			if args[1] == "--no-prefix" {
				t.Skip("git apply reads --no-prefix diffs with -p0 only")
			}
			data := g.git(args...)
			res, err := Apply(r, base, []byte(data))
			if err != nil {
				t.Fatalf("Apply: %v\n%s", err, data)
			}
			o, err := gitutil.NewOverlay(r, gitutil.DiffCommit, base, "diff", res.Edits)
			if err != nil {
				t.Fatal(err)
			}
			got := tree(t, o, gitutil.DiffCommit)
			for p, w := range want {
				if got[p] != w {
					t.Errorf("%s: got %s, want %s", p, got[p], w)
				}
			}
			for p := range got {
				if _, ok := want[p]; !ok {
					t.Errorf("%s: left in the tree, want it gone", p)
				}
			}
			notes := strings.Join(res.Notes, "\n")
			if len(res.Notes) != 3 || !strings.Contains(notes, "img.bin: binary patch skipped") ||
				!strings.Contains(notes, "link: change to a symbolic link or submodule skipped") ||
				!strings.Contains(notes, "sub: change to a symbolic link or submodule skipped") {
				t.Errorf("notes = %q, want img.bin, link and sub", res.Notes)
			}
		})
	}
}

// A hunk applies at an offset when lines moved; a changed context line
// stops it, naming the file and the hunk.
func TestApplyOffsetAndMismatch(t *testing.T) {
	g := newRepo(t)
	g.write("a.go", numbered("line", 40), 0o644)
	base := g.commit("base")
	g.write("a.go", strings.Replace(numbered("line", 40), "line 30\n", "line thirty\n", 1), 0o644)
	head := g.commit("change")
	d := g.git("diff", base, head)

	g.git("checkout", "-q", base)
	g.write("a.go", "extra 1\nextra 2\n"+numbered("line", 40), 0o644)
	shifted := g.commit("shifted")
	g.write("a.go", strings.Replace(numbered("line", 40), "line 28\n", "line 28 edited\n", 1), 0o644)
	clashing := g.commit("clash")

	r, err := gitutil.Open(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res, err := Apply(r, shifted, []byte(d))
	if err != nil {
		t.Fatalf("Apply at an offset: %v", err)
	}
	if want := "extra 1\nextra 2\n" + strings.Replace(numbered("line", 40), "line 30\n", "line thirty\n", 1); len(res.Edits) != 1 || string(res.Edits[0].Data) != want {
		t.Errorf("Apply at an offset: %+v", res.Edits)
	}

	_, err = Apply(r, clashing, []byte(d))
	var pe *Error
	if !errors.As(err, &pe) || pe.Path != "a.go" || pe.Hunk != 1 {
		t.Fatalf("Apply over a changed context line: %v, want an *Error for hunk 1 of a.go", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "a.go: hunk #1 (@@ -27,7 +27,7 @@)") {
		t.Errorf("error %q does not name the hunk", msg)
	}

	// A file the diff edits that the base does not have.
	_, err = Apply(r, base, []byte(strings.ReplaceAll(d, "a.go", "b.go")))
	if !errors.As(err, &pe) || pe.Path != "b.go" {
		t.Errorf("Apply to a missing file: %v", err)
	}
	// A rename onto a file that is there.
	onto := "diff --git a/a.go b/b.go\nsimilarity index 100%\nrename from a.go\nrename to b.go\n"
	if _, err := Apply(r, clashing, []byte(strings.Replace(onto, "b.go", "a.go", 0))); err != nil {
		t.Fatalf("a plain rename: %v", err)
	}
	g.git("checkout", "-q", base)
	g.write("b.go", "package b\n", 0o644)
	both := g.commit("both")
	if _, err := Apply(r, both, []byte(onto)); !errors.As(err, &pe) || pe.Path != "b.go" {
		t.Errorf("a rename onto an existing file: %v", err)
	}
	// Garbage is not a diff; an empty diff changes nothing.
	if _, err := Apply(r, base, []byte("hello\n")); err == nil {
		t.Error("Apply(garbage) succeeded")
	}
	if res, err := Apply(r, base, nil); err != nil || len(res.Edits) != 0 {
		t.Errorf("Apply(empty) = %+v, %v", res, err)
	}
}

// A format-patch series applies mail after mail, the same file patched
// twice, a mode change in the middle.
func TestApplySeries(t *testing.T) {
	g := newRepo(t)
	g.write("a.go", numbered("a", 20), 0o644)
	g.write("run.sh", "echo\n", 0o644)
	base := g.commit("base")
	g.write("run.sh", "echo\n", 0o755)
	g.commit("mode only")
	g.write("a.go", strings.Replace(numbered("a", 20), "a 3\n", "a three\n", 1), 0o644)
	g.commit("first")
	g.write("a.go", strings.Replace(strings.Replace(numbered("a", 20), "a 3\n", "a three\n", 1), "a 4\n", "a four\n", 1), 0o644)
	head := g.commit("second")
	r, err := gitutil.Open(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res, err := Apply(r, base, []byte(g.git("format-patch", "--stdout", base+".."+head)))
	if err != nil {
		t.Fatal(err)
	}
	o, err := gitutil.NewOverlay(r, gitutil.DiffCommit, base, "diff", res.Edits)
	if err != nil {
		t.Fatal(err)
	}
	got, want := tree(t, o, gitutil.DiffCommit), tree(t, r, head)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("series applied:\n%v\nwant\n%v", got, want)
	}
}
