package model

import (
	"go/ast"
	"slices"
	"strings"
)

// A test can follow the code without any declaration going away: the
// function it drives keeps its name but loses the branch the test was
// written for (Run no longer has its table output, Close no longer closes
// the idle connections). The range shows that as names the function's base
// body used and its head body no longer does. A removed test or check that
// names one of them — in its code, or as a word of the test's own name —
// went with that branch.

// lostNames lists, for each function or method the range changed, the
// specific names its base body used and its head body does not, keyed by
// the function's name; methods also carry their receiver type.
type lostNames struct {
	fn   string
	recv string // receiver type name, "" for a function
	dir  string
	lost []string
}

func (a *Pass) lostPaths() []lostNames {
	if a.lost != nil {
		return *a.lost
	}
	var out []lostNames
	for _, pf := range a.ChangedFuncs() {
		if pf.Old == nil {
			continue
		}
		had, has := namesIn(pf.Old.Body), namesIn(pf.Decl.Body)
		var lost []string
		for n := range had {
			if !has[n] && specificName(n) {
				lost = append(lost, n)
			}
		}
		if len(lost) == 0 {
			continue
		}
		slices.Sort(lost)
		ln := lostNames{fn: pf.Decl.Name.Name, dir: pf.Dir, lost: lost}
		if r, _, ok := strings.Cut(pf.Symbol, "."); ok && r != pf.Symbol {
			ln.recv = r
		}
		out = append(out, ln)
	}
	a.lost = &out
	return out
}

// namesIn collects the identifiers a body uses, selectors' names included.
func namesIn(n ast.Node) map[string]bool {
	out := map[string]bool{}
	if n == nil {
		return out
	}
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			out[id.Name] = true
		}
		return true
	})
	return out
}

// pathGone reports, for a removed piece of test code in package dir that
// calls the functions in called and builds values of the types in types,
// the branches of those functions the range removed and it names: in its
// nodes (names), or, for a removed test, as a word of its name (words).
func (a *Pass) pathGone(dir string, called, types, names map[string]bool, testName string) []string {
	lps := a.lostPaths()
	if len(lps) == 0 {
		return nil
	}
	var nameWords []string
	if testName != "" {
		for _, part := range testSubjects(testName) {
			for _, w := range camelWords(part) {
				if len(w) >= 5 {
					nameWords = append(nameWords, strings.ToLower(w))
				}
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, lp := range lps {
		if lp.dir != dir || !called[lp.fn] {
			continue
		}
		if lp.recv == "" && !specificName(lp.fn) {
			continue
		}
		if lp.recv != "" && !specificName(lp.fn) && !types[strings.ToLower(lp.recv)] {
			continue // Run, Close: only on a value of the type the test built
		}
		own := map[string]bool{}
		for _, w := range append(camelWords(lp.fn), camelWords(lp.recv)...) {
			own[strings.ToLower(w)] = true
		}
		for _, n := range lp.lost {
			hit := names[n]
			if !hit {
				for _, w := range nameWords {
					if !own[w] && slices.Contains(lowerWords(n), w) {
						hit = true
						break
					}
				}
			}
			if hit {
				what := lp.fn
				if lp.recv != "" {
					what = lp.recv + "." + lp.fn
				}
				if k := what + " no longer uses " + n; !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

func lowerWords(s string) []string {
	ws := camelWords(s)
	for i, w := range ws {
		ws[i] = strings.ToLower(w)
	}
	return ws
}
