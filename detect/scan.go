package detect

import (
	"errors"
	"slices"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// CheckCommit compares a commit with its first parent — the change it made;
// for a merge, only the files it left unlike every parent (its conflict
// resolutions and edits: what it took from either side is that side's
// work, see gitutil.OwnChanges), and in them only what the other parents'
// side did not already show against the first parent — and attributes
// every finding to
// that commit and agent ("" for a person, whose findings are info, as in
// Check). It is Check for one commit without the range walks and replays,
// for scanning long histories. A root commit has nothing to compare with:
// its result is empty. A Cache shared by the commits of a scan spares them
// cutting the same unchanged files again; nil is fine.
func CheckCommit(repo gitutil.Repo, c gitutil.Commit, agent string, cache *model.Cache) (*finding.Result, error) {
	res := &finding.Result{
		Schema:   1,
		Commits:  []finding.CommitInfo{{SHA: c.Hash, Author: c.Author.String(), Agent: agent, Subject: c.Subject()}},
		Findings: []finding.Finding{},
	}
	if len(c.Parents) == 0 {
		res.Range = finding.Range{Head: c.Hash}
		return res, nil
	}
	res.Range = finding.Range{Base: c.Parents[0], Head: c.Hash}
	var view *ownView
	if len(c.Parents) > 1 {
		view = &ownView{Repo: repo, c: c}
		repo = view
	}
	ld := model.NewLoader(repo)
	ld.Cache = cache
	a, err := model.Analyze(ld, c.Parents[0], c.Hash, rules)
	var tooLarge *model.TooLargeError
	if errors.As(err, &tooLarge) {
		// One commit of a history audit that cannot be read is said, not
		// fatal to the audit (goodhart check fails on it).
		res.Notes = []string{"not checked: " + tooLarge.Error()}
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	found := a.Findings
	if view != nil && len(found) > 0 {
		if found, err = view.mergesOwn(ld, found); err != nil {
			return nil, err
		}
	}
	rv := newReverts(repo)
	for _, f := range found {
		f.Commit, f.Agent = c.Hash, agent
		if agent == "" {
			f.Severity = finding.Info
		}
		if err := rv.judge(&f, c); err != nil {
			return nil, err
		}
		res.Findings = append(res.Findings, f)
	}
	res.Summary = summarize(res.Findings)
	res.Notes = ld.NoteList()
	if len(res.Findings) > 0 { // the parent's .goodhart.yml and the waivers
		if err := settleCommit(repo, c, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// ownView answers, for a merge, the comparison with its first parent with
// the merge's own changes, and the comparison of its first parent with
// another parent with the changes to the same files.
type ownView struct {
	gitutil.Repo
	c    gitutil.Commit
	own  []gitutil.Change
	err  error
	done bool
}

// ListTree passes a subtree listing on to the repository viewed.
func (v *ownView) ListTree(commit, dir string, max int) ([]gitutil.File, bool, error) {
	return gitutil.ListTree(v.Repo, commit, dir, max)
}

func (v *ownView) ownChanges() ([]gitutil.Change, error) {
	if !v.done {
		v.own, v.err = gitutil.OwnChanges(v.Repo, v.c)
		v.done = true
	}
	return v.own, v.err
}

func (v *ownView) Changes(from, to string) ([]gitutil.Change, error) {
	if from != v.c.Parents[0] || to != v.c.Hash && !slices.Contains(v.c.Parents[1:], to) {
		return v.Repo.Changes(from, to)
	}
	own, err := v.ownChanges()
	if err != nil || to == v.c.Hash {
		return own, err
	}
	paths := map[string]bool{}
	for _, ch := range own {
		for _, f := range []*gitutil.File{ch.From, ch.To} {
			if f != nil {
				paths[f.Path] = true
			}
		}
	}
	side, err := v.Repo.Changes(from, to)
	if err != nil {
		return nil, err
	}
	var out []gitutil.Change
	for _, ch := range side {
		if ch.From != nil && paths[ch.From.Path] || ch.To != nil && paths[ch.To.Path] {
			out = append(out, ch)
		}
	}
	return out, nil
}

// mergesOwn keeps the findings of the merge's own files that no other
// parent already shows against the first parent: in a file both sides
// changed, what the other side did is that side's, and only what the merge
// added to both is the merge's.
func (v *ownView) mergesOwn(ld *model.Loader, found []finding.Finding) ([]finding.Finding, error) {
	var fs []*finding.Finding
	for i := range found {
		fs = append(fs, &found[i])
	}
	brought := map[string]bool{}
	for _, p := range v.c.Parents[1:] {
		a, err := model.Analyze(ld, v.c.Parents[0], p, rulesOf(fs))
		if err != nil {
			return nil, err
		}
		for i := range a.Findings {
			brought[a.Findings[i].Key()] = true
		}
	}
	var kept []finding.Finding
	for _, f := range found {
		if !brought[f.Key()] {
			kept = append(kept, f)
		}
	}
	return kept, nil
}
