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

	Run func(*Pass) // reads the pass and reports through it
}
