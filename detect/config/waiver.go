package config

import (
	"bytes"
	"go/scanner"
	"go/token"
	"regexp"
	"strings"
)

// Waiver is one inline waiver: //goodhart:allow RULE[,RULE] [SYMBOL] --
// reason in Go, # goodhart:allow … in YAML, Makefiles and shell.
type Waiver struct {
	Rules  []string // rule IDs, lower-case
	Symbol string   // the symbol it names, "" for none
	Reason string   // "" when it gives none: such a waiver is not honoured
	Line   int
	Text   string // the comment as written, trimmed
	// Key identifies the waiver where it stands: its line and the next
	// line that is neither blank nor only a comment, spaces folded. A waiver moved to other code,
	// or whose code changed, is another waiver: one that was on reviewed
	// code does not carry over to new code.
	Key string
}

// Names reports whether the waiver names a rule.
func (w Waiver) Names(rule string) bool {
	for _, r := range w.Rules {
		if strings.EqualFold(r, rule) {
			return true
		}
	}
	return false
}

// Covers reports whether the waiver's symbol, if it names one, is the
// finding's symbol or one that holds it (TestX holds TestX/case).
func (w Waiver) Covers(symbol string) bool {
	return w.Symbol == "" || symbol == w.Symbol || strings.HasPrefix(symbol, w.Symbol+"/")
}

// Marker is what every waiver contains; a file without it has none.
const Marker = "goodhart:allow"

var hashWaiverRE = regexp.MustCompile(`(?:^|\s)#\s?goodhart:allow\b(.*)$`)

// Waivers lists the waivers of a file: in comments for Go files, after a
// "#" for any other file.
func Waivers(path string, src []byte) []Waiver {
	if !bytes.Contains(src, []byte(Marker)) {
		return nil
	}
	var out []Waiver
	if strings.HasSuffix(path, ".go") {
		fset := token.NewFileSet()
		file := fset.AddFile(path, fset.Base(), len(src))
		var s scanner.Scanner
		s.Init(file, src, nil, scanner.ScanComments)
		for {
			pos, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok != token.COMMENT || !strings.HasPrefix(lit, "//") {
				continue
			}
			body := strings.TrimPrefix(strings.TrimPrefix(lit, "//"), " ")
			if rest, ok := strings.CutPrefix(body, Marker); ok {
				if w, ok := parseWaiver(rest); ok {
					w.Line, w.Text = file.Line(pos), strings.TrimSpace(lit)
					out = append(out, w)
				}
			}
		}
		return keyed(src, out)
	}
	for i, line := range strings.Split(string(src), "\n") {
		m := hashWaiverRE.FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		if w, ok := parseWaiver(line[m[2]:m[3]]); ok {
			w.Line = i + 1
			w.Text = strings.TrimSpace(line[strings.Index(line[m[0]:], "#")+m[0]:])
			out = append(out, w)
		}
	}
	return keyed(src, out)
}

// keyed sets each waiver's Key from the lines of its file.
func keyed(src []byte, ws []Waiver) []Waiver {
	if len(ws) == 0 {
		return ws
	}
	lines := strings.Split(string(src), "\n")
	for i := range ws {
		next := ""
		for j := ws[i].Line; j < len(lines); j++ { // lines[j] is line j+1
			if l := strings.TrimSpace(lines[j]); l != "" && !strings.HasPrefix(l, "//") && !strings.HasPrefix(l, "#") {
				next = lines[j]
				break
			}
		}
		ws[i].Key = fold(lines[ws[i].Line-1]) + "\n" + fold(next)
	}
	return ws
}

func fold(s string) string { return strings.Join(strings.Fields(s), " ") }

// parseWaiver reads what follows "goodhart:allow": the rules, an optional
// symbol, then "-- reason".
func parseWaiver(rest string) (Waiver, bool) {
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return Waiver{}, false // goodhart:allowed, …
	}
	head, reason, _ := strings.Cut(rest, "--")
	fields := strings.Fields(head)
	if len(fields) == 0 {
		return Waiver{}, false
	}
	var w Waiver
	for _, r := range strings.Split(fields[0], ",") {
		if r = strings.ToLower(strings.TrimSpace(r)); r != "" {
			w.Rules = append(w.Rules, r)
		}
	}
	if len(w.Rules) == 0 {
		return Waiver{}, false
	}
	if len(fields) > 1 {
		w.Symbol = fields[1]
	}
	w.Reason = meaningful(strings.TrimSpace(reason))
	return w, true
}

// meaningful returns a reason if it says something: three letters at least.
func meaningful(r string) string {
	letters := 0
	for _, c := range r {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			letters++
		}
	}
	if letters < 3 {
		return ""
	}
	return r
}
