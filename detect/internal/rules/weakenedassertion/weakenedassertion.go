package weakenedassertion

import (
	"fmt"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// idWeakenedAssertion is the rule's stable identifier: users filter and accept findings by it.
const ID = "weakened-assertion"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Error,
	Doc: `A test keeps its assertions, but they can no longer fail or check less.

  error    t.Errorf/t.Fatal turned into t.Log; the condition guarding a failure made
           constant or contradictory (if false && …, || true, got != got); an
           assertion of a constant (assert.True(t, true)); an error check dropped
           while the error is still produced (require.NoError(t, err) → _ = err,
           v, err := f() → v, _ := f()); the expected value assigned from the
           actual one (want := got); a check that became a log in a helper the
           test now calls (extracted, then gutted, judged on the net change),
           or in a helper of a test-support package of the module
  warning  a strong matcher replaced by a weaker one on the same value (Equal →
           NotNil/NotEmpty, To(Equal(x)) → NotTo(BeNil()), !errors.Is(err, ErrX) →
           err == nil); cmp.Diff given new cmpopts.Ignore… options; a numeric
           tolerance loosened ten times or more (InDelta, InEpsilon,
           math.Abs(a-b) > eps, including a tolerance constant of the package);
           a check of a value replaced by a check of a different, weaker fact
           while no check of the test looks at that value any more
           (require.GreaterOrEqual(t, slept, 5*time.Second) → require.True(t, called);
           info when the range removed that value from the code, a field of
           its type or the function computing it: the old check went with it);
           a matcher widened by a combinator (Equal(x) → Or(Equal(x), …),
           SatisfyAny, Not(BeZero())); cmpopts.EquateApprox with a margin of
           1% or more where base compared exactly, EquateApproxTime of a second
           or more, either loosened ten times; a substring or pattern needle cut
           to half its length or less (assert.Contains, is.Contains,
           ContainSubstring, qt.ErrorMatches, MatchRegexp) or widened to .*;
           an exact status check turned into a range (!= 201 → >= 500,
           Equal(201, code) → Less(code, 500)); a mock's expectations still set
           but no longer verified (AssertExpectations dropped; a gomock
           controller no longer finished where go.mod requires gomock older than
           1.5); a deferred recover() that checks nothing

Not flagged: t.Errorf ↔ t.Fatalf, one library's assertion rewritten as another's,
a tolerance tightened; an expected value changed while head still pins the
value exactly (Equal(t, x, v) → Empty(t, v); ErrorIs(t, err, ErrX) → NoError(t, err)
with NotErrorIs beside it); a check paired with a log that base already had; a
value checked another way or renamed under the same assertion; And(…)/
SatisfyAll(…) keeping the base matcher; a needle split into checks of its
parts, or a forbidden needle (NotContains, if strings.Contains { t.Fatal })
shortened; a tight approximate margin for rounding; cmpopts.IgnoreFields of a
field base's type did not have; a mock built by a constructor given t (it
verifies in t.Cleanup); a removed Finish with gomock 1.5 or newer; a recover()
whose value the test checks.

Info, not warning: an exact check turned into a Contains of the whole old
expected value, where the code under test changed in the range and the
test either checks the value's other parts too (the output grew:
Equal("fallback", out) → Contains(out, "fallback") and Contains(out,
payload)) or decodes the value and pins its fields with exact checks (the
output became JSON).

Example:
     if got != want {
    -	t.Errorf("got %v, want %v", got, want)
    +	t.Logf("got %v, want %v", got, want)
     }

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): warning: 1 right, 0 wrong.`,
	Run: func(p *model.Pass) { runWeakenedAssertion(&pass{p}) },
}

// pass is the rule's view of one analysis: the model's Pass, with the
// rule's own steps as methods.
type pass struct{ *model.Pass }

func runWeakenedAssertion(a *pass) {
	// Every finding names the head test or helper of its match, under its
	// package: a focused replay needs no other.
	for _, m := range append(append([]*model.Match(nil), a.Helpers...), a.SupportHelpers()...) {
		if !a.Focused(m.Head.Dir, m.Head.Name) {
			continue
		}
		for _, w := range a.Weakenings(m) {
			a.reportWeakened(m, w)
		}
	}
	for _, m := range a.Matches {
		if !model.Comparable(m) || !m.Head.Runs() || a.Untouched(m) || !a.Focused(m.Head.Dir, m.Head.Name) {
			continue
		}
		for _, w := range a.Weakenings(m) {
			a.reportWeakened(m, w)
		}
	}
}

func (a *pass) reportWeakened(m *model.Match, w model.Weakening) {
	bt, ht := m.Base, m.Head
	f := finding.Finding{
		Rule: ID, Severity: w.Sev, Symbol: ht.Name, Pkg: ht.Dir,
		File: ht.File.Path, Line: ht.Line(), OldFile: bt.File.Path, OldLine: bt.Line(),
	}
	if w.Base != nil {
		f.OldLine = w.Base.File.Line(w.Base.At.Pos())
		f.Excerpt = w.Base.File.Lines(w.Base.At.Pos(), w.Base.At.End(), "-", 2)
	}
	if w.Head != nil {
		f.Line = w.Head.File.Line(w.Head.At.Pos())
		f.Excerpt = append(f.Excerpt, w.Head.File.Lines(w.Head.At.Pos(), w.Head.At.End(), "+", 2)...)
	}
	f.Message = fmt.Sprintf("In %s, %s. The test still runs and passes, but no longer catches what it used to. Check whether the original check was failing; if so, the failure is the thing to fix.", ht.Name, w.What)
	if w.Sev == finding.Info {
		// the model found the value still checked another way, and says how
		f.Message = fmt.Sprintf("In %s, %s. Confirm the change of output was intended.", ht.Name, w.What)
	}
	a.Report(f)
}
