package gitutil

import (
	"bufio"
	"errors"
	"fmt"
	"iter"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// HistoryOptions say which commits History lists.
type HistoryOptions struct {
	Revs     []string  // where the walk starts (default HEAD)
	All      bool      // start from every ref and HEAD instead of Revs
	Since    time.Time // leave out commits committed before (and what lies behind them)
	Max      int       // stop after this many commits; 0: no limit
	NoMerges bool      // leave out commits with more than one parent
}

// History lists commits newest first, in the order `git rev-list` (and
// `git log`) gives them: by committer date, commits of the same date in the
// order they were reached. It streams: a walk over years of history holds
// the commits it has seen, not their contents. In a shallow clone it stops
// where the clone does.
func History(r Repo, opts HistoryOptions) iter.Seq2[Commit, error] {
	return func(yield func(Commit, error) bool) {
		if c, ok := r.(*cliRepo); ok {
			c.history(opts, yield)
			return
		}
		starts, err := historyStarts(r, opts)
		if err != nil {
			yield(Commit{}, err)
			return
		}
		walkHistory(r.Commit, starts, opts, yield)
	}
}

// historyStarts resolves where a walk starts, for the go-git backend (and
// any other Repo).
func historyStarts(r Repo, opts HistoryOptions) ([]string, error) {
	if opts.All {
		g, ok := r.(*gogitRepo)
		if !ok {
			return nil, errors.New("walking every ref is not supported by this repository")
		}
		return g.refTips()
	}
	revs := opts.Revs
	if len(revs) == 0 {
		revs = []string{"HEAD"}
	}
	var starts []string
	for _, rev := range revs {
		h, err := r.Resolve(rev)
		if err != nil {
			return nil, err
		}
		starts = append(starts, h)
	}
	return starts, nil
}

// refTips lists the commits every ref names (tags peeled), in ref name
// order, then HEAD's, as `git rev-list --all` takes them.
func (r *gogitRepo) refTips() ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	iterRefs, err := r.repo.References()
	if err != nil {
		return nil, err
	}
	var names []string
	tips := map[string]string{}
	err = iterRefs.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().String()
		if name == "HEAD" || !strings.HasPrefix(name, "refs/") {
			return nil
		}
		if h, ok := r.peel(ref); ok {
			names = append(names, name)
			tips[name] = h
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		out = append(out, tips[n])
	}
	if head, err := r.resolve("HEAD"); err == nil {
		out = append(out, head.String())
	}
	return out, nil
}

// peel follows a ref (symbolic, or to annotated tags) to a commit; ok is
// false for refs that name no commit.
func (r *gogitRepo) peel(ref *plumbing.Reference) (string, bool) {
	resolved, err := r.repo.Reference(ref.Name(), true)
	if err != nil {
		return "", false
	}
	h := resolved.Hash()
	for range 10 { // a tag of a tag of …
		obj, err := r.storage.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return "", false
		}
		switch obj.Type() {
		case plumbing.CommitObject:
			return h.String(), true
		case plumbing.TagObject:
			tag, err := object.DecodeTag(r.storage, obj)
			if err != nil {
				return "", false
			}
			h = tag.Target
		default:
			return "", false
		}
	}
	return "", false
}

// walkHistory is git's unlimited revision walk: pop the newest commit,
// show it, queue its parents. A commit older than Since is neither shown nor
// followed. Parents a shallow clone lacks are left out, as git does.
func walkHistory(load loadFunc, starts []string, opts HistoryOptions, yield func(Commit, error) bool) {
	seen := map[string]bool{}
	var queue nodeQueue
	push := func(h string) bool {
		if seen[h] {
			return true
		}
		seen[h] = true
		c, err := load(h)
		var shallow *ShallowError
		if errors.As(err, &shallow) {
			return true
		}
		if err != nil {
			return yield(Commit{}, err)
		}
		queue.put(&node{c: c})
		return true
	}
	for _, h := range starts {
		if !push(h) {
			return
		}
	}
	shown := 0
	for queue.len() > 0 && (opts.Max == 0 || shown < opts.Max) {
		c := queue.get().c
		if !opts.Since.IsZero() && c.Committer.When.Unix() < opts.Since.Unix() {
			continue
		}
		for _, p := range c.Parents {
			if !push(p) {
				return
			}
		}
		if opts.NoMerges && len(c.Parents) > 1 {
			continue
		}
		shown++
		if !yield(c, nil) {
			return
		}
	}
}

// history streams `git rev-list` and reads each commit from cat-file.
func (r *cliRepo) history(opts HistoryOptions, yield func(Commit, error) bool) {
	args := r.args("rev-list")
	if opts.All {
		args = append(args, "--all")
	} else {
		revs := opts.Revs
		if len(revs) == 0 {
			revs = []string{"HEAD"}
		}
		for _, rev := range revs {
			h, err := r.Resolve(rev)
			if err != nil {
				yield(Commit{}, err)
				return
			}
			args = append(args, h)
		}
	}
	if !opts.Since.IsZero() {
		args = append(args, "--max-age="+strconv.FormatInt(opts.Since.Unix(), 10))
	}
	if opts.Max > 0 {
		args = append(args, "--max-count="+strconv.Itoa(opts.Max))
	}
	if opts.NoMerges {
		args = append(args, "--no-merges")
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir, cmd.Env = r.gitDir, r.env
	stderr := &tailBuffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		yield(Commit{}, err)
		return
	}
	if err := cmd.Start(); err != nil {
		yield(Commit{}, err)
		return
	}
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		c, err := r.load(lines.Text())
		if !yield(c, err) || err != nil {
			cmd.Process.Kill() // the reader has had enough
			cmd.Wait()
			return
		}
	}
	scanErr := lines.Err()
	if scanErr != nil {
		cmd.Process.Kill()
	}
	waitErr := cmd.Wait()
	if scanErr != nil {
		yield(Commit{}, scanErr)
	} else if waitErr != nil {
		yield(Commit{}, fmt.Errorf("git rev-list: %v (%s)", waitErr, firstLine(strings.TrimSpace(stderr.String()))))
	}
}
