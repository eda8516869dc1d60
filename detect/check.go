package detect

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
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
	// Progress, when set, is told how far the check has gone, in steps
	// done of a total, for a progress bar: the analysis of the net change
	// is the first step; the attribution of its findings to commits, whose
	// steps are known once the findings are, the others.
	Progress func(done, total int)
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
	progress := opts.Progress // the analysis is a first step, then attribution's
	if progress != nil {
		progress(0, 1)
		progress = func(done, total int) { opts.Progress(1+done, 1+total) }
	}
	a, err := model.Analyze(ld, mb, head, rules)
	if err != nil {
		return nil, err
	}
	notes := ld.NoteList() // replays may meet broken intermediate states: not the reader's concern
	found := a.Findings
	a = nil // the analysis's trees can go: the replays read what they need
	if err := attribute(repo, ld, mb, commits, brought, found, progress); err != nil {
		return nil, err
	}
	rv := newReverts(repo)
	for i := range found {
		f := &found[i]
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
// deleted again there may land on the first deletion).
//
// A finding is followed through the folders it concerns (its file's, its
// package's: see scopeOf), not through the whole change: each replay
// analyses base..commit for those folders only, with the rules of the
// findings being placed, and a commit that left those folders as its
// parent had them is stepped over without a replay, as nothing the
// finding rests on changed there. So the cost is that of the commits that
// touched the findings' folders, and of those folders, whatever the length
// of the range. Findings that do not live in Go code (CI files, linter
// settings), and any that their folders alone do not show at head, are
// replayed over the whole change.
func attribute(repo gitutil.Repo, ld *model.Loader, base string, commits []gitutil.Commit, brought map[string]string,
	findings []finding.Finding, progress func(done, total int)) error {
	if len(findings) == 0 {
		if progress != nil {
			progress(0, 0)
		}
		return nil
	}
	w := &walk{repo: repo, ld: ld, base: base, commits: commits, brought: brought, index: make(map[string]int, len(commits))}
	for i, c := range commits {
		w.index[c.Hash] = i
	}
	var keys []string
	groups := map[string][]*finding.Finding{}
	scopes := map[string]map[string]bool{}
	for i := range findings {
		f := &findings[i]
		dirs := scopeOf(f)
		key := "" // the whole change
		if dirs != nil {
			key = strings.Join(slices.Sorted(maps.Keys(dirs)), "\x00") + "\x00"
		}
		if _, ok := groups[key]; !ok {
			keys = append(keys, key)
			scopes[key] = dirs
		}
		groups[key] = append(groups[key], f)
	}
	var whole []*finding.Finding // findings their folders alone do not show at head
	steps := len(commits) * (len(keys) + 1)
	for g, key := range keys {
		fs := groups[key]
		if key == "" {
			whole = append(whole, fs...)
			continue
		}
		w.progress = func(done int) {
			if progress != nil {
				progress(g*len(commits)+done, steps)
			}
		}
		shown, err := w.placeable(fs, scopes[key])
		if err != nil {
			return err
		}
		whole = append(whole, shown...)
		if err := w.run(fs, scopes[key]); err != nil {
			return err
		}
	}
	w.progress = func(done int) {
		if progress != nil {
			progress(len(keys)*len(commits)+done, steps)
		}
	}
	if err := w.run(whole, nil); err != nil {
		return err
	}
	if progress != nil {
		progress(steps, steps)
	}
	return nil
}

// scopeOf is the folders a finding rests on: its file's (in base and in
// head) and its package's; nil when it must be followed through the whole
// change — a CI finding, or one of a file that is neither Go code nor test
// data (linter and coverage settings live at the root and speak of other
// folders).
func scopeOf(f *finding.Finding) map[string]bool {
	if f.Rule == "weakened-ci" {
		return nil
	}
	dirs := map[string]bool{}
	for _, p := range []string{f.File, f.OldFile} {
		if p == "" {
			continue
		}
		if !strings.HasSuffix(p, ".go") && !strings.Contains("/"+p, "/testdata/") {
			return nil
		}
		dirs[model.DirOf(p)] = true
	}
	if f.Pkg != "" {
		dirs[f.Pkg] = true
	}
	if len(dirs) == 0 {
		return nil
	}
	// A package's tests read their data from its testdata folder (case
	// lists, golden files): a commit that changed only that changed what
	// the finding rests on.
	for d := range dirs {
		if !strings.HasSuffix("/"+d, "/testdata") && !strings.Contains("/"+d+"/", "/testdata/") {
			dirs[strings.TrimPrefix(d+"/testdata", "/")] = true
		}
	}
	return dirs
}

// walk is the state of attribute's walks over one range.
type walk struct {
	repo     gitutil.Repo
	ld       *model.Loader
	base     string
	commits  []gitutil.Commit
	brought  map[string]string
	index    map[string]int
	progress func(done int)
}

// replays analyses commits for one scope and remembers which findings
// hold at each, for the rules run there.
type replays struct {
	w     *walk
	dirs  map[string]bool // nil: the whole change
	focus map[string]bool // the tests the findings followed name (focusOf)
	holds []map[string]bool
	ran   []map[string]bool
}

// focusOf is the tests fs names (as model.FocusKey), for replays that ask
// after fs only: a rule that reports on each test under its own name may
// pass over the others there. The findings that name no test are not
// reported that way, so the rules that report them look at everything.
func focusOf(fs []*finding.Finding) map[string]bool {
	focus := map[string]bool{}
	for _, f := range fs {
		if f != nil && f.Symbol != "" {
			focus[model.FocusKey(f.Pkg, f.Symbol)] = true
		}
	}
	return focus
}

func (r *replays) holding(i int, fs []*finding.Finding) (map[string]bool, error) {
	var run []*model.Rule
	for _, rule := range rulesOf(fs) {
		if !r.ran[i][rule.ID] {
			run = append(run, rule)
		}
	}
	if len(run) > 0 {
		a, err := model.AnalyzeFocused(r.w.ld, r.w.base, r.w.commits[i].Hash, run, r.dirs, r.focus)
		var tooLarge *model.TooLargeError
		if errors.As(err, &tooLarge) {
			// An intermediate state with a file too large to read (the
			// range's own end was read): nothing is known to hold there.
			a, err = &model.Pass{}, nil
		}
		if err != nil {
			return nil, err
		}
		if r.holds[i] == nil {
			r.holds[i], r.ran[i] = map[string]bool{}, map[string]bool{}
		}
		for _, rule := range run {
			r.ran[i][rule.ID] = true
		}
		for j := range a.Findings {
			r.holds[i][a.Findings[j].Key()] = true
		}
	}
	return r.holds[i], nil
}

// placeable keeps in fs the findings that their folders alone show at
// head, and returns the others, which only the whole change explains.
func (w *walk) placeable(fs []*finding.Finding, dirs map[string]bool) ([]*finding.Finding, error) {
	a, err := model.AnalyzeFocused(w.ld, w.base, w.commits[len(w.commits)-1].Hash, rulesOf(fs), dirs, focusOf(fs))
	if err != nil {
		return nil, err
	}
	shown := map[string]bool{}
	for i := range a.Findings {
		shown[a.Findings[i].Key()] = true
	}
	var others []*finding.Finding
	kept := fs[:0]
	for _, f := range fs {
		if shown[f.Key()] {
			kept = append(kept, f)
		} else {
			others = append(others, f)
		}
	}
	clear(fs[len(kept):])
	return others, nil
}

// sameIn reports whether two commits have the same files directly inside
// each of dirs.
func (w *walk) sameIn(a, b string, dirs map[string]bool) bool {
	for d := range dirs {
		x, err := w.repo.ListDir(a, d)
		if err != nil {
			return false
		}
		y, err := w.repo.ListDir(b, d)
		if err != nil || len(x) != len(y) {
			return false
		}
		for k := range x {
			if x[k] != y[k] {
				return false
			}
		}
	}
	return true
}

// run places fs (nil entries are skipped) by walking back from head,
// replaying the folders of dirs (nil: the whole change).
func (w *walk) run(all []*finding.Finding, dirs map[string]bool) error {
	commits, index, brought := w.commits, w.index, w.brought
	last := len(commits) - 1
	at := make([][]*finding.Finding, len(commits)) // findings whose walk stands at each commit
	for _, f := range all {
		if f != nil {
			at[last] = append(at[last], f)
		}
	}
	if len(at[last]) == 0 {
		return nil
	}
	r := &replays{w: w, dirs: dirs, focus: focusOf(all), holds: make([]map[string]bool, len(commits)), ran: make([]map[string]bool, len(commits))}
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
			h, err := r.holding(chain[mid], []*finding.Finding{f})
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
		if w.progress != nil {
			w.progress(last - i)
		}
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
			var rest []*finding.Finding
			var h map[string]bool
			// A parent with the same files in the scope as the commit
			// shows what the commit shows there: every finding holds.
			same := dirs != nil && w.sameIn(commits[j].Hash, commits[i].Hash, dirs)
			if !same {
				var err error
				if h, err = r.holding(j, fs); err != nil {
					return err
				}
			}
			for _, f := range fs {
				if !same && !h[f.Key()] {
					rest = append(rest, f)
					continue
				}
				to := j
				if _, in := brought[commits[j].Hash]; in {
					var err error
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
