// Package weakenedci is the rule weakened-ci: the change makes tests stop
// running or stop failing the build, in GitHub workflows, Makefiles and the
// scripts they call, or weakens what runs goodhart itself.
package weakenedci

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// ID is the rule's stable identifier.
const ID = "weakened-ci"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Error,
	Doc: `The change makes tests stop running, or stop failing the build, in the
GitHub workflows, Makefiles and shell scripts that run them; or it removes or
weakens what runs goodhart. goodhart parses the workflows (YAML), the shell of
their run steps, Makefile recipes and the scripts they call, follows make
targets and scripts to the go test commands, reads those with go test's own
flags, and compares what runs and what fails the build in base and head.

Error: continue-on-error: true on a step or job that runs tests; || true,
|| exit 0, ; true, set +e, a - recipe prefix or a pipe into tee, grep or a
report converter without pipefail on a test command; go test given a -run or
-skip that leaves out existing tests; packages dropped (a shorter list, a new
grep -v on go list, ./... replaced by a list that leaves out changed code); a
test step or job removed with no other running those tests, gated off (if:
false), its workflow no longer triggered by pull requests or pushes, or a
paths filter that leaves out the changed code; go test replaced by go build or
go vet. Guard tampering is an error too: a goodhart step, Action or agent hook
(.claude/settings.json, .codex/hooks.json, .gemini/settings.json,
.cursor/hooks.json) removed, disabled, made not to fail (continue-on-error,
|| true), or its fail-on or assume-agent loosened.

Warning, where the effect is partial or goodhart is less sure: -short newly
added, a build tag dropped, a matrix leg removed, a new if: condition on a
test step, continue-on-error given by an expression, a -run goodhart cannot
check against the tests, failures lost because the shell goes on after errors
(no set -e) rather than because the change said so.

Not flagged: jobs split, renamed or reordered with the same tests still run
somewhere (also by a broader run whose -skip matches none of the tests the
dropped run's packages declare, their folders listed whole; and by a run
naming the packages by import path, or where they moved with their
module); continue-on-error on an experimental matrix entry (gotip,
nightly); a new job or step; a build tag added; a matrix toolchain replaced by
another; adding or tightening goodhart's checks.

Example:
       - name: Test
    -    run: go test ./...
    +    run: go test ./... || true

Field precision (4,751 commits that touch CI files, of thirteen real
repositories; 28 findings labelled in fixtures/field/weakened-ci.tsv): error:
4 right, 1 wrong; warning: 3 right, 1 wrong; info: 19, all benign, none shown
as an alarm.`,
	// It reads CI files and the names of tests, not their pairing; the
	// names only when a go test's selection changed (knownTests,
	// shortTests), which load the change's syntax first (NeedSyntax).
	Unpaired: true,
	Run:      func(p *model.Pass) { run1(&pass{Pass: p}) },
}

// pass is the rule's view of one analysis.
type pass struct {
	*model.Pass
	changed []string        // paths of changed files that can hold CI
	touched map[string]bool // every changed path, both sides
	otherCI []string        // changed configurations of CI systems goodhart does not read
}

// Wants reports whether a changed file can change what CI runs: workflows,
// Makefiles, shell scripts, agents' hook configurations. A scan reads these
// ahead with the Go files.
func Wants(p string) bool {
	for _, d := range []string{"vendor/", "third_party/", "node_modules/", "testdata/"} {
		if strings.HasPrefix(p, d) || strings.Contains(p, "/"+d) {
			return false // others' code, or data
		}
	}
	if isWorkflow(p) || isMakefile(p) || isScript(p) || slices.Contains(agentHookFiles, p) {
		return true
	}
	b := path.Base(p)
	if !strings.Contains(b, ".") {
		for _, d := range []string{"scripts/", "script/", ".ci/", "ci/", "hack/", "build/", ".github/"} {
			if strings.HasPrefix(p, d) || strings.Contains(p, "/"+d) {
				return true
			}
		}
	}
	return false
}

