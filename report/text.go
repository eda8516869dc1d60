package report

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// TextOptions tune the text report.
type TextOptions struct {
	Color bool // colour severities with ANSI escapes
	Quiet bool // the findings only: no commit list, notes or summary
}

// width is where messages are wrapped.
const width = 80

const (
	bold   = "\x1b[1m"
	red    = "\x1b[1;31m"
	yellow = "\x1b[1;33m"
	cyan   = "\x1b[36m"
	dim    = "\x1b[2m"
	reset  = "\x1b[0m"
)

// ColorEnabled reports whether output to f should be coloured: only when f
// is a terminal and NO_COLOR is unset or empty (https://no-color.org), and
// the terminal is not a dumb one. A character device is taken for a
// terminal; the module graph has no terminal package to ask more precisely.
func ColorEnabled(f *os.File) bool {
	if f == nil || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Text writes the result for a reviewer: the findings, most severe first
// (and within a severity by file and line, under the name of their file),
// the notes, then the range and its commits, and a summary. Quiet writes
// the findings alone. Text from the checked repository is printed with its
// control characters escaped: a path or a test name cannot drive the
// terminal.
func Text(w io.Writer, r *detect.Result, opts TextOptions) error {
	if r == nil {
		return errors.New("report: no result")
	}
	p := &printer{color: opts.Color}
	switch {
	case opts.Quiet:
		p.findings(r.Findings)
	case len(r.Commits) == 0:
		p.linef("nothing to check: %s..%s has no commits", short(r.Range.Base), short(r.Range.Head))
	default:
		p.findings(r.Findings)
		p.notes(r.Notes)
		if len(r.Findings) > 0 || len(r.Notes) > 0 {
			p.linef("")
		}
		p.header(r)
		p.summary(r.Findings)
	}
	_, err := io.WriteString(w, strings.TrimPrefix(p.b.String(), "\n"))
	return err
}

type printer struct {
	b     strings.Builder
	color bool
}

// linef prints one line, without trailing blanks (an empty paragraph of a
// message would otherwise leave indentation behind).
func (p *printer) linef(format string, args ...any) {
	p.b.WriteString(strings.TrimRight(fmt.Sprintf(format, args...), " \t"))
	p.b.WriteByte('\n')
}

// paint wraps s in an ANSI style when colour is on.
func (p *printer) paint(style, s string) string {
	if !p.color || s == "" {
		return s
	}
	return style + s + reset
}

// header lists the range and its commits, one line each.
func (p *printer) header(r *detect.Result) {
	p.linef("%s %s..%s: %s", p.paint(bold, "range"), plain(short(r.Range.Base), false), plain(short(r.Range.Head), false), plural(len(r.Commits), "commit"))
	who := make([]string, len(r.Commits))
	pad := 0
	for i, c := range r.Commits {
		who[i] = plain(cmp.Or(c.Agent, "human"), false)
		pad = max(pad, len(who[i]))
	}
	for i, c := range r.Commits {
		p.linef("  %s  %-*s  %s", short(c.SHA), pad, who[i], plain(c.Subject, false))
	}
}

// findings prints the findings most severe first, each under the name of
// its file when that differs from the one before.
func (p *printer) findings(fs []detect.Finding) {
	sorted := bySeverity(fs)
	for i, f := range sorted {
		p.linef("")
		if i == 0 || fileOf(f) != fileOf(sorted[i-1]) {
			p.linef("%s", p.paint(bold, plain(fileOf(f), false)))
		}
		p.finding(f)
	}
}

// finding prints one finding: what, where, why, who, and the code.
func (p *printer) finding(f detect.Finding) {
	head := []string{p.severity(f.Severity), plain(f.Rule, false)}
	if f.Symbol != "" {
		head = append(head, plain(f.Symbol, false))
	}
	p.linef("  %s", strings.Join(head, "  "))
	p.linef("    %s", plain(location(f), false))
	for _, line := range wrap(plain(f.Message, true), width-4) {
		p.linef("    %s", line)
	}
	by := "by a person"
	if f.Agent != "" {
		by = "agent " + plain(f.Agent, false)
	}
	p.linef("    %s", p.paint(dim, "commit "+plain(short(f.Commit), false)+", "+by))
	p.acceptance(f)
	for _, line := range f.Excerpt {
		p.linef("      %s", plain(line, false))
	}
}

func (p *printer) severity(s detect.Severity) string {
	style := cyan
	switch s {
	case detect.Error:
		style = red
	case detect.Warning:
		style = yellow
	}
	// Pad before painting so that escapes do not upset the alignment.
	return p.paint(style, fmt.Sprintf("%-7s", s))
}

func (p *printer) notes(notes []string) {
	if len(notes) == 0 {
		return
	}
	p.linef("")
	p.linef("%s", p.paint(bold, "notes"))
	for _, n := range notes {
		p.linef("  - %s", plain(n, false))
	}
}

// summary is the closing line: "3 findings: 1 error, 1 warning, 1 info".
func (p *printer) summary(fs []detect.Finding) {
	p.linef("")
	if len(fs) == 0 {
		p.linef("no findings")
		return
	}
	p.linef("%s%s", plural(len(fs), "finding"), countsWithAccepted(fs))
}

// fileOf is the file a finding is listed under: its path in head, or in
// base when the file is gone.
func fileOf(f detect.Finding) string {
	return cmp.Or(f.File, f.OldFile)
}

func lineOf(f detect.Finding) int {
	if f.File == "" {
		return f.OldLine
	}
	return f.Line
}

// location is "file:line", followed by where the thing was in base when
// that is somewhere else.
func location(f detect.Finding) string {
	switch {
	case f.File == "":
		return "was " + pos(f.OldFile, f.OldLine) + " (the file is gone)"
	case f.OldFile == "" || f.OldFile == f.File && f.OldLine == f.Line:
		return pos(f.File, f.Line)
	case f.OldFile == f.File && f.OldLine > 0:
		return pos(f.File, f.Line) + " (was line " + strconv.Itoa(f.OldLine) + ")"
	}
	return pos(f.File, f.Line) + " (was " + pos(f.OldFile, f.OldLine) + ")"
}

func pos(file string, line int) string {
	if line <= 0 {
		return file
	}
	return file + ":" + strconv.Itoa(line)
}

// short abbreviates a hash as git does by default.
// short abbreviates a commit hash; a pseudo-commit's name (worktree,
// index, diff: changes not committed) is not a hash and stays whole.
func short(hash string) string {
	if len(hash) > 7 && !gitutil.IsPseudo(hash) {
		return hash[:7]
	}
	return hash
}

func plural(n int, word string) string {
	if n != 1 {
		word += "s"
	}
	return strconv.Itoa(n) + " " + word
}

// wrap breaks text into lines of at most n columns at spaces, keeping the
// text's own line breaks; a word longer than n gets a line of its own.
func wrap(text string, n int) []string {
	var out []string
	if strings.TrimSpace(text) == "" {
		return nil
	}
	for _, para := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case len(line)+1+len(word) <= n:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return out
}
