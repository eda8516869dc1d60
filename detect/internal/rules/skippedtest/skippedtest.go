package skippedtest

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// idSkippedTest is the rule's stable identifier: users filter and accept findings by it.
const ID = "skipped-test"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Error,
	Doc: `A t.Skip, t.Skipf or t.SkipNow is newly reachable in a test or subtest that exists
in base (whatever its *testing.T is called), directly or through a helper of the
package that the test passes its *testing.T to.

The severity follows what the skip is gated on:
  error    unconditional; gated on CI (CI, GITHUB_ACTIONS, GITLAB_CI …), which hides
           the test exactly where it is enforced; or under the very condition that
           used to fail the test (a t.Fatal turned into a t.Skip: the same
           condition on values the same calls produced)
  warning  testing.Short(); a missing credential or service (an environment
           variable, a failed dial); runtime.GOOS/GOARCH checks that fire on
           linux/amd64, where CI usually runs; a missing tool in a test that
           runs it through a mocked or faked command runner (it may not need
           the tool at all); a condition goodhart cannot classify
  info     a platform guard that cannot fire on linux/amd64; a missing tool or
           capability (exec.LookPath under any import name, testenv, a
           refused os.Symlink or os.Link, a host without the network stack
           net.Listen on a loopback literal such as "[::1]:0" needs); a tool too old (a version read by a
           call, gitVersion(t) or semver.Compare, or a skip that says so),
           also when the probe sits in a function of the package the gate
           calls (hasRipgrep(), a sync.OnceValue variable); a name in the
           gate or the helper that says the setup lacks a feature
           (clusterSupportsStream, SkipIfNoGoFail); a boolean constant that
           build tags set, false in a default build (ThroughProxy)

A skip that base had, given more alternatives (if a → if a || b), is graded
on what it newly skips: the added alternatives.

Helpers of other packages of the module are followed too (testutil.SkipFlaky(t),
an internal/testenv-style helper, a ginkgo spec calling e2eutil.OnlyLocal()),
found by the import path and the module path of the nearest go.mod; a helper of
a test-support package (a non-test file taking a *testing.T) that newly skips is
reported once, at the helper. A new continue or bare return in a table loop
that leaves some rows before their checks, checking nothing, skips those rows:
error when it names rows by a literal of the table (tc.name == "big"),
warning when it selects them by a property.

Ginkgo specs count as tests (named by their containers' texts and their own):
an It or a container turned into its X- or P-prefixed form or given the Pending
decorator is a skip (error), and so is a Skip(…) newly reached in the spec or a
BeforeEach of its containers; turning a spec into its F-prefixed (focused) form
is an error too, because focusing one spec stops every other spec of the suite.

Lowered to info: a skip on a missing service variable that the CI
configuration sets (the workflow provides DATABASE_URL, so CI still runs the
test); a flaky test quarantined with a linked issue (a URL, owner/repo#123,
ABC-123) beside a new test of the same file named after it; a new -short skip
in a test that base already skipped when its setup is missing (it runs only
where someone set that up); an unexplained skip in a file that builds only
with a test-category tag in base (//go:build e2e: a default go test leaves
it out).

Not flagged: a skip in a brand-new test, a skip that base already had under the
same condition or under fewer conditions (the same helper skip, now called
under one more if), a skip after the test's last check (nothing is lost), and a skip
added in one commit and removed in a later one (the range is judged by its net
change).

Example:
     func TestFetch(t *testing.T) {
    +	if os.Getenv("CI") != "" {
    +		t.Skip("flaky on CI")
    +	}

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): error: 4 right, 0 wrong; warning: 0 right, 1 wrong (on one
commit that synced a fork to its upstream release).`,
	Run: func(p *model.Pass) { runSkippedTest(&pass{p}) },
}

// pass is the rule's view of one analysis: the model's Pass, with the
// rule's own steps as methods.
type pass struct{ *model.Pass }

