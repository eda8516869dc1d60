package finding

import (
	"regexp"
	"testing"
)

func TestFingerprints(t *testing.T) {
	base := func() []Finding {
		return []Finding{
			{Rule: "deleted-test", File: "a/a_test.go", Line: 10, OldFile: "a/a_test.go", OldLine: 12, Symbol: "TestA",
				Message: "TestA was deleted.", Commit: "c1", Excerpt: []string{"- func TestA(t *testing.T) {", "- }"}},
			{Rule: "skipped-test", File: "a/a_test.go", Line: 20, Symbol: "TestB", Message: "TestB skips.",
				Excerpt: []string{"+ \tt.Skip(\"flaky\")"}},
			{Rule: "skipped-test", File: "a/a_test.go", Line: 30, Symbol: "TestB", Message: "TestB skips.",
				Excerpt: []string{"+ \tt.Skip(\"flaky\")"}},
		}
	}
	before := base()
	Fingerprints(before)
	shape := regexp.MustCompile(`^[0-9a-f]{32}:[0-9]+$`)
	seen := map[string]bool{}
	for _, f := range before {
		if !shape.MatchString(f.Fingerprint) || seen[f.Fingerprint] {
			t.Errorf("fingerprint %q malformed or repeated", f.Fingerprint)
		}
		seen[f.Fingerprint] = true
	}

	// Lines moved by an edit above, a reworded message, another commit,
	// indentation: the same findings.
	moved := base()
	for i := range moved {
		moved[i].Line += 7
		moved[i].OldLine += 3
		moved[i].Message = "Reworded: " + moved[i].Message + " (line 99)"
		moved[i].Commit = "c2"
	}
	moved[0].Excerpt[0] = "-   func  TestA(t *testing.T) {"
	Fingerprints(moved)
	for i := range before {
		if moved[i].Fingerprint != before[i].Fingerprint {
			t.Errorf("finding %d: fingerprint changed from %s to %s", i, before[i].Fingerprint, moved[i].Fingerprint)
		}
	}

	// What the finding is about changed: another fingerprint.
	changed := base()
	changed[1].Excerpt = []string{"+ \tt.Skip(\"slow\")"}
	changed[0].Symbol = "TestC"
	Fingerprints(changed)
	if changed[0].Fingerprint == before[0].Fingerprint || changed[1].Fingerprint == before[1].Fingerprint {
		t.Error("a different symbol or excerpt kept the fingerprint")
	}
}
