package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// scanRepo is a repository whose history the scan tests write with git,
// one day per commit so that dates (and hashes) are fixed.
type scanRepo struct {
	t   *testing.T
	dir string
	day int
}

func newScanRepo(t *testing.T) *scanRepo {
	t.Helper()
	r := &scanRepo{t: t, dir: filepath.Join(t.TempDir(), "repo")}
	r.git("init", "-q", "-b", "main", r.dir)
	return r
}

// git runs git in the repository as Pat Person on the current day.
func (r *scanRepo) git(args ...string) string {
	r.t.Helper()
	date := fmt.Sprintf("2025-01-%02dT12:00:00Z", r.day+1)
	cmd := exec.Command("git", args...)
	if args[0] != "init" {
		cmd.Dir = r.dir
	}
	cmd.Env = append(os.Environ(), "HOME="+r.t.TempDir(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=Pat Person", "GIT_AUTHOR_EMAIL=pat@example.com",
		"GIT_COMMITTER_NAME=Pat Person", "GIT_COMMITTER_EMAIL=pat@example.com",
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit writes files ("" deletes one) and commits them the next day, with
// more git commit arguments (--author, a message with trailers …).
func (r *scanRepo) commit(files map[string]string, args ...string) {
	r.t.Helper()
	r.day++
	for name, content := range files {
		path := filepath.Join(r.dir, name)
		if content == "" {
			r.git("rm", "-q", name)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
		r.git("add", name)
	}
	r.git(append([]string{"commit", "-q", "--allow-empty"}, args...)...)
}

// merge merges branch into the current one the next day, with a merge
// commit made with args.
func (r *scanRepo) merge(branch string, args ...string) {
	r.t.Helper()
	r.day++
	r.git(append([]string{"merge", "-q", "--no-ff", branch}, args...)...)
}

// calcTests writes calc_test.go with the named tests of calcTestBodies.
func calcTests(names ...string) string {
	var b strings.Builder
	b.WriteString("package calc\n\nimport \"testing\"\n")
	for _, n := range names {
		b.WriteString(calcTestBodies[n])
	}
	return b.String()
}

var calcTestBodies = map[string]string{
	"Add": `
func TestAdd(t *testing.T) {
	if got := Add(2, 3); got != 5 {
		t.Errorf("Add(2, 3) = %d, want 5", got)
	}
}
`,
	"Sub": `
func TestSub(t *testing.T) {
	if got := Sub(7, 3); got != 4 {
		t.Errorf("Sub(7, 3) = %d, want 4", got)
	}
}
`,
	"Mul": `
func TestMul(t *testing.T) {
	if got := Mul(6, 7); got != 42 {
		t.Errorf("Mul(6, 7) = %d, want 42", got)
	}
}
`,
	"MulSkipped": `
func TestMul(t *testing.T) {
	t.Skip("flaky")
	if got := Mul(6, 7); got != 42 {
		t.Errorf("Mul(6, 7) = %d, want 42", got)
	}
}
`,
	"Div": `
func TestDiv(t *testing.T) {
	if got := Div(9, 3); got != 3 {
		t.Errorf("Div(9, 3) = %d, want 3", got)
	}
}
`,
	"DivLogged": `
func TestDiv(t *testing.T) {
	if got := Div(9, 3); got != 3 {
		t.Logf("Div(9, 3) = %d, want 3", got)
	}
}
`,
	"Neg": `
func TestNeg(t *testing.T) {
	if got := Neg(5); got != -5 {
		t.Errorf("Neg(5) = %d, want -5", got)
	}
}
`,
}

const calcBase = `package calc

func Add(a, b int) int { return a + b }

func Sub(a, b int) int { return a - b }

func Mul(a, b int) int { return a * b }

func Div(a, b int) int { return a / b }
`

// Agents as they sign their commits.
const (
	claudeAuthor  = "Claude <noreply@anthropic.com>"
	copilotAuthor = "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>"
	aiderAuthor   = "Pat Person (aider) <pat@example.com>"
	cursorTrailer = "\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>"
)

// multiAgentHistory writes a history where four agents and people work,
// cut corners and merge:
//
//	 1 base                          person
//	 2 delete TestSub                claude-code   deleted-test
//	 3 add Neg and TestNeg           person
//	 4 skip TestMul                  copilot       skipped-test
//	 5 remove Neg with TestNeg       person        deleted-test (info: the feature went too)
//	 6 on div: TestDiv only logs     person, Co-authored-by cursor   weakened-assertion
//	 7 merge div                     person        (nothing: it took div's TestDiv as it was)
//	 8 add a doc comment             aider
//	 9 on side: delete TestAdd       person        deleted-test (info: a person's)
//	10 merge side                    claude-code   deleted-test: TestDivLogged, which the merge
//	                                               dropped itself (TestAdd's deletion is side's);
//	                                               info: it only logged, so it checked nothing
//	11 tidy                          claude-code
func multiAgentHistory(t *testing.T) *scanRepo {
	r := newScanRepo(t)
	r.commit(map[string]string{"go.mod": "module example.com/calc\n\ngo 1.22\n", "calc/calc.go": calcBase,
		"calc/calc_test.go": calcTests("Add", "Sub", "Mul", "Div")}, "-m", "base")
	r.commit(map[string]string{"calc/calc_test.go": calcTests("Add", "Mul", "Div")}, "--author", claudeAuthor, "-m", "Fix Sub")
	r.commit(map[string]string{"calc/calc.go": calcBase + "\nfunc Neg(a int) int { return -a }\n",
		"calc/calc_test.go": calcTests("Add", "Mul", "Div", "Neg")}, "-m", "Add Neg")
	r.commit(map[string]string{"calc/calc_test.go": calcTests("Add", "MulSkipped", "Div", "Neg")}, "--author", copilotAuthor, "-m", "Stabilise CI")
	r.commit(map[string]string{"calc/calc.go": calcBase, "calc/calc_test.go": calcTests("Add", "MulSkipped", "Div")}, "-m", "Drop Neg")
	r.git("checkout", "-q", "-b", "div")
	r.commit(map[string]string{"calc/calc_test.go": calcTests("Add", "MulSkipped", "DivLogged")}, "-m", "Quieter Div test"+cursorTrailer)
	r.git("checkout", "-q", "main")
	r.merge("div", "-m", "Merge div")
	r.commit(map[string]string{"calc/calc.go": "// Package calc does sums.\n" + calcBase}, "--author", aiderAuthor, "-m", "Document calc")
	r.git("checkout", "-q", "-b", "side")
	r.commit(map[string]string{"calc/calc_test.go": calcTests("MulSkipped", "DivLogged")}, "-m", "Drop TestAdd")
	r.git("checkout", "-q", "main")
	r.merge("side", "--no-commit")
	if err := os.WriteFile(filepath.Join(r.dir, "calc", "calc_test.go"), []byte(calcTests("MulSkipped")), 0o644); err != nil {
		t.Fatal(err)
	}
	r.git("add", "calc/calc_test.go")
	r.git("commit", "-q", "--author", claudeAuthor, "-m", "Merge side")
	r.commit(map[string]string{"README": "calc\n"}, "--author", claudeAuthor, "-m", "Tidy")
	return r
}

// goodhart runs the command in-process and returns its standard output,
// failing the test on any exit status but 0.
func goodhart(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(append([]string{"goodhart"}, args...), &stdout, &stderr); code != 0 {
		t.Fatalf("goodhart %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("goodhart %s wrote to stderr: %s", strings.Join(args, " "), stderr.String())
	}
	return stdout.String()
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n") + "\n"
}

// TestScanTable checks the closing table of scans of the multi-agent
// history exactly, on both git backends.
func TestScanTable(t *testing.T) {
	r := multiAgentHistory(t)
	cases := []struct {
		args []string
		want string
	}{
		{nil, `
6 commits checked of 11 commits walked (the agents'; --all-authors checks people's too)
agent        commits  with findings  deleted-test  skipped-test  weakened-assertion  findings  per 100 commits
aider              1              0             0             0                   0         0              0.0
claude-code        3              2             2             0                   0         2             66.7
copilot            1              1             0             1                   0         1            100.0
cursor             1              1             0             0                   1         1            100.0
total              6              4             2             1                   1         4             66.7
`},
		{[]string{"--all-authors"}, `
10 commits checked of 11 commits walked (every author's)
agent        commits  with findings  deleted-test  skipped-test  weakened-assertion  findings  per 100 commits
aider              1              0             0             0                   0         0              0.0
claude-code        3              2             2             0                   0         2             66.7
copilot            1              1             0             1                   0         1            100.0
cursor             1              1             0             0                   1         1            100.0
human              4              2             2             0                   0         2             50.0
total             10              6             4             1                   1         6             60.0
`},
		{[]string{"--no-merges"}, `
5 commits checked of 9 commits walked (the agents'; --all-authors checks people's too)
agent        commits  with findings  deleted-test  skipped-test  weakened-assertion  findings  per 100 commits
aider              1              0             0             0                   0         0              0.0
claude-code        2              1             1             0                   0         1             50.0
copilot            1              1             0             1                   0         1            100.0
cursor             1              1             0             0                   1         1            100.0
total              5              3             1             1                   1         3             60.0
`},
		{[]string{"--agent", "claude-code"}, `
3 commits checked of 11 commits walked (claude-code's)
agent        commits  with findings  deleted-test  findings  per 100 commits
claude-code        3              2             2         2             66.7
`},
		// The four newest: Tidy, Merge side, Drop TestAdd, Document calc.
		{[]string{"--max-commits", "4"}, `
3 commits checked of 4 commits walked (the agents'; --all-authors checks people's too)
agent        commits  with findings  deleted-test  findings  per 100 commits
aider              1              0             0         0              0.0
claude-code        2              1             1         1             50.0
total              3              1             1         1             33.3
`},
		// Day 8 on: Document calc and what follows.
		{[]string{"--since", "2025-01-09T00:00:00Z", "--all-authors"}, `
4 commits checked of 4 commits walked (every author's)
agent        commits  with findings  deleted-test  findings  per 100 commits
aider              1              0             0         0              0.0
claude-code        2              1             1         1             50.0
human              1              1             1         1            100.0
total              4              2             2         2             50.0
`},
	}
	for _, backend := range []string{"git", "go-git"} {
		t.Run(backend, func(t *testing.T) {
			t.Setenv("GOODHART_GIT", backend)
			for _, c := range cases {
				out := goodhart(t, append([]string{"scan", "--repo", r.dir}, c.args...)...)
				want := strings.TrimPrefix(c.want, "\n")
				if diff := cmp.Diff(want, tail(out, strings.Count(want, "\n"))); diff != "" {
					t.Errorf("scan %v: table (-want +got):\n%s\nfull output:\n%s", c.args, diff, out)
				}
			}
		})
	}
}

// The output is the same whatever the number of workers and the backend:
// commits in history order, newest first.
func TestScanDeterministic(t *testing.T) {
	r := multiAgentHistory(t)
	var outputs []string
	for _, backend := range []string{"git", "go-git"} {
		t.Setenv("GOODHART_GIT", backend)
		for _, workers := range []string{"1", "3"} {
			for _, format := range []string{"text", "json"} {
				out := goodhart(t, "scan", "--repo", r.dir, "--all-authors", "--workers", workers, "--format", format)
				outputs = append(outputs, out)
			}
		}
	}
	for i := 2; i < len(outputs); i++ {
		if diff := cmp.Diff(outputs[i%2], outputs[i]); diff != "" {
			t.Errorf("run %d differs from run %d (-first +this):\n%s", i, i%2, diff)
		}
	}

	var doc struct {
		Schema  int
		Commits []struct {
			SHA, Parent, Agent, Subject string
			Findings                    int
		}
		Findings []struct{ Rule, Severity, Commit, Agent string }
		Summary  struct{ Error, Warning, Info int }
		Agents   []struct {
			Agent               string
			Commits             int
			CommitsWithFindings int `json:"commits_with_findings"`
			Findings            int
			Rules               map[string]int
		}
		Walked, Checked int
	}
	if err := json.Unmarshal([]byte(outputs[1]), &doc); err != nil {
		t.Fatalf("scan --format json: %v\n%s", err, outputs[1])
	}
	want := strings.Fields(r.git("rev-list", "--min-parents=1", "HEAD"))
	var got []string
	findings := 0
	for _, c := range doc.Commits {
		got = append(got, c.SHA)
		findings += c.Findings
		if c.Parent != r.git("rev-parse", c.SHA+"^1") {
			t.Errorf("commit %s compared with %s, not its first parent", c.SHA, c.Parent)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commits not in history order (-git rev-list +scan):\n%s", diff)
	}
	if doc.Schema != 1 || doc.Walked != 11 || doc.Checked != 10 || findings != 6 || len(doc.Findings) != 6 ||
		doc.Summary != (struct{ Error, Warning, Info int }{3, 0, 3}) {
		t.Errorf("scan JSON: schema %d, walked %d, checked %d, %d findings in commits, %d findings, summary %+v",
			doc.Schema, doc.Walked, doc.Checked, findings, len(doc.Findings), doc.Summary)
	}
	for _, f := range doc.Findings {
		if f.Agent == "" && f.Severity != "info" {
			t.Errorf("a person's finding at severity %s: %+v", f.Severity, f)
		}
	}
	if len(doc.Agents) != 5 || doc.Agents[1].Agent != "claude-code" || doc.Agents[1].Commits != 3 ||
		doc.Agents[1].CommitsWithFindings != 2 || doc.Agents[1].Rules["deleted-test"] != 2 || doc.Agents[4].Agent != "" {
		t.Errorf("scan JSON agents: %+v", doc.Agents)
	}
}

// The pool hands results over in job order, stops at the first error, and
// reports an error of the walk after what came before it.
func TestRunPool(t *testing.T) {
	jobs := func(n int, walkErr error) iter.Seq2[scanJob, error] {
		return func(yield func(scanJob, error) bool) {
			for i := range n {
				if !yield(scanJob{index: i, commit: gitutil.Commit{Hash: strconv.Itoa(i)}}, nil) {
					return
				}
			}
			if walkErr != nil {
				yield(scanJob{}, walkErr)
			}
		}
	}
	// Later jobs finish first.
	check := func(j scanJob) (*detect.Result, error) {
		time.Sleep(time.Duration(20-j.index) * time.Millisecond)
		if j.commit.Hash == "13" {
			return nil, errors.New("broken")
		}
		return &detect.Result{}, nil
	}
	var got []int
	emit := func(j scanJob, _ *detect.Result) error { got = append(got, j.index); return nil }
	if err := runPool(jobs(12, nil), 4, check, emit); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	got = nil
	err := runPool(jobs(20, nil), 4, check, emit)
	if err == nil || err.Error() != "commit 13: broken" || len(got) != 13 {
		t.Errorf("runPool with a failing job = %v after %v", err, got)
	}
	got = nil
	err = runPool(jobs(3, errors.New("walk failed")), 2, check, emit)
	if err == nil || err.Error() != "walk failed" || len(got) != 3 {
		t.Errorf("runPool with a failing walk = %v after %v", err, got)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2025-01-31T10:00:00Z": time.Date(2025, 1, 31, 10, 0, 0, 0, time.UTC),
		"90d":                  now.AddDate(0, 0, -90),
		"2w":                   now.AddDate(0, 0, -14),
		"36h":                  now.Add(-36 * time.Hour),
		"1h30m":                now.Add(-90 * time.Minute),
	} {
		if got, err := parseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got, err := parseSince("2025-01-31", now); err != nil || got.Format("2006-01-02 15:04") != "2025-01-31 00:00" {
		t.Errorf("parseSince(date) = %v, %v", got, err)
	}
	for _, bad := range []string{"yesterday", "-3d", "3x", "d", "2025-13-01", "-1h"} {
		if got, err := parseSince(bad, now); err == nil {
			t.Errorf("parseSince(%q) = %v, want an error", bad, got)
		}
	}
}

func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	bar := newProgressBar(&b, 4)
	for range 4 {
		bar.advance()
	}
	bar.finish()
	bar.finish()
	out := b.String()
	if !strings.Contains(out, "\r\x1b[Kscanning [                              ] 0/4 commits") ||
		!strings.Contains(out, "] 4/4 commits") || !strings.HasSuffix(out, "\r\x1b[K") ||
		strings.Count(out, "\r\x1b[K") != strings.Count(out, "scanning")+1 {
		t.Errorf("progress output %q", out)
	}
	var none *progressBar
	none.advance()
	none.finish()
	for d, want := range map[time.Duration]string{0: "0:00", 61 * time.Second: "1:01", 3723 * time.Second: "1:02:03"} {
		if got := clock(d); got != want {
			t.Errorf("clock(%v) = %q, want %q", d, got, want)
		}
	}
}

// primeAhead hands on every job once and in order, each with its changed
// files read, within the budget, and the walk's error after them.
func TestPrimeAhead(t *testing.T) {
	r := newScanRepo(t)
	r.commit(map[string]string{"calc/calc.go": "package calc\n"}, "-m", "calc")
	for i := range 6 {
		r.commit(map[string]string{"calc/calc.go": fmt.Sprintf("package calc\n\nconst N = %d\n", i)}, "-m", "N")
	}
	repo, err := gitutil.Open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	var commits []gitutil.Commit
	for c, err := range gitutil.History(repo, gitutil.HistoryOptions{Revs: []string{"HEAD"}}) {
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Parents) > 0 {
			commits = append(commits, c)
		}
	}
	jobs := func(yield func(scanJob, error) bool) {
		for i, c := range commits {
			if !yield(scanJob{index: i, commit: c}, nil) {
				return
			}
		}
		yield(scanJob{}, errors.New("walk failed"))
	}
	// A budget smaller than one commit's files: one commit at a time.
	ahead := newBudget(1)
	defer ahead.close()
	seen := map[int]bool{}
	var walkErr error
	most, largest := 0, 0 // bytes read ahead, and of one commit
	for j, err := range primeAhead(repo, jobs, 3, ahead) {
		if err != nil {
			walkErr = err
			continue
		}
		if j.index != len(seen) || j.primed == nil || j.primed.Size() == 0 {
			t.Errorf("job %d handed on after %d jobs, primed %v", j.index, len(seen), j.primed)
		}
		seen[j.index] = true
		time.Sleep(5 * time.Millisecond) // the other primers are waiting, or reading
		ahead.mu.Lock()
		most, largest = max(most, ahead.used), max(largest, j.primed.Size())
		ahead.mu.Unlock()
		ahead.release(j.primed.Size())
	}
	if len(seen) != len(commits) || walkErr == nil || walkErr.Error() != "walk failed" {
		t.Errorf("%d of %d jobs, then %v", len(seen), len(commits), walkErr)
	}
	// Each of the 3 primers may have started before another's bytes were
	// counted; without the budget, all 6 commits would be read ahead.
	if most > 3*largest {
		t.Errorf("%d bytes read ahead at most, more than 3 commits of %d", most, largest)
	}
}

// budget.wait blocks while the limit is reached, until a release or close.
func TestBudget(t *testing.T) {
	b := newBudget(10)
	b.take(10)
	woke := make(chan bool)
	go func() { woke <- b.wait() }()
	select {
	case <-woke:
		t.Fatal("wait returned with the budget spent")
	case <-time.After(20 * time.Millisecond):
	}
	b.release(1)
	if !<-woke {
		t.Error("wait after a release = false")
	}
	b.take(1)
	go func() { woke <- b.wait() }()
	b.close()
	if <-woke {
		t.Error("wait after close = true")
	}
}

// A scan over the git backend sets its memory limit unless GOMEMLIMIT is
// set, never over go-git, and leaves the process's limit as it found it.
func TestScanMemoryLimit(t *testing.T) {
	r := newScanRepo(t)
	r.commit(map[string]string{"calc/calc.go": "package calc\n"}, "-m", "calc")
	for _, c := range []struct {
		backend, env string
		want         bool
	}{{"git", "", true}, {"git", "1GiB", false}, {"go-git", "", false}} {
		t.Setenv("GOODHART_GIT", c.backend)
		t.Setenv("GOMEMLIMIT", c.env)
		repo, err := gitutil.Open(r.dir)
		if err != nil {
			t.Fatal(err)
		}
		limit, ok := memoryLimit(repo)
		repo.Close()
		if ok != c.want || ok && limit != scanMemoryLimit {
			t.Errorf("%s, GOMEMLIMIT=%q: limit %d, %v; want %v", c.backend, c.env, limit, ok, c.want)
		}
		before := debug.SetMemoryLimit(-1)
		cfg := scanConfig{Repo: r.dir, Revs: []string{"HEAD"}, AllAuthors: true, Format: "text", Workers: 1}
		if err := runScan(io.Discard, cfg); err != nil {
			t.Fatal(err)
		}
		if after := debug.SetMemoryLimit(-1); after != before {
			t.Errorf("%s: the limit was %d before the scan and %d after", c.backend, before, after)
		}
	}
}

// slowRepo answers Changes with nothing, slowly for one commit.
type slowRepo struct {
	gitutil.Repo
	slow string
}

func (r slowRepo) Changes(from, to string) ([]gitutil.Change, error) {
	if to == r.slow {
		time.Sleep(300 * time.Millisecond)
	}
	return nil, nil
}

// One commit that takes long to read, followed by many quick ones, must not
// stall the scan: the jobs read after it wait for it, and so does every
// later emit.
func TestPrimeAheadSlowCommit(t *testing.T) {
	const n = 400
	jobs := func(yield func(scanJob, error) bool) {
		for i := range n {
			c := gitutil.Commit{Hash: fmt.Sprintf("%040d", i), Parents: []string{fmt.Sprintf("%040d", i+1)}}
			if !yield(scanJob{index: i, commit: c}, nil) {
				return
			}
		}
	}
	repo := slowRepo{slow: fmt.Sprintf("%040d", 0)}
	ahead := newBudget(primeBudget)
	defer ahead.close()
	var got []int
	finished := make(chan error, 1)
	go func() {
		finished <- runPool(primeAhead(repo, jobs, 2, ahead), 2, func(scanJob) (*detect.Result, error) {
			return &detect.Result{}, nil
		}, func(j scanJob, _ *detect.Result) error {
			got = append(got, j.index)
			return nil
		})
	}()
	select {
	case err := <-finished:
		if err != nil || len(got) != n || got[0] != 0 || got[n-1] != n-1 {
			t.Errorf("runPool = %v after %d jobs", err, len(got))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the scan stalled behind a slow commit")
	}
}

// screen renders what a terminal shows of output written to it: a carriage
// return goes back to the line's start, ESC [K erases to its end.
func screen(out string) string {
	var lines []string
	var line []rune
	col := 0
	for i := 0; i < len(out); {
		switch {
		case strings.HasPrefix(out[i:], "\x1b[K"):
			line = line[:col]
			i += 3
		case out[i] == '\r':
			col = 0
			i++
		case out[i] == '\n':
			lines = append(lines, string(line))
			line, col = nil, 0
			i++
		default:
			r := []rune(out[i:])[0]
			if col < len(line) {
				line[col] = r
			} else {
				line = append(line, r)
			}
			col++
			i += len(string(r))
		}
	}
	if len(line) > 0 {
		lines = append(lines, string(line))
	}
	return strings.Join(lines, "\n")
}

// On a terminal, where the findings and the progress bar share the screen,
// the bar is cleared before each commit's findings and before the table:
// what stays on the screen is what the scan prints without a bar.
func TestScanProgressLeavesNothing(t *testing.T) {
	r := multiAgentHistory(t)
	for _, format := range []string{"text", "json"} {
		cfg := scanConfig{Repo: r.dir, Revs: []string{"HEAD"}, AllAuthors: true, Format: format, Workers: 2}
		var plain bytes.Buffer
		if err := runScan(&plain, cfg); err != nil {
			t.Fatal(err)
		}
		var term bytes.Buffer // standard output and error on one terminal
		cfg.Progress = &term
		if err := runScan(&term, cfg); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(term.String(), "scanning [") {
			t.Fatalf("%s: no progress bar drawn: %q", format, term.String())
		}
		if got, want := screen(term.String()), screen(plain.String()); got != want {
			t.Errorf("%s: the terminal shows (-want +got):\n%s", format, cmp.Diff(want, got))
		}
	}
}

// A check on a terminal draws its progress and clears it before the
// report: the screen shows what the check prints without a bar.
func TestCheckProgressLeavesNothing(t *testing.T) {
	r := multiAgentHistory(t)
	cfg := checkConfig{Repo: r.dir, Base: "HEAD~8", Head: "HEAD", Formats: []string{"text"}}
	var plain bytes.Buffer
	if _, err := runCheck(&plain, cfg); err != nil {
		t.Fatal(err)
	}
	var term bytes.Buffer
	cfg.Progress = &term
	if _, err := runCheck(&term, cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(term.String(), "checking [") || !strings.Contains(plain.String(), "deleted-test") {
		t.Fatalf("no progress bar, or no findings to print after it: %q", term.String())
	}
	if got, want := screen(term.String()), screen(plain.String()); got != want {
		t.Errorf("the terminal shows (-want +got):\n%s", cmp.Diff(want, got))
	}
	if isTTY(&term) {
		t.Error("a buffer taken for a terminal")
	}
}
