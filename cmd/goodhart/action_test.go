package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// actionRepo is an origin repository shaped like a pull request whose merge
// base is several commits behind both tips, so that a shallow clone lacks it.
type actionRepo struct {
	dir                 string
	mergeBase, main, pr string // commits
	person              string // tip of a branch a person's commit broke
	env                 []string
}

func newActionRepo(t *testing.T) *actionRepo {
	env := gitEnv(t, goodhartBin(t))
	r := &actionRepo{dir: filepath.Join(t.TempDir(), "origin"), env: env}
	shell(t, filepath.Dir(r.dir), env, "git", "init", "-q", "-b", "main", r.dir)
	// Older history, which deepening should not need to reach.
	for i := range 8 {
		commit(t, r.dir, env, "", fmt.Sprint("old ", i), map[string]string{"README": fmt.Sprint(i)})
	}
	r.mergeBase = commit(t, r.dir, env, "", "base", map[string]string{
		"go.mod": "module example.com/calc\n", "calc/calc.go": calcGo, "calc/calc_test.go": calcTest,
	})
	shell(t, r.dir, env, "git", "checkout", "-q", "-b", "agent/change")
	for _, name := range []string{"a", "b", "c"} {
		commit(t, r.dir, env, claude, "Add "+name, map[string]string{"calc/" + name + ".go": "package calc\n"})
	}
	r.pr = commit(t, r.dir, env, claude, "Fix Sub", map[string]string{"calc/calc_test.go": calcTestNoSub})
	// GitHub keeps each pull request's head as refs/pull/N/head.
	shell(t, r.dir, env, "git", "update-ref", "refs/pull/1/head", r.pr)

	shell(t, r.dir, env, "git", "checkout", "-q", "-b", "person/change", r.mergeBase)
	r.person = commit(t, r.dir, env, "", "Drop TestSub", map[string]string{"calc/calc_test.go": calcTestNoSub})

	shell(t, r.dir, env, "git", "checkout", "-q", "main")
	for _, name := range []string{"d", "e", "f", "g", "h"} {
		r.main = commit(t, r.dir, env, "", "Add "+name, map[string]string{"other/" + name + ".go": "package other\n"})
	}
	return r
}

// clone makes the checkout a workflow starts from: shallow, as
// actions/checkout makes it by default, or full.
func (r *actionRepo) clone(t *testing.T, shallow bool) string {
	dir := filepath.Join(t.TempDir(), "checkout")
	args := []string{"clone", "-q"}
	if shallow {
		args = append(args, "--depth", "1")
	}
	shell(t, filepath.Dir(dir), r.env, "git", append(args, "file://"+r.dir, dir)...)
	return dir
}

// actionRun is one simulated run of the action's check step.
type actionRun struct {
	status     int
	stdout     string
	outputs    map[string]string
	summary    string
	runnerTemp string
	checkout   string
}