func run1(a *pass) {
	a.touched = map[string]bool{}
	var samples []string
	for _, c := range a.Changes {
		if c.From != nil {
			a.touched[c.From.Path] = true
		}
		if c.To != nil {
			a.touched[c.To.Path] = true
		}
		p := c.Path()
		if otherCI(p) {
			a.otherCI = append(a.otherCI, p)
		}
		if Wants(p) {
			a.changed = append(a.changed, p)
		}
		if strings.HasSuffix(p, ".go") && len(samples) < 20 {
			samples = append(samples, p)
		}
	}
	if len(a.changed) == 0 {
		return
	}
	slices.Sort(a.changed)
	base := newSide(a.Base, nil, a.touched)
	head := newSide(a.Head, nil, a.touched)
	head.renames = map[string]string{}
	for _, c := range a.Changes {
		if c.From != nil && c.To != nil && c.From.Path != c.To.Path {
			head.renames[c.From.Path] = c.To.Path
		}
	}
	base.loadWorkflows()
	head.loadWorkflows()
	samples = append(samples, "main.go", "internal/x/x.go", "x_test.go")
	samples = append(samples, base.filterSamples()...)
	samples = append(samples, head.filterSamples()...)
	slices.Sort(samples)
	samples = slices.Compact(samples)
	base.samples, head.samples = samples, samples
	for p := range a.touched {
		if strings.HasSuffix(p, ".go") {
			base.knownDirs[model.DirOf(p)] = true
			head.knownDirs[model.DirOf(p)] = true
		}
	}
	base.collect(a.changed)
	head.collect(a.changed)
	base.hooks(a.changed)
	head.hooks(a.changed)
	a.compare(base, head)
	a.compareMatrices(base, head)
}

// touches reports whether the range changed a file on the run's way.
func (a *pass) touches(r *run) bool {
	for _, f := range r.files {
		if a.touched[f] {
			return true
		}
	}
	return false
}

// hooks reads the agents' hook configurations the range changed.
func (s *side) hooks(changed []string) {
	for _, p := range agentHookFiles {
		if !slices.Contains(changed, p) {
			continue
		}
		src, ok := s.snap.ReadFile(p)
		if !ok {
			continue
		}
		entries, disabled, ok := hookGuards(src)
		if !ok {
			continue
		}
		for _, e := range entries {
			r := &run{guard: e.g, at: place{p, lineOf(src, e.text)}, entry: place{p, lineOf(src, e.text)}, group: e.event,
				where: "the " + e.event + " hook of " + p, files: []string{p}, admitted: []string{"hook"}}
			switch {
			case disabled:
				r.masked, r.maskAt = p+" sets disableAllHooks: true", place{p, lineOf(src, "disableAllHooks")}
			case e.masked != "":
				r.masked, r.weak, r.maskAt = e.masked, e.weak, r.at
			}
			s.runs = append(s.runs, r)
		}
	}
}

// lineOf finds the line of a JSON string's text in src, 1 when not found.
func lineOf(src []byte, text string) int {
	b, _ := jsonQuote(text)
	i := strings.Index(string(src), b)
	if i < 0 {
		i = strings.Index(string(src), text)
	}
	if i < 0 {
		return 1
	}
	return strings.Count(string(src[:i]), "\n") + 1
}

func jsonQuote(s string) (string, error) {
	q := fmt.Sprintf("%q", s)
	return strings.Trim(q, `"`), nil
}

// finding is one weakening found, before it is reported.
type weakening struct {
	sev     finding.Severity
	at      place // in head; zero when only base has it
	old     place // in base, when removed
	group   string
	message string
	lines   []string
}

func (a *pass) compare(base, head *side) {
	var found []weakening
	for _, b := range base.runs {
		if !b.effective() || !a.touches(b) || (b.test == nil && b.opaque == "" && b.guard == nil) {
			continue
		}
		if b.test != nil && b.test.noRun != "" {
			continue
		}
		if head.covered(b) {
			continue
		}
		if w, ok := a.explain(b, base, head); ok {
			// the evidence: what base ran, and the head line the finding is on
			if t := lineText(base.snap, b.at); t != "" {
				w.lines = append(w.lines, "- "+t)
			}
			if t := lineText(head.snap, w.at); t != "" {
				w.lines = append(w.lines, "+ "+t)
			}
			found = append(found, w)
		}
	}
	a.report(found)
}

