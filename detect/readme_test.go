package detect_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
)

// TestReadmeRulesTable keeps the README's rules table in step with the rules:
// one row per rule, with its default severity, and no row for a rule that
// does not exist.
func TestReadmeRulesTable(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z-]+)` \\| (error|warning|info) \\|").FindAllStringSubmatch(string(data), -1) {
		if _, dup := rows[m[1]]; dup {
			t.Errorf("README has two rows for %s", m[1])
		}
		rows[m[1]] = m[2]
	}
	for _, r := range detect.Rules() {
		sev, ok := rows[r.ID]
		if !ok {
			t.Errorf("README has no row for rule %s", r.ID)
			continue
		}
		if sev != r.Severity.String() {
			t.Errorf("README says %s is %s by default; the rule says %s", r.ID, sev, r.Severity)
		}
		delete(rows, r.ID)
		if !strings.Contains(r.Doc, "Example:") || !strings.Contains(r.Doc, "finding") && !strings.Contains(r.Doc, "flagged") {
			t.Errorf("rule %s's doc must say what it flags, what it leaves alone, and show an example", r.ID)
		}
	}
	for id := range rows {
		t.Errorf("README lists %s, which is not a rule", id)
	}
}
