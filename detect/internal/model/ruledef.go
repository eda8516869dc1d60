package model

import (
	"github.com/goodhart-dev/goodhart/detect/finding"
)

// Rule is one kind of shortcut goodhart looks for. Each rule lives in a
// package of its own under detect/internal/rules with its ID, its default
// severity and a doc that says what it flags, what it deliberately leaves
// alone, and an example. A rule reads the Pass — the Go tests and code of
// both revisions, or any changed file through Changes and Read — and
// reports through it.
type Rule struct {
	ID       string           // stable identifier, e.g. "deleted-test"
	Severity finding.Severity // default severity of its findings
	Doc      string

	// Unpaired says the rule reads no pairing of base's tests with head's
	// (Pass.Matches, Pass.Helpers, nor the model's answers that rest on
	// them): an analysis that runs only such rules, as attribution's
	// replays of their findings do, does not pair the tests.
	Unpaired bool
	// Textual says the rule reads the changed files as text only
	// (Changes, Read, Snapshot.ReadFile and PkgSources), never the syntax
	// of the change's Go files (Snapshot.Tests, Files, …): an analysis that
	// runs only such rules loads none. A Textual rule is Unpaired.
	Textual bool

	Run func(*Pass) // reads the pass and reports through it
}

// syntactic reports whether one of the rules reads the change's Go syntax;
// with no rule to run, the analysis is read by its caller, whole.
func syntactic(run []*Rule) bool {
	if len(run) == 0 {
		return true
	}
	for _, r := range run {
		if !r.Textual {
			return true
		}
	}
	return false
}

// paired reports whether one of the rules reads the pairing of tests;
// with no rule to run, the analysis is read by its caller, whole.
func paired(run []*Rule) bool {
	if len(run) == 0 {
		return true
	}
	for _, r := range run {
		if !r.Unpaired && !r.Textual {
			return true
		}
	}
	return false
}
