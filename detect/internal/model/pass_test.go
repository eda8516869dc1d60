package model

import (
	"slices"
	"testing"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

// A rule sees every changed file of the range, Go or not, and can read both
// versions: the rules that judge workflows and configs work from this.
func TestPassGivesEveryChangedFile(t *testing.T) {
	repo := NewMemRepo(
		map[string][]byte{"ci.yml": []byte("run: go test ./...\n"), "p/p.go": []byte("package p\n"), "README.md": []byte("a\n")},
		map[string][]byte{"ci.yml": []byte("run: go test ./... || true\n"), "p/p.go": []byte("package p\n"), "Makefile": []byte("test:\n")},
	)
	var seen []string
	var before, after string
	probe := &Rule{ID: "probe", Run: func(a *Pass) {
		for _, c := range a.Changes {
			path := ""
			if c.To != nil {
				path = c.To.Path
			} else {
				path = c.From.Path + " (deleted)"
			}
			seen = append(seen, path)
			if c.To != nil && c.To.Path == "ci.yml" {
				b, err := a.Read(c.From)
				if err != nil {
					t.Fatal(err)
				}
				h, err := a.Read(c.To)
				if err != nil {
					t.Fatal(err)
				}
				before, after = string(b), string(h)
				a.Report(finding.Finding{Rule: "probe", File: "ci.yml", Line: 1, Message: "seen"})
			}
		}
	}}
	a, err := Analyze(NewLoader(repo), "base", "head", []*Rule{probe})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	if want := []string{"Makefile", "README.md (deleted)", "ci.yml"}; !slices.Equal(seen, want) {
		t.Errorf("changes seen = %q, want %q", seen, want)
	}
	if before != "run: go test ./...\n" || after != "run: go test ./... || true\n" {
		t.Errorf("read ci.yml as %q then %q", before, after)
	}
	if len(a.Findings) != 1 || a.Findings[0].File != "ci.yml" {
		t.Errorf("findings = %+v", a.Findings)
	}
}
