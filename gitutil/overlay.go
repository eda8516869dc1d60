package gitutil

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strconv"
)

// Pseudo-commits: the names an Overlay gives the state it adds on top of a
// commit. They are not object names, and reports say so.
const (
	WorktreeCommit = "worktree" // the files of the work tree, untracked ones included
	IndexCommit    = "index"    // what is staged
	DiffCommit     = "diff"     // a unified diff applied to a revision
)

// IsPseudo reports whether a commit name is one of the pseudo-commits.
func IsPseudo(name string) bool {
	return name == WorktreeCommit || name == IndexCommit || name == DiffCommit
}

// Edit is one file of a pseudo-commit that differs from its parent: File is
// the new version, nil for a file deleted. When File.Blob is empty, Data
// holds the contents, which are not in the object database (a file of the
// work tree, a patched file), and the blob's name is computed from them.
type Edit struct {
	Path string
	File *File
	Data []byte
}

// overlay is a Repo with one more commit, name, whose only parent is
// parent and whose tree is parent's with the edits applied. Everything
// else is the underlying Repo's.
type overlay struct {
	Repo
	name, parent string
	commit       Commit
	files        map[string]*File  // path → new version; nil: deleted
	blobs        map[string][]byte // contents that are not in the object database
	byDir        map[string][]string
}

// NewOverlay adds the pseudo-commit name, parent plus edits, to r. Its
// Commit has subject subject, parent as its only parent, and no author:
// nobody's signature stands on what nobody committed. Changes, ListDir,
// Blob, Commits and MergeBase all answer for it as for a commit.
func NewOverlay(r Repo, name, parent, subject string, edits []Edit) (Repo, error) {
	if _, err := r.Commit(parent); err != nil {
		return nil, err
	}
	nobody := Signature{Name: "(not committed)"}
	o := &overlay{
		Repo: r, name: name, parent: parent,
		commit: Commit{Hash: name, Parents: []string{parent}, Author: nobody, Committer: nobody, Message: subject + "\n"},
		files:  map[string]*File{}, blobs: map[string][]byte{}, byDir: map[string][]string{},
	}
	for _, e := range edits {
		p := e.Path
		if e.File != nil && e.File.Blob == "" {
			f := *e.File
			f.Path = p
			f.Blob = blobHash(e.Data, len(parent))
			o.blobs[f.Blob] = e.Data
			o.files[p] = &f
		} else if e.File != nil {
			f := *e.File
			f.Path = p
			o.files[p] = &f
		} else {
			o.files[p] = nil
		}
		d := path.Dir(p)
		if d == "." {
			d = ""
		}
		o.byDir[d] = append(o.byDir[d], p)
	}
	return o, nil
}

