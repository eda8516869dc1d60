package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The tests in this file and in action_test.go and push_test.go run the
// real goodhart binary, as git hooks and the GitHub Action do, against real
// repositories built with the git CLI.

// sharedDir holds what the tests build once: the goodhart binary.
var sharedDir string

// cleanupM removes sharedDir once the tests are done (testscript.Main
// exits the process itself, so a deferred call would never run).
type cleanupM struct{ m interface{ Run() int } }

func (c cleanupM) Run() int {
	code := c.m.Run()
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	return code
}

var built struct {
	once sync.Once
	dir  string // holds the goodhart binary
	err  error
}

// goodhartBin builds goodhart once, the way the action does (scripts/action.sh
// install), and returns the folder that holds the binary.
func goodhartBin(t *testing.T) string {
	t.Helper()
	needTools(t, "bash", "git", "go")
	built.once.Do(func() {
		sharedDir, built.err = os.MkdirTemp("", "goodhart-test-")
		if built.err != nil {
			return
		}
		pathFile := filepath.Join(sharedDir, "github_path")
		cmd := exec.Command("bash", actionScript(t), "install")
		cmd.Env = append(os.Environ(), "RUNNER_TEMP="+sharedDir, "GITHUB_PATH="+pathFile)
		out, err := cmd.CombinedOutput()
		if err != nil {
			built.err = errors.New("action.sh install: " + err.Error() + "\n" + string(out))
			return
		}
		b, err := os.ReadFile(pathFile)
		built.dir, built.err = strings.TrimSpace(string(b)), err
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.dir
}

// actionScript is the path of scripts/action.sh.
func actionScript(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "scripts", "action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// needTools skips a test that cannot run here for want of a tool; .ci/run
// installs them all.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
}

// gitEnv is an environment for git with a fixed identity, no configuration
// from the machine, and the goodhart binary first in PATH.
func gitEnv(t *testing.T, bin string) []string {
	home := t.TempDir()
	env := []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Alice Developer",
		"GIT_AUTHOR_EMAIL=alice@example.com",
		"GIT_COMMITTER_NAME=Alice Developer",
		"GIT_COMMITTER_EMAIL=alice@example.com",
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"NO_COLOR=1",
	}
	for _, kv := range os.Environ() {
		// Keep what the go command and the system need; drop GitHub's own
		// variables, so that a run inside Actions does not leak into the
		// simulation.
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GO") || k == "TMPDIR" || k == "LANG" {
			env = append(env, kv)
		}
	}
	return env
}

// shell runs a command in dir and returns its standard output, failing the
// test if it fails.
func shell(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// commit writes files (an empty content deletes one) and commits them.
func commit(t *testing.T, dir string, env []string, author, msg string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if content == "" {
			shell(t, dir, env, "git", "rm", "-q", name)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		shell(t, dir, env, "git", "add", name)
	}
	args := []string{"commit", "-q", "--allow-empty", "-m", msg}
	if author != "" {
		args = append(args, "--author", author)
	}
	shell(t, dir, env, "git", args...)
	return shell(t, dir, env, "git", "rev-parse", "HEAD")
}

const claude = "Claude <noreply@anthropic.com>"

const calcGo = `package calc

func Add(a, b int) int { return a + b }

func Sub(a, b int) int { return a - b }
`

const calcTest = `package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(1, 2) != 3 {
		t.Error("Add(1, 2) != 3")
	}
}

func TestSub(t *testing.T) {
	if Sub(3, 1) != 2 {
		t.Error("Sub(3, 1) != 2")
	}
}
`

// calcTestNoSub is calcTest with TestSub deleted: the shortcut.
const calcTestNoSub = `package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(1, 2) != 3 {
		t.Error("Add(1, 2) != 3")
	}
}
`