// covered reports whether head has a run that does all b did.
func (s *side) covered(b *run) bool {
	for _, h := range s.runs {
		if !h.effective() || (b.ci && !h.ci) || !subset(h.conds, b.conds) || !admitsCover(b.admitted, h.admitted) {
			continue
		}
		switch {
		case b.guard != nil:
			if h.guard != nil && sameGuardClass(b.guard, h.guard) && weaker(b.guard, h.guard) == "" {
				return true
			}
		case b.opaque != "":
			if h.opaque == b.opaque {
				return true
			}
		case b.test != nil:
			if h.test != nil && h.test.noRun == "" && s.testCovers(h, b) {
				return true
			}
		}
	}
	return b.test != nil && s.splitCovers(b)
}

// splitCovers reports whether several head runs together cover a base go
// test over package trees: a job split in two. goodhart cannot list every
// package, so it asks that the runs cover each tree from at least two
// places and every package it knows of: those the range changed, and
// those named before.
func (s *side) splitCovers(b *run) bool {
	if b.test.pkgs.opaque != "" {
		return false
	}
	var pats []string
	groups := map[string]bool{}
	for _, h := range s.runs {
		if !h.effective() || h.test == nil || h.test.noRun != "" || (b.ci && !h.ci) || !subset(h.conds, b.conds) || !admitsCover(b.admitted, h.admitted) {
			continue
		}
		ht, bt := h.test, b.test
		if ht.pkgs.opaque != "" || len(newExclusions(bt.pkgs, ht.pkgs)) > 0 || ht.short && !bt.short || !subset(bt.tags, ht.tags) ||
			ht.run != bt.run && ht.run != "" || ht.skip != bt.skip && ht.skip != "" {
			continue
		}
		pats = append(pats, ht.pkgs.patterns...)
		groups[h.entry.file+"\x00"+h.group+"\x00"+h.where] = true
	}
	if len(groups) < 2 {
		return false
	}
	union := pkgSel{patterns: pats}
	for _, p := range s.lost(b.test.pkgs, union) {
		if !strings.HasSuffix(p, "...") {
			return false
		}
		root := strings.TrimSuffix(strings.TrimSuffix(p, "..."), "/")
		inside := 0
		for _, q := range pats {
			if covers(p, q) {
				inside++
			}
		}
		if inside < 2 {
			return false
		}
		for d := range s.knownDirs {
			if (root == "" || root == "." || d == root || strings.HasPrefix(d, root+"/")) && !slices.ContainsFunc(pats, func(q string) bool { return covers(q, d) }) {
				return false
			}
		}
	}
	return true
}

func sameGuardClass(b, h *guard) bool { return (b.kind == "hook") == (h.kind == "hook") }

func subset(xs, ys []string) bool {
	for _, x := range xs {
		if !slices.Contains(ys, x) {
			return false
		}
	}
	return true
}

// testCovers reports whether go test h runs every test go test b runs,
// and fails as b does.
func (s *side) testCovers(h, b *run) bool {
	ht, bt := h.test, b.test
	if bt.pkgs.opaque != ht.pkgs.opaque {
		return false
	}
	if len(s.lost(bt.pkgs, ht.pkgs)) > 0 || len(newExclusions(bt.pkgs, ht.pkgs)) > 0 {
		return false
	}
	if ht.short && !bt.short || !subset(bt.tags, ht.tags) {
		return false
	}
	if ht.run != bt.run && ht.run != "" && !unreadablePattern(ht.run) {
		return false
	}
	if ht.skip != bt.skip && ht.skip != "" && !unreadablePattern(ht.skip) && !s.skipSparesAll(ht.skip, bt) {
		return false
	}
	return true
}

