package detect

import (
	"errors"
	"fmt"
	"time"

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

	// Accepting findings (see accept.go). Strict honours no inline waiver;
	// Accept adds accept entries to those of the base revision's
	// .goodhart.yml (--accept); Now is today, for entries that expire (nil:
	// time.Now).
	Strict bool
	Accept []AcceptEntry
	Now    func() time.Time
}

// Check compares merge-base(base, head)..head — the net change of the range —
// and returns the findings, each attributed to the commit of the range that
// introduced it and that commit's agent. A finding introduced by a person's
// commit is reported at severity info, and so is one of a commit that
// reverts an earlier one, code and tests together (see reverts).
//
// The range's own commits are its line: head and its first parents down to
// the merge base. A merge on that line can bring in commits of another line
// (main merged into a branch whose range starts before the merge, or a
// pull request's branch merged into main): a finding one of them made is
// attributed to it and reported at info, as that line's to answer for where
// it was made; AssumeAgent counts the commits of the range's own line only.
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
	settle := newSettling(repo, base, mb, head, nil, opts) // the configuration of base's tip
	if err := settle.loadConfig(); err != nil {
		return nil, err
	}
	if mb == head {
		return res, nil
	}
	commits, err := repo.Commits(mb, head)
	if err != nil {
		return nil, err
	}
	brought := broughtIn(commits)
	agents := make([]string, len(commits))
	for i, c := range commits {
		agents[i] = agentOf(c)
		if _, merged := brought[c.Hash]; agents[i] == "" && opts.AssumeAgent && !merged {
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
	if err := attribute(ld, mb, commits, brought, a.Findings); err != nil {
		return nil, err
	}
	rv := newReverts(repo)
	for i := range a.Findings {
		f := &a.Findings[i]
		for j, c := range commits {
			if c.Hash == f.Commit {
				f.Agent = agents[j]
				if err := rv.judge(f, c); err != nil {
					return nil, err
				}
			}
		}
		if f.Agent == "" {
			f.Severity = finding.Info // only people's commits did this
		}
		if merge, ok := brought[f.Commit]; ok {
			f.Severity = finding.Info
			f.Message += fmt.Sprintf(" Commit %s made this on another line of history, which the merge %s brought into this range: "+
				"it is that line's to answer for, not this range's own commits'.", model.Short(f.Commit), model.Short(merge))
		}
		res.Findings = append(res.Findings, *f)
	}
	res.Notes = notes
	settle.commits, settle.brought = res.Commits, brought
	if err := settle.settle(res); err != nil {
		return nil, err
	}
	return res, nil
}

// attribute names, for each finding of the net change, the commit that
// introduced it. It walks the history back from head: a finding that holds
// at a commit (base..commit shows it) and at one of its parents in the
// range came from that parent's side; the first commit along the way whose
// parents in the range all lack it introduced it. On a straight line that
// is the earliest commit from which on it holds at every later commit; at a
// merge, the walk follows the parent that brought it, so a finding the
// merge took from either side lands on the commit of that side that made
// it, never on the merge. On the range's own line the walk goes commit by
// commit; on a line a merge brought in, whose findings are info here, it
// bisects that line's first parents instead (a test deleted, restored and
// deleted again there may land on the first deletion). Each commit is
// analysed at most once, base..commit, with the rules of the findings that
// reach it; the loader's parse cache makes the replays cheap, and findings
// are few.
func attribute(ld *model.Loader, base string, commits []gitutil.Commit, brought map[string]string, findings []finding.Finding) error {
	if len(findings) == 0 {
		return nil
	}
	index := make(map[string]int, len(commits))
	for i, c := range commits {
		index[c.Hash] = i
	}
	last := len(commits) - 1
	at := make([][]*finding.Finding, len(commits)) // findings whose walk stands at each commit
	for i := range findings {
		at[last] = append(at[last], &findings[i])
	}
	holds := make([]map[string]bool, len(commits)) // keys that hold at a commit, for the rules run there
	ran := make([]map[string]bool, len(commits))   // the rules run there
	holding := func(i int, fs []*finding.Finding) (map[string]bool, error) {
		var run []*model.Rule
		for _, r := range rulesOf(fs) {
			if !ran[i][r.ID] {
				run = append(run, r)
			}
		}
		if len(run) > 0 {
			a, err := model.Analyze(ld, base, commits[i].Hash, run)
			var tooLarge *model.TooLargeError
			if errors.As(err, &tooLarge) {
				// An intermediate state with a file too large to read (the
				// range's own end was read): nothing is known to hold there.
				a, err = &model.Pass{}, nil
			}
			if err != nil {
				return nil, err
			}
			if holds[i] == nil {
				holds[i], ran[i] = map[string]bool{}, map[string]bool{}
			}
			for _, r := range run {
				ran[i][r.ID] = true
			}
			for j := range a.Findings {
				holds[i][a.Findings[j].Key()] = true
			}
		}
		return holds[i], nil
	}
	// deepest bisects the first-parent line down from j, a commit another
	// line brought in where f holds, for the oldest commit of it from which
	// on f holds: a line merged in answers for its own findings (they are
	// info here), so finding which of its commits made one needs not replay
	// every commit of it, only a few.
	deepest := func(j int, f *finding.Finding) (int, error) {
		chain := []int{j}
		for {
			c := commits[chain[len(chain)-1]]
			if len(c.Parents) == 0 {
				break
			}
			k, in := index[c.Parents[0]]
			if _, other := brought[c.Parents[0]]; !in || !other {
				break
			}
			chain = append(chain, k)
		}
		lo, hi := 0, len(chain) // f holds at chain[lo]; past hi, unknown or not
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			h, err := holding(chain[mid], []*finding.Finding{f})
			if err != nil {
				return 0, err
			}
			if h[f.Key()] {
				lo = mid
			} else {
				hi = mid
			}
		}
		return chain[lo], nil
	}
	for i := last; i >= 0; i-- {
		fs := at[i]
		if len(fs) == 0 {
			continue
		}
		var parents []int // in the range; the first parent first
		for _, p := range commits[i].Parents {
			if j, ok := index[p]; ok {
				parents = append(parents, j)
			}
		}
		for _, j := range parents {
			if len(fs) == 0 {
				break
			}
			h, err := holding(j, fs)
			if err != nil {
				return err
			}
			var rest []*finding.Finding
			for _, f := range fs {
				if !h[f.Key()] {
					rest = append(rest, f)
					continue
				}
				to := j
				if _, in := brought[commits[j].Hash]; in {
					if to, err = deepest(j, f); err != nil {
						return err
					}
				}
				at[to] = append(at[to], f)
			}
			fs = rest
		}
		for _, f := range fs {
			f.Commit = commits[i].Hash
		}
	}
	return nil
}

