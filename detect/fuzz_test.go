package detect_test

import (
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// lineRepo is a linear history in memory: revision "c0" is the base, each
// "cN" the commit after "c(N-1)", each with a version of every file.
type lineRepo struct {
	revs []map[string][]byte
}

func (r *lineRepo) rev(h string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(h, "c"))
	if err != nil || n < 0 || n >= len(r.revs) {
		return -1
	}
	return n
}

func (r *lineRepo) Resolve(rev string) (string, error) {
	if r.rev(rev) < 0 {
		return "", &gitutil.UnknownRevisionError{Rev: rev}
	}
	return rev, nil
}
func (r *lineRepo) MergeBase(a, b string) (string, error) {
	return "c" + strconv.Itoa(min(r.rev(a), r.rev(b))), nil
}
func (r *lineRepo) Commit(h string) (gitutil.Commit, error) {
	n := r.rev(h)
	if n < 0 {
		return gitutil.Commit{}, &gitutil.UnknownRevisionError{Rev: h}
	}
	c := gitutil.Commit{Hash: h, Message: "change " + h + "\n"}
	c.Author = gitutil.Signature{Name: "Claude", Email: "noreply@anthropic.com"}
	c.Committer = c.Author
	if n > 0 {
		c.Parents = []string{"c" + strconv.Itoa(n-1)}
	}
	return c, nil
}
func (r *lineRepo) Commits(base, head string) ([]gitutil.Commit, error) {
	var out []gitutil.Commit
	for n := r.rev(base) + 1; n <= r.rev(head); n++ {
		c, _ := r.Commit("c" + strconv.Itoa(n))
		out = append(out, c)
	}
	return out, nil
}
func (r *lineRepo) file(rev, p string) *gitutil.File {
	if _, ok := r.revs[r.rev(rev)][p]; !ok {
		return nil
	}
	return &gitutil.File{Path: p, Blob: rev + ":" + p, Mode: 0o100644}
}
func (r *lineRepo) Changes(from, to string) ([]gitutil.Change, error) {
	a, b := r.revs[r.rev(from)], r.revs[r.rev(to)]
	var paths []string
	for p := range a {
		paths = append(paths, p)
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	var out []gitutil.Change
	for _, p := range paths {
		x, inA := a[p]
		y, inB := b[p]
		if inA != inB || string(x) != string(y) {
			out = append(out, gitutil.Change{From: r.file(from, p), To: r.file(to, p)})
		}
	}
	return out, nil
}
func (r *lineRepo) ListDir(rev, dir string) ([]gitutil.File, error) {
	var out []gitutil.File
	for p := range r.revs[r.rev(rev)] {
		d := path.Dir(p)
		if d == dir || d == "." && dir == "" {
			out = append(out, *r.file(rev, p))
		}
	}
	slices.SortFunc(out, func(a, b gitutil.File) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}
func (r *lineRepo) Blob(h string) ([]byte, error) {
	rev, p, _ := strings.Cut(h, ":")
	return r.revs[r.rev(rev)][p], nil
}
func (r *lineRepo) Close() error { return nil }

// FuzzAttribution is FuzzAnalyze's companion for the attribution path: a
// history of three commits over a test file and its code, checked as one
// range and replayed commit by commit to name the commit each finding
// comes from. Whatever the versions, the check must not fail or panic,
// and every finding must name one of the range's commits.
func FuzzAttribution(f *testing.F) {
	test := "package p\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tif A() != 1 {\n\t\tt.Fatal(1)\n\t}\n}\n\nfunc TestB(t *testing.T) {\n\tif A() == 0 {\n\t\tt.Error(0)\n\t}\n}\n"
	src := "package p\n\nfunc A() int { x := 1; return x }\n"
	f.Add(test, src, strings.Replace(test, "t.Fatal(1)", "t.Skip()", 1), src,
		strings.Replace(test, "func TestB(t *testing.T) {\n\tif A() == 0 {\n\t\tt.Error(0)\n\t}\n}\n", "", 1), "package p\n\nfunc A() int { return 1 }\n")
	f.Add(test, src, "package p\n", src, test, src)
	f.Add("package p\nfunc TestMain(m *testing.M) { os.Exit(m.Run()) }", "", "package p\nfunc init() { os.Exit(0) }", "package p\nfunc A() {", "\x00", "package p")
	f.Fuzz(func(t *testing.T, t0, s0, t1, s1, t2, s2 string) {
		ver := func(test, src string) map[string][]byte {
			return map[string][]byte{"go.mod": []byte("module example.com/p\n"), "p/p_test.go": []byte(test), "p/p.go": []byte(src)}
		}
		repo := &lineRepo{revs: []map[string][]byte{ver(t0, s0), ver(t1, s1), ver(t2, s2), ver(t2, s2+"\n")}}
		res, err := detect.Check(repo, "c0", "c3", detect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range res.Notes {
			if strings.HasPrefix(n, "internal error") {
				t.Fatal(n)
			}
		}
		for _, fd := range res.Findings {
			if fd.Commit != "c1" && fd.Commit != "c2" && fd.Commit != "c3" {
				t.Fatalf("finding attributed to %q, not a commit of the range: %+v", fd.Commit, fd)
			}
		}
	})
}

// The in-memory history attributes as a git one does: the skip to the
// commit that made it, the deletion to the next (FuzzAttribution's seed).
func TestLineRepoAttribution(t *testing.T) {
	test := "package p\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tif A() != 1 {\n\t\tt.Fatal(1)\n\t}\n}\n\nfunc TestB(t *testing.T) {\n\tif A() == 0 {\n\t\tt.Error(0)\n\t}\n}\n"
	src := []byte("package p\n\nfunc A() int { x := 1; return x }\n")
	skipped := strings.Replace(test, "func TestA(t *testing.T) {\n", "func TestA(t *testing.T) {\n\tt.Skip(\"flaky\")\n", 1)
	gone := strings.Replace(skipped, "func TestB(t *testing.T) {\n\tif A() == 0 {\n\t\tt.Error(0)\n\t}\n}\n", "", 1)
	ver := func(test string) map[string][]byte {
		return map[string][]byte{"go.mod": []byte("module example.com/p\n"), "p/p_test.go": []byte(test), "p/p.go": src}
	}
	repo := &lineRepo{revs: []map[string][]byte{ver(test), ver(skipped), ver(gone)}}
	res, err := detect.Check(repo, "c0", "c2", detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range res.Findings {
		if f.Severity >= detect.Warning {
			got[f.Rule+" "+f.Symbol] = f.Commit
		}
	}
	if got["skipped-test TestA"] != "c1" || got["deleted-test TestB"] != "c2" {
		t.Errorf("attribution: %v\n%s", got, dump(res))
	}
}