// skipSparesAll reports whether a head run's -skip leaves every test of a
// base run's packages to run: its pattern (for top-level tests, the part
// before the first /) matches none of the tests the packages declare that
// base's own -skip did not already leave out. The packages' folders (trees
// for a ./... pattern) are listed whole, up to a bound; false when they
// cannot be.
func (s *side) skipSparesAll(skip string, bt *goTest) bool {
	re, err := regexp.Compile(strings.SplitN(skip, "/", 2)[0])
	if err != nil || bt.pkgs.opaque != "" || len(bt.pkgs.patterns) == 0 {
		return false
	}
	var old *regexp.Regexp
	if bt.skip != "" {
		if old, err = regexp.Compile(strings.SplitN(bt.skip, "/", 2)[0]); err != nil {
			return false
		}
	}
	for _, p := range s.moved(bt.pkgs).patterns {
		dir, tree := strings.CutSuffix(p, "/...")
		if p == "..." || p == "./..." {
			dir, tree = ".", true
		}
		if strings.Contains(dir, "...") || strings.Contains(dir, ".") && !strings.HasPrefix(dir, ".") {
			return false // a pattern goodhart cannot list, or another module's path
		}
		names, ok := s.snap.TestNamesUnder(dir, tree, 2000)
		if !ok {
			return false
		}
		for _, n := range names {
			if re.MatchString(n) && (old == nil || !old.MatchString(n)) {
				return false
			}
		}
	}
	return true
}

// unreadablePattern reports whether a -run or -skip is computed by the
// script (shards built from test names): goodhart cannot say it leaves
// anything out.
func unreadablePattern(p string) bool {
	return strings.Contains(p, "$") || strings.Contains(p, "GHEXPR") || strings.Contains(p, "MAKEEXPR")
}

