package gitutil

import (
	"fmt"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Changes compares the trees of two commits. An empty from compares with the
// empty tree (every file added).
//
// go-git's object.DiffTree and Patch are tens of times slower than git, so
// this walks both trees in step and descends only into subtrees whose hashes
// differ: an unchanged folder costs one hash comparison.
func (r *gogitRepo) Changes(from, to string) ([]Change, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var old *object.Tree
	if from != "" {
		t, err := r.treeOf(from)
		if err != nil {
			return nil, err
		}
		old = t
	}
	cur, err := r.treeOf(to)
	if err != nil {
		return nil, err
	}
	d := differ{r: r}
	if err := d.trees("", old, cur); err != nil {
		return nil, err
	}
	changes, err := findRenames(d.changes, func(h string) ([]byte, error) { return r.blob(plumbing.NewHash(h)) })
	if err != nil {
		return nil, err
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path() < changes[j].Path() })
	return changes, nil
}

type differ struct {
	r       *gogitRepo
	changes []Change
}

// trees records the differences between two trees at dir; either may be nil.
func (d *differ) trees(dir string, old, cur *object.Tree) error {
	oldByName := map[string]object.TreeEntry{}
	if old != nil {
		for _, e := range old.Entries {
			oldByName[e.Name] = e
		}
	}
	if cur != nil {
		for _, e := range cur.Entries {
			o, ok := oldByName[e.Name]
			delete(oldByName, e.Name)
			if ok && o.Hash == e.Hash && o.Mode == e.Mode {
				continue
			}
			var before *object.TreeEntry
			if ok {
				before = &o
			}
			if err := d.entry(joinPath(dir, e.Name), before, &e); err != nil {
				return err
			}
		}
	}
	for _, o := range oldByName {
		if err := d.entry(joinPath(dir, o.Name), &o, nil); err != nil {
			return err
		}
	}
	return nil
}

// entry records the change of one path; either side may be nil. A path that
// turned from a file into a folder (or back) is a deletion plus additions.
func (d *differ) entry(p string, old, cur *object.TreeEntry) error {
	oldFile, curFile := fileOf(p, old), fileOf(p, cur)
	switch {
	case oldFile != nil && curFile != nil:
		d.changes = append(d.changes, Change{From: oldFile, To: curFile})
	case oldFile != nil:
		d.changes = append(d.changes, Change{From: oldFile})
	case curFile != nil:
		d.changes = append(d.changes, Change{To: curFile})
	}
	oldTree, err := d.subtree(old)
	if err != nil {
		return err
	}
	curTree, err := d.subtree(cur)
	if err != nil {
		return err
	}
	if oldTree == nil && curTree == nil {
		return nil
	}
	return d.trees(p, oldTree, curTree)
}

func fileOf(p string, e *object.TreeEntry) *File {
	if e == nil || !isFile(e.Mode) {
		return nil
	}
	return &File{Path: p, Blob: e.Hash.String(), Mode: uint32(e.Mode)}
}

func (d *differ) subtree(e *object.TreeEntry) (*object.Tree, error) {
	if e == nil || e.Mode != filemode.Dir {
		return nil, nil
	}
	return d.r.tree(e.Hash)
}

func (r *gogitRepo) tree(h plumbing.Hash) (*object.Tree, error) {
	t, err := object.GetTree(r.storage, h)
	if err != nil {
		return nil, fmt.Errorf("reading tree %s: %w", h, err)
	}
	return t, nil
}
