package gitutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// gogitRepo implements Repo over go-git's filesystem storage.
//
// go-git's packfile readers share file descriptors (KeepDescriptors) and are
// not safe for concurrent use, so every method takes mu.
type gogitRepo struct {
	mu      sync.Mutex
	repo    *git.Repository
	storage *filesystem.Storage
	shallow map[plumbing.Hash]bool // commits whose parents the clone lacks
}

// openGoGit opens the repository that contains abs with go-git. The Repo
// keeps pack files open until Close; its calls are serialised.
func openGoGit(abs, dir string) (Repo, error) {
	found, err := openPlain(abs)
	if err != nil {
		return nil, err
	}
	st, ok := found.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("%s: unexpected storage %T", dir, found.Storer)
	}
	// Reopen the same git dir (with its commondir, if any) keeping packfile
	// descriptors open: go-git otherwise reopens a pack for every object.
	storage := filesystem.NewStorageWithOptions(st.Filesystem(), cache.NewObjectLRUDefault(),
		filesystem.Options{KeepDescriptors: true})
	repo, err := git.Open(storage, nil)
	if err != nil {
		storage.Close()
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	r := &gogitRepo{repo: repo, storage: storage, shallow: map[plumbing.Hash]bool{}}
	shallow, err := storage.Shallow()
	if err != nil {
		storage.Close()
		return nil, fmt.Errorf("%s: reading shallow file: %w", dir, err)
	}
	for _, h := range shallow {
		r.shallow[h] = true
	}
	return r, nil
}

// openPlain finds the repository the way git does: walking up from abs, the
// first folder that holds a .git (folder or file) or is itself a git dir
// (bare repository) wins. go-git's own DetectDotGit misses bare repositories.
func openPlain(abs string) (*git.Repository, error) {
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return git.PlainOpenWithOptions(d, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
		}
		if isGitDir(d) {
			return git.PlainOpenWithOptions(d, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
		}
		if filepath.Dir(d) == d {
			return nil, &NotRepoError{Dir: abs}
		}
	}
}

// isGitDir mirrors git's is_git_directory: HEAD, refs and objects (or a
// commondir file pointing at them, for a linked worktree's git dir).
func isGitDir(d string) bool {
	exists := func(name string) bool {
		_, err := os.Stat(filepath.Join(d, name))
		return err == nil
	}
	return exists("HEAD") && (exists("commondir") || exists("objects") && exists("refs"))
}

func (r *gogitRepo) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.storage.Close()
}

// missing turns a failure to read an object into a ShallowError when the
// clone is shallow, since the object is then most likely cut off history.
func (r *gogitRepo) missing(h plumbing.Hash, err error) error {
	if errors.Is(err, plumbing.ErrObjectNotFound) && len(r.shallow) > 0 {
		return &ShallowError{Missing: h.String()}
	}
	return fmt.Errorf("reading commit %s: %w", h, err)
}

func (r *gogitRepo) commit(h plumbing.Hash) (*object.Commit, error) {
	c, err := object.GetCommit(r.storage, h)
	if err != nil {
		return nil, r.missing(h, err)
	}
	return c, nil
}

// parseHash accepts only full hex object names.
func parseHash(s string) (plumbing.Hash, error) {
	if !plumbing.IsHash(s) {
		return plumbing.ZeroHash, fmt.Errorf("bad object name %q", s)
	}
	return plumbing.NewHash(s), nil
}

