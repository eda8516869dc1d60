package gitutil

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Without a git binary Open falls back to go-git; GOODHART_GIT picks.
func TestOpenChoosesBackend(t *testing.T) {
	tr := newTestRepo(t)
	tr.change("f.txt", "1\n")
	for _, c := range []struct{ mode, path, want string }{
		{"", os.Getenv("PATH"), "git"},
		{"go-git", os.Getenv("PATH"), "go-git"},
		{"git", os.Getenv("PATH"), "git"},
		{"", t.TempDir(), "go-git"}, // no git on PATH
		{"git", t.TempDir(), ""},    // insisted on, missing: an error
	} {
		t.Setenv("GOODHART_GIT", c.mode)
		t.Setenv("PATH", c.path)
		r, err := Open(tr.dir)
		if c.want == "" {
			if err == nil {
				r.Close()
				t.Errorf("GOODHART_GIT=%q without git: Open succeeded", c.mode)
			}
			continue
		}
		if err != nil {
			t.Fatalf("GOODHART_GIT=%q: %v", c.mode, err)
		}
		if got := Backend(r); got != c.want {
			t.Errorf("GOODHART_GIT=%q PATH=%s: backend %s, want %s", c.mode, c.path, got, c.want)
		}
		r.Close()
	}
}

// GIT_DIR and GIT_WORK_TREE (set in git hooks, say) do not lead the git
// backend to another repository than the one opened.
func TestOpenIgnoresGitDirEnv(t *testing.T) {
	eachBackend(t, func(t *testing.T) {
		tr := newTestRepo(t)
		want := tr.change("f.txt", "mine\n")
		other := newTestRepo(t)
		other.change("g.txt", "other\n")
		t.Setenv("GIT_DIR", filepath.Join(other.dir, ".git"))
		t.Setenv("GIT_WORK_TREE", other.dir)
		r := openRepo(t, tr.dir)
		if got, err := r.Resolve("HEAD"); err != nil || got != want {
			t.Errorf("Resolve(HEAD) = %q, %v; want %s", got, err, want)
		}
	})
}

