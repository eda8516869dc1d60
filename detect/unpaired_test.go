package detect_test

import (
	"encoding/json"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// A rule marked Unpaired reads no pairing of tests, so an analysis that
// runs it alone (as a replay of its findings does, without pairing the
// tests) reports what it reports beside every other rule, in every
// scenario of its own and of the demo.
func TestUnpairedRulesAlone(t *testing.T) {
	var alone []*model.Rule
	unpaired := map[string]bool{}
	for _, r := range detect.Rules() {
		if r.Unpaired {
			alone = append(alone, r)
			unpaired[r.ID] = true
		}
	}
	if len(alone) == 0 {
		t.Fatal("no rule is marked Unpaired")
	}
	scenarios := ruletest.Scenarios(t, "demo")
	for _, r := range alone {
		scenarios = append(scenarios, ruletest.Scenarios(t, r.ID)...)
	}
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			built, repo := ruletest.Build(t, s, "")
			findings := func(run []*model.Rule) string {
				a, err := model.AnalyzeIn(model.NewLoader(repo), built.Base, built.Head, run, nil)
				if err != nil {
					t.Fatal(err)
				}
				var kept []any
				for _, f := range a.Findings {
					if unpaired[f.Rule] {
						kept = append(kept, f)
					}
				}
				b, err := json.Marshal(kept)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			if all, only := findings(detect.Rules()), findings(alone); all != only {
				t.Errorf("alone the unpaired rules report\n%s\nbeside the others\n%s", only, all)
			}
		})
	}
}
