package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
)

// untrusted is a result whose every string from the checked repository
// tries to shape the output: a file name with blank lines, HTML, a
// heading and backticks; ANSI escapes (colour, a terminal hyperlink, a
// title change) in names, code, subjects and notes; a bidirectional
// override.
func untrusted() *detect.Result {
	r := full()
	file := "pkg/a\n\n<img src=x onerror=alert(1)>\n# heading `x`\x1b[31m_test.go"
	r.Commits[1].Subject = "Fix \x1b]0;owned\x07Parse\u202e"
	r.Commits[1].Agent = "claude\x1b[2J"
	r.Findings = []detect.Finding{{
		Rule: "deleted-test", Severity: detect.Error, File: file, Line: 3, OldFile: file, OldLine: 3,
		Symbol:  "TestX/\x1b]8;;http://evil\x07link\x1b]8;;\x07\n\n## sub",
		Message: "TestX in " + file + " was deleted.\x1b[0m",
		Commit:  head, Agent: "claude\x1b[2J",
		Excerpt: []string{"- \ts := \"\x1b[1mbold\u2028\"", "- }"},
	}, {
		Rule: "skipped-test", Severity: detect.Warning, File: "pkg/b_test.go", Line: 1,
		Message: "m", Commit: head,
	}}
	r.Notes = []string{"pkg/c.go: skipped \x1b[31m\n- item"}
	return r
}

func TestTextEscapesTerminalControls(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		var buf bytes.Buffer
		if err := Text(&buf, untrusted(), TextOptions{Quiet: quiet}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if needsEscape(out, true) {
			t.Errorf("quiet=%v: control characters reach the terminal:\n%q", quiet, out)
		}
		for _, bad := range []string{"\n<img", "\n# heading", "\n## sub", "\n- item"} {
			if strings.Contains(out, bad) {
				t.Errorf("quiet=%v: a name started a line of its own (%q):\n%s", quiet, bad, out)
			}
		}
		if !strings.Contains(out, `\x1b[31m`) || !quiet && !strings.Contains(out, `\u202e`) {
			t.Errorf("quiet=%v: escapes not shown as text:\n%s", quiet, out)
		}
	}
}

