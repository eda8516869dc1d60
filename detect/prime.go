package detect

import (
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/weakenedci"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// Primed is a repository view in which one commit's change list and the
// Go files it changed (both versions) are already read. A scan primes
// commits while its workers check earlier ones, so that git inflates
// blobs while goodhart parses others, instead of each waiting on the
// other.
type Primed struct {
	gitutil.Repo
	from, to string
	changes  []gitutil.Change
	err      error
	blobs    map[string][]byte
	size     int
}

// ListTree passes a subtree listing on to the repository viewed.
func (p *Primed) ListTree(commit, dir string, max int) ([]gitutil.File, bool, error) {
	return gitutil.ListTree(p.Repo, commit, dir, max)
}

// Prime reads what CheckCommit needs first for c: its changes against its
// first parent (a merge's own, gitutil.OwnChanges), both versions of the
// Go files they touch, and those of the CI files (workflows, Makefiles,
// scripts, agents' hook configurations) that weakened-ci reads. It never
// fails: what could not be read is read again, and its error met, when
// CheckCommit asks for it.
func Prime(repo gitutil.Repo, c gitutil.Commit) *Primed {
	p := &Primed{Repo: repo}
	if len(c.Parents) == 0 {
		return p
	}
	p.from, p.to = c.Parents[0], c.Hash
	p.changes, p.err = gitutil.OwnChanges(repo, c)
	if p.err != nil {
		return p
	}
	var hashes []string
	seen := map[string]bool{}
	for _, ch := range p.changes {
		for _, f := range []*gitutil.File{ch.From, ch.To} {
			if f != nil && (model.Relevant(f.Path) || weakenedci.Wants(f.Path)) && !seen[f.Blob] {
				seen[f.Blob] = true
				hashes = append(hashes, f.Blob)
			}
		}
	}
	p.blobs = map[string][]byte{}
	blobs, errs := gitutil.ReadBlobs(repo, hashes)
	for i, b := range blobs {
		if errs[i] == nil && len(b) <= model.MaxFileSize {
			p.blobs[hashes[i]] = b
			p.size += len(b)
		}
	}
	return p
}

// Size is the number of bytes of blobs p holds.
func (p *Primed) Size() int { return p.size }

// Changes answers for the primed commit from what was read.
func (p *Primed) Changes(from, to string) ([]gitutil.Change, error) {
	if p.from != "" && from == p.from && to == p.to {
		return p.changes, p.err
	}
	return p.Repo.Changes(from, to)
}

// Blob answers from the primed blobs first.
func (p *Primed) Blob(hash string) ([]byte, error) {
	if b, ok := p.blobs[hash]; ok {
		return b, nil
	}
	return p.Repo.Blob(hash)
}

// Close does nothing: the repository is the caller's.
func (p *Primed) Close() error { return nil }