// runAction runs scripts/action.sh check in checkout as a GitHub runner
// would: the event payload in GITHUB_EVENT_PATH, outputs to GITHUB_OUTPUT,
// the summary to GITHUB_STEP_SUMMARY, and the inputs as INPUT_*.
func (r *actionRepo) runAction(t *testing.T, checkout, event string, payload any, inputs ...string) actionRun {
	t.Helper()
	tmp := t.TempDir()
	eventPath := filepath.Join(tmp, "event.json")
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{eventPath: string(b), filepath.Join(tmp, "output"): "", filepath.Join(tmp, "summary"): "earlier step\n"}
	for path, content := range files {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := actionRun{runnerTemp: filepath.Join(tmp, "runner"), checkout: checkout}
	if err := os.Mkdir(run.runnerTemp, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", actionScript(t), "check")
	cmd.Dir = checkout
	cmd.Env = append(append([]string{}, r.env...),
		"GITHUB_EVENT_NAME="+event,
		"GITHUB_EVENT_PATH="+eventPath,
		"GITHUB_OUTPUT="+filepath.Join(tmp, "output"),
		"GITHUB_STEP_SUMMARY="+filepath.Join(tmp, "summary"),
		"GITHUB_SERVER_URL=https://github.example",
		"GITHUB_REPOSITORY=acme/calc",
		"GITHUB_RUN_ID=42",
		"RUNNER_TEMP="+run.runnerTemp,
		"GOODHART_DEEPEN_FROM=1",
	)
	cmd.Env = append(cmd.Env, inputs...)
	out, err := cmd.CombinedOutput()
	run.stdout = string(out)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		run.status = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	run.outputs = readOutputs(t, filepath.Join(tmp, "output"))
	summary, err := os.ReadFile(filepath.Join(tmp, "summary"))
	if err != nil {
		t.Fatal(err)
	}
	run.summary = string(summary)
	return run
}

func readOutputs(t *testing.T, path string) map[string]string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

func (run actionRun) want(t *testing.T, status int, findings, errs string) {
	t.Helper()
	if run.status != status {
		t.Fatalf("exit status %d, want %d; output:\n%s", run.status, status, run.stdout)
	}
	if run.outputs["findings"] != findings || run.outputs["errors"] != errs {
		t.Errorf("outputs %v, want findings=%s errors=%s; output:\n%s", run.outputs, findings, errs, run.stdout)
	}
}

func isShallow(t *testing.T, dir string, env []string) bool {
	return shell(t, dir, env, "git", "rev-parse", "--is-shallow-repository") == "true"
}

func prEvent(base, head, login string) map[string]any {
	return map[string]any{"pull_request": map[string]any{
		"base": map[string]any{"sha": base},
		"head": map[string]any{"sha": head, "ref": "topic"},
		"user": map[string]any{"login": login},
	}}
}

func TestActionPullRequestDeepensShallowClone(t *testing.T) {
	r := newActionRepo(t)
	checkout := r.clone(t, true)
	run := r.runAction(t, checkout, "pull_request", prEvent(r.main, r.pr, "octocat"),
		"INPUT_SARIF_FILE=results/goodhart.sarif")
	run.want(t, 1, "1", "1")

	// It deepened, doubling, and did not need the whole history.
	for _, want := range []string{"fetching 1 more commits", "fetching 2 more commits", "fetching 4 more commits"} {
		if !strings.Contains(run.stdout, want) {
			t.Errorf("no %q in the output:\n%s", want, run.stdout)
		}
	}
	if strings.Contains(run.stdout, "whole history") || !isShallow(t, checkout, r.env) {
		t.Errorf("it fetched the whole history:\n%s", run.stdout)
	}
	if !regexp.MustCompile(`(?m)^::error file=calc/calc_test.go,line=\d+,title=goodhart deleted-test%3A TestSub::`).MatchString(run.stdout) {
		t.Errorf("no annotation:\n%s", run.stdout)
	}

	report := run.outputs["report-path"]
	if report != filepath.Join(run.runnerTemp, "goodhart", "goodhart.md") {
		t.Errorf("report-path %q", report)
	}
	md, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(run.summary, "earlier step\n### ❌ goodhart") || !strings.HasSuffix(run.summary, string(md)) {
		t.Errorf("the summary is not the report appended:\n%s", run.summary)
	}
	sarif, err := os.ReadFile(filepath.Join(checkout, "results", "goodhart.sarif"))
	if err != nil || !strings.Contains(string(sarif), `"ruleId": "deleted-test"`) {
		t.Errorf("no SARIF result (%v)", err)
	}
}

func TestActionUnshallowsPastTheLimit(t *testing.T) {
	r := newActionRepo(t)
	checkout := r.clone(t, true)
	run := r.runAction(t, checkout, "pull_request", prEvent(r.main, r.pr, "octocat"), "GOODHART_DEEPEN_MAX=1")
	run.want(t, 1, "1", "1")
	if !strings.Contains(run.stdout, "fetching the whole history") || isShallow(t, checkout, r.env) {
		t.Errorf("it did not unshallow:\n%s", run.stdout)
	}
}

func TestActionPush(t *testing.T) {
	r := newActionRepo(t)
	checkout := r.clone(t, false)
	event := map[string]any{"before": r.mergeBase, "after": r.pr, "repository": map[string]any{"default_branch": "main"}}
	run := r.runAction(t, checkout, "push", event, "INPUT_FAIL_ON=never", "INPUT_SUMMARY=false")
	run.want(t, 0, "1", "1")
	if run.summary != "earlier step\n" {
		t.Errorf("summary written with summary: false:\n%s", run.summary)
	}
	if isShallow(t, checkout, r.env) {
		t.Error("a full clone was made shallow")
	}

	// A new branch is compared with the default branch.
	event["before"] = zeroSHA
	run = r.runAction(t, r.clone(t, true), "push", event)
	run.want(t, 1, "1", "1")

	// A deleted branch has no commits to check.
	event["after"] = zeroSHA
	run = r.runAction(t, checkout, "push", event)
	run.want(t, 0, "0", "0")
	if !strings.Contains(run.stdout, "no commits to check") {
		t.Errorf("output:\n%s", run.stdout)
	}
}

// A push to a branch other than the default one is judged as the whole
// branch against the default branch: a later push that adds an innocent
// commit does not bury the shortcut an earlier push made.
func TestActionPushJudgesTheWholeBranch(t *testing.T) {
	r := newActionRepo(t)
	shell(t, r.dir, r.env, "git", "checkout", "-q", "agent/change")
	tip := commit(t, r.dir, r.env, claude, "Add docs", map[string]string{"calc/doc.go": "// Package calc adds.\npackage calc\n"})
	shell(t, r.dir, r.env, "git", "checkout", "-q", "main")
	event := map[string]any{"ref": "refs/heads/agent/change", "before": r.pr, "after": tip, "repository": map[string]any{"default_branch": "main"}}
	run := r.runAction(t, r.clone(t, true), "push", event)
	run.want(t, 1, "1", "1")
	if !strings.Contains(run.stdout, "checking the whole branch against main") {
		t.Errorf("output:\n%s", run.stdout)
	}
	// A push to the default branch is judged by its own commits.
	event["ref"] = "refs/heads/main"
	r.runAction(t, r.clone(t, false), "push", event).want(t, 0, "0", "0")
}

// assume-agent auto: a pull request opened by an agent's bot account is the
// agent's work, whoever the commits name.
func TestActionAssumeAgent(t *testing.T) {
	r := newActionRepo(t)
	checkout := r.clone(t, true)
	byBot := prEvent(r.mergeBase, r.person, "copilot-swe-agent[bot]")
	r.runAction(t, checkout, "pull_request", byBot).want(t, 1, "1", "1")
	r.runAction(t, checkout, "pull_request", byBot, "INPUT_ASSUME_AGENT=false").want(t, 0, "1", "0")
	byPerson := prEvent(r.mergeBase, r.person, "octocat")
	r.runAction(t, checkout, "pull_request", byPerson).want(t, 0, "1", "0")
	r.runAction(t, checkout, "pull_request", byPerson, "INPUT_ASSUME_AGENT=true").want(t, 1, "1", "1")
	// So is one from an agent's branch.
	fromAgentBranch := prEvent(r.mergeBase, r.person, "octocat")
	fromAgentBranch["pull_request"].(map[string]any)["head"].(map[string]any)["ref"] = "claude/fix-sub"
	r.runAction(t, checkout, "pull_request", fromAgentBranch).want(t, 1, "1", "1")
	r.runAction(t, checkout, "pull_request", fromAgentBranch, "INPUT_ASSUME_AGENT=false").want(t, 0, "1", "0")
}

// A step that cannot see the range fails, with a message, and never passes.
func TestActionFailsClosed(t *testing.T) {
	r := newActionRepo(t)
	checkout := r.clone(t, true)
	missing := strings.Repeat("ab", 20)
	tests := []struct {
		name, event string
		payload     any
		inputs      []string
		message     string
	}{
		{"unknown head", "pull_request", prEvent(r.main, missing, "octocat"), nil, "cannot fetch commit " + missing},
		{"no head", "pull_request", map[string]any{"pull_request": map[string]any{}}, nil, "has no commit at .pull_request.base.sha"},
		{"other event", "workflow_dispatch", map[string]any{}, nil, "cannot tell what to check on a 'workflow_dispatch' event"},
		{"new branch, no default", "push", map[string]any{"before": zeroSHA, "after": r.pr}, nil, "does not name the default branch"},
		{"bad input", "pull_request", prEvent(r.main, r.pr, "octocat"), []string{"INPUT_ASSUME_AGENT=maybe"}, "assume-agent must be auto, true or false"},
		{"bad flag", "pull_request", prEvent(r.main, r.pr, "octocat"), []string{"INPUT_ARGS=--bogus"}, "goodhart could not check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := r.runAction(t, checkout, tt.event, tt.payload, tt.inputs...)
			if run.status != 2 {
				t.Errorf("exit status %d, want 2", run.status)
			}
			if !regexp.MustCompile(`(?m)^::error title=goodhart::.*` + regexp.QuoteMeta(tt.message)).MatchString(run.stdout) {
				t.Errorf("no error annotation saying %q:\n%s", tt.message, run.stdout)
			}
			if len(run.outputs) != 0 {
				t.Errorf("outputs written: %v", run.outputs)
			}
		})
	}
}