// The text report lists findings first, most severe first; the commits
// after; quiet prints the findings alone.
func TestTextOrderAndQuiet(t *testing.T) {
	var buf bytes.Buffer
	if err := Text(&buf, full(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	e, w, i, c := strings.Index(out, "  error "), strings.Index(out, "  warning "), strings.Index(out, "  info "), strings.Index(out, "range ")
	if !(e >= 0 && e < w && w < i && i < c) {
		t.Errorf("want errors, warnings, infos, then the range; got:\n%s", out)
	}
	buf.Reset()
	if err := Text(&buf, full(), TextOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	q := buf.String()
	if strings.Contains(q, "range ") || strings.Contains(q, "notes") || strings.Contains(q, "4 findings") || !strings.Contains(q, "TestParseSub") {
		t.Errorf("quiet output:\n%s", q)
	}
	buf.Reset()
	Text(&buf, clean(), TextOptions{Quiet: true})
	if buf.Len() != 0 {
		t.Errorf("quiet with no findings printed %q", buf.String())
	}
}

func TestMarkdownUntrusted(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown(&buf, untrusted(), MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	checkMarkdown(t, buf.String(), 2)
}

// checkMarkdown checks that a report of n findings kept its structure:
// its headings and HTML lines are its own, and nothing unsafe is raw.
func checkMarkdown(t *testing.T, out string, n int) {
	t.Helper()
	if needsEscape(out, true) {
		t.Errorf("control characters in markdown:\n%q", out)
	}
	headings := 0
	fence := ""
	for _, line := range strings.Split(out, "\n") {
		if fence != "" { // inside a fenced block: literal, until its fence
			if strings.TrimRight(line, " ") == fence {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(line, "```") {
			fence = line[:len(line)-len(strings.TrimLeft(line, "`"))]
			continue
		}
		switch {
		case strings.HasPrefix(line, "#### "), strings.HasPrefix(line, "### "):
			headings++
		case strings.HasPrefix(line, "#"):
			t.Errorf("a heading that is not the report's: %q", line)
		case strings.HasPrefix(strings.TrimLeft(line, " "), "<") && !strings.HasPrefix(line, "<details><summary>") && line != "</details>":
			t.Errorf("HTML that is not the report's: %q", line)
		}
		// Outside code spans, < is always escaped.
		for i := 0; i < len(line); i++ {
			switch {
			case line[i] == '\\':
				i++
			case line[i] == '`':
				n := 1
				for i+n < len(line) && line[i+n] == '`' {
					n++
				}
				if end := closingRun(line[i+n:], n); end >= 0 {
					i += n + end + n - 1 // a code span: its text is literal
				} else {
					i += n - 1
				}
			case line[i] == '<' && !strings.HasPrefix(line[i:], "<details>") && !strings.HasPrefix(line[i:], "<summary>") && !strings.HasPrefix(line[i:], "</summary>") && !strings.HasPrefix(line[i:], "</details>"):
				t.Errorf("raw < outside a code span: %q", line)
			}
		}
	}
	if fence != "" {
		t.Errorf("a fenced block is never closed:\n%s", out)
	}
	if headings > n+1 {
		t.Errorf("%d headings for %d findings:\n%s", headings, n, out)
	}
}

func TestGitHubUntrusted(t *testing.T) {
	var buf bytes.Buffer
	if err := GitHub(&buf, untrusted(), GitHubOptions{Token: fixedToken}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if needsEscape(out, true) {
		t.Errorf("control characters in workflow commands:\n%q", out)
	}
	cmds := commandLines(t, out)
	if len(cmds) != 4 || !strings.HasPrefix(cmds[0], "::error file=pkg/a\\n\\n<img") {
		t.Errorf("commands:\n%s", strings.Join(cmds, "\n"))
	}
}

// FuzzReports writes every format for a result made of arbitrary strings
// from the checked repository: no format may fail or panic, the text,
// markdown and github formats must not let a control character through,
// the markdown report keeps its own structure, the github one runs only its
// own commands, and JSON and SARIF stay valid JSON.
func FuzzReports(f *testing.F) {
	f.Add("pkg/a_test.go", "TestA", "TestA was deleted.", "- func TestA(t *testing.T) {", "Fix it", "a note")
	f.Add("a\n\n<b>x</b>\n# h`", "T\x1b[31m", "m\r\n::error::x\n\n- l", "```\n\x1b]8;;x\x07", "s\u202e", "n\n- i")
	f.Fuzz(func(t *testing.T, file, symbol, message, excerpt, subject, note string) {
		r := full()
		r.Commits[1].Subject = subject
		r.Findings = []detect.Finding{{
			Rule: "deleted-test", Severity: detect.Error, File: file, Line: 1, OldFile: file, OldLine: 2,
			Symbol: symbol, Message: message, Commit: head, Agent: "claude", Excerpt: strings.Split(excerpt, "\n"),
		}}
		r.Notes = []string{note}
		for _, format := range Formats {
			var buf bytes.Buffer
			if err := Write(&buf, format, r, Options{Version: "1", Rules: testRules}); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := buf.String()
			switch format {
			case "text", "github":
				if needsEscape(out, true) {
					t.Fatalf("%s: control characters:\n%q", format, out)
				}
				if format == "github" {
					cmds := commandLines(t, out)
					for _, c := range cmds {
						if !strings.HasPrefix(c, "::error ") && !strings.HasPrefix(c, "::group::") && !strings.HasPrefix(c, "::endgroup::") {
							t.Fatalf("a command that is not the report's: %q", c)
						}
					}
				}
			case "markdown":
				checkMarkdown(t, out, 1)
			case "json", "sarif":
				if !json.Valid(buf.Bytes()) {
					t.Fatalf("%s: invalid JSON", format)
				}
			}
		}
	})
}

// closingRun finds a run of exactly n backticks in s, or -1.
func closingRun(s string, n int) int {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == '`' {
			j++
		}
		if j-i == n {
			return i
		}
		i = j
	}
	return -1
}
