package model

import (
	"slices"
	"strings"

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
		if DirOf(p) == dir {
			out = append(out, *r.file(rev, p))
		}
	}
	slices.SortFunc(out, func(a, b gitutil.File) int { return strings.Compare(a.Path, b.Path) }) // as git lists a tree
	return out, nil
}

// NewMemRepo gives the package's external tests a repository of two
// revisions, "base" and "head", of the given files.
func NewMemRepo(base, head map[string][]byte) gitutil.Repo { return &memRepo{base: base, head: head} }
