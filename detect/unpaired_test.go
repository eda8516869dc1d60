package detect_test

import (
	"encoding/json"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// A rule marked Unpaired reads no pairing of tests, and one marked Textual
// not even the syntax of the change: an analysis that runs such a rule
// alone (as a replay of its findings does, without pairing the tests or
// without loading the Go files) reports what it reports beside every other
// rule, in every scenario of its own and of the demo.
func TestUnpairedRulesAlone(t *testing.T) {
	var alone []*model.Rule
	scenarios := ruletest.Scenarios(t, "demo")
	for _, r := range detect.Rules() {
		if r.Unpaired || r.Textual {
			alone = append(alone, r)
			scenarios = append(scenarios, ruletest.Scenarios(t, r.ID)...)
		}
	}
	if len(alone) == 0 {
		t.Fatal("no rule is marked Unpaired or Textual")
	}
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			built, repo := ruletest.Build(t, s, "")
			findings := func(run []*model.Rule, id string) string {
				a, err := model.AnalyzeIn(model.NewLoader(repo), built.Base, built.Head, run, nil)
				if err != nil {
					t.Fatal(err)
				}
				var kept []any
				for _, f := range a.Findings {
					if f.Rule == id {
						kept = append(kept, f)
					}
				}
				b, err := json.Marshal(kept)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			for _, r := range alone {
				if all, only := findings(detect.Rules(), r.ID), findings([]*model.Rule{r}, r.ID); all != only {
					t.Errorf("alone, %s reports\n%s\nbeside the others\n%s", r.ID, only, all)
				}
			}
		})
	}
}
