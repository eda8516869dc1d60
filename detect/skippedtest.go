package detect

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// idSkippedTest is the rule's stable identifier: users filter and accept findings by it.
const idSkippedTest = "skipped-test"

var skippedTest = &Rule{
	ID:       idSkippedTest,
	Severity: Error,
	Doc: `A t.Skip, t.Skipf or t.SkipNow is newly reachable in a test or subtest that exists
in base (whatever its *testing.T is called), directly or through a helper of the
package that the test passes its *testing.T to.

The severity follows what the skip is gated on:
  error    unconditional; gated on CI (CI, GITHUB_ACTIONS, GITLAB_CI …), which hides
           the test exactly where it is enforced; or under the very condition that
           used to fail the test (a t.Fatal turned into a t.Skip)
  warning  testing.Short(); a missing credential or service (an environment
           variable, a failed dial); runtime.GOOS/GOARCH checks that fire on
           linux/amd64, where CI usually runs; a condition goodhart cannot classify
  info     a platform guard that cannot fire on linux/amd64; a missing tool or
           capability (exec.LookPath, testenv)

Ginkgo specs count as tests (named by their containers' texts and their own):
an It or a container turned into its X- or P-prefixed form or given the Pending
decorator is a skip (error), and so is a Skip(…) newly reached in the spec or a
BeforeEach of its containers; turning a spec into its F-prefixed (focused) form
is an error too, because focusing one spec stops every other spec of the suite.

Not flagged: a skip in a brand-new test, a skip that base already had under the
same condition, a skip after the test's last check (nothing is lost), and a skip
added in one commit and removed in a later one (the range is judged by its net
change).

Example:
     func TestFetch(t *testing.T) {
    +	if os.Getenv("CI") != "" {
    +		t.Skip("flaky on CI")
    +	}`,
	run: runSkippedTest,
}

func runSkippedTest(a *analysis) {
	for _, m := range a.matches {
		if m.kind == matchGone || m.kind == matchFolded || !m.head.isTest() || m.head.Kind == kindMain {
			continue
		}
		if m.base.Kind == kindSpec && m.head.Kind == kindSpec {
			a.checkSpecState(m)
		}
		if !a.untouched(m) {
			a.checkSkips(m)
		}
	}
	for _, m := range a.helpers {
		a.checkSkips(m)
	}
}

// checkSpecState flags a ginkgo spec newly pending (XIt, PIt, PDescribe,
// the Pending decorator) or focused (FIt, FDescribe, Focus): focusing one
// spec stops every unfocused spec of the suite from running.
func (a *analysis) checkSpecState(m *match) {
	bt, ht := m.base, m.head
	var why string
	switch {
	case ht.pending && !bt.pending:
		why = "it is now pending (an X- or P-prefixed It or container, or the Pending decorator): ginkgo reports it and passes without running it"
	case ht.focused && !bt.focused:
		why = "it is now focused (an F-prefixed It or container, or the Focus decorator): while any spec is focused, ginkgo runs only focused specs, so every other spec of the suite stops running"
	default:
		return
	}
	call := ht.Decl.(*ast.CallExpr)
	a.report(Finding{
		Rule: idSkippedTest, Severity: Error, Symbol: ht.Name, Pkg: ht.Dir,
		File: ht.File.Path, Line: ht.line(), OldFile: bt.File.Path, OldLine: bt.line(),
		Excerpt: ht.File.lines(call.Pos(), call.Lparen, "+", 1),
		Message: fmt.Sprintf("The spec %q no longer runs: %s. Check why it was set aside; if it was failing, the failure is the thing to fix.", ht.Name, why),
	})
}

func (a *analysis) checkSkips(m *match) {
	bt, ht := m.base, m.head
	baseSkips := map[string]int{}
	failGates := map[string]bool{}
	for _, s := range collectSites(a.base, bt) {
		switch s.kind {
		case siteSkip:
			baseSkips[s.signature()]++
		case siteFail:
			failGates[gatesOnly(s)] = true
		}
	}
	checks := newCheckScope(ht).checksIn(ht.Body)
	for _, s := range collectSites(a.head, ht) {
		if s.kind != siteSkip {
			continue
		}
		if baseSkips[s.signature()] > 0 {
			baseSkips[s.signature()]--
			continue
		}
		if !s.inLoop && !checkAfter(checks, s.at.Pos()) && !bt.isHelper() {
			continue // nothing left to check after it (a helper's callers go on checking)
		}
		sev, why := grade(s, failGates)
		a.reportSkip(m, s, sev, why)
	}
}

func checkAfter(checks []token.Pos, pos token.Pos) bool {
	for _, c := range checks {
		if c > pos {
			return true
		}
	}
	return false
}

func (a *analysis) reportSkip(m *match, s *site, sev Severity, why string) {
	bt, ht := m.base, m.head
	line := ht.File.line(s.at.Pos())
	how := strings.TrimSpace(firstLine(ht.File.text(s.at)))
	if len(s.via) > 0 {
		how += " (through " + strings.Join(s.via, " → ") + ")"
	}
	what := "test"
	switch {
	case bt.Kind == kindSubtest:
		what = "subtest"
	case bt.isHelper():
		what = "helper"
		why += ", and with it every test that calls it"
	}
	f := Finding{
		Rule: idSkippedTest, Severity: sev, Symbol: ht.Name, Pkg: ht.Dir,
		File: ht.File.Path, Line: line, OldFile: bt.File.Path, OldLine: bt.line(),
		Excerpt: ht.File.lines(gateStart(s, ht), s.at.End(), "+", 4),
		Message: fmt.Sprintf("The %s %s now skips %s: %s at line %d. A skipped test passes without checking anything. Check why it was skipped; if it was failing there, the failure is the thing to fix.",
			what, ht.Name, why, how, line),
	}
	a.report(f)
}

// gateStart is where to begin a skip's excerpt: at its innermost condition
// when that is close by, so the reader sees what it is gated on.
func gateStart(s *site, ht *testFunc) token.Pos {
	at := s.at.Pos()
	if n := len(s.gates); n > 0 && s.gates[n-1].cond != nil && len(s.via) == 0 {
		c := s.gates[n-1].cond.Pos()
		if c < at && ht.File.line(at)-ht.File.line(c) <= 3 {
			return c
		}
	}
	return at
}
