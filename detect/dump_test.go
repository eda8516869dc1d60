package detect_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
	"github.com/goodhart-dev/goodhart/fixtures"
)

// fullResult is a check's whole output with commits named by their place in
// the scenario (hashes differ between builds): the want sections compare
// less (no messages, lines, notes).
func fullResult(t *testing.T, res *detect.Result, b *fixtures.Built) string {
	t.Helper()
	fs := make([]detect.Finding, len(res.Findings))
	for i, f := range res.Findings {
		f.Commit = strconv.Itoa(b.Index(f.Commit))
		fs[i] = f
	}
	out, err := json.MarshalIndent(struct {
		Findings []detect.Finding
		Notes    []string
		Summary  detect.Summary
	}{fs, res.Notes, res.Summary}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Both git backends give every scenario the same whole result: messages,
// lines, attributions and notes. With GOODHART_FIXTURE_DUMP=DIR each result
// is also written to DIR, so that a change meant to make goodhart faster
// can be shown to leave every output as it was (diff -r of two dumps).
func TestFixtureResultsAlike(t *testing.T) {
	dump := os.Getenv("GOODHART_FIXTURE_DUMP")
	for _, s := range ruletest.Scenarios(t, "") {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			var outs []string
			for _, backend := range []string{"git", "go-git"} {
				built, repo := ruletest.Build(t, s, backend)
				res, err := detect.Check(repo, built.Base, built.Head, detect.Options{})
				if err != nil {
					t.Fatal(err)
				}
				outs = append(outs, fullResult(t, res, built))
			}
			if diff := cmp.Diff(outs[0], outs[1]); diff != "" {
				t.Errorf("git and go-git differ (-git +go-git):\n%s", diff)
			}
			if dump != "" {
				p := filepath.Join(dump, strings.ReplaceAll(s.Name, "/", "__")+".json")
				if err := os.WriteFile(p, []byte(outs[0]+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