// blobHash is git's object name for a blob with these contents, SHA-1 or
// SHA-256 as the repository's (told by the length of its hashes).
func blobHash(data []byte, hexLen int) string {
	header := "blob " + strconv.Itoa(len(data)) + "\x00"
	if hexLen == 64 {
		h := sha256.New()
		h.Write([]byte(header))
		h.Write(data)
		return hex.EncodeToString(h.Sum(nil))
	}
	h := sha1.New()
	h.Write([]byte(header))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func (o *overlay) Resolve(rev string) (string, error) {
	if rev == o.name {
		return o.name, nil
	}
	return o.Repo.Resolve(rev)
}

func (o *overlay) MergeBase(a, b string) (string, error) {
	switch {
	case a == o.name && b == o.name:
		return o.name, nil
	case a == o.name:
		return o.Repo.MergeBase(o.parent, b)
	case b == o.name:
		return o.Repo.MergeBase(a, o.parent)
	}
	return o.Repo.MergeBase(a, b)
}

func (o *overlay) Commit(hash string) (Commit, error) {
	if hash == o.name {
		return o.commit, nil
	}
	return o.Repo.Commit(hash)
}

func (o *overlay) Commits(base, head string) ([]Commit, error) {
	if base == o.name {
		if head == o.name {
			return nil, nil
		}
		return nil, fmt.Errorf("%s is not an ancestor of %s", o.name, head)
	}
	if head != o.name {
		return o.Repo.Commits(base, head)
	}
	var commits []Commit
	if base != o.parent {
		var err error
		if commits, err = o.Repo.Commits(base, o.parent); err != nil {
			return nil, err
		}
	}
	return append(commits, o.commit), nil
}

func (o *overlay) Changes(from, to string) ([]Change, error) {
	switch {
	case from != o.name && to != o.name:
		return o.Repo.Changes(from, to)
	case from == to:
		return nil, nil
	case to == o.name:
		return o.changesFrom(from)
	}
	changes, err := o.changesFrom(to)
	if err != nil {
		return nil, err
	}
	for i := range changes {
		changes[i].From, changes[i].To = changes[i].To, changes[i].From
	}
	return changes, nil
}

// changesFrom compares the tree of from with the pseudo-commit's: the
// changes from..parent, path by path, with the edits laid over them; renames
// are paired again on the result, as the backends pair them.
func (o *overlay) changesFrom(from string) ([]Change, error) {
	var under []Change
	if from != o.parent {
		var err error
		if under, err = o.Repo.Changes(from, o.parent); err != nil {
			return nil, err
		}
	}
	type side struct{ old, cur *File }
	paths := map[string]*side{}
	at := func(p string) *side {
		s := paths[p]
		if s == nil {
			s = &side{}
			paths[p] = s
		}
		return s
	}
	for _, c := range under {
		if c.From != nil {
			at(c.From.Path).old = c.From
		}
		if c.To != nil {
			at(c.To.Path).cur = c.To
		}
	}
	for p, f := range o.files {
		s, touched := paths[p]
		if !touched {
			// Unchanged from from to parent: the old version is parent's.
			old, err := o.parentFile(p)
			if err != nil {
				return nil, err
			}
			s = at(p)
			s.old = old
		}
		s.cur = f
	}
	var changes []Change
	for _, s := range paths {
		switch {
		case s.old == nil && s.cur == nil:
		case s.old != nil && s.cur != nil && s.old.Blob == s.cur.Blob && s.old.Mode == s.cur.Mode:
		default:
			changes = append(changes, Change{From: s.old, To: s.cur})
		}
	}
	changes, err := findRenames(changes, o.Blob)
	if err != nil {
		return nil, err
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path() < changes[j].Path() })
	return changes, nil
}

// parentFile is the file at p in the parent commit, nil when there is none.
func (o *overlay) parentFile(p string) (*File, error) {
	d := path.Dir(p)
	if d == "." {
		d = ""
	}
	files, err := o.Repo.ListDir(o.parent, d)
	if err != nil {
		return nil, err
	}
	for i := range files {
		if files[i].Path == p {
			return &files[i], nil
		}
	}
	return nil, nil
}

func (o *overlay) ListDir(commit, dir string) ([]File, error) {
	if commit != o.name {
		return o.Repo.ListDir(commit, dir)
	}
	dir = cleanDir(dir)
	files, err := o.Repo.ListDir(o.parent, dir)
	if err != nil {
		return nil, err
	}
	edited := o.byDir[dir]
	if len(edited) == 0 {
		return files, nil
	}
	out := make([]File, 0, len(files)+len(edited))
	for _, f := range files {
		if _, ok := o.files[f.Path]; !ok {
			out = append(out, f)
		}
	}
	for _, p := range edited {
		if f := o.files[p]; f != nil {
			out = append(out, *f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (o *overlay) Blob(hash string) ([]byte, error) {
	if data, ok := o.blobs[hash]; ok {
		return data, nil
	}
	return o.Repo.Blob(hash)
}

// readBlobs serves ReadBlobs: the pseudo-commit's own contents from memory,
// the rest in one request to the underlying Repo.
func (o *overlay) readBlobs(hashes []string) ([][]byte, []error) {
	out, errs := make([][]byte, len(hashes)), make([]error, len(hashes))
	var ask []string
	var at []int
	for i, h := range hashes {
		if data, ok := o.blobs[h]; ok {
			out[i] = data
			continue
		}
		ask, at = append(ask, h), append(at, i)
	}
	if len(ask) > 0 {
		blobs, berrs := ReadBlobs(o.Repo, ask)
		for k, i := range at {
			out[i], errs[i] = blobs[k], berrs[k]
		}
	}
	return out, errs
}
