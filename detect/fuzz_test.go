package detect

import (
	"slices"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// memRepo is a repository of two revisions of one package directory, for
// running the analysis on arbitrary sources.
type memRepo struct {
	base, head map[string][]byte // path → contents
}

func (r *memRepo) side(rev string) map[string][]byte {
	if rev == "head" {
		return r.head
	}
	return r.base
}

func (r *memRepo) Resolve(rev string) (string, error)      { return rev, nil }
func (r *memRepo) MergeBase(a, b string) (string, error)   { return a, nil }
func (r *memRepo) Commit(h string) (gitutil.Commit, error) { return gitutil.Commit{Hash: h}, nil }
func (r *memRepo) Commits(a, b string) ([]gitutil.Commit, error) {
	return []gitutil.Commit{{Hash: b}}, nil
}
func (r *memRepo) Close() error { return nil }

func (r *memRepo) Blob(h string) ([]byte, error) {
	rev, path, _ := cut(h)
	return r.side(rev)[path], nil
}

func cut(h string) (rev, path string, ok bool) {
	for i := range h {
		if h[i] == ':' {
			return h[:i], h[i+1:], true
		}
	}
	return h, "", false
}

func (r *memRepo) file(rev, path string) *gitutil.File {
	if _, ok := r.side(rev)[path]; !ok {
		return nil
	}
	return &gitutil.File{Path: path, Blob: rev + ":" + path, Mode: 0o100644}
}

func (r *memRepo) Changes(from, to string) ([]gitutil.Change, error) {
	paths := map[string]bool{}
	for p := range r.base {
		paths[p] = true
	}
	for p := range r.head {
		paths[p] = true
	}
	var out []gitutil.Change
	for p := range paths {
		if string(r.base[p]) != string(r.head[p]) || (r.base[p] == nil) != (r.head[p] == nil) {
			out = append(out, gitutil.Change{From: r.file(from, p), To: r.file(to, p)})
		}
	}
	return out, nil
}

func (r *memRepo) ListDir(rev, dir string) ([]gitutil.File, error) {
	var out []gitutil.File
	for p := range r.side(rev) {
		if dirOf(p) == dir {
			out = append(out, *r.file(rev, p))
		}
	}
	slices.SortFunc(out, func(a, b gitutil.File) int { return strings.Compare(a.Path, b.Path) }) // as git lists a tree
	return out, nil
}

// FuzzAnalyze runs every rule on arbitrary base and head versions of a test
// file and a source file: whatever the input, the analysis must not panic
// (a rule that does is turned into a note, which fails this test).
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte("package p\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tif A() != 1 {\n\t\tt.Fatal(1)\n\t}\n}\n"),
		[]byte("package p\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tt.Skip()\n}\n"),
		[]byte("package p\n\nfunc A() int { x := 1; return x }\n"), []byte("package p\n\nfunc A() int { return 1 }\n"))
	f.Add([]byte("package p\nfunc TestA(t *testing.T) { for _, tc := range []struct{a int}{{1},{2}} { if tc.a == 0 { t.Error() } } }"),
		[]byte("package p\nfunc TestA(t *testing.T) { for _, tc := range []struct{a int}{{1}} { _ = tc } }"),
		[]byte("package p"), []byte("package p\nfunc A(s string) int { if s == \"x\" { return 3 }; return len(s) }"))
	f.Add([]byte("package p\nvar _ = Describe(\"a\", func() { It(\"b\", func() { Expect(1).To(Equal(1)) }) })"),
		[]byte("package p\nfunc TestMain(m *testing.M) { os.Exit(0) }\nfunc (s *S) TestX() { s.Equal(1, 2) }"),
		[]byte("package p\nfunc A() {"), []byte("\x00\x01"))
	f.Fuzz(func(t *testing.T, baseTest, headTest, baseSrc, headSrc []byte) {
		repo := &memRepo{
			base: map[string][]byte{"p/p_test.go": baseTest, "p/p.go": baseSrc},
			head: map[string][]byte{"p/p_test.go": headTest, "p/p.go": headSrc},
		}
		a, err := analyze(newLoader(repo), "base", "head", rules)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range a.ld.noteList() {
			if len(n) > 14 && n[:14] == "internal error" {
				t.Fatal(n)
			}
		}
		for _, f := range a.findings {
			if f.Rule == "" || f.Message == "" {
				t.Fatalf("finding without rule or message: %+v", f)
			}
		}
	})
}
