package model

import (
	"bytes"
	"strings"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// The prefilter spares the parser the test files that cannot matter. Most of
// a large check's time goes into parsing, and a common change to a test file
// only adds new tests. When every changed test file of a range was added, or
// only gained whole new top-level declarations between existing ones, and no
// test file lost a line, then no test of base can have gone, moved, been
// skipped or weakened: the test files' trees are not needed. Anything less
// certain is parsed. Options.Exhaustive turns the prefilter off; the fixture
// suite checks that it changes no finding.

// needlessTestFiles returns the paths of changed test files that need not be
// parsed, or nil when all must be.
func (l *Loader) needlessTestFiles(changes []gitutil.Change) map[string]bool {
	if l.Exhaustive {
		return nil
	}
	skip := map[string]bool{}
	for _, c := range changes {
		from, to := c.From != nil && IsTestFile(c.From.Path), c.To != nil && IsTestFile(c.To.Path)
		switch {
		case !from && !to:
			if (c.From != nil && Relevant(c.From.Path)) || (c.To != nil && Relevant(c.To.Path) && strings.Contains(c.To.Path, "_test")) {
				return nil // a test file renamed to or from an odd name
			}
		case c.From == nil: // added
			src, err := l.repo.Blob(c.To.Blob)
			if err != nil || bytes.Contains(src, []byte("TestMain")) {
				return nil
			}
			if skipReason(c.To.Path, src) == "" {
				skip[c.To.Path] = true // an odd file is left to the loader, which says why it skips it
			}
		case c.To == nil || c.From.Path != c.To.Path || !from || !to:
			return nil // a test file deleted or renamed: its tests may be anywhere now
		default:
			old, err1 := l.repo.Blob(c.From.Blob)
			cur, err2 := l.repo.Blob(c.To.Blob)
			if err1 != nil || err2 != nil || !onlyAddsDecls(old, cur) {
				return nil
			}
			skip[c.To.Path] = true
		}
	}
	return skip
}

// onlyAddsDecls reports whether cur is old with whole top-level declarations
// inserted after the end of existing ones, and nothing else changed.
func onlyAddsDecls(old, cur []byte) bool {
	ol, nl := strings.Split(view(old), "\n"), strings.Split(view(cur), "\n")
	i := 0
	var run []string
	flush := func() bool {
		if len(run) == 0 {
			return true
		}
		ok := i > 0 && atTopLevel(ol, i) && wholeDecls(run)
		run = run[:0]
		return ok
	}
	for _, line := range nl {
		if i < len(ol) && line == ol[i] {
			if !flush() {
				return false
			}
			i++
			continue
		}
		run = append(run, line)
	}
	return i == len(ol) && flush()
}

// atTopLevel reports whether an insertion before old line i stands between
// declarations: after a closing brace or parenthesis at column 0, or after
// blank lines that follow one.
func atTopLevel(ol []string, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch strings.TrimRight(ol[j], " \t\r") {
		case "":
			continue
		case "}", ")":
			return true
		}
		return false
	}
	return false
}

// wholeDecls reports whether inserted lines are complete top-level function,
// type, variable or constant declarations (with their comments), and none
// that changes how the package's existing tests run.
func wholeDecls(run []string) bool {
	started, last := false, ""
	for _, line := range run {
		t := strings.TrimRight(line, " \t\r")
		switch {
		case t == "":
			continue
		case strings.HasPrefix(t, "//go:") || strings.HasPrefix(t, "// +build") || strings.HasPrefix(t, "package "):
			return false
		case strings.HasPrefix(t, "func TestMain(") || strings.HasPrefix(t, "func init("):
			return false
		case !started && strings.HasPrefix(t, "//"):
		case !started:
			if !strings.HasPrefix(t, "func ") && !strings.HasPrefix(t, "type ") && !strings.HasPrefix(t, "var ") && !strings.HasPrefix(t, "const ") {
				return false
			}
			started = true
		}
		last = t
	}
	return started && !strings.HasPrefix(last, "\t") && !strings.HasPrefix(last, " ") && balanced(run)
}

// balanced reports whether the braces and parentheses of inserted lines
// close (a rough count: a brace inside a string makes the answer "no", which
// only means the file gets parsed).
func balanced(run []string) bool {
	depth := 0
	for _, line := range run {
		for _, r := range line {
			switch r {
			case '{', '(':
				depth++
			case '}', ')':
				depth--
				if depth < 0 {
					return false
				}
			}
		}
	}
	return depth == 0
}
