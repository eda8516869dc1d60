package model

// A replay of attribution asks whether some findings hold at a commit, not
// what every test of their folders does there. Each finding a rule reports
// on a test under the test's own package and name (Finding.Pkg and Symbol
// are its Dir and Name) depends on that test's match alone, so a rule whose
// findings are all of that kind may pass over the matches of other tests:
// the findings asked after come out the same, and the others are not
// asked after.

// FocusKey is the key of the test named name in package dir, as a focus
// holds it: a finding's Pkg and Symbol.
func FocusKey(dir, name string) string { return dir + "\x00" + name }

// Focused reports whether the analysis is asked about the test name of
// package dir: always, unless it is a replay focused on other tests.
func (a *Pass) Focused(dir, name string) bool {
	return a.focus == nil || a.focus[FocusKey(dir, name)]
}

// HoldsOnly reports whether the analysis is a replay, asked only which
// findings hold (their keys: rule, package or file, symbol), not how they
// grade: a rule that reports a finding whatever its grading may leave the
// severity and message unweighed there.
func (a *Pass) HoldsOnly() bool { return a.focus != nil }
