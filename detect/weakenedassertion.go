package detect

import "fmt"

// idWeakenedAssertion is the rule's stable identifier: users filter and accept findings by it.
const idWeakenedAssertion = "weakened-assertion"

var weakenedAssertion = &Rule{
	ID:       idWeakenedAssertion,
	Severity: Error,
	Doc: `A test keeps its assertions, but they can no longer fail or check less.

  error    t.Errorf/t.Fatal turned into t.Log; the condition guarding a failure made
           constant or contradictory (if false && …, || true, got != got); an
           assertion of a constant (assert.True(t, true)); an error check dropped
           while the error is still produced (require.NoError(t, err) → _ = err,
           v, err := f() → v, _ := f()); the expected value assigned from the
           actual one (want := got)
  warning  a strong matcher replaced by a weaker one on the same value (Equal →
           NotNil/NotEmpty, To(Equal(x)) → NotTo(BeNil()), !errors.Is(err, ErrX) →
           err == nil); cmp.Diff given new cmpopts.Ignore… options; a numeric
           tolerance loosened ten times or more (InDelta, InEpsilon,
           math.Abs(a-b) > eps, including a tolerance constant of the package)

Not flagged: t.Errorf ↔ t.Fatalf, one library's assertion rewritten as another's,
a tolerance tightened.

Example:
     if got != want {
    -	t.Errorf("got %v, want %v", got, want)
    +	t.Logf("got %v, want %v", got, want)
     }`,
	run: runWeakenedAssertion,
}

func runWeakenedAssertion(a *analysis) {
	for _, m := range a.helpers {
		for _, w := range a.diffAssertions(m).weakened {
			a.reportWeakened(m, w)
		}
	}
	for _, m := range a.matches {
		if !comparable(m) || !m.head.runs() || a.untouched(m) {
			continue
		}
		for _, w := range a.diffAssertions(m).weakened {
			a.reportWeakened(m, w)
		}
	}
}

func (a *analysis) reportWeakened(m *match, w weakening) {
	bt, ht := m.base, m.head
	f := Finding{
		Rule: idWeakenedAssertion, Severity: w.sev, Symbol: ht.Name, Pkg: ht.Dir,
		File: ht.File.Path, Line: ht.line(), OldFile: bt.File.Path, OldLine: bt.line(),
	}
	if w.base != nil {
		f.OldLine = w.base.file.line(w.base.at.Pos())
		f.Excerpt = w.base.file.lines(w.base.at.Pos(), w.base.at.End(), "-", 2)
	}
	if w.head != nil {
		f.Line = w.head.file.line(w.head.at.Pos())
		f.Excerpt = append(f.Excerpt, w.head.file.lines(w.head.at.Pos(), w.head.at.End(), "+", 2)...)
	}
	f.Message = fmt.Sprintf("In %s, %s. The test still runs and passes, but no longer catches what it used to. Check whether the original check was failing; if so, the failure is the thing to fix.", ht.Name, w.what)
	a.report(f)
}
