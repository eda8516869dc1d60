package gitutil

import (
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// IsSubmodule reports whether path names a submodule (a gitlink) in the
// tree of a commit: a folder that a change replaced by a submodule is not
// gone, its code lives on in another repository. A backend that cannot
// tell (a pseudo-commit's overlay) answers false.
func IsSubmodule(r Repo, commit, path string) bool {
	s, ok := r.(interface {
		isSubmodule(commit, path string) (bool, error)
	})
	if !ok {
		return false
	}
	yes, err := s.isSubmodule(commit, path)
	return err == nil && yes
}

func (r *cliRepo) isSubmodule(commit, path string) (bool, error) {
	path = cleanDir(path)
	if path == "" {
		return false, nil
	}
	out, err := r.gitIn("ls-tree", "-z", commit, "--", path)
	if err != nil {
		return false, err
	}
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, p, ok := strings.Cut(rec, "\t")
		if f := strings.Fields(meta); ok && p == path && len(f) == 3 && f[0] == "160000" {
			return true, nil
		}
	}
	return false, nil
}

func (r *gogitRepo) isSubmodule(commit, path string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	path = cleanDir(path)
	if path == "" {
		return false, nil
	}
	tree, err := r.treeOf(commit)
	if err != nil {
		return false, err
	}
	names := strings.Split(path, "/")
	for i, name := range names {
		e := entryNamed(tree, name)
		if e == nil {
			return false, nil
		}
		if i == len(names)-1 {
			return e.Mode == filemode.Submodule, nil
		}
		if e.Mode != filemode.Dir {
			return false, nil
		}
		if tree, err = r.tree(e.Hash); err != nil {
			return false, err
		}
	}
	return false, nil
}
