package detect_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
	"github.com/goodhart-dev/goodhart/fixtures"
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