// explain finds in head what became of base's run b, and why it weakens CI.
func (a *pass) explain(b *run, base, head *side) (weakening, bool) {
	cand := head.counterpart(b)
	what := b.what()
	if cand == nil {
		if b.guard == nil && b.test != nil {
			// go test replaced by go build or go vet where it was
			for _, h := range head.runs {
				if b.ci && h.build != "" && h.entry.file == b.entry.file && h.group == b.group && h.where == b.where && h.effective() {
					return weakening{sev: finding.Error, at: h.at, old: b.at, group: b.group,
						message: fmt.Sprintf("%s now runs `%s` where it ran `%s`: the tests no longer run there, and no other CI job runs them", h.where, h.build, b.test.text)}, true
				}
			}
		}
		if b.test != nil && b.test.pkgs.opaque != "" {
			return weakening{}, false // a package list goodhart cannot read: not sure anything was lost
		}
		if b.test != nil && head.codeGone(b.test.pkgs) {
			return weakening{}, false // its packages went with the change: the tests went with the code
		}
		if !b.ci && b.guard == nil {
			// A Makefile target or script no workflow runs, gone: a
			// developer's shortcut removed, not a check CI made.
			return weakening{}, false
		}
		w := weakening{sev: finding.Error, old: b.entry, group: b.group}
		if b.entry.file == "" {
			w.old = b.at
		}
		w.at = head.survivor(b)
		switch {
		case b.guard != nil && b.guard.kind == "hook":
			w.message = fmt.Sprintf("goodhart's %s hook (`%s`) was removed from %s: the agent's changes are no longer checked there", b.group, b.guard.cmd, b.at.file)
		case b.guard != nil:
			w.message = fmt.Sprintf("%s, which ran goodhart (%s), is gone, and no other CI step runs it: the pull request's commits are no longer checked", b.where, b.guardText())
		case head.newAction(b, base):
			w.sev = finding.Info
			w.message = fmt.Sprintf("%s, which ran %s, is gone; the job now uses an action goodhart does not read, where the tests may run", b.where, what)
		case b.opaque != "":
			w.sev = finding.Warning
			w.message = fmt.Sprintf("%s, which ran %s, is gone, and nothing else in CI runs it (goodhart cannot see which tests it ran)", b.where, what)
		case head.stepKept(b):
			// the step is still there, running what goodhart cannot follow
			// (a Taskfile, a tool it does not read): not sure anything stopped
			w.sev = finding.Info
			w.message = fmt.Sprintf("%s ran %s; it is still there but now runs something goodhart cannot follow, so it cannot tell whether those tests still run", b.where, what)
		default:
			w.message = fmt.Sprintf("%s, which ran %s, is gone, and nothing else in CI runs those tests", b.where, what)
			if len(a.otherCI) > 0 {
				w.sev = finding.Info
				w.message += fmt.Sprintf(" that goodhart reads; the change also edits %s, a CI goodhart does not read, where they may run now", strings.Join(a.otherCI, ", "))
			}
		}
		return w, true
	}
	h := cand
	w := weakening{group: h.group, at: h.at}
	if !b.ci && b.guard == nil && h.masked == "" {
		// A Makefile target or script no workflow runs: only a failure it
		// newly ignores is judged; which tests a developer's target runs
		// is the developer's choice.
		return weakening{}, false
	}
	switch {
	case h.off != "":
		w.sev, w.at = finding.Error, h.offAt
		w.message = fmt.Sprintf("%s no longer runs: %s", what+" in "+h.where, h.off)
	case len(b.admitted) > 0 && !admitsCover(b.admitted, h.admitted):
		w.sev, w.at = finding.Error, place{h.entry.file, 1}
		reason := "its workflow no longer runs on pull requests or pushes"
		if wf := head.workflows[h.entry.file]; wf != nil {
			for _, ep := range b.admitted {
				if !slices.Contains(h.admitted, ep) {
					var line int
					reason, line = wf.whyNot(ep)
					if line > 0 {
						w.at.line = line
					}
					break
				}
			}
		}
		w.message = fmt.Sprintf("%s in %s no longer runs for this change: %s", what, h.where, reason)
	case h.masked != "":
		w.sev, w.at = finding.Error, h.maskAt
		if h.weak {
			w.sev = finding.Warning
		}
		subject := what + " in " + h.where
		if b.guard != nil {
			subject = "goodhart (" + b.guardText() + ") in " + h.where
		}
		reason := h.masked
		if h.maskCmd != "" && "`"+h.maskCmd+"`" != h.what() {
			reason = "on `" + h.maskCmd + "`, which runs it, " + reason
		}
		outcome := "no longer fails the build"
		if b.guard != nil && b.guard.kind == "hook" {
			subject, outcome = "goodhart's "+b.group+" hook (`"+b.guard.cmd+"`) in "+h.at.file, "can no longer stop the agent"
		}
		w.message = fmt.Sprintf("%s %s: %s", subject, outcome, reason)
	case !subset(h.conds, b.conds):
		var added []string
		for _, c := range h.conds {
			if !slices.Contains(b.conds, c) {
				added = append(added, c)
			}
		}
		// A new condition is most often a CI tier or a matrix split: info,
		// unless it gates goodhart itself.
		w.sev, w.at = finding.Info, h.condAt[added[0]]
		if b.guard != nil {
			w.sev = finding.Error
		}
		w.message = fmt.Sprintf("%s in %s now runs only if %s", what, h.where, strings.Join(added, " and "))
	case b.guard != nil:
		why := weaker(b.guard, h.guard)
		if why == "" {
			return weakening{}, false
		}
		w.sev = finding.Error
		w.message = fmt.Sprintf("goodhart in %s was loosened: %s", h.where, why)
	case b.test != nil && h.test != nil:
		return a.explainTest(b, h, head, base)
	default:
		return weakening{}, false
	}
	return w, true
}

// what names what a run runs.
func (r *run) what() string {
	switch {
	case r.test != nil:
		return "`" + r.test.text + "`"
	case r.opaque != "":
		return "`" + r.opaque + "`"
	case r.guard != nil:
		return "goodhart (" + r.guardText() + ")"
	}
	return "`" + r.build + "`"
}

