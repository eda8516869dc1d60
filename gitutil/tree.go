package gitutil

import (
	"errors"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrNoTreeListing says a backend cannot list a folder's whole subtree.
var ErrNoTreeListing = errors.New("this repository cannot list a folder's subtree")

// TreeLister is a repository that can list a folder's whole subtree. The
// git backends are; a view wrapping one passes the call on (ListTree).
type TreeLister interface {
	ListTree(commit, dir string, max int) ([]File, bool, error)
}

// ListTree lists the regular files anywhere under dir ("" or "." for the
// whole tree) in the tree of a commit, at most max of them (the rest are
// left out and more says so). A missing dir is an empty list. A repository
// that cannot list a subtree returns ErrNoTreeListing.
func ListTree(r Repo, commit, dir string, max int) (files []File, more bool, err error) {
	lt, ok := r.(TreeLister)
	if !ok {
		return nil, false, ErrNoTreeListing
	}
	return lt.ListTree(commit, dir, max)
}

// ListTree lists a subtree with git ls-tree -r.
func (r *cliRepo) ListTree(commit, dir string, max int) ([]File, bool, error) {
	dir = cleanDir(dir)
	args := []string{"ls-tree", "-r", "-z", commit}
	if dir != "" {
		args = append(args, "--", dir+"/")
	}
	out, err := r.gitIn(args...)
	if err != nil {
		return nil, false, err
	}
	// One more than max says whether there were more.
	files := lsTreeFiles(out, max+1)
	if len(files) > max {
		return files[:max], true, nil
	}
	return files, false, nil
}

// ListTree walks a subtree.
func (r *gogitRepo) ListTree(commit, dir string, max int) ([]File, bool, error) {
	dir = cleanDir(dir)
	r.mu.Lock()
	defer r.mu.Unlock()
	tree, err := r.treeOf(commit)
	if err != nil {
		return nil, false, err
	}
	if dir != "" {
		for _, name := range strings.Split(dir, "/") {
			e := entryNamed(tree, name)
			if e == nil || e.Mode != filemode.Dir {
				return nil, false, nil // missing, or not a folder
			}
			if tree, err = r.tree(e.Hash); err != nil {
				return nil, false, err
			}
		}
	}
	var files []File
	var walk func(prefix string, t *object.Tree) (bool, error)
	walk = func(prefix string, t *object.Tree) (bool, error) {
		for _, e := range t.Entries {
			p := joinPath(prefix, e.Name)
			switch {
			case e.Mode == filemode.Dir:
				sub, err := r.tree(e.Hash)
				if err != nil {
					return false, err
				}
				if more, err := walk(p, sub); more || err != nil {
					return more, err
				}
			case isFile(e.Mode):
				if len(files) == max {
					return true, nil
				}
				files = append(files, File{Path: p, Blob: e.Hash.String(), Mode: uint32(e.Mode)})
			}
		}
		return false, nil
	}
	more, err := walk(dir, tree)
	return files, more, err
}
