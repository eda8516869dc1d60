package detect_test

import (
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// A range that starts in the middle of a branch (a hook on the last commit,
// a scan commit by commit): a test the branch added a commit earlier and
// deletes now was never on main, so against main nothing is lost (info,
// saying so); a test main had, deleted in the same commit, is still
// reported as before.
func TestTestAddedOnTheBranchThenDeleted(t *testing.T) {
	h := calcRepo(t, "One", "Two")
	start := h.git("rev-parse", "HEAD")
	h.git("checkout", "-q", "-b", "feature")
	h.write("calc/calc_test.go", calcTests("One", "Two", "Three"))
	added := h.commit("add TestThree" + agentTrailer)
	h.write("calc/calc_test.go", calcTests("Two"))
	head := h.commit("drop tests" + agentTrailer)

	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		if got := gitutil.BranchStart(repo, added); got != start {
			t.Fatalf("BranchStart(feature~1) = %q, want main's tip %q", got, start)
		}
		if got := gitutil.BranchStart(repo, start); got != "" {
			t.Fatalf("BranchStart(main) = %q, want \"\": main's own commit is on main", got)
		}
		res := check(t, repo, added, head, detect.Options{})
		sev := map[string]detect.Severity{}
		for _, f := range res.Findings {
			if f.Rule == "deleted-test" {
				sev[f.Symbol] = f.Severity
				if f.Symbol == "TestThree" && !strings.Contains(f.Message, "left the default branch") {
					t.Errorf("TestThree: the message does not say the branch added it:\n%s", f.Message)
				}
			}
		}
		if s, ok := sev["TestThree"]; !ok || s != detect.Info {
			t.Errorf("TestThree, added on the branch a commit earlier: got %v (reported %v), want info\n%s", s, ok, dump(res))
		}
		if s := sev["TestOne"]; s < detect.Warning {
			t.Errorf("TestOne, on main before the branch: got %v, want an alarm\n%s", s, dump(res))
		}
	})
}
