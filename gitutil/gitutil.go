// Package gitutil holds every access goodhart makes to a git repository:
// resolving revisions, merge bases, the commits of a range, the files a range
// changed and the contents of blobs, plus the identification of commits made
// by coding agents.
//
// The rest of goodhart sees git only through the Repo interface, which has
// two implementations: one over the git command's plumbing (long-lived `git
// cat-file --batch` and `git diff-tree --stdin` processes), used when git is
// on PATH, and one over go-git, in pure Go. Both pass the same tests.
package gitutil

import (
	"strings"
	"time"
)

// Signature is the author or committer of a commit.
type Signature struct {
	Name  string
	Email string
	When  time.Time
}

// String formats the signature as git does: "Name <email>".
func (s Signature) String() string { return s.Name + " <" + s.Email + ">" }

// Commit is the metadata of one commit.
type Commit struct {
	Hash      string // full hex object name
	Parents   []string
	Author    Signature
	Committer Signature
	Message   string
}

// Subject is the first line of the commit message.
func (c Commit) Subject() string {
	s, _, _ := strings.Cut(strings.TrimLeft(c.Message, "\n"), "\n")
	return strings.TrimSpace(s)
}

// File is one file of a tree.
type File struct {
	Path string // slash-separated, relative to the repository root
	Blob string // hex object name of the contents
	Mode uint32 // git file mode, e.g. 0100644
}

// Change is one file that differs between two trees. From is nil for an added
// file, To is nil for a deleted one; both are set for a modification or a
// rename (From.Path != To.Path).
type Change struct {
	From *File
	To   *File
}

// Path is the path of the changed file in the newer tree, or in the older one
// when the file was deleted.
func (c Change) Path() string {
	if c.To != nil {
		return c.To.Path
	}
	return c.From.Path
}

// Repo is the narrow view of a git repository that goodhart needs.
// All hashes are full hex object names.
type Repo interface {
	// Resolve turns a revision (branch, tag, remote ref, full or abbreviated
	// hash, HEAD~2 …) into the hash of a commit.
	Resolve(rev string) (string, error)
	// MergeBase returns the best common ancestor of two commits.
	MergeBase(a, b string) (string, error)
	// Commit reads one commit.
	Commit(hash string) (Commit, error)
	// Commits lists the commits reachable from head but not from base, parents
	// before children (the order `git rev-list --reverse --topo-order` gives).
	Commits(base, head string) ([]Commit, error)
	// Changes lists the regular files that differ between the trees of two
	// commits, with renames detected among Go files. Callers may reorder the
	// list but must not modify the files it points to: a backend may share
	// them with later callers.
	Changes(from, to string) ([]Change, error)
	// ListDir lists the regular files directly inside dir ("" or "." for the
	// root) in the tree of a commit. A missing dir is an empty list.
	ListDir(commit, dir string) ([]File, error)
	// Blob reads the contents of a blob. Callers must not modify what it
	// returns: a backend may share it with later callers.
	Blob(hash string) ([]byte, error)
	// Close releases the repository.
	Close() error
}

// ReadBlobs reads many blobs, as Blob does each: errs[i] says why blob i
// could not be read. The git backend asks for them all in one request,
// which spares a round trip to git per blob.
func ReadBlobs(r Repo, hashes []string) (blobs [][]byte, errs []error) {
	if br, ok := r.(interface {
		readBlobs([]string) ([][]byte, []error)
	}); ok {
		return br.readBlobs(hashes)
	}
	blobs, errs = make([][]byte, len(hashes)), make([]error, len(hashes))
	for i, h := range hashes {
		blobs[i], errs[i] = r.Blob(h)
	}
	return blobs, errs
}