func runSkippedTest(a *pass) {
	// Every finding of the rule names the head test of the match it comes
	// from, under that test's package: a focused replay needs no other.
	for _, m := range a.Matches {
		if m.Kind == model.MatchGone || m.Kind == model.MatchFolded || !m.Head.IsTest() || m.Head.Kind == model.KindMain {
			continue
		}
		if !a.Focused(m.Head.Dir, m.Head.Name) {
			continue
		}
		if m.Base.Kind == model.KindSpec && m.Head.Kind == model.KindSpec {
			a.checkSpecState(m)
		}
		if !a.Untouched(m) {
			a.checkSkips(m)
			a.checkRowExits(m)
		}
	}
	for _, m := range a.Helpers {
		if a.Focused(m.Head.Dir, m.Head.Name) {
			a.checkSkips(m)
		}
	}
	for _, m := range a.SupportHelpers() {
		if a.Focused(m.Head.Dir, m.Head.Name) {
			a.checkSkips(m)
		}
	}
}

// checkSpecState flags a ginkgo spec newly pending (XIt, PIt, PDescribe,
// the Pending decorator) or focused (FIt, FDescribe, Focus): focusing one
// spec stops every unfocused spec of the suite from running.
func (a *pass) checkSpecState(m *model.Match) {
	bt, ht := m.Base, m.Head
	var why string
	switch {
	case ht.Pending && !bt.Pending:
		why = "it is now pending (an X- or P-prefixed It or container, or the Pending decorator): ginkgo reports it and passes without running it"
	case ht.Focused && !bt.Focused:
		why = "it is now focused (an F-prefixed It or container, or the Focus decorator): while any spec is focused, ginkgo runs only focused specs, so every other spec of the suite stops running"
	default:
		return
	}
	call := ht.Decl.(*ast.CallExpr)
	a.Report(finding.Finding{
		Rule: ID, Severity: finding.Error, Symbol: ht.Name, Pkg: ht.Dir,
		File: ht.File.Path, Line: ht.Line(), OldFile: bt.File.Path, OldLine: bt.Line(),
		Excerpt: ht.File.Lines(call.Pos(), call.Lparen, "+", 1),
		Message: fmt.Sprintf("The spec %q no longer runs: %s. Check why it was set aside; if it was failing, the failure is the thing to fix.", ht.Name, why),
	})
}

