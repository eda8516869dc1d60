package detect_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// histRepo is a real repository with branches and merges, built with the
// git command (the fixture format describes straight lines of commits only)
// and read back through both backends.
type histRepo struct {
	t     *testing.T
	dir   string
	clock int
}

func newHistRepo(t *testing.T) *histRepo {
	t.Helper()
	h := &histRepo{t: t, dir: filepath.Join(t.TempDir(), "repo")}
	h.git("init", "-q", "-b", "main", h.dir)
	return h
}

// git runs git in the repository (or, for init, anywhere) with a fixed
// identity and a clock that moves one minute per call.
func (h *histRepo) git(args ...string) string {
	h.t.Helper()
	if args[0] != "init" {
		args = append([]string{"-C", h.dir}, args...)
	}
	h.clock++
	date := fmt.Sprintf("2025-01-01T00:%02d:%02dZ", h.clock/60, h.clock%60)
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(),
		"HOME="+h.t.TempDir(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com",
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	out, err := cmd.CombinedOutput()
	if err != nil {
		h.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (h *histRepo) write(path, text string) {
	h.t.Helper()
	p := filepath.Join(h.dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// agentTrailer marks a commit as Claude's.
const agentTrailer = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"

// commit commits everything under the work tree and returns its hash.
func (h *histRepo) commit(msg string) string {
	h.t.Helper()
	h.git("add", "-A")
	h.git("commit", "-q", "--allow-empty", "-m", msg)
	return h.git("rev-parse", "HEAD")
}

// merge merges rev into the current branch without committing; resolve
// (if any) writes the merged files, even over conflicts; then it commits.
func (h *histRepo) merge(rev, msg string, resolve func()) string {
	h.t.Helper()
	cmd := exec.Command("git", "-C", h.dir, "merge", "-q", "--no-ff", "--no-commit", rev)
	cmd.Env = append(os.Environ(), "HOME="+h.t.TempDir(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil && resolve == nil {
		h.t.Fatalf("git merge %s: %v\n%s", rev, err, out)
	}
	if resolve != nil {
		resolve()
	}
	return h.commit(msg)
}

// eachBackend opens the repository with both backends.
func (h *histRepo) eachBackend(f func(t *testing.T, repo gitutil.Repo)) {
	for _, backend := range []string{"git", "go-git"} {
		h.t.Run(backend, func(t *testing.T) {
			repo, err := gitutil.OpenBackend(h.dir, backend)
			if err != nil {
				t.Fatal(err)
			}
			defer repo.Close()
			f(t, repo)
		})
	}
}

// calcTests writes calc_test.go with the named tests, each a real check.
func calcTests(names ...string) string {
	var b strings.Builder
	b.WriteString("package calc\n\nimport \"testing\"\n")
	for _, n := range names {
		a := 0 // a check of its own per test
		for _, r := range n {
			a += int(r)
		}
		fmt.Fprintf(&b, "\nfunc Test%s(t *testing.T) {\n\tif got := Add(%d, 2); got != %d {\n\t\tt.Fatalf(\"Add(%d, 2) = %%d\", got)\n\t}\n}\n", n, a, a+2, a)
	}
	return b.String()
}

const calcSrc = "package calc\n\nfunc Add(a, b int) int { return a + b }\n"

// calcRepo starts a repository whose main holds calc with the named tests.
func calcRepo(t *testing.T, tests ...string) *histRepo {
	h := newHistRepo(t)
	h.write("go.mod", "module example.com/calc\n")
	h.write("calc/calc.go", calcSrc)
	h.write("calc/calc_test.go", calcTests(tests...))
	h.commit("start")
	return h
}

// blocking lists the findings of severity warning or error.
func blocking(res *detect.Result) []detect.Finding {
	var out []detect.Finding
	for _, f := range res.Findings {
		if f.Severity >= detect.Warning {
			out = append(out, f)
		}
	}
	return out
}

// A branch that merges main answers for the merge's own resolution only:
// a test main deleted (a person, in main's own commit) comes in with the
// merge, is attributed to main's commit and is not the branch's alarm —
// even when every commit of the branch is assumed an agent's, and even when
// the range starts at the merge's first parent, so that main's commits are
// reachable from head and not from base.
func TestMergeOfMainIntoBranch(t *testing.T) {
	h := calcRepo(t, "One", "Two", "Three")
	h.git("checkout", "-q", "-b", "feature")
	h.write("calc/sub.go", "package calc\n\nfunc Sub(a, b int) int { return a - b }\n")
	b1 := h.commit("add Sub" + agentTrailer)
	h.git("checkout", "-q", "main")
	h.write("calc/calc_test.go", calcTests("One", "Three"))
	m1 := h.commit("drop TestTwo")
	for i := range 5 { // main goes on: the walk finds m1 among them
		h.write(fmt.Sprintf("calc/more%d.go", i), fmt.Sprintf("package calc\n\nconst More%d = %d\n", i, i))
		h.commit(fmt.Sprintf("more %d", i))
	}
	h.git("checkout", "-q", "feature")
	merge := h.merge("main", "merge main into feature"+agentTrailer, nil)

	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		// The range from the merge's first parent: main's commit is in it.
		res, err := detect.Check(repo, b1, merge, detect.Options{AssumeAgent: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 1 {
			t.Fatalf("want main's deletion of TestTwo, reported once:\n%s", dump(res))
		}
		f := res.Findings[0]
		if f.Commit != m1 || f.Severity != detect.Info || f.Symbol != "TestTwo" {
			t.Errorf("want TestTwo attributed to main's %s at info, got %s at %v:\n%s", m1[:7], f.Commit, f.Severity, dump(res))
		}
		if !strings.Contains(f.Message, "merge") {
			t.Errorf("the message does not say the finding came in with a merge: %q", f.Message)
		}
		// The pull request's range: merge-base(main, feature) is main's
		// commit, so its deletion is not part of the net change at all.
		mainTip, err := repo.Resolve("main")
		if err != nil {
			t.Fatal(err)
		}
		res, err = detect.Check(repo, mainTip, merge, detect.Options{AssumeAgent: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 0 {
			t.Errorf("main's own deletion reported on the pull request:\n%s", dump(res))
		}
		// The merge commit alone changed nothing: calc_test.go is main's.
		c, err := repo.Commit(merge)
		if err != nil {
			t.Fatal(err)
		}
		res, err = detect.CheckCommit(repo, c, "claude-code", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 0 {
			t.Errorf("CheckCommit blames the merge for main's deletion:\n%s", dump(res))
		}
	})
}

// A merge answers for what it wrote itself: a conflict resolved by dropping
// a test that both sides kept is the merge's, at the severity of its agent,
// in Check and in CheckCommit alike; in the same file, the test main deleted
// is main's.
func TestMergeResolutionDropsATest(t *testing.T) {
	h := calcRepo(t, "One", "Two", "Three")
	h.git("checkout", "-q", "-b", "feature")
	h.write("calc/calc_test.go", calcTests("One", "Two", "Three", "Four"))
	b1 := h.commit("add TestFour" + agentTrailer)
	h.git("checkout", "-q", "main")
	h.write("calc/calc_test.go", calcTests("One", "Two", "Five"))
	m1 := h.commit("TestFive replaces TestThree" + agentTrailer)
	h.git("checkout", "-q", "feature")
	merge := h.merge("main", "merge main"+agentTrailer, func() {
		h.write("calc/calc_test.go", calcTests("One", "Four", "Five"))
	})

	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		res, err := detect.Check(repo, b1, merge, detect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := blocking(res)
		if len(got) != 1 || got[0].Symbol != "TestTwo" || got[0].Commit != merge || got[0].Severity != detect.Warning || got[0].Agent != "claude-code" {
			t.Errorf("want TestTwo's deletion, an alarm (the rule's fallback, a warning) of the merge's:\n%s", dump(res))
		}
		if len(res.Findings) != 2 || res.Findings[1].Symbol != "TestThree" || res.Findings[1].Commit != m1 || res.Findings[1].Severity != detect.Info {
			t.Errorf("want TestThree's deletion on main's %s, at info:\n%s", m1[:7], dump(res))
		}
		c, err := repo.Commit(merge)
		if err != nil {
			t.Fatal(err)
		}
		res, err = detect.CheckCommit(repo, c, "claude-code", nil)
		if err != nil {
			t.Fatal(err)
		}
		got = blocking(res)
		if len(got) != 1 || got[0].Symbol != "TestTwo" {
			t.Errorf("CheckCommit: want TestTwo's deletion:\n%s", dump(res))
		}
	})
}

// A pull request's branch that merged main half-way: main's own work is not
// in the net change, and the branch's findings land on the branch's commits,
// before the merge or after it, through the merge's first parent.
func TestBranchThatMergedMain(t *testing.T) {
	h := calcRepo(t, "One", "Two", "Three", "Four")
	h.git("checkout", "-q", "-b", "feature")
	h.write("calc/calc_test.go", calcTests("One", "Two", "Four"))
	b1 := h.commit("drop TestThree" + agentTrailer)
	h.git("checkout", "-q", "main")
	h.write("calc/other_test.go", "package calc\n\nimport \"testing\"\n\nfunc TestOther(t *testing.T) {\n\tif Add(2, 2) != 4 {\n\t\tt.Fatal(\"2+2\")\n\t}\n}\n")
	h.commit("add TestOther")
	h.write("calc/other_test.go", "package calc\n")
	h.commit("drop TestOther again")
	mainTip := h.git("rev-parse", "HEAD")
	h.git("checkout", "-q", "feature")
	h.merge("main", "merge main", nil)
	h.write("calc/calc_test.go", calcTests("One", "Four"))
	b3 := h.commit("drop TestTwo" + agentTrailer)

	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		res, err := detect.Check(repo, mainTip, b3, detect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"TestThree": b1, "TestTwo": b3}
		got := blocking(res)
		if len(got) != 2 || len(res.Findings) != 2 {
			t.Fatalf("want TestThree and TestTwo, nothing else:\n%s", dump(res))
		}
		for _, f := range got {
			if want[f.Symbol] != f.Commit || f.Severity != detect.Warning {
				t.Errorf("%s attributed to %s at %v, want %s at warning (the rule's own level here)", f.Symbol, f.Commit, f.Severity, want[f.Symbol])
			}
		}
	})
}

// A pull request's branch merged into main with a merge commit: checking
// main's new commits (a push's before..after) finds what the branch's
// commits did, attributed to them, at info — the branch's own check answers
// for them — and the merge commit itself answers for nothing it took.
func TestBranchMergedIntoMain(t *testing.T) {
	h := calcRepo(t, "One", "Two", "Three")
	before := h.git("rev-parse", "HEAD")
	h.git("checkout", "-q", "-b", "feature")
	h.write("calc/calc_test.go", calcTests("One", "Three"))
	b1 := h.commit("drop TestTwo" + agentTrailer)
	h.git("checkout", "-q", "main")
	h.write("README", "calc\n")
	h.commit("readme")
	after := h.merge("feature", "Merge pull request #1 from feature", nil)

	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		for _, assume := range []bool{false, true} {
			res, err := detect.Check(repo, before, after, detect.Options{AssumeAgent: assume})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Findings) != 1 {
				t.Fatalf("want TestTwo's deletion:\n%s", dump(res))
			}
			f := res.Findings[0]
			if f.Commit != b1 || f.Agent != "claude-code" || f.Severity != detect.Info || !strings.Contains(f.Message, "another line") {
				t.Errorf("assume=%v: want TestTwo on %s by claude-code at info, said to come from another line:\n%s", assume, b1[:7], dump(res))
			}
			for _, c := range res.Commits {
				if c.SHA == b1 && c.Agent != "claude-code" || c.SHA != b1 && c.Agent != map[bool]string{true: "assumed-agent"}[assume] {
					t.Errorf("assume=%v: commit %s %q has agent %q", assume, c.SHA[:7], c.Subject, c.Agent)
				}
			}
		}
	})
}

// A revert judged as the change it takes back: a commit outside the range
// added a feature with its test and a table row; the agent's revert takes
// all of it back, file for file, and what it removes goes with the code
// (info). A revert of a test alone, the code staying, keeps its finding.
func TestRevertOfAFeature(t *testing.T) {
	h := newHistRepo(t)
	h.write("go.mod", "module example.com/calc\n")
	h.write("calc/calc.go", "package calc\n\nfunc Apply(op string, a, b int) int {\n\tswitch op {\n\tcase \"+\":\n\t\treturn a + b\n\t}\n\treturn 0\n}\n")
	h.write("calc/calc_test.go", `package calc

import "testing"

func TestApply(t *testing.T) {
	for _, c := range []struct {
		op   string
		a, b int
		want int
	}{
		{"+", 1, 2, 3},
		{"+", 2, 2, 4},
	} {
		if got := Apply(c.op, c.a, c.b); got != c.want {
			t.Errorf("Apply(%q, %d, %d) = %d, want %d", c.op, c.a, c.b, got, c.want)
		}
	}
}
`)
	h.commit("start")
	h.write("calc/calc.go", "package calc\n\nfunc Apply(op string, a, b int) int {\n\tswitch op {\n\tcase \"+\":\n\t\treturn a + b\n\tcase \"*\":\n\t\treturn Mul(a, b)\n\t}\n\treturn 0\n}\n\n// Mul multiplies.\nfunc Mul(a, b int) int { return a * b }\n")
	test, _ := os.ReadFile(filepath.Join(h.dir, "calc/calc_test.go"))
	withMul := strings.Replace(string(test), "\t\t{\"+\", 2, 2, 4},\n", "\t\t{\"+\", 2, 2, 4},\n\t\t{\"*\", 3, 4, 12},\n", 1) +
		"\nfunc TestMul(t *testing.T) {\n\tif got := Mul(6, 7); got != 42 {\n\t\tt.Fatalf(\"Mul(6, 7) = %d\", got)\n\t}\n}\n"
	h.write("calc/calc_test.go", withMul)
	feature := h.commit("Add Mul")
	h.write("calc/calc_test.go", withMul+"\nfunc TestApplyUnknown(t *testing.T) {\n\tif got := Apply(\"?\", 1, 1); got != 0 {\n\t\tt.Fatalf(\"Apply(?) = %d\", got)\n\t}\n}\n")
	regression := h.commit("Test unknown operators")
	h.git("revert", "--no-commit", regression)
	revertTest := h.commit("Revert \"Test unknown operators\"\n\nThis reverts commit " + regression + "." + agentTrailer)
	h.git("revert", "--no-commit", feature)
	revertFeature := h.commit("Revert \"Add Mul\"\n\nThis reverts commit " + feature + "." + agentTrailer)

	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		for _, tc := range []struct {
			name   string
			commit string
			want   detect.Severity
		}{
			{"the revert of a test alone", revertTest, detect.Warning},
			{"the revert of a feature with its tests", revertFeature, detect.Info},
		} {
			c, err := repo.Commit(tc.commit)
			if err != nil {
				t.Fatal(err)
			}
			res, err := detect.Check(repo, c.Parents[0], c.Hash, detect.Options{})
			if err != nil {
				t.Fatal(err)
			}
			one, err := detect.CheckCommit(repo, c, "claude-code", nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []*detect.Result{res, one} {
				if len(r.Findings) == 0 {
					t.Errorf("%s: no finding:\n%s", tc.name, dump(r))
				}
				for _, f := range r.Findings {
					if f.Severity != tc.want || tc.want == detect.Info && !strings.Contains(f.Message, "reverts") {
						t.Errorf("%s: %s %s at %v, want %v:\n%s", tc.name, f.Rule, f.Symbol, f.Severity, tc.want, dump(r))
					}
				}
			}
		}
	})
}