func (r *run) guardText() string {
	if r.guard.cmd != "" {
		return "`" + r.guard.cmd + "`"
	}
	return "its Action, fail-on " + r.guard.failOn + ", assume-agent " + r.guard.assume
}

// counterpart finds head's version of base's run: the same kind of command
// where it was (same job or target), the closest first.
func (s *side) counterpart(b *run) *run {
	var best *run
	bestScore := 0
	for _, h := range s.runs {
		score := 0
		switch {
		case b.guard != nil:
			if h.guard == nil || !sameGuardClass(b.guard, h.guard) {
				continue
			}
			score = 1
		case b.opaque != "":
			if h.opaque != b.opaque {
				continue
			}
			score = 1
		case b.test != nil:
			if h.test == nil || h.test.noRun != "" && h.group != b.group {
				continue
			}
			if len(lostPatterns(b.test.pkgs, h.test.pkgs)) < len(b.test.pkgs.patterns) || b.test.pkgs.opaque != "" && b.test.pkgs.opaque == h.test.pkgs.opaque {
				score = 1 // shares packages
			}
		default:
			continue
		}
		if s.sameFile(b.entry.file, h.entry.file) && h.group == b.group {
			score += 4
		}
		if h.at.file == b.at.file {
			score += 2
		}
		if h.where == b.where {
			score++
		}
		if score >= 4 || b.test == nil {
			// closest first: the same command moved least
			score = score*100000 - min(99999, abs(h.at.line-b.at.line))
			if h.at.file != b.at.file {
				score -= 99999
			}
		}
		if score > bestScore && (score >= 4*100000-99999*2 || b.test == nil) {
			best, bestScore = h, score
		}
	}
	return best
}

// survivor is where in head to annotate something removed: the job or
// target that held it when it is still there, else the file's first line.
func (s *side) survivor(b *run) place {
	if _, ok := s.snap.ReadFile(b.entry.file); !ok {
		return place{}
	}
	if w := s.workflows[b.entry.file]; w != nil {
		for _, j := range w.jobs {
			if j.id == b.group {
				return place{w.path, j.line}
			}
		}
	}
	if mf := s.makefile(b.entry.file); mf != nil && mf.targets[b.group] != nil {
		return place{b.entry.file, mf.targets[b.group].line}
	}
	return place{b.entry.file, 1}
}

// filterLine is the line of the workflow's first path filter, or of on:.
func (w *workflow) filterLine() int {
	for _, e := range ciEvents {
		if t := w.on[e]; t != nil {
			return t.line
		}
	}
	return 0
}

// report turns weakenings into findings, one per place and message.
func (a *pass) report(ws []weakening) {
	seen := map[string]bool{}
	for _, w := range ws {
		k := fmt.Sprintf("%s:%d %s:%d %s", w.at.file, w.at.line, w.old.file, w.old.line, w.message)
		if seen[k] {
			continue
		}
		seen[k] = true
		f := finding.Finding{Rule: ID, Severity: w.sev, File: w.at.file, Line: w.at.line, Message: w.message, Symbol: w.group}
		if w.at.file == "" || w.at.line == 0 {
			f.File, f.Line = "", 0
		}
		if w.old.file != "" {
			f.OldFile, f.OldLine = w.old.file, w.old.line
		}
		f.Excerpt = w.lines
		f.Pkg = f.File
		if f.Pkg == "" {
			f.Pkg = f.OldFile
		}
		a.Report(f)
	}
}

// showPats writes repository-relative package patterns as go test is
// given them from the root.
func showPats(ps []string) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		switch {
		case p == "...":
			out[i] = "./..."
		case p == "." || strings.HasPrefix(p, "./") || strings.Contains(strings.SplitN(p, "/", 2)[0], "."):
			out[i] = p
		default:
			out[i] = "./" + p
		}
	}
	return strings.Join(out, ", ")
}

// prEvents are the events that check a pull request before it is merged.
var prEvents = []string{"pull_request", "pull_request_target", "merge_group"}

