package gitutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ident parses "Name <email>".
func ident(s string) Signature {
	name, email := splitIdent(s)
	return Signature{Name: name, Email: email}
}

const human = "Ada Lovelace <ada@example.com>"

func TestAgentOf(t *testing.T) {
	cases := []struct {
		name      string
		author    string
		committer string // defaults to human
		message   string
		want      string
	}{
		// claude-code
		{"claude author", "Claude <noreply@anthropic.com>", "", "fix", "claude-code"},
		{"claude model name", "Claude Opus 4.7 (1M context) <noreply@anthropic.com>", "", "fix", "claude-code"},
		{"claude email case", "Claude <NoReply@Anthropic.com>", "", "fix", "claude-code"},
		{"claude committer", human, "Claude <noreply@anthropic.com>", "fix", "claude-code"},
		{"claude co-author", human, "", "fix\n\nCo-Authored-By: Claude Opus 4.7 (1M context) <noreply@anthropic.com>\n", "claude-code"},
		{"claude marker", human, "", "fix\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n", "claude-code"},
		{"claude marker case", human, "", "fix\n\ngenerated with [claude code]\n", "claude-code"},
		{"claude assisted-by", human, "", "fix\n\nAssisted-by: Claude:claude-opus-4\n", "claude-code"},
		{"claude assisted-by key case", human, "", "fix\n\nASSISTED-BY: Claude Code\n", "claude-code"},
		{"claude github app", "claude[bot] <209825114+claude[bot]@users.noreply.github.com>", "", "fix", "claude-code"},
		// copilot
		{"copilot bot", "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>", "", "fix", "copilot"},
		{"copilot login", "Bot <123+copilot-swe-agent[bot]@users.noreply.github.com>", "", "fix", "copilot"},
		{"copilot login without bot", "Bot <123+copilot-swe-agent@users.noreply.github.com>", "", "fix", "copilot"},
		{"copilot id 2", "Copilot <223556219+Copilot@users.noreply.github.com>", "", "fix", "copilot"},
		{"copilot co-author", human, "", "fix\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>", "copilot"},
		// devin, jules, cursor, openhands
		{"devin", "Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>", "", "fix", "devin"},
		{"devin other name", "whoever <158243242+devin-ai-integration[bot]@users.noreply.github.com>", "", "fix", "devin"},
		{"devin co-author", human, "", "fix\n\nCo-authored-by: Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>", "devin"},
		{"jules", "google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>", "", "fix", "jules"},
		{"cursor", "Cursor Agent <cursoragent@cursor.com>", "", "fix", "cursor"},
		{"cursor co-author", human, "", "fix\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>", "cursor"},
		{"openhands", "openhands <openhands@all-hands.dev>", "", "fix", "openhands"},
		{"openhands co-author", human, "", "fix\n\nCo-authored-by: openhands <openhands@all-hands.dev>", "openhands"},
		// aider
		{"aider author name", "Ada Lovelace (aider) <ada@example.com>", "", "fix", "aider"},
		{"aider co-author", human, "", "fix\n\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>", "aider"},
		// codex, amazon-q
		{"codex bot", "chatgpt-codex-connector[bot] <199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>", "", "fix", "codex"},
		{"codex email", "Codex <codex@openai.com>", "", "fix", "codex"},
		{"codex co-author", human, "", "fix\n\nCo-authored-by: Codex <codex@openai.com>", "codex"},
		// gemini: Gemini CLI adds no mark of its own; the convention teams
		// set in GEMINI.md is a co-author line for the gemini-cli account.
		{"gemini co-author", human, "", "feat: x\n\nCo-Authored-By: gemini-cli <218195315+gemini-cli@users.noreply.github.com>\n", "gemini"},
		{"gemini co-author by login", human, "", "fix\n\nCo-authored-by: gemini-cli <gemini-cli@users.noreply.github.com>", "gemini"},
		{"gemini author", "gemini-cli <218195315+gemini-cli@users.noreply.github.com>", "", "fix", "gemini"},
		{"amazon q", "amazon-q-developer[bot] <208079219+amazon-q-developer[bot]@users.noreply.github.com>", "", "fix", "amazon-q"},
		// crush, opencode
		{"crush email", "Crush <crush@charm.land>", "", "fix", "crush"},
		{"crush marker", human, "", "fix\n\n💘 Generated with Crush\n", "crush"},
		{"crush trailer", human, "", "fix\n\nAssisted-by: Crush <crush@charm.land>\n", "crush"},
		{"crush co-author", human, "", "fix\n\nCo-authored-by: eu.anthropic.claude-sonnet-5 via Crush <charmcrush@users.noreply.github.com>\n", "crush"},
		{"opencode email", "opencode <noreply@opencode.ai>", "", "fix", "opencode"},
		{"opencode marker", human, "", "fix\n\n🤖 Generated with [opencode](https://opencode.ai)\n", "opencode"},

		// look-alikes
		{"copilot code suggestion", "Copilot <175728472+Copilot@users.noreply.github.com>", "", "fix", ""},
		{"copilot suggestion co-author", human, "", "fix\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>", ""},
		{"human named claude", "Claude Monet <claude@monet.fr>", "", "fix", ""},
		{"human called Claude on github", "Claude <4242+claude@users.noreply.github.com>", "", "fix", ""},
		{"human co-author", human, "", "fix\n\nCo-authored-by: Jane <jane@x.com>", ""},
		{"human co-author named claude", human, "", "fix\n\nCo-authored-by: Claude Shannon <claude@bell-labs.com>", ""},
		{"bot display name only", "devin-ai-integration[bot] <dev@example.com>", "", "fix", ""},
		{"assisted-by another word", human, "", "fix\n\nAssisted-by: Claudette Colvert\n", ""},
		{"other trailer key", human, "", "fix\n\nReviewed-by: Claude Code\n", ""},
		{"subject is not a trailer", human, "", "Assisted-by: Claude", ""},
		{"trailer not in last paragraph", human, "", "fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\nmore text\n", ""},
		{"aider in the middle of a name", "Ada (aider) Lovelace <ada@example.com>", "", "fix", ""},
		{"github web-flow committer", human, "GitHub <noreply@github.com>", "fix", ""},
		{"empty", "", "", "", ""},

		// squash merges with several co-authors: any agent counts
		{"squash with claude among humans", human, "GitHub <noreply@github.com>",
			"Add feature (#12)\n\n* first\n\n* second\n\n---------\n\nCo-authored-by: Jane <jane@x.com>\nCo-authored-by: Claude <noreply@anthropic.com>\nCo-authored-by: Bob <bob@y.org>\n", "claude-code"},
		{"squash with devin", human, "GitHub <noreply@github.com>",
			"Fix (#3)\n\nCo-authored-by: Jane <jane@x.com>\nCo-authored-by: Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>\n", "devin"},
		{"squash of humans only", human, "GitHub <noreply@github.com>",
			"Fix (#3)\n\nCo-authored-by: Jane <jane@x.com>\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			committer := c.committer
			if committer == "" {
				committer = human
			}
			cm := Commit{Author: ident(c.author), Committer: ident(committer), Message: c.message}
			if got := AgentOf(cm); got != c.want {
				_, why := DefaultCatalog().Explain(cm)
				t.Errorf("AgentOf = %q (%s), want %q", got, why, c.want)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	cm := Commit{Author: ident(human), Committer: ident(human),
		Message: "fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"}
	agent, why := DefaultCatalog().Explain(cm)
	if agent != "claude-code" || why != "co-author Claude <noreply@anthropic.com>" {
		t.Errorf("Explain = %q, %q", agent, why)
	}
	if got := DefaultCatalog().DisplayName("claude-code"); got != "Claude Code" {
		t.Errorf("DisplayName = %q", got)
	}
}

func TestDefaultCatalogEntries(t *testing.T) {
	want := []string{"claude-code", "copilot", "devin", "jules", "cursor", "openhands", "aider", "codex", "amazon-q", "crush", "gemini", "opencode"}
	var got []string
	for _, a := range DefaultCatalog().Agents() {
		got = append(got, a.Name)
		if a.DisplayName == "" {
			t.Errorf("%s has no display name", a.Name)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default agents (-want +got):\n%s", diff)
	}
}

func TestLoadCatalog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agents.json")
	user := `{"agents": [
		{"name": "claude-code", "emails": ["claude-bot@corp.example"]},
		{"name": "cursor", "replace": true, "display_name": "Cursor (corp)", "emails": ["cursor@corp.example"]},
		{"name": "in-house", "display_name": "In-house agent", "email_suffixes": ["@agents.corp.example"],
		 "trailers": [{"key": "Generated-by", "prefix": "robo"}]}
	]}`
	if err := os.WriteFile(path, []byte(user), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCatalog(path)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		author, message, want string
	}{
		{"Bot <claude-bot@corp.example>", "x", "claude-code"},  // merged into the default entry
		{"Claude <noreply@anthropic.com>", "x", "claude-code"}, // default kept
		{"Cursor Agent <cursoragent@cursor.com>", "x", ""},     // replaced
		{"C <cursor@corp.example>", "x", "cursor"},             // replacement
		{"R <r2@agents.corp.example>", "x", "in-house"},        // appended
		{human, "x\n\nGenerated-by: Robo 3000", "in-house"},    // user trailer rule
		{"Devin <1+devin-ai-integration[bot]@users.noreply.github.com>", "x", "devin"},
	}
	for _, tc := range cases {
		cm := Commit{Author: ident(tc.author), Committer: ident(human), Message: tc.message}
		if got := c.Identify(cm); got != tc.want {
			t.Errorf("Identify(%s, %q) = %q, want %q", tc.author, tc.message, got, tc.want)
		}
	}
	if c.DisplayName("cursor") != "Cursor (corp)" {
		t.Errorf("DisplayName(cursor) = %q", c.DisplayName("cursor"))
	}
	// The default catalog is untouched.
	if got := AgentOf(Commit{Author: ident("Bot <claude-bot@corp.example>")}); got != "" {
		t.Errorf("default catalog changed by LoadCatalog: %q", got)
	}
	if got := AgentOf(Commit{Author: ident("Cursor Agent <cursoragent@cursor.com>")}); got != "cursor" {
		t.Errorf("default catalog changed by LoadCatalog: %q", got)
	}
}

func TestLoadCatalogErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"bad json":      `{"agents": [`,
		"unknown field": `{"agents": [{"name": "x", "emial": ["a@b"]}]}`,
		"no name":       `{"agents": [{"emails": ["a@b"]}]}`,
		"no key":        `{"agents": [{"name": "x", "trailers": [{"prefix": "y"}]}]}`,
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadCatalog(path); err == nil {
			t.Errorf("%s: LoadCatalog succeeded", name)
		}
	}
	if _, err := LoadCatalog(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("LoadCatalog(missing) succeeded")
	}
}

func TestParseTrailers(t *testing.T) {
	msg := "Subject: not a trailer\n\nBody text: also prose?\n\nSigned-off-by: Ada <ada@example.com>\nco-authored-by:  Claude <noreply@anthropic.com>  \nnot a trailer line\nKey with space: no\n"
	want := []Trailer{
		{Key: "Signed-off-by", Value: "Ada <ada@example.com>"},
		{Key: "co-authored-by", Value: "Claude <noreply@anthropic.com>"},
	}
	if diff := cmp.Diff(want, ParseTrailers(msg)); diff != "" {
		t.Errorf("ParseTrailers (-want +got):\n%s", diff)
	}
	if got := ParseTrailers("Only: a subject\n"); got != nil {
		t.Errorf("ParseTrailers(subject only) = %v", got)
	}
}

// Agents read from real commits of a real repository.
func TestAgentOfRealCommits(t *testing.T) { eachBackend(t, testAgentOfRealCommits) }

func testAgentOfRealCommits(t *testing.T) {
	tr := newTestRepo(t)
	base := tr.change("a.go", "package a\n")
	tr.write("b.go", "package b\n")
	tr.git("add", "-A")
	tr.git("commit", "-q", "--author", "Claude Opus 4.7 (1M context) <noreply@anthropic.com>", "-m", "agent work")
	tr.write("c.go", "package c\n")
	tr.git("add", "-A")
	tr.git("commit", "-q", "-m", "squash (#1)\n\nCo-authored-by: Jane <jane@x.com>\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>")
	tr.change("d.go", "package d\n")
	r := openRepo(t, tr.dir)
	cs, err := r.Commits(base, tr.rev("HEAD"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		got = append(got, AgentOf(c))
	}
	if diff := cmp.Diff([]string{"claude-code", "cursor", ""}, got); diff != "" {
		t.Errorf("agents of the range (-want +got):\n%s", diff)
	}
}

// A pull request squash-merged the way GitHub does it: one commit under the
// merger's name, committed by GitHub, with every author of the branch as a
// Co-authored-by trailer. An agent anywhere among them names the commit.
func TestAgentOfRealSquash(t *testing.T) { eachBackend(t, testAgentOfRealSquash) }

func testAgentOfRealSquash(t *testing.T) {
	tr := newTestRepo(t)
	tr.change("a.go", "package a\n")
	tr.git("checkout", "-q", "-b", "feature")
	tr.change("b.go", "package a\n\nvar B = 1\n")
	tr.write("c.go", "package a\n\nvar C = 2\n")
	tr.git("add", "-A")
	tr.git("commit", "-q", "--author", "Cursor Agent <cursoragent@cursor.com>", "-m", "agent step")
	tr.git("checkout", "-q", "main")
	tr.git("merge", "-q", "--squash", "feature")
	msg := "Add B and C (#12)\n\n* edit b.go\n\n* agent step\n\n---------\n\n" +
		"Co-authored-by: Jane Roe <jane@example.com>\n" +
		"Co-authored-by: Bob <12345+bob@users.noreply.github.com>\n" +
		"Co-authored-by: Cursor Agent <cursoragent@cursor.com>\n"
	runGitEnv(t, tr.dir, []string{"GIT_COMMITTER_NAME=GitHub", "GIT_COMMITTER_EMAIL=noreply@github.com"},
		"commit", "-q", "-m", msg)
	r := openRepo(t, tr.dir)
	c, err := r.Commit(tr.rev("HEAD"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Parents) != 1 || c.Committer.Email != "noreply@github.com" {
		t.Fatalf("not a squash commit: %+v", c)
	}
	agent, why := DefaultCatalog().Explain(c)
	if agent != "cursor" || why != "co-author Cursor Agent <cursoragent@cursor.com>" {
		t.Errorf("Explain(squash) = %q, %q", agent, why)
	}
}
