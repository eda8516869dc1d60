package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// push runs git push and returns its combined output and whether it
// succeeded.
func push(t *testing.T, dir string, env []string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"push"}, args...)...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return string(out), err == nil
}

// A real git push to a bare remote, through the hook that goodhart hook
// install writes, with the goodhart binary in PATH.
func TestPrePushHookBlocksPush(t *testing.T) {
	env := gitEnv(t, goodhartBin(t))
	tmp := t.TempDir()
	remote, work := filepath.Join(tmp, "remote.git"), filepath.Join(tmp, "work")
	shell(t, tmp, env, "git", "init", "-q", "--bare", "-b", "main", remote)
	shell(t, tmp, env, "git", "clone", "-q", remote, work)
	shell(t, work, env, "goodhart", "hook", "install")

	// The first push of main has nothing to compare with, and goes through.
	commit(t, work, env, "", "base", map[string]string{"go.mod": "module example.com/calc\n", "calc/calc.go": calcGo, "calc/calc_test.go": calcTest})
	out, ok := push(t, work, env, "-q", "origin", "main")
	if !ok || !strings.Contains(out, "nothing to compare with") {
		t.Fatalf("first push of main: ok=%v\n%s", ok, out)
	}

	// An agent's branch that deletes a test is blocked, and the remote
	// does not get it.
	shell(t, work, env, "git", "checkout", "-q", "-b", "agent/change")
	commit(t, work, env, claude, "Fix Sub", map[string]string{"calc/calc_test.go": calcTestNoSub})
	out, ok = push(t, work, env, "origin", "agent/change")
	if ok {
		t.Fatalf("the push went through:\n%s", out)
	}
	for _, want := range []string{"deleted-test", "TestSub", "push blocked: 1 finding at or above error", "failed to push"} {
		if !strings.Contains(out, want) {
			t.Errorf("push output lacks %q:\n%s", want, out)
		}
	}
	if refs := shell(t, tmp, env, "git", "-C", remote, "for-each-ref", "refs/heads/agent"); refs != "" {
		t.Errorf("the remote got the branch: %s", refs)
	}

	// An update of a branch the remote has is checked from the remote's tip:
	// a benign commit on main goes through.
	shell(t, work, env, "git", "checkout", "-q", "main")
	commit(t, work, env, claude, "Add Mul", map[string]string{"calc/mul.go": "package calc\n\nfunc Mul(a, b int) int { return a * b }\n"})
	if out, ok := push(t, work, env, "origin", "main"); !ok {
		t.Fatalf("a benign push was blocked:\n%s", out)
	}

	// Without the hook the same push goes through.
	shell(t, work, env, "goodhart", "hook", "uninstall")
	if out, ok := push(t, work, env, "-q", "origin", "agent/change"); !ok {
		t.Fatalf("push without the hook failed:\n%s", out)
	}
}