// admitsCover reports whether head's run runs for every change base's
// did: on a pull request where base ran on one, else on a pull request
// or a push.
func admitsCover(base, head []string) bool {
	on := func(list []string, sample string, events []string) bool {
		for _, e := range events {
			if slices.Contains(list, e+":"+sample) {
				return true
			}
		}
		return false
	}
	for _, ep := range base {
		e, sample, ok := strings.Cut(ep, ":")
		if !ok {
			if !slices.Contains(head, ep) {
				return false
			}
			continue
		}
		if slices.Contains(prEvents, e) {
			if !on(head, sample, prEvents) {
				return false
			}
		} else if !on(head, sample, append([]string{e}, prEvents...)) {
			return false
		}
	}
	return true
}

// codeGone reports whether every package a go test named explicitly has no
// Go file left in head.
func (s *side) codeGone(sel pkgSel) bool {
	if len(sel.patterns) == 0 {
		return false
	}
	for _, p := range sel.patterns {
		d := strings.TrimSuffix(strings.TrimSuffix(p, "..."), "/")
		if d == "" || d == "." || strings.Contains(d, ".") && !strings.HasPrefix(d, ".") {
			return false
		}
		for _, f := range s.snap.ListFiles(d) {
			if strings.HasSuffix(f.Path, ".go") {
				return false
			}
		}
	}
	return true
}

// sameFile reports whether a base path and a head path are one file,
// renamed or not.
func (s *side) sameFile(basePath, headPath string) bool {
	return basePath == headPath || s.renames[basePath] == headPath
}

// lost lists the patterns of a base selection that no pattern of head's
// covers and whose code head still has, following folders the range moved.
func (s *side) lost(base, head pkgSel) []string {
	return s.stillThere(lostPatterns(s.moved(base), head))
}

// moved rewrites the patterns of a base selection naming a folder whose Go
// files the range renamed, all into one other folder, to that folder (a
// tree's root likewise): a package moved with its tests is still tested
// where it went.
func (s *side) moved(sel pkgSel) pkgSel {
	if len(s.renames) == 0 {
		return sel
	}
	out := sel
	out.patterns = make([]string, 0, len(sel.patterns))
	for _, p := range sel.patterns {
		d, tree := strings.CutSuffix(p, "/...")
		if to := s.movedDir(d); to != "" {
			p = to
			if tree {
				p += "/..."
			}
		}
		out.patterns = append(out.patterns, p)
	}
	return out
}

// movedDir is the folder all the Go files of folder d that the range
// renamed went to, when head has no Go file left in d; "" otherwise.
func (s *side) movedDir(d string) string {
	if d == "" || d == "." || strings.Contains(d, "...") {
		return ""
	}
	if to, ok := s.movedDirs[d]; ok {
		return to
	}
	to := ""
	for from, dst := range s.renames {
		if !strings.HasSuffix(from, ".go") || model.DirOf(from) != d {
			continue
		}
		if nd := model.DirOf(dst); to == "" {
			to = nd
		} else if nd != to {
			to = d // split across folders: not one move
		}
	}
	if to == d {
		to = ""
	}
	if to != "" {
		for _, f := range s.snap.ListFiles(d) {
			if strings.HasSuffix(f.Path, ".go") {
				to = ""
				break
			}
		}
	}
	if s.movedDirs == nil {
		s.movedDirs = map[string]string{}
	}
	s.movedDirs[d] = to
	return to
}

// stillThere keeps the package patterns whose code head still has.
func (s *side) stillThere(pats []string) []string {
	var out []string
	for _, p := range pats {
		if !s.codeGone(pkgSel{patterns: []string{p}}) {
			out = append(out, p)
		}
	}
	return out
}

// lineText is a line of a file of one side, "" when there is none.
func lineText(snap *model.Snapshot, at place) string {
	if at.file == "" || at.line <= 0 {
		return ""
	}
	src, ok := snap.ReadFile(at.file)
	if !ok {
		return ""
	}
	lines := strings.Split(string(src), "\n")
	if at.line > len(lines) {
		return ""
	}
	return strings.TrimRight(lines[at.line-1], "\r")
}