// Commit headers beyond the usual — a signature spread over continuation
// lines, an encoding, an extra header — and time zones east and west read
// the same through both backends.
func TestCommitHeadersBothBackends(t *testing.T) {
	tr := newTestRepo(t)
	parent := tr.change("f.txt", "1\n")
	tree := tr.git("rev-parse", "HEAD^{tree}")
	raw := "tree " + tree + "\n" +
		"parent " + parent + "\n" +
		"author Ada  Lovelace <ada@example.com> 1700000000 -0130\n" +
		"committer Claude <noreply@anthropic.com> 1700000100 +0545\n" +
		"encoding ISO-8859-1\n" +
		"x-custom a value\n" +
		"gpgsig -----BEGIN PGP SIGNATURE-----\n \n author Mallory <m@example.com> 1 +0000\n -----END PGP SIGNATURE-----\n" +
		"\n" +
		"Subject line\n\nBody\n\nCo-authored-by: Jane <jane@example.com>\n"
	path := filepath.Join(t.TempDir(), "commit")
	if err := os.WriteFile(path, []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	hash := tr.git("hash-object", "-t", "commit", "-w", "--literally", path)
	repos := openBackends(t, tr.dir)
	var got []Commit
	for _, b := range backends {
		c, err := repos[b].Commit(hash)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		got = append(got, c)
	}
	c := got[0]
	if c.Author.Name != "Ada  Lovelace" || c.Committer.Email != "noreply@anthropic.com" ||
		c.Message != "Subject line\n\nBody\n\nCo-authored-by: Jane <jane@example.com>\n" ||
		len(c.Parents) != 1 || c.Parents[0] != parent {
		t.Errorf("git backend read %+v", c)
	}
	if _, off := c.Author.When.Zone(); off != -90*60 || c.Author.When.Unix() != 1700000000 {
		t.Errorf("author time %v", c.Author.When)
	}
	if _, off := c.Committer.When.Zone(); off != 345*60 {
		t.Errorf("committer time %v", c.Committer.When)
	}
	if diff := cmp.Diff(got[1], got[0]); diff != "" {
		t.Errorf("backends differ (-go-git +git):\n%s", diff)
	}
}

// Odd file names: spaces, tabs, quotes, non-ASCII, a newline in a folder's
// name. Both backends list and diff them as git does.
func TestOddPaths(t *testing.T) {
	eachBackend(t, func(t *testing.T) {
		tr := newTestRepo(t)
		names := []string{"a b/c d.go", "tab\there.go", `quo"te.go`, "naïve/ü.go", "new\nline/x.go", "-dash/y.go"}
		base := tr.change("keep.go", "package keep\n")
		for _, n := range names {
			tr.write(n, "package odd // "+n+"\n")
		}
		head := tr.commit("odd names")
		r := openRepo(t, tr.dir)
		checkChanges(t, tr, r, base, head)
		for _, n := range names {
			dir, _, ok := strings.Cut(n, "/")
			if !ok {
				dir = ""
			}
			files, err := r.ListDir(head, dir)
			if err != nil {
				t.Errorf("ListDir(%q): %v", dir, err)
				continue
			}
			found := false
			for _, f := range files {
				found = found || f.Path == n
			}
			if !found {
				t.Errorf("ListDir(%q) = %v, lacks %q", dir, files, n)
			}
		}
	})
}

// A closed Repo answers with errors, not a hang.
func TestUseAfterClose(t *testing.T) {
	eachBackend(t, func(t *testing.T) {
		tr := newTestRepo(t)
		head := tr.change("f.go", "package f\n")
		r, err := Open(tr.dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Commit(head); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if Backend(r) == "git" {
			if _, err := r.Commit(head); err == nil {
				t.Error("Commit after Close succeeded")
			}
		}
		r.Close() // twice is fine
	})
}

func TestParseSignature(t *testing.T) {
	for in, want := range map[string]string{
		"A <a@b> 1700000000 +0000": "A <a@b> 1700000000 0",
		"A <a@b> 1700000000 -0030": "A <a@b> 1700000000 -1800",
		"A B <a@b>":                "A B <a@b> -62135596800 0",
		"A <a@b> nonsense +0000":   "A <a@b> -62135596800 0",
		"no email":                 " <> -62135596800 0",
	} {
		s := parseSignature([]byte(in))
		_, off := s.When.Zone()
		got := fmt.Sprintf("%s %d %d", s, s.When.Unix(), off)
		if got != want {
			t.Errorf("parseSignature(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBlobCache(t *testing.T) {
	c := newBlobCache(800)
	blob := func(b byte) []byte { return bytes.Repeat([]byte{b}, 100) }
	for _, h := range "abcdefgh" {
		c.put(string(h), blob(byte(h)))
	}
	c.get("a") // a is now the most recent: b goes first
	c.put("i", blob('i'))
	for h, want := range map[string]bool{"a": true, "b": false, "c": true, "i": true} {
		if _, ok := c.get(h); ok != want {
			t.Errorf("cached %s = %v, want %v", h, ok, want)
		}
	}
	c.put("huge", make([]byte, 101)) // more than an eighth: not kept
	if _, ok := c.get("huge"); ok || c.blobs.Size() != 800 {
		t.Errorf("huge blob cached, or size %d", c.blobs.Size())
	}
}

// ReadBlobs answers as Blob does, blob by blob, on both backends: for more
// blobs than one request to cat-file holds, for missing and malformed
// names, and for blobs read before.
func TestReadBlobs(t *testing.T) { eachBackend(t, testReadBlobs) }

func testReadBlobs(t *testing.T) {
	tr := newTestRepo(t)
	n := maxPipelined + 40
	for i := range n {
		tr.write(fmt.Sprintf("f%03d.txt", i), fmt.Sprintf("file %d\n", i))
	}
	head := tr.commit("many files")
	repo := openRepo(t, tr.dir)
	files, err := repo.ListDir(head, "")
	if err != nil || len(files) != n {
		t.Fatalf("ListDir: %d files, %v", len(files), err)
	}
	missing := strings.Repeat("0", len(files[0].Blob))
	hashes := []string{files[3].Blob, missing, "not-hex", files[3].Blob}
	for _, f := range files {
		hashes = append(hashes, f.Blob)
	}
	blobs, errs := ReadBlobs(repo, hashes)
	for i, h := range hashes {
		want, wantErr := repo.Blob(h)
		if string(blobs[i]) != string(want) || (errs[i] == nil) != (wantErr == nil) {
			t.Errorf("blob %d (%s): %q, %v; Blob gives %q, %v", i, h, blobs[i], errs[i], want, wantErr)
		}
	}
	if errs[1] == nil || errs[2] == nil || string(blobs[len(blobs)-1]) != fmt.Sprintf("file %d\n", n-1) {
		t.Errorf("missing: %v, malformed: %v, last: %q", errs[1], errs[2], blobs[len(blobs)-1])
	}
}
