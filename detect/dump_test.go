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

// A check tells its progress in steps that only go forward and end done,
// and telling it changes nothing in the result.
func TestCheckProgress(t *testing.T) {
	for _, name := range []string{"deleted-test/attributed", "deleted-test/deleted"} {
		var s *fixtures.Scenario
		for _, sc := range ruletest.Scenarios(t, "deleted-test") {
			if sc.Name == name {
				s = sc
			}
		}
		if s == nil {
			t.Fatalf("no scenario %s", name)
		}
		built, repo := ruletest.Build(t, s, "git")
		plain, err := detect.Check(repo, built.Base, built.Head, detect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var steps [][2]int
		res, err := detect.Check(repo, built.Base, built.Head, detect.Options{Progress: func(done, total int) {
			steps = append(steps, [2]int{done, total})
		}})
		if err != nil {
			t.Fatal(err)
		}
		if fullResult(t, res, built) != fullResult(t, plain, built) {
			t.Errorf("%s: progress changed the result", name)
		}
		if len(steps) < 2 || steps[0] != [2]int{0, 1} {
			t.Fatalf("%s: steps %v, want the analysis as a first step then attribution's", name, steps)
		}
		for i, st := range steps {
			if st[0] > st[1] || i > 0 && st[0] < steps[i-1][0] {
				t.Errorf("%s: step %d of %v goes back or past the total", name, i, steps)
			}
		}
		if last := steps[len(steps)-1]; last[0] != last[1] {
			t.Errorf("%s: progress ends at %v, not done", name, last)
		}
	}
}