// otherCI reports whether p configures a CI system other than GitHub
// Actions: Azure Pipelines, GitLab, CircleCI, Jenkins, Travis, Buildkite,
// Drone, Cloud Build, Prow, Tekton.
func otherCI(p string) bool {
	b := path.Base(p)
	switch {
	case strings.HasPrefix(p, ".pipelines/"), strings.HasPrefix(p, ".azure-pipelines/"), strings.HasPrefix(p, ".circleci/"),
		strings.HasPrefix(p, ".buildkite/"), strings.HasPrefix(p, ".tekton/"), strings.HasPrefix(p, ".prow/"), strings.HasPrefix(p, ".ci-operator"):
		return true
	case b == "azure-pipelines.yml" || b == "azure-pipelines.yaml" || b == ".gitlab-ci.yml" || b == "Jenkinsfile" ||
		b == ".travis.yml" || b == ".drone.yml" || b == "cloudbuild.yaml" || b == "cloudbuild.yml" || b == "bitbucket-pipelines.yml":
		return true
	}
	return false
}

var versionRe = regexp.MustCompile(`^v?\d+(\.\d+)*(\.x)?$`)

// versionLike reports whether a matrix value is a toolchain version: old
// releases leave matrices as they reach their end of life.
func versionLike(v string) bool { return versionRe.MatchString(strings.Trim(v, `"' `)) }

// partitioned reports whether another go test of head, over packages h
// tests too, selects tests with its own -run: the tests h leaves out run
// there (a slow group moved to a job or shards of its own).
func (s *side) partitioned(h *run) bool {
	for _, o := range s.runs {
		if o == h || o.test == nil || !o.effective() || o.test.run == "" || o.test.noRun != "" {
			continue
		}
		for _, p := range o.test.pkgs.patterns {
			for _, q := range h.test.pkgs.patterns {
				if covers(q, p) || covers(p, q) {
					return true
				}
			}
		}
	}
	return false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// stepKept reports whether the workflow step that ran b is still in head,
// in the same job under the same label.
func (s *side) stepKept(b *run) bool {
	_, label, ok := strings.Cut(b.where, ", ")
	if !ok {
		return false
	}
	file := b.entry.file
	if r := s.renames[file]; r != "" {
		file = r
	}
	w := s.workflows[file]
	if w == nil {
		return false
	}
	j := w.job(b.group)
	if j == nil {
		return false
	}
	for _, st := range j.steps {
		if st.label() == label && (st.name != "" || st.id != "") {
			return true
		}
	}
	return false
}

// unreadable matches what is left of make syntax goodhart could not
// expand: $(VAR) with a variable set where it does not look, or a function.
var unreadable = regexp.MustCompile(`\$\([A-Z_]|MAKEVAR_|MAKEEXPR`)

// plainActions set up a job; they run no tests.
var plainActions = []string{"actions/checkout", "actions/setup-", "actions/cache", "actions/upload-artifact", "actions/download-artifact", "actions/github-script", "docker/"}

// newAction reports whether the job that ran b gained, in head, a step
// using an action that is no setup step: the tests may run inside it.
func (s *side) newAction(b *run, base *side) bool {
	bw, hw := base.workflows[b.entry.file], s.workflows[b.entry.file]
	if bw == nil || hw == nil {
		return false
	}
	bj, hj := bw.job(b.group), hw.job(b.group)
	if bj == nil || hj == nil {
		return false
	}
	had := map[string]bool{}
	for _, st := range bj.steps {
		had[strings.SplitN(st.uses, "@", 2)[0]] = true
	}
	for _, st := range hj.steps {
		name := strings.SplitN(st.uses, "@", 2)[0]
		if name == "" || had[name] || slices.ContainsFunc(plainActions, func(p string) bool { return strings.HasPrefix(name, p) }) {
			continue
		}
		return true
	}
	return false
}
