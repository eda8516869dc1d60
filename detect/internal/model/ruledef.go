package model

import (
	"github.com/goodhart-dev/goodhart/detect/finding"
)

// Rule is one kind of shortcut goodhart looks for. Each rule lives in a file
// of its own with its ID, its default severity and a doc that says what it
// flags, what it deliberately leaves alone, and an example.
type Rule struct {
	ID       string           // stable identifier, e.g. "deleted-test"
	Severity finding.Severity // default severity of its findings
	Doc      string

	Run func(*Pass) // reads the pass and reports through it
}
