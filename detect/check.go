package detect

import (
	"errors"
	"fmt"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// assumedAgent names the agent of commits that --assume-agent counts as an
// agent's without recognising which one.
const assumedAgent = "assumed-agent"

// Options tune a check.
type Options struct {
	// AssumeAgent treats every commit of the range as an agent's.
	AssumeAgent bool
	// AgentOf names the agent that made a commit, "" for a person.
	// Nil means gitutil.AgentOf.
	AgentOf func(gitutil.Commit) string
	// Exhaustive parses every changed Go file, even test files that only
	// gained new declarations (the prefilter skips those). For checking the prefilter.
	Exhaustive bool
}

// Check compares merge-base(base, head)..head — the net change of the range —
// and returns the findings, each attributed to the commit of the range that
// introduced it and that commit's agent. A finding introduced by a person's
// commit is reported at severity info.
func Check(repo gitutil.Repo, base, head string, opts Options) (*finding.Result, error) {
	agentOf := opts.AgentOf
	if agentOf == nil {
		agentOf = gitutil.AgentOf
	}
	mb, err := repo.MergeBase(base, head)
	var shallow *gitutil.ShallowError
	if errors.As(err, &shallow) {
		return nil, err // it says what is missing and how to fetch it
	} else if err != nil {
		return nil, fmt.Errorf("finding the merge base of %s and %s: %w", model.Short(base), model.Short(head), err)
	}
	res := &finding.Result{Schema: 1, Range: finding.Range{Base: mb, Head: head}, Commits: []finding.CommitInfo{}, Findings: []finding.Finding{}}
	if mb == head {
		return res, nil
	}
	commits, err := repo.Commits(mb, head)
	if err != nil {
		return nil, err
	}
	agents := make([]string, len(commits))
	for i, c := range commits {
		agents[i] = agentOf(c)
		if agents[i] == "" && opts.AssumeAgent {
			agents[i] = assumedAgent
		}
		res.Commits = append(res.Commits, finding.CommitInfo{SHA: c.Hash, Author: c.Author.String(), Agent: agents[i], Subject: c.Subject()})
	}
	ld := model.NewLoader(repo)
	ld.Exhaustive = opts.Exhaustive
	a, err := model.Analyze(ld, mb, head, rules)
	if err != nil {
		return nil, err
	}
	notes := ld.NoteList() // replays may meet broken intermediate states: not the reader's concern
	if err := attribute(ld, mb, commits, a.Findings); err != nil {
		return nil, err
	}
	for i := range a.Findings {
		f := &a.Findings[i]
		for j, c := range commits {
			if c.Hash == f.Commit {
				f.Agent = agents[j]
			}
		}
		if f.Agent == "" {
			f.Severity = finding.Info // only people's commits did this
		}
		res.Findings = append(res.Findings, *f)
	}
	res.Summary = summarize(res.Findings)
	res.Notes = notes
	return res, nil
}

// attribute names, for each finding of the net change, the commit that
// introduced it: the earliest commit from which on it holds at every later
// commit of the range. The range is replayed backwards from head, analysing
// base..commit for each, until every finding is placed; the loader's parse
// cache makes the replays cheap, and findings are few.
func attribute(ld *model.Loader, base string, commits []gitutil.Commit, findings []finding.Finding) error {
	if len(findings) == 0 {
		return nil
	}
	last := len(commits) - 1
	open := map[string][]*finding.Finding{}
	for i := range findings {
		findings[i].Commit = commits[last].Hash
		k := findings[i].Key()
		open[k] = append(open[k], &findings[i])
	}
	for i := last - 1; i >= 0 && len(open) > 0; i-- {
		a, err := model.Analyze(ld, base, commits[i].Hash, rulesOf(open))
		if err != nil {
			return err
		}
		holds := map[string]bool{}
		for j := range a.Findings {
			holds[a.Findings[j].Key()] = true
		}
		for k, fs := range open {
			if !holds[k] {
				delete(open, k) // introduced by commit i+1
				continue
			}
			for _, f := range fs {
				f.Commit = commits[i].Hash
			}
		}
	}
	return nil
}

// rulesOf lists the rules whose findings are still being placed: a replay
// runs only those.
func rulesOf(open map[string][]*finding.Finding) []*model.Rule {
	want := map[string]bool{}
	for _, fs := range open {
		want[fs[0].Rule] = true
	}
	var out []*model.Rule
	for _, r := range rules {
		if want[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

// summarize counts findings by severity.
func summarize(fs []finding.Finding) finding.Summary {
	var s finding.Summary
	for _, f := range fs {
		switch f.Severity {
		case finding.Error:
			s.Error++
		case finding.Warning:
			s.Warning++
		default:
			s.Info++
		}
	}
	return s
}