// broughtIn maps each commit of the range that is not on its own line
// (head and its first parents) to the merge of that line that brought it
// in: the oldest, when several did.
func broughtIn(commits []gitutil.Commit) map[string]string {
	index := make(map[string]int, len(commits))
	for i, c := range commits {
		index[c.Hash] = i
	}
	line := map[int]bool{}
	var merges []int
	for i, ok := len(commits)-1, true; ok; i, ok = index[commits[i].Parents[0]] {
		line[i] = true
		if len(commits[i].Parents) > 1 {
			merges = append(merges, i)
		}
		if len(commits[i].Parents) == 0 {
			break
		}
	}
	brought := map[string]string{}
	for k := len(merges) - 1; k >= 0; k-- { // oldest first
		m := commits[merges[k]]
		queue := append([]string(nil), m.Parents[1:]...)
		for len(queue) > 0 {
			h := queue[0]
			queue = queue[1:]
			i, in := index[h]
			if _, seen := brought[h]; !in || seen || line[i] {
				continue
			}
			brought[h] = m.Hash
			queue = append(queue, commits[i].Parents...)
		}
	}
	return brought
}

// rulesOf lists the rules whose findings are still being placed: a replay
// runs only those.
func rulesOf(fs []*finding.Finding) []*model.Rule {
	want := map[string]bool{}
	for _, f := range fs {
		want[f.Rule] = true
	}
	var out []*model.Rule
	for _, r := range rules {
		if want[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

// summarize counts findings by severity, the accepted ones apart.
func summarize(fs []finding.Finding) finding.Summary {
	var s finding.Summary
	for _, f := range fs {
		if f.Accepted != nil {
			s.Accepted++
			continue
		}
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
