package detect_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/fixtures"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// CheckCommit finds what Check finds when the range is one commit: every
// one-commit scenario of fixtures/, exactly, on both backends. One small
// Cache serves every scenario at once, as scan's workers share one; blobs
// are named by their contents, so scenarios that share files share entries.
func TestCheckCommitMatchesCheck(t *testing.T) {
	all, err := fixtures.All()
	if err != nil {
		t.Fatal(err)
	}
	cache := detect.NewCache(64 << 10)
	n := 0
	for _, s := range all {
		if len(s.Want) == 0 && !throughViews[s.Name] {
			continue // the scenarios with findings say most
		}
		n++
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			built, err := s.Build(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if len(built.Commits) != 1 {
				t.Skip("more than one commit")
			}
			for _, backend := range []string{"git", "go-git"} {
				repo, err := gitutil.OpenBackend(built.Dir, backend)
				if err != nil {
					t.Fatal(err)
				}
				defer repo.Close()
				want, err := detect.Check(repo, built.Base, built.Head, detect.Options{})
				if err != nil {
					t.Fatal(err)
				}
				c, err := repo.Commit(built.Head)
				if err != nil {
					t.Fatal(err)
				}
				got, err := detect.CheckCommit(repo, c, gitutil.AgentOf(c), cache)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: CheckCommit differs from Check (-Check +CheckCommit):\n%s", backend, diff)
				}
				// Primed, it finds the same, and never asks the repository
				// for what was primed.
				counted := &blobLog{Repo: repo}
				primed := detect.Prime(counted, c)
				changes, _ := repo.Changes(c.Parents[0], c.Hash)
				counted.asked = nil
				got, err = detect.CheckCommit(primed, c, gitutil.AgentOf(c), nil)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: CheckCommit on a primed commit differs from Check (-Check +CheckCommit):\n%s", backend, diff)
				}
				if primed.Size() == 0 {
					t.Errorf("%s: nothing primed", backend)
				}
				for _, ch := range changes {
					for _, f := range []*gitutil.File{ch.From, ch.To} {
						if f != nil && strings.HasSuffix(f.Path, ".go") && counted.asked[f.Blob] {
							t.Errorf("%s: %s read again after priming", backend, f.Path)
						}
					}
				}
			}
		})
	}
	if n == 0 {
		t.Fatal("no scenarios with findings")
	}
}

// throughViews are scenarios without findings whose outcome rests on what
// the repository can do beyond the Repo interface (a subtree listing): a
// view of it (a primed commit) must pass that on.
var throughViews = map[string]bool{"weakened-ci/job-dropped-skip-spares": true}

// ListTree passes a subtree listing on, as the views of a scan do.
func (r *blobLog) ListTree(commit, dir string, max int) ([]gitutil.File, bool, error) {
	return gitutil.ListTree(r.Repo, commit, dir, max)
}

// blobLog is a repository that notes the blobs asked of it.
type blobLog struct {
	gitutil.Repo
	mu    sync.Mutex
	asked map[string]bool
}

func (r *blobLog) Blob(hash string) ([]byte, error) {
	r.mu.Lock()
	if r.asked == nil {
		r.asked = map[string]bool{}
	}
	r.asked[hash] = true
	r.mu.Unlock()
	return r.Repo.Blob(hash)
}

// A root commit has nothing to compare with.
func TestCheckCommitRoot(t *testing.T) {
	s, err := fixtures.All()
	if err != nil {
		t.Fatal(err)
	}
	built, err := s[0].Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	repo, err := gitutil.Open(built.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	c, err := repo.Commit(built.Base)
	if err != nil {
		t.Fatal(err)
	}
	res, err := detect.CheckCommit(repo, c, "claude-code", nil)
	if err != nil || len(res.Findings) != 0 || res.Range.Base != "" || len(res.Commits) != 1 {
		t.Errorf("CheckCommit(root) = %+v, %v", res, err)
	}
}
