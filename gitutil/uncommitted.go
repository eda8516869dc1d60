package gitutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// ErrNoWorkTree is returned by Uncommitted for a bare repository.
var ErrNoWorkTree = errors.New("the repository has no work tree (it is bare): --worktree and --staged need one")

// Uncommitted reads what the repository that contains dir holds beyond
// HEAD and not yet committed: with staged, what the index holds; otherwise
// the files of the work tree, staged or not, and the untracked files git
// does not ignore. It returns HEAD's hash and the files that differ from
// it (some may turn out equal to HEAD's: NewOverlay leaves those out).
// Symbolic links, submodules and folders are not files here; a path that
// was a file in HEAD and is one of those now counts as deleted.
func Uncommitted(r Repo, dir string, staged bool) (head string, edits []Edit, err error) {
	head, err = r.Resolve("HEAD")
	if err != nil {
		var unknown *UnknownRevisionError
		if errors.As(err, &unknown) {
			return "", nil, fmt.Errorf("HEAD names no commit (a repository with no commit yet, or one whose objects cannot be read): %w", err)
		}
		return "", nil, err
	}
	switch r := underlying(r).(type) {
	case *cliRepo:
		edits, err = r.uncommitted(dir, staged)
	case *gogitRepo:
		edits, err = gogitUncommitted(dir, staged)
	default:
		err = fmt.Errorf("reading uncommitted changes: unsupported repository %T", r)
	}
	return head, edits, err
}

// underlying is the backend under an overlay.
func underlying(r Repo) Repo {
	for {
		o, ok := r.(*overlay)
		if !ok {
			return r
		}
		r = o.Repo
	}
}

// uncommitted asks git: diff-index against HEAD, for the index (--cached)
// or the work tree, and ls-files for untracked files.
func (r *cliRepo) uncommitted(dir string, staged bool) ([]Edit, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	out, err := r.run(abs, "rev-parse", "--is-bare-repository")
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(string(out)) == "true" {
		return nil, ErrNoWorkTree
	}
	out, err = r.run(abs, "rev-parse", "--show-toplevel")
	var ge *gitError
	if errors.As(err, &ge) && strings.Contains(ge.stderr, "work tree") {
		return nil, ErrNoWorkTree // inside the git dir
	} else if err != nil {
		return nil, err
	}
	top := strings.TrimSpace(string(out))
	if staged {
		out, err := r.run(top, "diff-index", "--cached", "-z", "--no-renames", "--raw", "HEAD")
		if err != nil {
			return nil, err
		}
		return parseRawIndex(out)
	}
	changed, err := r.run(top, "diff-index", "-z", "--no-renames", "--name-only", "HEAD")
	if err != nil {
		return nil, err
	}
	untracked, err := r.run(top, "ls-files", "-z", "--others", "--exclude-standard")
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, out := range [][]byte{changed, untracked} {
		for _, p := range strings.Split(string(out), "\x00") {
			if p != "" {
				paths = append(paths, p)
			}
		}
	}
	return readWorkFiles(top, paths)
}

// parseRawIndex reads `git diff-index --raw -z` records:
// ":<old mode> <new mode> <old hash> <new hash> <status>\0<path>\0".
func parseRawIndex(out []byte) ([]Edit, error) {
	recs := strings.Split(string(out), "\x00")
	var edits []Edit
	for i := 0; i+1 < len(recs); i += 2 {
		meta, p := recs[i], recs[i+1]
		f := strings.Fields(strings.TrimPrefix(meta, ":"))
		if len(f) != 5 {
			return nil, fmt.Errorf("unexpected diff-index output %q", meta)
		}
		newFile := cliFile(p, f[1], f[3])
		if f[4] == "D" || newFile == nil {
			edits = append(edits, Edit{Path: p})
			continue
		}
		edits = append(edits, Edit{Path: p, File: newFile})
	}
	return edits, nil
}

// readWorkFiles reads paths (relative, slash-separated) from the work tree
// at top: a regular file is read, anything else is a deletion.
func readWorkFiles(top string, paths []string) ([]Edit, error) {
	edits := make([]Edit, 0, len(paths))
	for _, p := range paths {
		full := filepath.Join(top, filepath.FromSlash(p))
		fi, err := os.Lstat(full)
		if errors.Is(err, fs.ErrNotExist) || err == nil && fi.IsDir() {
			if err == nil {
				continue // a submodule or a nested repository: not a file
			}
			edits = append(edits, Edit{Path: p})
			continue
		}
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			edits = append(edits, Edit{Path: p}) // a symbolic link is not a file here
			continue
		}
		data, err := os.ReadFile(full)
		if err != nil {
			return nil, err
		}
		mode := uint32(0o100644)
		if fi.Mode()&0o111 != 0 {
			mode = 0o100755
		}
		edits = append(edits, Edit{Path: p, File: &File{Path: p, Mode: mode}, Data: data})
	}
	return edits, nil
}

// gogitUncommitted asks go-git's status, for a machine without git.
func gogitUncommitted(dir string, staged bool) ([]Edit, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	repo, err := openPlain(abs)
	if err != nil {
		return nil, err
	}
	wt, err := repo.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return nil, ErrNoWorkTree
	} else if err != nil {
		return nil, err
	}
	status, err := wt.Status()
	if err != nil {
		return nil, fmt.Errorf("reading the work tree's status: %w", err)
	}
	if !staged {
		var paths []string
		for p, s := range status {
			if s.Staging != git.Unmodified || s.Worktree != git.Unmodified {
				paths = append(paths, p)
			}
		}
		return readWorkFiles(wt.Filesystem.Root(), paths)
	}
	idx, err := repo.Storer.Index()
	if err != nil {
		return nil, fmt.Errorf("reading the index: %w", err)
	}
	entries := map[string]plumbing.Hash{}
	modes := map[string]filemode.FileMode{}
	for _, e := range idx.Entries {
		entries[e.Name], modes[e.Name] = e.Hash, e.Mode
	}
	var edits []Edit
	for p, s := range status {
		if s.Staging == git.Unmodified || s.Staging == git.Untracked {
			continue
		}
		h, ok := entries[p]
		if !ok || !isFile(modes[p]) {
			edits = append(edits, Edit{Path: p})
			continue
		}
		edits = append(edits, Edit{Path: p, File: &File{Path: p, Blob: h.String(), Mode: uint32(modes[p])}})
	}
	return edits, nil
}
