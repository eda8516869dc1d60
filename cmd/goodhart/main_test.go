package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as the goodhart command inside scripts.
func TestMain(m *testing.M) {
	testscript.Main(cleanupM{m}, map[string]func(){"goodhart": main})
}

// TestScripts runs testdata/script/*.txtar. Scripts make their repositories
// with `exec git`; the environment below gives git a fixed identity and
// date, and no configuration from the machine.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:   "testdata/script",
		Setup: setupGit,
		Cmds:  map[string]func(*testscript.TestScript, bool, []string){"status": status},
	})
}

func setupGit(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, ".home")
	for k, v := range map[string]string{
		"HOME":                home,
		"XDG_CONFIG_HOME":     home,
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME":     "Alice Developer",
		"GIT_AUTHOR_EMAIL":    "alice@example.com",
		"GIT_COMMITTER_NAME":  "Alice Developer",
		"GIT_COMMITTER_EMAIL": "alice@example.com",
		"GIT_AUTHOR_DATE":     "2026-01-01T00:00:00Z",
		"GIT_COMMITTER_DATE":  "2026-01-01T00:00:00Z",
		"NO_COLOR":            "1",
	} {
		env.Setenv(k, v)
	}
	return os.MkdirAll(home, 0o755)
}

// status runs a command and checks its exact exit code:
//
//	status 2 goodhart check --bogus
//
// exec and ! exec only tell zero from non-zero; goodhart's codes mean more.
func status(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			ts.Fatalf("status: %v", err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
