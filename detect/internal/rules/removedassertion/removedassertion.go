package removedassertion

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// idRemovedAssertion is the rule's stable identifier: users filter and accept findings by it.
const ID = "removed-assertion"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Error,
	Doc: `A test (or subtest, or fuzz target) that exists in base and head makes fewer
assertions in head, and the missing ones did not move.

Assertions are read across Go's test libraries — testing's t.Error/t.Fatal and
the conditions guarding them, testify (assert, require, assert.New objects,
suites), gomega, quicktest, matryer/is, gotest.tools, gocheck, go-cmp — and the
package's own helpers that receive the *testing.T are expanded, so every check
is compared by what it checks, whatever library wrote it.

Not flagged: an assertion moved into a helper, another subtest or a new test of
the package, rewritten with another library (if got != want { t.Errorf } →
assert.Equal), folded into the predicate of a kept assertion (Eventually), or
turned into rows of a table; a check that went with the value it checked (the
function no longer returns it). Info when the test's expectations were redrawn
(a removed check beside a kept check of the same values that now looks for
something else: "page" became "cursor"), and when the same check was redrawn
so in another test of the change: one redesign seen in several tests.

Example:
     got, err := Parse("1+2")
    -if err != nil {
    -	t.Fatal(err)
    -}
     if got != 3 {

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): no alarm. The 2 errors it raised (checks redrawn after a
redesign of the tools' parameters) are info now; reworked tests are info.`,
	Run: func(p *model.Pass) { runRemovedAssertion(&pass{Pass: p}) },
}

// pass is the rule's view of one analysis: the model's Pass, with the
// rule's own steps as methods.
type pass struct {
	*model.Pass
	redrawn map[string]string // a removed check's text → a test that redrew it
	handed  string            // why the helper being reported handed its checks to its callers (handedToCallers)
}

func runRemovedAssertion(a *pass) {
	reported := map[string]bool{} // helpers reported on their own, by name
	for _, m := range a.Helpers {
		if d := a.DiffAssertions(m); len(d.Removed)+len(d.Followed) > 0 {
			a.handed = a.handedToCallers(m, d.Removed)
			a.reportRemoved(m, d, "the helper "+m.Head.Name+" (and so every test that calls it)")
			a.handed = ""
			reported[m.Head.Name] = true
		}
	}
	type lost struct {
		m *model.Match
		d *model.AssertDiff
	}
	var all []lost
	for _, m := range a.Matches {
		if !model.Comparable(m) || !m.Head.Runs() || a.Untouched(m) {
			continue
		}
		if what, _ := a.Hollowed(m); what != "" {
			continue // disabled-test reports a test hollowed out
		}
		if d := a.DiffAssertions(m); len(d.Removed)+len(d.Followed) > 0 && !throughReported(m, d, reported) {
			all = append(all, lost{m, d})
		}
	}
	// A check the change redrew in one test (removed beside a check of the
	// same values that now looks for something else) and removed from
	// another is one redesign seen twice.
	a.redrawn = map[string]string{}
	for _, l := range all {
		if len(l.d.Retargeted) == 0 {
			continue
		}
		for _, s := range l.d.Removed {
			if _, ok := a.redrawn[model.CallText(s)]; !ok {
				a.redrawn[model.CallText(s)] = l.m.Head.Name
			}
		}
	}
	for _, l := range all {
		a.reportRemoved(l.m, l.d, l.m.Head.Name)
	}
}

// throughReported reports whether a test whose own text is unchanged lost
// its checks only inside helpers reported on their own: the helper's
// finding, graded on the helper's change, speaks for every test that calls
// it, and the callers repeat it (graded on their own bodies, which did not
// change, they would read as checks cut from an untouched test).
func throughReported(m *model.Match, d *model.AssertDiff, reported map[string]bool) bool {
	if !model.SameText(m) {
		return false
	}
	for _, s := range append(append([]*model.Site(nil), d.Removed...), d.Followed...) {
		if len(s.Via) == 0 || !reported[s.Via[0]] {
			return false
		}
	}
	for _, w := range d.Weakened {
		if w.Base != nil && (len(w.Base.Via) == 0 || !reported[w.Base.Via[0]]) {
			return false
		}
	}
	return true
}

// redrawnElsewhere names the other test where the change redrew a check
// it removed from this one, or "".
func (a *pass) redrawnElsewhere(m *model.Match, gone []*model.Site) string {
	for _, s := range gone {
		if t, ok := a.redrawn[model.CallText(s)]; ok && t != m.Head.Name {
			return t
		}
	}
	return ""
}

