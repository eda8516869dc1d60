package gitutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// prPayload is the part of a real pull_request event payload goodhart reads,
// with some of what surrounds it.
const prPayload = `{
  "action": "synchronize",
  "number": 42,
  "pull_request": {
    "number": 42,
    "state": "open",
    "title": "Fix the parser",
    "user": {"login": "Copilot", "id": 198982749, "node_id": "BOT_kgDOC9w8XQ", "type": "Bot"},
    "head": {"label": "acme:copilot/fix-parser", "ref": "copilot/fix-parser",
             "sha": "1111111111111111111111111111111111111111",
             "user": {"login": "acme", "id": 1, "type": "Organization"}},
    "base": {"label": "acme:main", "ref": "main",
             "sha": "2222222222222222222222222222222222222222",
             "user": {"login": "acme", "id": 1, "type": "Organization"}}
  },
  "repository": {"full_name": "acme/calc", "default_branch": "main"},
  "sender": {"login": "octocat", "id": 583231, "type": "User"}
}`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestParseEvent(t *testing.T) {
	pr, err := ParseEvent(writeFile(t, "event.json", prPayload))
	if err != nil {
		t.Fatal(err)
	}
	want := &PullRequest{
		BaseSHA: strings.Repeat("2", 40),
		HeadSHA: strings.Repeat("1", 40),
		HeadRef: "copilot/fix-parser",
		Author:  Account{Login: "Copilot", ID: 198982749, Bot: true},
	}
	if diff := cmp.Diff(want, pr); diff != "" {
		t.Errorf("ParseEvent (-want +got):\n%s", diff)
	}
}

func TestParseEventErrors(t *testing.T) {
	cases := map[string]string{
		"not json":        `{"pull_request": `,
		"push event":      `{"ref": "refs/heads/main", "before": "` + strings.Repeat("1", 40) + `", "after": "` + strings.Repeat("2", 40) + `"}`,
		"no head sha":     `{"pull_request": {"base": {"sha": "` + strings.Repeat("1", 40) + `"}, "head": {"ref": "x"}}}`,
		"abbreviated sha": `{"pull_request": {"base": {"sha": "1111111"}, "head": {"sha": "` + strings.Repeat("2", 40) + `"}}}`,
	}
	for name, payload := range cases {
		if pr, err := ParseEvent(writeFile(t, "event.json", payload)); err == nil {
			t.Errorf("%s: ParseEvent = %+v, want an error", name, pr)
		}
	}
	if _, err := ParseEvent(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("ParseEvent(missing file) succeeded")
	}
	for name, want := range map[string]bool{"pull_request": true, "pull_request_target": true, "push": false, "pull_request_review": false, "": false} {
		if got := IsPullRequestEvent(name); got != want {
			t.Errorf("IsPullRequestEvent(%q) = %v", name, got)
		}
	}
}

func TestAgentOfAccount(t *testing.T) {
	cases := []struct {
		acct Account
		want string
	}{
		{Account{Login: "Copilot", ID: 198982749, Bot: true}, "copilot"}, // the coding agent, by id
		{Account{Login: "renamed-later", ID: 223556219, Bot: true}, "copilot"},
		{Account{Login: "copilot-swe-agent[bot]"}, "copilot"},
		{Account{Login: "claude[bot]", ID: 209825114, Bot: true}, "claude-code"},
		{Account{Login: "claude", Bot: true}, "claude-code"},         // type Bot stands for the suffix
		{Account{Login: "app/claude"}, "claude-code"},                // gh's form for apps
		{Account{Login: "devin-ai-integration[bot]"}, "devin"},       // by login
		{Account{Login: "Devin-AI-Integration", Bot: true}, "devin"}, // case
		{Account{Login: "google-labs-jules[bot]"}, "jules"},
		{Account{Login: "chatgpt-codex-connector[bot]"}, "codex"},
		// Not agents.
		{Account{Login: "claude", ID: 4242}, ""},                  // a person whose login is claude
		{Account{Login: "Copilot", ID: 175728472, Bot: true}, ""}, // Copilot's code suggestions
		{Account{Login: "dependabot[bot]", ID: 49699333, Bot: true}, ""},
		{Account{Login: "octocat", ID: 583231}, ""},
		{Account{}, ""},
	}
	for _, c := range cases {
		if got := DefaultCatalog().AgentOfAccount(c.acct); got != c.want {
			t.Errorf("AgentOfAccount(%+v) = %q, want %q", c.acct, got, c.want)
		}
	}
}

