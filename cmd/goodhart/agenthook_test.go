package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The documented shapes of each agent's hook configuration, as strict Go
// types: an installed file that has a field they do not know, or lacks
// one they require, fails to decode. Sources: Claude Code's hooks reference
// (hooks.<Event>[].hooks[] of {type, command, timeout in seconds}); Codex's
// hooks.json schema (root holds only "hooks"; each event a non-empty list
// of matcher groups; a command handler requires type "command" and a
// command, timeout in seconds, statusMessage); Gemini CLI's hooks reference
// (hook definitions {matcher, sequential, hooks}; hook configurations
// {type, command, name, timeout in milliseconds, description}); Cursor's
// hooks.json (version 1; hooks.<event>[] of {command, loop_limit}).
type (
	handler struct {
		Type          string `json:"type"`
		Command       string `json:"command"`
		Timeout       *int   `json:"timeout,omitempty"`
		StatusMessage string `json:"statusMessage,omitempty"` // Codex
		Name          string `json:"name,omitempty"`          // Gemini CLI
		Description   string `json:"description,omitempty"`   // Gemini CLI
	}
	group struct {
		Matcher    *string   `json:"matcher,omitempty"`
		Sequential *bool     `json:"sequential,omitempty"` // Gemini CLI
		Hooks      []handler `json:"hooks"`
	}
	groupedConfig struct {
		Hooks map[string][]group `json:"hooks"`
	}
	cursorConfig struct {
		Version int `json:"version"`
		Hooks   map[string][]struct {
			Command   string `json:"command"`
			LoopLimit *int   `json:"loop_limit"`
		} `json:"hooks"`
	}
)

func strictDecode(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s does not fit the agent's documented schema: %v\n%s", path, err, data)
	}
}

func gitInit(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	return dir
}

func TestAgentHookSchemas(t *testing.T) {
	dir := gitInit(t)
	for _, h := range agentHooks {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"goodhart", "hook", "install", "--agent", h.name, "--repo", dir}, &stdout, &stderr); code != 0 {
			t.Fatalf("install --agent %s: exit %d: %s", h.name, code, stderr.String())
		}
		path := filepath.Join(dir, filepath.FromSlash(h.file))
		wantCmd := "goodhart hook stop --agent " + h.name
		if h.name == "cursor" {
			var c cursorConfig
			strictDecode(t, path, &c)
			stop := c.Hooks["stop"]
			if c.Version != 1 || len(c.Hooks) != 1 || len(stop) != 1 || stop[0].Command != wantCmd || stop[0].LoopLimit == nil || *stop[0].LoopLimit != maxReturns {
				t.Errorf("cursor: %+v", c)
			}
			continue
		}
		var c groupedConfig
		strictDecode(t, path, &c)
		groups := c.Hooks[h.event]
		if len(c.Hooks) != 1 || len(groups) != 1 || len(groups[0].Hooks) != 1 {
			t.Fatalf("%s: want one %s group with one handler: %+v", h.name, h.event, c)
		}
		hd := groups[0].Hooks[0]
		if hd.Type != "command" || hd.Command != wantCmd || hd.Timeout == nil {
			t.Errorf("%s: handler %+v", h.name, hd)
		}
		wantTimeout := hookTimeout // seconds
		if h.name == "gemini" {
			wantTimeout = hookTimeout * 1000 // milliseconds
		}
		if *hd.Timeout != wantTimeout {
			t.Errorf("%s: timeout %d, want %d", h.name, *hd.Timeout, wantTimeout)
		}
		if groups[0].Matcher != nil {
			t.Errorf("%s: a matcher on %s, which has none", h.name, h.event)
		}
	}
}

// install warns when the goodhart the hook runs is not on PATH.
func TestAgentHookWarnsOffPath(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	dir := gitInit(t)
	bin := t.TempDir()
	if err := os.Symlink(git, filepath.Join(bin, "git")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"goodhart", "hook", "install", "--agent", "codex", "--repo", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "goodhart is not on PATH") {
		t.Errorf("no warning: %q", stderr.String())
	}
}

// A configuration goodhart cannot read is left alone, with the reason.
func TestAgentHookUnreadableConfig(t *testing.T) {
	dir := gitInit(t)
	path := filepath.Join(dir, ".gemini", "settings.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	orig := "{\n  // a comment\n  \"theme\": \"x\"\n}\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"goodhart", "hook", "install", "--agent", "gemini", "--repo", dir}, &stdout, &stderr); code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	if !strings.Contains(stderr.String(), "add the hook by hand") {
		t.Errorf("stderr %q", stderr.String())
	}
	if got, _ := os.ReadFile(path); string(got) != orig {
		t.Errorf("the file was changed:\n%s", got)
	}
}

// A settings file that switches hooks off gets the hook, and a warning.
func TestAgentHookHooksOff(t *testing.T) {
	dir := gitInit(t)
	path := filepath.Join(dir, ".gemini", "settings.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"hooksConfig": {"enabled": false}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"goodhart", "hook", "install", "--agent", "gemini", "--repo", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "switches hooks off") {
		t.Errorf("no warning: %q", stderr.String())
	}
}
