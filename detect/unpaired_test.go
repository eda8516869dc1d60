package detect_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
	"github.com/goodhart-dev/goodhart/gitutil"
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

// An analysis of Unpaired rules alone loads the change's Go files only when
// a rule asks (Pass.NeedSyntax): weakened-ci asks when a go test's
// selection changed, and names the tests it leaves out — here one the
// change deleted, which only base's version of the changed file shows. A
// replay of its finding, which runs it alone, must see that test too.
func TestUnpairedLoadsSyntaxWhenAsked(t *testing.T) {
	h := calcRepo(t, "Add", "Sub")
	workflow := "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go test ./...\n"
	h.write(".github/workflows/ci.yml", workflow)
	base := h.commit("ci")
	h.write("calc/calc_test.go", calcTests("Add"))
	h.write(".github/workflows/ci.yml", strings.Replace(workflow, "go test ./...", "go test -run TestAdd ./...", 1))
	head := h.commit("narrow" + agentTrailer)
	h.write(".github/workflows/ci.yml", strings.Replace(workflow, "go test ./...", "go test ./... || true", 1))
	h.write("calc/calc_test.go", calcTests("Add"))
	other := h.commit("mask" + agentTrailer)
	var ci *model.Rule
	for _, r := range detect.Rules() {
		if r.ID == "weakened-ci" {
			ci = r
		}
	}
	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		messages := func(head string, run []*model.Rule) []string {
			a, err := model.AnalyzeIn(model.NewLoader(repo), base, head, run, nil)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, f := range a.Findings {
				if f.Rule == ci.ID {
					out = append(out, f.Severity.String()+" "+f.Message)
				}
			}
			return out
		}
		all, alone := messages(head, detect.Rules()), messages(head, []*model.Rule{ci})
		if len(all) != 1 || !strings.Contains(all[0], "leaves out TestSub") {
			t.Fatalf("the full analysis: %q, want -run TestAdd leaving out TestSub", all)
		}
		if !slices.Equal(all, alone) {
			t.Errorf("weakened-ci alone: %q, beside the others: %q", alone, all)
		}
		if all, alone := messages(other, detect.Rules()), messages(other, []*model.Rule{ci}); len(all) != 1 || !slices.Equal(all, alone) {
			t.Errorf("|| true: weakened-ci alone %q, beside the others %q, want one finding, the same", alone, all)
		}
	})
}