func TestAgentOfBranch(t *testing.T) {
	cases := map[string]string{
		"copilot/fix-parser":           "copilot",
		"claude/issue-12-20250101":     "claude-code",
		"codex/add-tests":              "codex",
		"cursor/refactor-abc1":         "cursor",
		"devin/1700000000-fix":         "devin",
		"refs/heads/claude/x":          "claude-code",
		"Copilot/Fix":                  "copilot",
		"feature/claude/x":             "",
		"claude":                       "",
		"claude/":                      "",
		"claudette/x":                  "",
		"main":                         "",
		"":                             "",
		"dependabot/go_modules/x-1.2.": "",
	}
	for ref, want := range cases {
		if got := DefaultCatalog().AgentOfBranch(ref); got != want {
			t.Errorf("AgentOfBranch(%q) = %q, want %q", ref, got, want)
		}
	}
}

func TestPullRequestAgent(t *testing.T) {
	cat := DefaultCatalog()
	cases := []struct {
		pr             PullRequest
		agent, because string
	}{
		{PullRequest{Author: Account{Login: "Copilot", ID: 198982749, Bot: true}, HeadRef: "copilot/x"},
			"copilot", "pull request opened by Copilot (id 198982749)"},
		{PullRequest{Author: Account{Login: "ada"}, HeadRef: "claude/issue-7"},
			"claude-code", "pull request from branch claude/issue-7"},
		// The account wins over the branch.
		{PullRequest{Author: Account{Login: "devin-ai-integration[bot]"}, HeadRef: "claude/x"},
			"devin", "pull request opened by devin-ai-integration[bot]"},
		{PullRequest{Author: Account{Login: "ada"}, HeadRef: "fix/parser"}, "", ""},
		{PullRequest{}, "", ""},
	}
	for _, c := range cases {
		agent, because := cat.PullRequestAgent(c.pr)
		if agent != c.agent || because != c.because {
			t.Errorf("PullRequestAgent(%+v) = %q, %q; want %q, %q", c.pr, agent, because, c.agent, c.because)
		}
	}
}

// A user catalog adds branch prefixes and bot accounts.
func TestLoadCatalogPullRequests(t *testing.T) {
	path := writeFile(t, "agents.json", `{"agents": [
		{"name": "in-house", "display_name": "In-house", "bot_logins": ["robo[bot]"], "bot_ids": [777],
		 "branch_prefixes": ["robo/"]},
		{"name": "copilot", "branch_prefixes": ["gh-agent/"]}
	]}`)
	cat, err := LoadCatalog(path)
	if err != nil {
		t.Fatal(err)
	}
	for pr, want := range map[PullRequest]string{
		{HeadRef: "robo/fix"}:                      "in-house",
		{Author: Account{Login: "robo[bot]"}}:      "in-house",
		{Author: Account{Login: "x", ID: 777}}:     "in-house",
		{HeadRef: "gh-agent/fix"}:                  "copilot",
		{HeadRef: "copilot/fix"}:                   "copilot", // the default prefix stays
		{Author: Account{Login: "robo", ID: 1234}}: "",        // "robo[bot]" matches only the bot
	} {
		if got, _ := cat.PullRequestAgent(pr); got != want {
			t.Errorf("PullRequestAgent(%+v) = %q, want %q", pr, got, want)
		}
	}
	if got := DefaultCatalog().AgentOfBranch("robo/fix"); got != "" {
		t.Errorf("default catalog changed by LoadCatalog: %q", got)
	}
}
