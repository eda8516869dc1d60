package addedsuppression

import (
	"bytes"
	"go/scanner"
	"go/token"
	"strings"
)

// codeLines returns, for each line of a Go source (index 0 is line 1), its
// code with comments removed and tokens separated by single spaces: two
// lines with the same code compare equal whatever their comments and
// layout.
func codeLines(src []byte) []string {
	n := bytes.Count(src, []byte("\n")) + 1
	out := make([]string, n)
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0) // comments skipped, errors ignored
	var b []strings.Builder = make([]strings.Builder, n)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue // an inserted semicolon is not code
		}
		line := file.Line(pos) - 1
		if line < 0 || line >= n {
			continue
		}
		if b[line].Len() > 0 {
			b[line].WriteByte(' ')
		}
		if lit != "" {
			// A multi-line raw string counts on its first line.
			lit, _, _ = strings.Cut(lit, "\n")
			b[line].WriteString(lit)
		} else {
			b[line].WriteString(tok.String())
		}
	}
	for i := range out {
		out[i] = b[i].String()
	}
	return out
}

// changedLines marks the lines of cur (index 0 is line 1) that are not
// matched to an equal line of old by a longest common subsequence: new or
// changed lines. Blank lines are never marked. Without old (an added file)
// every line with code is new. Over a very large difference it falls back
// to counting: a line is new when cur has it more often than old.
func changedLines(old, cur []string) []bool {
	out := make([]bool, len(cur))
	if old == nil {
		for i, l := range cur {
			out[i] = l != ""
		}
		return out
	}
	pre := 0
	for pre < len(old) && pre < len(cur) && old[pre] == cur[pre] {
		pre++
	}
	suf := 0
	for suf < len(old)-pre && suf < len(cur)-pre && old[len(old)-1-suf] == cur[len(cur)-1-suf] {
		suf++
	}
	o, c := old[pre:len(old)-suf], cur[pre:len(cur)-suf]
	if len(o)*len(c) > 4_000_000 {
		count := map[string]int{}
		for _, l := range o {
			count[l]++
		}
		for i, l := range c {
			if count[l] > 0 {
				count[l]--
			} else {
				out[pre+i] = l != ""
			}
		}
		return out
	}
	// lcs[i][j] is the length of the longest common subsequence of o[i:] and c[j:].
	w := len(c) + 1
	lcs := make([]int32, (len(o)+1)*w)
	for i := len(o) - 1; i >= 0; i-- {
		for j := len(c) - 1; j >= 0; j-- {
			if o[i] == c[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for j < len(c) {
		switch {
		case i < len(o) && o[i] == c[j]:
			i++
			j++
		case i < len(o) && lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			i++
		default:
			out[pre+j] = c[j] != ""
			j++
		}
	}
	return out
}
