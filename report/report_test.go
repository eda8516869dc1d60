package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goodhart-dev/goodhart/detect"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	base  = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	head  = "3333333ccccccccccccccccccccccccccccccccc"
	human = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// full is a result with one finding of each severity, a moved test, a file
// that is gone, excerpts and notes.
func full() *detect.Result {
	return &detect.Result{
		Schema: 1,
		Range:  detect.Range{Base: base, Head: head},
		Commits: []detect.CommitInfo{
			{SHA: human, Author: "Alice Developer <alice@example.com>", Subject: "Add Mul"},
			{SHA: head, Author: "Claude <noreply@anthropic.com>", Agent: "claude", Subject: "Fix Parse"},
		},
		Findings: []detect.Finding{
			{
				Rule: "skipped-test", Severity: detect.Warning,
				File: "calc/calc_test.go", Line: 22, OldFile: "calc/calc_test.go", OldLine: 21,
				Symbol:  "TestDivByZero",
				Message: "TestDivByZero now calls t.Skip(\"flaky\") before any of its checks, so it no longer tests anything. Check that the skip is justified.",
				Commit:  head, Agent: "claude",
				Excerpt: []string{"+ \tt.Skip(\"flaky\")"},
			},
			{
				Rule: "deleted-test", Severity: detect.Error,
				File: "calc/calc_test.go", Line: 28, OldFile: "calc/calc_test.go", OldLine: 34,
				Symbol:  "TestParseSub",
				Message: "TestParseSub was deleted and nothing in head checks what it checked.\n\nParse, which it tested, is still there.",
				Commit:  head, Agent: "claude",
				Excerpt: []string{"- func TestParseSub(t *testing.T) {", "- \tgot, err := Parse(\"5 - 3\")", "- }"},
			},
			{
				Rule: "deleted-test", Severity: detect.Info,
				OldFile: "calc/old_test.go", OldLine: 5,
				Symbol:  "TestOld",
				Message: "TestOld was deleted together with the function it tested.",
				Commit:  human,
			},
			{
				Rule: "moved-assertion", Severity: detect.Info,
				File: "calc/b_test.go", Line: 9, OldFile: "calc/a_test.go", OldLine: 9,
				Message: "Assertions moved to another file.",
				Commit:  human,
			},
		},
		Summary: detect.Summary{Error: 1, Warning: 1, Info: 2},
		Notes:   []string{"calc/broken.go: could not parse: expected declaration"},
	}
}

func clean() *detect.Result {
	r := full()
	r.Findings, r.Notes, r.Summary = nil, nil, detect.Summary{}
	return r
}

func empty() *detect.Result {
	return &detect.Result{Schema: 1, Range: detect.Range{Base: base, Head: base}}
}

func TestText(t *testing.T) {
	tests := []struct {
		name   string
		result *detect.Result
		color  bool
	}{
		{"full", full(), false},
		{"full_color", full(), true},
		{"clean", clean(), false},
		{"empty", empty(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Text(&buf, tt.result, TextOptions{Color: tt.color}); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".txt.golden", buf.String())
			if !tt.color && strings.Contains(buf.String(), "\x1b") {
				t.Error("colour escapes without Color")
			}
		})
	}
}

func TestJSON(t *testing.T) {
	for name, r := range map[string]*detect.Result{"full": full(), "empty": empty()} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := JSON(&buf, r); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".json.golden", buf.String())
		})
	}
}

func TestNil(t *testing.T) {
	if Text(&bytes.Buffer{}, nil, TextOptions{}) == nil || JSON(&bytes.Buffer{}, nil) == nil {
		t.Error("a nil result must be an error")
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aaa bbb ccc\n\ndddddddddd e", 7)
	want := []string{"aaa bbb", "ccc", "", "dddddddddd", "e"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("wrap (-want +got):\n%s", diff)
	}
	if got := wrap("", 7); got != nil {
		t.Errorf("wrap of nothing = %q", got)
	}
}

func TestColorEnabled(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	t.Setenv("NO_COLOR", "")
	if ColorEnabled(f) {
		t.Error("a regular file is not a terminal")
	}
	if ColorEnabled(nil) {
		t.Error("nil is not a terminal")
	}
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return // no terminal here: nothing more to check
	}
	defer tty.Close()
	t.Setenv("TERM", "xterm")
	if !ColorEnabled(tty) {
		t.Error("/dev/tty is a terminal")
	}
	t.Setenv("NO_COLOR", "1")
	if ColorEnabled(tty) {
		t.Error("NO_COLOR must turn colour off")
	}
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}