func (a *pass) checkSkips(m *model.Match) {
	bt, ht := m.Base, m.Head
	baseSkips := map[string]int{}
	var baseSkipSites []*model.Site
	failGates := map[string]bool{}
	for _, s := range model.CollectSites(a.Base, bt) {
		switch s.Kind {
		case model.SiteSkip:
			baseSkips[s.Signature()]++
			baseSkipSites = append(baseSkipSites, s)
		case model.SiteFail:
			failGates[model.FailGateKey(s)] = true
		}
	}
	checks := model.CheckScopeOf(ht).ChecksIn(ht.Body)
	var added []*model.Site
	kept := "" // a conditional skip of base that head keeps
	for _, s := range model.CollectSites(a.Head, ht) {
		if s.Kind != model.SiteSkip {
			continue
		}
		if baseSkips[s.Signature()] > 0 {
			baseSkips[s.Signature()]--
			if kept == "" && !a.HoldsOnly() && s.Conditional() && !model.SkipPlatformOnly(s) {
				kept = strings.TrimSpace(model.FirstLine(s.File.Text(s.At)))
				if len(s.Via) > 0 {
					kept += " (through " + strings.Join(s.Via, " → ") + ")"
				}
			}
			continue
		}
		added = append(added, s)
	}
	for _, s := range added {
		if !s.InLoop && !checkAfter(checks, s.At.Pos()) && !bt.IsAnyHelper() {
			continue // nothing left to check after it (a helper's callers go on checking)
		}
		if narrows(s, baseSkipSites) {
			continue // base already skipped wherever this one does
		}
		if a.HoldsOnly() {
			// Reported whatever its grade: a replay asks whether it holds,
			// not how it grades (the CI's variables, a quarantine, base's
			// other skips are not weighed), and reads only its key.
			a.Report(finding.Finding{Rule: ID, Severity: finding.Info, Symbol: ht.Name, Pkg: ht.Dir,
				File: ht.File.Path, Line: ht.File.Line(s.At.Pos()), OldFile: bt.File.Path, OldLine: bt.Line()})
			continue
		}
		sev, why := model.Grade(s, failGates)
		for _, b := range baseSkipSites {
			if w, was, added := model.Widened(s, b); w != nil {
				sev, why = model.Grade(w, failGates)
				why = "in more cases than before: base already skipped it when " + was + "; the added alternative (" + added + ") skips it " + why
				break
			}
		}
		if sev == finding.Warning {
			if v := model.SkipEnvVar(s); v != "" {
				if where := a.Head.CIProvides(v); where != "" {
					sev, why = finding.Info, why+"; "+where+" sets "+v+", so CI still runs the test"
				}
			}
		}
		if sev == finding.Warning && model.Unclassified(s) {
			if tag := model.OptInCategory(bt.File); tag != "" {
				sev, why = finding.Info, why+"; the test's file builds only with the "+tag+" tag (it did in base too), so a default go test leaves it out and it runs only where someone opts in"
			}
		}
		if sev == finding.Warning && kept != "" && model.SkipShort(s) {
			sev, why = finding.Info, why+"; it already skipped when what it needs is not there ("+kept+"), so it runs only where someone set that up, and -short is the usual way to leave such a test out"
		}
		if sev > finding.Info {
			if issue, repl := a.quarantined(m, s); issue != "" {
				sev, why = finding.Info, why+"; it is quarantined with a linked issue ("+issue+") and the new test "+repl+" stands in for it"
			}
		}
		a.reportSkip(m, s, sev, why)
	}
}

// narrows reports whether base already had a skip that fires wherever s
// does: the same skip, now under one more condition.
func narrows(s *model.Site, base []*model.Site) bool {
	for _, b := range base {
		if model.Narrows(s, b) {
			return true
		}
	}
	return false
}

func checkAfter(checks []token.Pos, pos token.Pos) bool {
	for _, c := range checks {
		if c > pos {
			return true
		}
	}
	return false
}

func (a *pass) reportSkip(m *model.Match, s *model.Site, sev finding.Severity, why string) {
	bt, ht := m.Base, m.Head
	line := ht.File.Line(s.At.Pos())
	how := strings.TrimSpace(model.FirstLine(ht.File.Text(s.At)))
	if len(s.Via) > 0 {
		how += " (through " + strings.Join(s.Via, " → ") + ")"
	}
	what := "test"
	switch {
	case bt.Kind == model.KindSubtest:
		what = "subtest"
	case bt.IsAnyHelper():
		what = "helper"
		why += ", and with it every test that calls it"
	}
	f := finding.Finding{
		Rule: ID, Severity: sev, Symbol: ht.Name, Pkg: ht.Dir,
		File: ht.File.Path, Line: line, OldFile: bt.File.Path, OldLine: bt.Line(),
		Excerpt: ht.File.Lines(gateStart(s, ht), s.At.End(), "+", 4),
		Message: fmt.Sprintf("The %s %s now skips %s: %s at line %d. A skipped test passes without checking anything. Check why it was skipped; if it was failing there, the failure is the thing to fix.",
			what, ht.Name, why, how, line),
	}
	a.Report(f)
}

// gateStart is where to begin a skip's excerpt: at its innermost condition
// when that is close by, so the reader sees what it is gated on.
func gateStart(s *model.Site, ht *model.TestFunc) token.Pos {
	at := s.At.Pos()
	if n := len(s.Gates); n > 0 && s.Gates[n-1].Cond != nil && len(s.Via) == 0 {
		c := s.Gates[n-1].Cond.Pos()
		if c < at && ht.File.Line(at)-ht.File.Line(c) <= 3 {
			return c
		}
	}
	return at
}