func (a *pass) reportRemoved(m *model.Match, d *model.AssertDiff, who string) {
	bt, ht := m.Base, m.Head
	sev, gone, why := finding.Error, d.Removed, "A test that stops checking something still passes when that thing breaks. Check whether these assertions were failing, and why they were removed."
	where := "gone and did not move elsewhere"
	switch {
	case len(gone) > 0 && a.handed != "":
		sev, why, where = finding.Info, a.handed, "gone from it"
	case len(gone) == 0:
		sev, gone, why = finding.Info, d.Followed, "They went with the code they checked: "+d.Why+". Confirm the change was intended."
	case len(d.Added) > 0:
		var added []string
		for _, s := range d.Added {
			added = append(added, model.CallText(s))
		}
		sev, why = finding.Info, fmt.Sprintf("The test was reworked rather than cut: it also gained %s of its own (%s), which may check the same behaviour another way. Check that what the removed ones verified is still covered.",
			model.Plural(len(added), "a check", fmt.Sprintf("%d checks", len(added))), model.ListNames(added, 3))
	case len(d.Retargeted) > 0 && model.Surgical(m, lostSites(d, gone)):
		var now []string
		for _, s := range d.Retargeted {
			now = append(now, model.CallText(s))
		}
		sev, why = finding.Info, fmt.Sprintf("The test's expectations were redrawn rather than cut: beside the removed ones, %s of the same values now look for something else (%s), as when what the code returns was redesigned. Check that the redesign was intended and that what the removed ones verified is gone from the code too.",
			model.Plural(len(now), "a check", fmt.Sprintf("%d checks", len(now))), model.ListNames(now, 3))
	case a.redrawnElsewhere(m, gone) != "":
		sev, why = finding.Info, "The change redrew the same check in "+a.redrawnElsewhere(m, gone)+", where a check of the same values now looks for something else: one redesign of what the code returns, seen in several tests. Check that the redesign was intended."
	case len(newHelpers(m)) > 0:
		sev, why = finding.Info, "Its checks may have moved into "+model.ListNames(newHelpers(m), 3)+", which head calls and base did not; helpers reached without the *testing.T are not followed. Check that they check the same things."
	case !model.Surgical(m, lostSites(d, gone)):
		// On real pull requests, checks lost in a test reworked around them
		// were almost never a shortcut: shown, but not an alarm.
		sev, why = finding.Info, "The rest of the test changed too, which reads as a rework rather than a cut."
		if lost := model.LostValues(m, gone); len(lost) > 0 {
			why += " The values they compared (" + model.ListNames(lost, 4) + ") appear nowhere in the test now."
		}
		why += " Check that what they verified is still covered."
	default:
		why = "Only the checks were cut: the rest of the test is as it was. " + why
	}
	var list, excerpt []string
	for _, s := range gone {
		list = append(list, fmt.Sprintf("%s (line %d)", model.CallText(s), s.File.Line(s.At.Pos())))
		excerpt = append(excerpt, s.File.Lines(siteStart(s), siteEnd(s), "-", 4)...)
	}
	first := gone[0]
	a.Report(finding.Finding{
		Rule: ID, Severity: sev, Symbol: ht.Name, Pkg: ht.Dir,
		File: ht.File.Path, Line: ht.Line(), OldFile: bt.File.Path, OldLine: first.File.Line(first.At.Pos()),
		Excerpt: excerpt,
		Message: fmt.Sprintf("%s checks less than it did (%d assertions in base, %d in head): %s %s: %s. %s",
			upperFirst(who), d.BaseCount, d.HeadCount, model.Plural(len(list), "this one is", "these are"), where, strings.Join(list, ", "), why),
	})
}

// siteStart is where a check's excerpt begins: at the if that guards a
// failure when it is close above, so that the reader sees what was checked.
func siteStart(s *model.Site) token.Pos {
	at := s.At.Pos()
	if n := len(s.Gates); n > 0 && s.Kind != model.SiteAssert && len(s.Via) == 0 && s.Gates[n-1].Cond != nil {
		if c := s.Gates[n-1].Cond.Pos(); c < at && s.File.Line(at)-s.File.Line(c) <= 3 {
			return s.File.Fset.File(c).LineStart(s.File.Line(c))
		}
	}
	return at
}

// siteEnd is where a check's excerpt ends: the closing brace of the if
// that guards a failure, or the call.
func siteEnd(s *model.Site) token.Pos {
	end := s.At.End()
	if siteStart(s) != s.At.Pos() {
		tf := s.File.Fset.File(end)
		if l := s.File.Line(end); l < tf.LineCount() {
			return tf.LineStart(l+1) + token.Pos(len(strings.TrimRight(lineText(s.File, l+1), " \t")))
		}
	}
	return end
}