func (r *gogitRepo) Resolve(rev string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, err := r.resolve(rev)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

func (r *gogitRepo) resolve(rev string) (plumbing.Hash, error) {
	name, steps, ok := splitRev(rev)
	if !ok {
		// Forms we do not walk ourselves (HEAD^{/text} …): leave to go-git.
		name, steps = rev, nil
	}
	if name == "@" {
		name = "HEAD"
	}
	h, err := r.repo.ResolveRevision(plumbing.Revision(name))
	if err != nil {
		return plumbing.ZeroHash, &UnknownRevisionError{Rev: rev}
	}
	for _, n := range steps {
		if h, err = r.parent(*h, n); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	return *h, nil
}

// parent returns the n-th parent (1-based) of a commit, so that HEAD~3 in a
// shallow clone names the commit that is missing.
func (r *gogitRepo) parent(h plumbing.Hash, n int) (*plumbing.Hash, error) {
	c, err := r.commit(h)
	if err != nil {
		return nil, err
	}
	if n > len(c.ParentHashes) {
		return nil, fmt.Errorf("commit %s has no parent %d", h, n)
	}
	p := c.ParentHashes[n-1]
	if _, err := r.commit(p); err != nil {
		return nil, err
	}
	return &p, nil
}

// splitRev splits "main~2^2" into "main" and the parent steps [1 1 2].
// ok is false when the suffix holds anything but ~N and ^N.
func splitRev(rev string) (name string, steps []int, ok bool) {
	i := strings.IndexAny(rev, "~^")
	if i <= 0 {
		return rev, nil, i < 0
	}
	name, rest := rev[:i], rev[i:]
	for rest != "" {
		op := rest[0]
		j := 1
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		n := 1
		if j > 1 {
			v, err := strconv.Atoi(rest[1:j])
			if err != nil {
				return "", nil, false
			}
			n = v
		}
		switch {
		case op == '~':
			for k := 0; k < n; k++ {
				steps = append(steps, 1)
			}
		case op == '^' && n > 0:
			steps = append(steps, n)
		case op == '^': // ^0 is the commit itself
		default:
			return "", nil, false
		}
		rest = rest[j:]
	}
	return name, steps, true
}

func (r *gogitRepo) MergeBase(a, b string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := checkHashes(a, b); err != nil {
		return "", err
	}
	return walkMergeBase(r.load, a, b)
}

// Commits lists base..head. An empty base lists all of head's history.
func (r *gogitRepo) Commits(base, head string) ([]Commit, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := checkHashes(head); err != nil {
		return nil, err
	}
	if base != "" {
		if err := checkHashes(base); err != nil {
			return nil, err
		}
	}
	return walkCommits(r.load, base, head)
}

// checkHashes accepts only full object names.
func checkHashes(hashes ...string) error {
	for _, h := range hashes {
		if _, err := parseHash(h); err != nil {
			return err
		}
	}
	return nil
}

// load is the walks' loadFunc; r.mu is held.
func (r *gogitRepo) load(hash string) (Commit, error) {
	c, err := r.commit(plumbing.NewHash(hash))
	if err != nil {
		return Commit{}, err
	}
	return toCommit(c), nil
}

func (r *gogitRepo) Commit(hash string) (Commit, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, err := parseHash(hash)
	if err != nil {
		return Commit{}, err
	}
	c, err := r.commit(h)
	if err != nil {
		return Commit{}, err
	}
	return toCommit(c), nil
}

func toCommit(c *object.Commit) Commit {
	parents := make([]string, len(c.ParentHashes))
	for i, p := range c.ParentHashes {
		parents[i] = p.String()
	}
	return Commit{
		Hash:      c.Hash.String(),
		Parents:   parents,
		Author:    Signature{Name: c.Author.Name, Email: c.Author.Email, When: c.Author.When},
		Committer: Signature{Name: c.Committer.Name, Email: c.Committer.Email, When: c.Committer.When},
		Message:   c.Message,
	}
}

func (r *gogitRepo) Blob(hash string) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, err := parseHash(hash)
	if err != nil {
		return nil, err
	}
	return r.blob(h)
}

func (r *gogitRepo) blob(h plumbing.Hash) ([]byte, error) {
	obj, err := r.storage.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", h, err)
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", h, err)
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

func (r *gogitRepo) ListDir(commit, dir string) ([]File, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tree, err := r.treeOf(commit)
	if err != nil {
		return nil, err
	}
	dir = cleanDir(dir)
	if dir != "" {
		// Not tree.FindEntry: it refuses names git allows (a newline, …).
		for _, name := range strings.Split(dir, "/") {
			e := entryNamed(tree, name)
			if e == nil || e.Mode != filemode.Dir {
				return nil, nil // missing, or not a folder
			}
			if tree, err = r.tree(e.Hash); err != nil {
				return nil, err
			}
		}
	}
	var files []File
	for _, e := range tree.Entries {
		if isFile(e.Mode) {
			files = append(files, File{Path: joinPath(dir, e.Name), Blob: e.Hash.String(), Mode: uint32(e.Mode)})
		}
	}
	return files, nil
}

func entryNamed(t *object.Tree, name string) *object.TreeEntry {
	for i := range t.Entries {
		if t.Entries[i].Name == name {
			return &t.Entries[i]
		}
	}
	return nil
}

// cleanDir turns "", ".", "./a/", "/a" into "" or "a".
func cleanDir(dir string) string {
	dir = path.Clean("/" + dir)
	return strings.TrimPrefix(dir, "/")
}

func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// isFile is true for regular files; symlinks and submodules are not files.
func isFile(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated
}

func (r *gogitRepo) treeOf(commit string) (*object.Tree, error) {
	h, err := parseHash(commit)
	if err != nil {
		return nil, err
	}
	c, err := r.commit(h)
	if err != nil {
		return nil, err
	}
	t, err := object.GetTree(r.storage, c.TreeHash)
	if err != nil {
		return nil, fmt.Errorf("reading tree of %s: %w", h, err)
	}
	return t, nil
}
