package report

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/goodhart-dev/goodhart/detect"
)

// Formats lists every output format, in the order help texts name them.
var Formats = []string{"text", "json", "sarif", "github", "markdown"}

var errNoResult = errors.New("report: no result")

// Output is one requested report: a format and the file it goes to.
type Output struct {
	Format string
	Path   string // "" for standard output
}

// ParseOutput reads a --format value: FORMAT for standard output, or
// FORMAT=PATH for a file ("-" as PATH is standard output too). Only the
// first "=" splits, so a path may contain one.
func ParseOutput(spec string) (Output, error) {
	format, path, _ := strings.Cut(spec, "=")
	if !slices.Contains(Formats, format) {
		return Output{}, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	if path == "-" {
		path = ""
	}
	return Output{Format: format, Path: path}, nil
}

// Options carries what some formats need besides the result.
type Options struct {
	Color   bool   // text: colour severities
	Quiet   bool   // text: the findings only
	Version string // sarif: goodhart's version, for the tool driver
	// Rules are the rules the sarif format describes; nil means
	// detect.Rules().
	Rules []*detect.Rule
	// FullReport says where the complete report can be read, for the
	// formats that may leave something out (github, markdown).
	FullReport string
	// MaxBytes caps the markdown report; 0 means MarkdownLimit.
	MaxBytes int
	// Token makes the github format's stop-commands token; nil means a
	// random one. Tests fix it.
	Token func() string
}

// Write writes the result in the named format.
func Write(w io.Writer, format string, r *detect.Result, opts Options) error {
	switch format {
	case "text":
		return Text(w, r, TextOptions{Color: opts.Color, Quiet: opts.Quiet})
	case "json":
		return JSON(w, r)
	case "sarif":
		return SARIF(w, r, SARIFOptions{Version: opts.Version, Rules: opts.Rules})
	case "github":
		return GitHub(w, r, GitHubOptions{FullReport: opts.FullReport, Token: opts.Token})
	case "markdown":
		return Markdown(w, r, MarkdownOptions{FullReport: opts.FullReport, MaxBytes: opts.MaxBytes})
	}
	return fmt.Errorf("report: unknown format %q", format)
}

// bySeverity orders findings most severe first, then by file and line, so
// that the formats that can show only some show the ones that matter.
func bySeverity(fs []detect.Finding) []detect.Finding {
	sorted := slices.Clone(fs)
	slices.SortStableFunc(sorted, func(a, b detect.Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity),
			strings.Compare(fileOf(a), fileOf(b)), cmp.Compare(lineOf(a), lineOf(b)))
	})
	return sorted
}

// diffLines turns excerpt lines into unified-diff lines. detect writes the
// mark, a space, then the code ("- func TestX"); a diff wants the code right
// after the mark.
func diffLines(excerpt []string) []string {
	out := make([]string, len(excerpt))
	for i, l := range excerpt {
		if len(l) >= 2 && strings.ContainsRune("+- ", rune(l[0])) && l[1] == ' ' {
			l = l[:1] + l[2:]
		}
		out[i] = l
	}
	return out
}

// who names who made a finding's commit.
func who(f detect.Finding) string {
	if f.Agent == "" {
		return "a person"
	}
	return "agent " + f.Agent
}

// baseNote says where a finding was in base when that is not where it is
// reported in head, or "" when there is nothing to add.
func baseNote(f detect.Finding) string {
	switch {
	case f.OldFile == "":
		return ""
	case f.File == "":
		return "It was at " + pos(f.OldFile, f.OldLine) + " in base; the file is gone from head."
	case f.OldFile == f.File && f.OldLine == f.Line:
		return ""
	}
	return "It was at " + pos(f.OldFile, f.OldLine) + " in base."
}
