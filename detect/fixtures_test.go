package detect_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/fixtures"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// TestFixtures builds every scenario of fixtures/ into a git repository and
// checks that goodhart reports exactly the findings its want section lists.
func TestFixtures(t *testing.T) { testFixtures(t, "git") }

// TestFixturesGoGit runs every scenario on the pure-Go backend too: both
// backends must give the same findings.
func TestFixturesGoGit(t *testing.T) { testFixtures(t, "go-git") }

func testFixtures(t *testing.T, backend string) {
	all, err := fixtures.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no scenarios found")
	}
	for _, s := range all {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			res, built := checkScenarioWith(t, s, backend)
			var got []string
			for _, f := range res.Findings {
				got = append(got, wantLine(f, built))
			}
			var want []string
			for _, w := range s.Want {
				want = append(want, w.String())
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings differ (-want +got):\n%s\nfull findings:\n%s", diff, dump(res))
			}
			checkFindingShape(t, res)
			if testing.Verbose() {
				t.Logf("findings:\n%s", dump(res))
			}
		})
	}
}

func checkScenario(t *testing.T, s *fixtures.Scenario) (*detect.Result, *fixtures.Built) {
	t.Helper()
	return checkScenarioWith(t, s, "")
}

// checkScenarioWith builds a scenario and checks it with a git backend
// ("" for gitutil.Open's choice).
func checkScenarioWith(t *testing.T, s *fixtures.Scenario, backend string) (*detect.Result, *fixtures.Built) {
	t.Helper()
	built, repo := buildScenario(t, s, backend)
	res, err := detect.Check(repo, built.Base, built.Head, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res, built
}

// wantLine writes a finding the way a scenario's want section does.
func wantLine(f detect.Finding, b *fixtures.Built) string {
	file := f.File
	if file == "" {
		file = f.OldFile
	}
	return fixtures.Want{Rule: f.Rule, Severity: f.Severity.String(), File: file, Symbol: f.Symbol, Commit: b.Index(f.Commit)}.String()
}

// checkFindingShape holds every finding to the promises of the output
// schema: a message, a place, a commit.
func checkFindingShape(t *testing.T, res *detect.Result) {
	t.Helper()
	for _, n := range res.Notes {
		if strings.Contains(n, "internal error") {
			t.Errorf("note: %s", n)
		}
	}
	for _, f := range res.Findings {
		if f.Message == "" || f.Commit == "" {
			t.Errorf("finding without message or commit: %+v", f)
		}
		if f.File == "" && f.OldFile == "" {
			t.Errorf("finding without a file: %+v", f)
		}
		if (f.File == "") != (f.Line == 0) || (f.OldFile == "") != (f.OldLine == 0) {
			t.Errorf("file and line must be set together: %+v", f)
		}
	}
}

func dump(res *detect.Result) string {
	s := ""
	for _, f := range res.Findings {
		s += fmt.Sprintf("  %s %s %s:%d (was %s:%d) %s\n    %s\n", f.Rule, f.Severity, f.File, f.Line, f.OldFile, f.OldLine, f.Symbol, f.Message)
	}
	for _, n := range res.Notes {
		s += "  note: " + n + "\n"
	}
	return s
}

// TestPrefilterChangesNothing runs every scenario again with the prefilter
// off (every changed file parsed): the findings must be the same.
func TestPrefilterChangesNothing(t *testing.T) {
	all, err := fixtures.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			built, repo := buildScenario(t, s, "")
			var got [2][]string
			for i, exhaustive := range []bool{false, true} {
				res, err := detect.Check(repo, built.Base, built.Head, detect.Options{Exhaustive: exhaustive})
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range res.Findings {
					got[i] = append(got[i], fmt.Sprintf("%s %s %s:%d %s %s", f.Rule, f.Severity, f.File, f.Line, f.Symbol, f.Message))
				}
			}
			if diff := cmp.Diff(got[1], got[0]); diff != "" {
				t.Errorf("prefilter changed the findings (-exhaustive +prefiltered):\n%s", diff)
			}
		})
	}
}

// buildScenario builds a scenario into a repository in a temporary folder
// and opens it with the given backend ("" for the default).
func buildScenario(t *testing.T, s *fixtures.Scenario, backend string) (*fixtures.Built, gitutil.Repo) {
	t.Helper()
	built, err := s.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var repo gitutil.Repo
	if backend == "" {
		repo, err = gitutil.Open(built.Dir)
	} else {
		repo, err = gitutil.OpenBackend(built.Dir, backend)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	return built, repo
}