func lineText(f *model.SrcFile, line int) string {
	tf := f.Fset.File(f.AST.Pos())
	if line < 1 || line > tf.LineCount() {
		return ""
	}
	start := tf.Offset(tf.LineStart(line))
	end := len(f.Src)
	if line < tf.LineCount() {
		end = tf.Offset(tf.LineStart(line + 1))
	}
	return strings.TrimRight(string(f.Src[start:end]), "\n")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// assertionHelper matches the names of helpers that check things:
// AssertReady, requireJSON, expectStatus, verifyRows, mustMatch.
var assertionHelper = regexp.MustCompile(`^(?i:assert|require|expect|check|verify|must|ensure|should)([A-Z_]|$)`)

// newHelpers lists the checking helpers a head test calls that its base
// version did not: where checks go when a test is tidied.
func newHelpers(m *model.Match) []string {
	calls := func(body ast.Node) map[string]bool {
		out := map[string]bool{}
		ast.Inspect(body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if _, name := model.CallName(call); assertionHelper.MatchString(name) {
					out[name] = true
				}
			}
			return true
		})
		return out
	}
	had := calls(m.Base.Body)
	var out []string
	for name := range calls(m.Head.Body) {
		if !had[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// lostSites are the base checks a test no longer makes as they were: the
// removed ones and those the diff found weakened.
func lostSites(d *model.AssertDiff, removed []*model.Site) []*model.Site {
	out := append([]*model.Site(nil), removed...)
	for _, w := range d.Weakened {
		if w.Base != nil {
			out = append(out, w.Base)
		}
	}
	return out
}

// handedToCallers says why a helper's removed checks moved to its callers:
// each looked at a value the helper now returns (return out, err), and
// every test of the package that calls the helper binds that result to a
// name (out, err := run(t, …)), which Go makes it use. "" when not so.
func (a *pass) handedToCallers(m *model.Match, gone []*model.Site) string {
	if len(gone) == 0 || m.Head.Body == nil {
		return ""
	}
	returned := map[string]int{} // a name the helper returns → its result position
	ast.Inspect(m.Head.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false // a closure's return is not the helper's
		case *ast.ReturnStmt:
			for i, r := range x.Results {
				if id, ok := r.(*ast.Ident); ok && id.Name != "nil" {
					returned[id.Name] = i
				}
			}
		}
		return true
	})
	if len(returned) == 0 {
		return ""
	}
	var names []string
	positions := map[int]bool{}
	for _, s := range gone {
		found := ""
		for _, n := range []ast.Node{s.At} {
			ast.Inspect(n, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && found == "" {
					if _, ok := returned[id.Name]; ok {
						found = id.Name
					}
				}
				return found == ""
			})
		}
		for _, g := range s.Gates {
			if found == "" && g.Cond != nil {
				ast.Inspect(g.Cond, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && found == "" {
						if _, ok := returned[id.Name]; ok {
							found = id.Name
						}
					}
					return found == ""
				})
			}
		}
		if found == "" {
			return ""
		}
		if !slices.Contains(names, found) {
			names = append(names, found)
		}
		positions[returned[found]] = true
	}
	callers := 0
	for _, tf := range a.Head.PkgTests(m.Head.Dir) {
		if !tf.IsTest() || tf.Parent != nil || tf.Body == nil {
			continue
		}
		ok := true
		ast.Inspect(tf.Body, func(n ast.Node) bool {
			if !ok {
				return false
			}
			switch x := n.(type) {
			case *ast.AssignStmt:
				if len(x.Rhs) == 1 {
					if call, isCall := x.Rhs[0].(*ast.CallExpr); isCall && calls(call, m.Head.Name) {
						callers++
						for p := range positions {
							if p >= len(x.Lhs) {
								ok = false
							} else if id, isID := x.Lhs[p].(*ast.Ident); !isID || id.Name == "_" {
								ok = false
							}
						}
						return false
					}
				}
			case *ast.CallExpr:
				if calls(x, m.Head.Name) {
					ok = false // its results thrown away
				}
			}
			return true
		})
		if !ok {
			return ""
		}
	}
	if callers == 0 {
		return ""
	}
	return fmt.Sprintf("The helper now returns %s to its callers instead of checking it, and each of the %d calls of it in the package's tests keeps that result: the check moved to them. Check that they check it.",
		model.ListNames(names, 3), callers)
}

// calls reports whether a call is of the function name (bare).
func calls(call *ast.CallExpr, name string) bool {
	recv, n := model.CallName(call)
	return recv == "" && n == name
}
