package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The accept-file input: a file from outside the checkout accepts; a file
// of the repository is read as the base revision has it, so the change
// under check cannot write its own.
func TestActionAcceptFile(t *testing.T) {
	r := newActionRepo(t)
	checkout := r.clone(t, true)
	pr := prEvent(r.main, r.pr, "octocat")
	first := r.runAction(t, checkout, "pull_request", pr)
	first.want(t, 1, "1", "1")
	var res struct {
		Findings []struct{ Fingerprint string } `json:"findings"`
	}
	b, err := os.ReadFile(filepath.Join(first.runnerTemp, "goodhart", "goodhart.json"))
	if err == nil {
		err = json.Unmarshal(b, &res)
	}
	if err != nil || len(res.Findings) != 1 || res.Findings[0].Fingerprint == "" {
		t.Fatalf("no fingerprint in the JSON report (%v): %s", err, b)
	}
	entry := "accept:\n  - fingerprint: \"" + res.Findings[0].Fingerprint + "\"\n    reason: \"TestSub moved, reviewed in #7\"\n"

	outside := filepath.Join(t.TempDir(), "accept.yml")
	if err := os.WriteFile(outside, []byte(entry), 0o644); err != nil {
		t.Fatal(err)
	}
	run := r.runAction(t, checkout, "pull_request", pr, "INPUT_ACCEPT_FILE="+outside)
	run.want(t, 0, "1", "0")
	if !strings.Contains(run.summary, "1 finding accepted by the maintainers") {
		t.Errorf("the summary does not list the accepted finding:\n%s", run.summary)
	}

	// The agent commits the same file to its branch: read from base, where
	// it is not, it accepts nothing.
	shell(t, r.dir, r.env, "git", "checkout", "-q", "agent/change")
	head := commit(t, r.dir, r.env, claude, "Accept", map[string]string{"ci/accept.yml": entry})
	shell(t, r.dir, r.env, "git", "checkout", "-q", "main")
	prCheckout := r.clone(t, false)
	shell(t, prCheckout, r.env, "git", "checkout", "-q", head) // as actions/checkout checks out a pull request
	run = r.runAction(t, prCheckout, "pull_request", prEvent(r.main, head, "octocat"), "INPUT_ACCEPT_FILE=ci/accept.yml")
	run.want(t, 1, "1", "1")
	if !strings.Contains(run.stdout, "accept-file ci/accept.yml is a file of the repository") {
		t.Errorf("output:\n%s", run.stdout)
	}

	run = r.runAction(t, checkout, "pull_request", pr, "INPUT_ACCEPT_FILE=nowhere.yml")
	if run.status != 2 || !strings.Contains(run.stdout, "accept-file 'nowhere.yml' does not exist") {
		t.Errorf("a missing accept-file: status %d\n%s", run.status, run.stdout)
	}
}
