package gitutil

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testRepo is a real repository in a temporary folder, driven with the git
// command so that every test compares go-git's answers with git's.
type testRepo struct {
	t     testing.TB
	dir   string
	clock int  // seconds added to the base date of the next commit
	still bool // keep every commit at the same second
}

func newTestRepo(t testing.TB) *testRepo {
	t.Helper()
	tr := &testRepo{t: t, dir: filepath.Join(t.TempDir(), "repo")}
	runGit(t, "", "init", "-q", "-b", "main", tr.dir)
	return tr
}

// gitEnv isolates git from the user's configuration.
func gitEnv(home string) []string {
	return append(os.Environ(),
		"HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com",
	)
}

func runGit(t testing.TB, dir string, args ...string) string {
	t.Helper()
	return runGitEnv(t, dir, nil, args...)
}

func runGitEnv(t testing.TB, dir string, env []string, args ...string) string {
	t.Helper()
	if dir != "" {
		args = append([]string{"-C", dir}, args...)
	}
	cmd := exec.Command("git", args...)
	cmd.Env = append(gitEnv(os.TempDir()), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// git runs git in the repository with the date of the next commit.
func (tr *testRepo) git(args ...string) string {
	tr.t.Helper()
	date := fmt.Sprintf("%d +0000", 1700000000+tr.clock)
	if !tr.still {
		tr.clock += 60
	}
	return runGitEnv(tr.t, tr.dir, []string{"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date}, args...)
}

func (tr *testRepo) write(path, content string) {
	tr.t.Helper()
	full := filepath.Join(tr.dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *testRepo) remove(path string) {
	tr.t.Helper()
	if err := os.RemoveAll(filepath.Join(tr.dir, filepath.FromSlash(path))); err != nil {
		tr.t.Fatal(err)
	}
}

// commit stages everything and commits; it returns the new hash.
func (tr *testRepo) commit(msg string) string {
	tr.t.Helper()
	tr.git("add", "-A")
	tr.git("commit", "-q", "--allow-empty", "-m", msg)
	return tr.rev("HEAD")
}

// change writes one file and commits it.
func (tr *testRepo) change(path, content string) string {
	tr.t.Helper()
	tr.write(path, content)
	return tr.commit("edit " + path)
}

func (tr *testRepo) rev(rev string) string {
	tr.t.Helper()
	return tr.git("rev-parse", "--verify", "-q", rev+"^{commit}")
}

// backends are the Repo implementations every test runs against, as
// GOODHART_GIT names them.
var backends = []string{"git", "go-git"}

// eachBackend runs test once per backend, as a subtest named after it.
func eachBackend(t *testing.T, test func(t *testing.T)) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			t.Setenv("GOODHART_GIT", b)
			test(t)
		})
	}
}

// openRepo opens dir with the backend GOODHART_GIT names (Open's choice
// when unset).
func openRepo(t testing.TB, dir string) Repo {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { r.Close() })
	if want := os.Getenv("GOODHART_GIT"); want != "" && Backend(r) != want {
		t.Fatalf("Open(%s) with GOODHART_GIT=%s gave the %s backend", dir, want, Backend(r))
	}
	return r
}

// openBackends opens dir with every backend, for tests that compare many
// answers with git's and would rather build the repository once.
func openBackends(t *testing.T, dir string) map[string]Repo {
	t.Helper()
	repos := map[string]Repo{}
	for _, b := range backends {
		t.Setenv("GOODHART_GIT", b)
		repos[b] = openRepo(t, dir)
	}
	return repos
}

// goLines returns n numbered lines of Go-ish text, distinct per seed.
func goLines(seed string, n int) string {
	var b strings.Builder
	b.WriteString("package p\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "var %s%d = %d // line %d of %s\n", seed, i, i*7, i, seed)
	}
	return b.String()
}
