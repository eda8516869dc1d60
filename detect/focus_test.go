package detect_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// A replay focused on some tests passes over the others in the rules that
// report each test under its own name, and gives the findings it asks
// after as the full analysis does; the rules whose findings name no test
// look at everything.
func TestFocusedReplay(t *testing.T) {
	h := calcRepo(t, "Add", "Sub", "Mul")
	workflow := "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go test ./...\n"
	h.write(".github/workflows/ci.yml", workflow)
	h.write("calc/div_test.go", calcTests("Div", "Gone"))
	base := h.commit("ci")
	// Each test now skips before its check, and CI stops failing on test
	// failures.
	// TestDiv, which does not skip, now expects another sum.
	skipped := strings.ReplaceAll(calcTests("Add", "Sub", "Mul"), "(t *testing.T) {\n", "(t *testing.T) {\n\tt.Skip(\"flaky\")\n")
	h.write("calc/div_test.go", strings.Replace(calcTests("Div"), "got != 293", "got != 294", 1))
	h.write("calc/calc_test.go", skipped)
	h.write("calc/calc.go", calcSrc+"\nfunc Div(a, b int) int {\n\t//nolint\n\treturn a / b\n}\n")
	h.write(".github/workflows/ci.yml", strings.Replace(workflow, "./...", "./... || true", 1))
	head := h.commit("skip" + agentTrailer)
	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		analyze := func(focus map[string]bool) []string {
			a, err := model.AnalyzeFocused(model.NewLoader(repo), base, head, detect.Rules(), nil, focus)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, f := range a.Findings {
				keys = append(keys, f.Rule+" "+f.Symbol+" "+f.Message)
			}
			return keys
		}
		all := analyze(nil)
		skips := func(keys []string) []string {
			var out []string
			for _, k := range keys {
				if strings.HasPrefix(k, "skipped-test ") {
					out = append(out, strings.Fields(k)[1])
				}
			}
			slices.Sort(out)
			return out
		}
		if got := skips(all); !slices.Equal(got, []string{"TestAdd", "TestMul", "TestSub"}) {
			t.Fatalf("skipped-test findings of the full analysis: %v", got)
		}
		focused := analyze(map[string]bool{model.FocusKey("calc", "TestSub"): true})
		if got := skips(focused); !slices.Equal(got, []string{"TestSub"}) {
			t.Errorf("skipped-test findings focused on TestSub: %v, want TestSub's only", got)
		}
		// A replay weighs no skip's grade: TestSub's finding is there,
		// ungraded, where the full analysis says why it matters.
		if !slices.ContainsFunc(all, func(k string) bool {
			return strings.HasPrefix(k, "skipped-test TestSub The test TestSub now skips unconditionally")
		}) {
			t.Errorf("the full analysis has no graded skip of TestSub: %q", all)
		}
		if !slices.Contains(focused, "skipped-test TestSub ") {
			t.Errorf("a replay focused on TestSub: %q, want its skip, ungraded", focused)
		}
		for _, k := range focused {
			if !slices.Contains(all, k) && !strings.HasPrefix(k, "rewritten-expectation ") && !strings.HasPrefix(k, "deleted-test ") && !strings.HasPrefix(k, "added-suppression ") && !strings.HasPrefix(k, "skipped-test ") {
				t.Errorf("the focused replay found %q, which the full analysis did not", k)
			}
		}
		// A replay weighs no grading: rewritten-expectation says only that
		// TestDiv's expectation changed, which the full analysis grades.
		rewritten := func(keys []string) []string {
			var out []string
			for _, k := range keys {
				if strings.HasPrefix(k, "rewritten-expectation ") {
					out = append(out, k)
				}
			}
			return out
		}
		if got := rewritten(all); len(got) != 1 || !strings.HasPrefix(got[0], "rewritten-expectation TestDiv TestDiv now expects") {
			t.Fatalf("rewritten-expectation of the full analysis: %q", got)
		}
		onDiv := rewritten(analyze(map[string]bool{model.FocusKey("calc", "TestDiv"): true}))
		if len(onDiv) != 1 || onDiv[0] != "rewritten-expectation TestDiv " {
			t.Errorf("rewritten-expectation of a replay focused on TestDiv: %q, want the finding, ungraded", onDiv)
		}
		// Nor deleted-test's, for a test gone from a file that is still
		// there.
		if !slices.ContainsFunc(all, func(k string) bool { return strings.HasPrefix(k, "deleted-test TestGone The test TestGone") }) {
			t.Errorf("the full analysis has no graded deletion of TestGone: %q", all)
		}
		if onGone := analyze(map[string]bool{model.FocusKey("calc", "TestGone"): true}); !slices.Contains(onGone, "deleted-test TestGone ") {
			t.Errorf("a replay focused on TestGone: %q, want its deletion, ungraded", onGone)
		}
		// Nor added-suppression's, whose grading reads the package's files.
		if !slices.ContainsFunc(all, func(k string) bool { return strings.HasPrefix(k, "added-suppression Div adds //nolint") }) {
			t.Errorf("the full analysis has no graded suppression in Div: %q", all)
		}
		if !slices.Contains(focused, "added-suppression Div ") {
			t.Errorf("a replay: %q, want the suppression in Div, ungraded", focused)
		}
		if !slices.ContainsFunc(focused, func(k string) bool { return strings.HasPrefix(k, "weakened-ci ") }) {
			t.Errorf("the focus kept weakened-ci (which names no test) from looking: %v", focused)
		}
		// And the check, whose replays are focused, says the same as before
		// of each test and commit.
		res, err := detect.Check(repo, base, head, detect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range res.Findings {
			if f.Rule == "skipped-test" {
				n++
				if f.Commit != head || f.Severity == finding.Info {
					t.Errorf("%s: commit %s severity %v, want the agent's %s", f.Symbol, f.Commit, f.Severity, head)
				}
			}
		}
		if n != 3 {
			t.Errorf("%d skipped-test findings from the check, want 3", n)
		}
	})
}
