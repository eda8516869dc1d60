package detect_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
	"github.com/goodhart-dev/goodhart/fixtures"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// TestFixtures builds every scenario of fixtures/ into a git repository and
// checks that goodhart reports exactly the findings its want section lists,
// on both git backends and with the prefilter off. Each rule's package runs
// its own folder the same way (go test ./detect/internal/rules/<rule>).
func TestFixtures(t *testing.T) { ruletest.Run(t, "") }

func checkScenario(t *testing.T, s *fixtures.Scenario) (*detect.Result, *fixtures.Built) {
	t.Helper()
	built, repo := buildScenario(t, s, "")
	res, err := detect.Check(repo, built.Base, built.Head, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res, built
}

func buildScenario(t *testing.T, s *fixtures.Scenario, backend string) (*fixtures.Built, gitutil.Repo) {
	t.Helper()
	return ruletest.Build(t, s, backend)
}

func dump(res *detect.Result) string { return ruletest.Dump(res) }
