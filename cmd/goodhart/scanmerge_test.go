package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// putFile writes data to dir/name, making dir.
func putFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Two real scans, laid out as downloaded artifacts are (a folder per job,
// the same file name in each), merge into tables that add them up.
func TestScanMerge(t *testing.T) {
	r := multiAgentHistory(t)
	tmp := t.TempDir()
	all := putFile(t, filepath.Join(tmp, "calc-all"), "scan.json", goodhart(t, "scan", "--repo", r.dir, "--all-authors", "--format", "json"))
	agents := putFile(t, filepath.Join(tmp, "calc-agents"), "scan.json", goodhart(t, "scan", "--repo", r.dir, "--format", "json"))

	got := goodhart(t, "scan", "merge", all, agents)
	want := `2 scans merged

repository   walked  checked  error  warning  info
calc-agents      11        6      3        0     1
calc-all         11       10      3        0     3

agent        commits  with findings  deleted-test  skipped-test  weakened-assertion  findings  per 100 commits
aider              2              0             0             0                   0         0              0.0
claude-code        6              4             4             0                   0         4             66.7
copilot            2              2             0             2                   0         2            100.0
cursor             2              2             0             0                   2         2            100.0
human              4              2             2             0                   0         2             50.0
total             16             10             6             2                   2        10             62.5
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged text (-want +got):\n%s", diff)
	}

	var m struct {
		Repositories []struct {
			Name     string
			Checked  int
			Findings []struct{ Rule, Commit string }
		}
		Agents []struct {
			Agent    string
			Commits  int
			Findings int
			Rules    map[string]int
		}
		Summary struct{ Error, Warning, Info int }
	}
	if err := json.Unmarshal([]byte(goodhart(t, "scan", "merge", "--format", "json", "x="+all, "y="+agents)), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Repositories) != 2 || m.Repositories[0].Name != "x" || m.Repositories[1].Name != "y" ||
		m.Repositories[0].Checked != 10 || len(m.Repositories[0].Findings) != 6 || len(m.Repositories[1].Findings) != 4 {
		t.Errorf("merged repositories: %+v", m.Repositories)
	}
	if len(m.Agents) != 5 || m.Agents[1].Agent != "claude-code" || m.Agents[1].Commits != 6 || m.Agents[1].Rules["deleted-test"] != 4 ||
		m.Agents[4].Agent != "" || m.Agents[4].Findings != 2 {
		t.Errorf("merged agents: %+v", m.Agents)
	}
	if m.Summary.Error != 6 || m.Summary.Warning != 0 || m.Summary.Info != 4 {
		t.Errorf("merged summary: %+v", m.Summary)
	}

	md := goodhart(t, "scan", "merge", "--format", "markdown", all, agents)
	for _, s := range []string{
		"# goodhart: 2 repository scans\n",
		"| claude\\-code | 6 | 4 | 4 | 0 | 0 | 4 | 66.7 |",
		"| total | 16 | 10 | 6 | 2 | 2 | 10 | 62.5 |",
		"## calc\\-all\n",
		"- **error** `deleted-test` ` calc/calc_test.go:",
	} {
		if !strings.Contains(md, strings.ReplaceAll(s, "\\-", "-")) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}
}

// What a scanned repository wrote (a message, a path) cannot format the
// merged report, mention anyone or open HTML.
func TestScanMergeMarkdownEscapes(t *testing.T) {
	tmp := t.TempDir()
	doc := `{"schema": 1, "scan": {}, "commits": [],
  "findings": [{"rule": "deleted-test", "severity": "error", "file": "a/` + "`x`" + `_test.go", "line": 3,
    "symbol": "TestX", "message": "Gone <img src=x> @org/team [click](http://evil). More.", "commit": "0123456789abcdef", "agent": "copilot"}],
  "summary": {"error": 1, "warning": 0, "info": 0},
  "agents": [{"agent": "copilot", "commits": 1, "commits_with_findings": 1, "findings": 1, "rules": {"deleted-test": 1, "future-rule": 1}, "findings_per_100_commits": 100}],
  "walked": 1, "checked": 1}`
	p := putFile(t, tmp, "repo<b>.json", doc)
	md := goodhart(t, "scan", "merge", "--format", "markdown", p)
	for _, bad := range []string{" <img", " @org", " [click]", "repo<b>"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown keeps %q unescaped:\n%s", bad, md)
		}
	}
	for _, good := range []string{"`` a/`x`_test.go:3 ``", "Gone \\<img src=x\\> \\@org/team \\[click\\](http\\://evil).\n", "future-rule"} {
		if !strings.Contains(md, good) {
			t.Errorf("markdown lacks %q:\n%s", good, md)
		}
	}
}

// Anything but scans' JSON is refused with a clear error and exit 2.
func TestScanMergeErrors(t *testing.T) {
	r := multiAgentHistory(t)
	tmp := t.TempDir()
	var checkOut, stderr bytes.Buffer
	run([]string{"goodhart", "check", "--repo", r.dir, "--base", "HEAD~3", "--format", "json", "--fail-on", "never"}, &checkOut, &stderr)
	check := putFile(t, tmp, "check.json", checkOut.String())
	scan := putFile(t, tmp, "scan.json", goodhart(t, "scan", "--repo", r.dir, "--format", "json"))
	cases := map[string][]string{
		"not a scan's JSON (no \"scan\" parameters": {check},
		"not a scan's JSON: invalid character":      {putFile(t, tmp, "junk.json", "<html>")},
		"schema 2, want 1":                          {putFile(t, tmp, "future.json", `{"schema": 2, "scan": {}}`)},
		"no such file or directory":                 {filepath.Join(tmp, "missing.json")},
		"are both named \"calc\"":                   {"calc=" + scan, "calc=" + scan},
		"no files to merge":                         nil,
		"unknown --format \"sarif\"":                {"--format", "sarif", scan},
	}
	for want, args := range cases {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"goodhart", "scan", "merge"}, args...), &stdout, &stderr)
		if code != exitError || !strings.Contains(stderr.String(), want) || stdout.Len() > 0 {
			t.Errorf("merge %v: exit %d, stderr %q, stdout %q; want exit 2 and %q", args, code, stderr.String(), stdout.String(), want)
		}
	}
}
