package detect_test

import (
	"fmt"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
	"github.com/goodhart-dev/goodhart/fixtures"
	"github.com/goodhart-dev/goodhart/gitutil"
)

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
		if ruletest.FullResult(t, res, built) != ruletest.FullResult(t, plain, built) {
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

// countingRepo counts the comparisons asked of a repository.
type countingRepo struct {
	gitutil.Repo
	changes int
}

func (r *countingRepo) Changes(from, to string) ([]gitutil.Change, error) {
	r.changes++
	return r.Repo.Changes(from, to)
}

// Attribution's cost follows the commits that touched a finding's folders,
// not the length of the range: an agent deletes a test, then people make
// twenty commits to another package; the finding lands on the agent's
// commit, and the walk back to it steps over the twenty without analysing
// them. A later commit to the finding's own folder is analysed, once.
func TestAttributionStepsOverOtherFolders(t *testing.T) {
	h := calcRepo(t, "Add", "Sub")
	base := h.git("rev-parse", "HEAD")
	h.write("calc/calc_test.go", calcTests("Add"))
	deleted := h.commit("drop TestSub" + agentTrailer)
	for i := range 20 {
		h.write("other/other.go", fmt.Sprintf("package other\n\nconst N = %d\n", i))
		h.commit(fmt.Sprintf("other %d", i))
	}
	h.write("calc/calc.go", calcSrc+"\n// Sub is to come.\n")
	h.commit("note")
	h.write("other/other.go", "package other\n\nconst N = 99\n")
	head := h.commit("other, last")
	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		counting := &countingRepo{Repo: repo}
		res, err := detect.Check(counting, base, head, detect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 1 || res.Findings[0].Symbol != "TestSub" || res.Findings[0].Commit != deleted {
			t.Fatalf("findings: %+v, want TestSub's deletion on %s", res.Findings, deleted)
		}
		// The net change, the finding's folder at head, the parent of the
		// commit that touched calc/ last; the revert check may ask more.
		if counting.changes > 5 {
			t.Errorf("%d comparisons for a range of 23 commits, of which 2 touched the finding's folder", counting.changes)
		}
	})
}
