package detect

import (
	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// CheckCommit compares a commit with its first parent — the change it made;
// for a merge, the net change it brought — and attributes every finding to
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
	ld := model.NewLoader(repo)
	ld.Cache = cache
	a, err := model.Analyze(ld, c.Parents[0], c.Hash, rules)
	if err != nil {
		return nil, err
	}
	for _, f := range a.Findings {
		f.Commit, f.Agent = c.Hash, agent
		if agent == "" {
			f.Severity = finding.Info
		}
		res.Findings = append(res.Findings, f)
	}
	res.Summary = summarize(res.Findings)
	res.Notes = ld.NoteList()
	return res, nil
}
