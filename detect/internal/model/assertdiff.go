package model

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

// This file compares the assertions of a test in base with those of the
// same test in head, and sorts every difference: a check that is gone, a
// check that became weaker, or a rewrite that checks the same thing.
// removed-assertion and weakened-assertion report from the one comparison.

// AssertDiff is the comparison of one matched test.
type AssertDiff struct {
	BaseCount, HeadCount int
	Removed              []*Site
	Weakened             []Weakening
	// Followed are checks gone with the code they checked, and Why says so
	// (see SubjectOf): a reviewer may want to see them, nothing more.
	Followed []*Site
	Why      string
	// Added are head's checks that pair with none of base's: with checks
	// removed too, the test was reworked rather than cut.
	Added []*Site
	// Retargeted are head's checks paired with a base check of the same
	// value or relation that now look for something else (Contains "page"
	// → Contains "cursor"): the test's expectations were redrawn.
	Retargeted []*Site
}

func (a *Pass) DiffAssertions(m *Match) *AssertDiff {
	if d, ok := a.diffs[m]; ok {
		return d
	}
	d := a.compareAssertions(m)
	if a.diffs == nil {
		a.diffs = map[*Match]*AssertDiff{}
	}
	a.diffs[m] = d
	return d
}

// Comparable reports whether a match is worth comparing check by check.
func Comparable(m *Match) bool {
	return (m.Kind == MatchSame || m.Kind == matchMoved) && m.Head.IsTest() &&
		m.Base.Kind != KindMain && m.Base.Kind != KindBenchmark && m.Base.Kind != KindExample
}

func checksOf(sites []*Site) (checks, logs []*Site) {
	for _, s := range sites {
		switch s.Kind {
		case SiteFail, SiteAssert:
			checks = append(checks, s)
		case siteLog:
			logs = append(logs, s)
		}
	}
	return checks, logs
}

func (a *Pass) compareAssertions(m *Match) *AssertDiff {
	bs := a.ChecksIn(a.Base, m.Base)
	headSites := CollectSites(a.Head, m.Head)
	hs, hl := checksOf(headSites)
	d := &AssertDiff{BaseCount: len(bs), HeadCount: len(hs)}
	ub, uh := pairByKey(bs, hs, d)
	// A check that is not in head as such may have become a log, or been
	// rewritten: paired first with a head check that compares the same
	// values, then, failing that, with one of the same relation.
	var left []*Site
	for _, b := range ub {
		if i := findSite(hl, func(h *Site) bool { return h.key == b.key }); i >= 0 {
			d.Weakened = append(d.Weakened, Weakening{b, hl[i], finding.Error, fmt.Sprintf("%s became %s: it now only logs, and can no longer fail", CallText(b), CallText(hl[i]))})
			hl = append(hl[:i], hl[i+1:]...)
			continue
		}
		left = append(left, b)
	}
	var gone []*Site
	for pass, pairs := range []func(b, h *Site) bool{sharesOperand, sameRelation} {
		var next []*Site
		for _, b := range left {
			i := findSite(uh, func(h *Site) bool { return pairs(b, h) })
			if i < 0 {
				next = append(next, b)
				continue
			}
			h := uh[i]
			uh = append(uh[:i], uh[i+1:]...)
			d.compareRewrite(b, h)
		}
		left = next
		if pass == 0 {
			left = a.withoutAPIChanges(m, left)
		} else {
			gone = next
		}
	}
	for _, h := range uh {
		if !neverFails(h) {
			d.Added = append(d.Added, h)
		}
		if neverFails(h) {
			d.Weakened = append(d.Weakened, Weakening{nil, h, finding.Error, fmt.Sprintf("the new check %s can never fail: %s", CallText(h), neverWhy(h))})
		}
	}
	d.Weakened = append(d.Weakened, a.wantFromGot(m, hs)...)
	gone = tableDriven(gone, hs)
	for _, b := range gone {
		if findSite(headSites, func(h *Site) bool { return h.Kind == SiteSkip && h.key == b.key }) >= 0 {
			continue // the failure became a skip: skipped-test reports it
		}
		if w, ok := a.errorDropped(m, b); ok {
			d.Weakened = append(d.Weakened, w)
			continue
		}
		if a.explained(m, b, hs) {
			continue
		}
		if v := inputReplaced(m, b); v != "" {
			d.Followed = append(d.Followed, b)
			if d.Why == "" {
				d.Why = "the test no longer feeds the value it looked for (" + v + "): its scenario changed, and the check went with its input"
			}
			continue
		}
		if s := a.SubjectOf(m.Base, false, checkedNodesAndCtx(b)...); s.Followed() {
			d.Followed = append(d.Followed, b)
			if d.Why == "" {
				d.Why = s.Why()
			}
			continue
		}
		d.Removed = append(d.Removed, b)
	}
	if d.HeadCount >= d.BaseCount || (len(d.Removed) > 0 && a.becameTable(m, d)) {
		d.Removed, d.Followed = nil, nil // as many checks as before: rewritten, not removed
	}
	return d
}

// becameTable recognises a test rewritten around a case table: its loop
// over the rows makes at least as many checks as base's test did in all,
// and the rows carry the values the removed checks compared.
func (a *Pass) becameTable(m *Match, d *AssertDiff) bool {
	if a.CaseChecks(a.Head, m.Head) < d.BaseCount {
		return false
	}
	want := map[string]bool{}
	for _, b := range d.Removed {
		for v := range siteLiterals(b) {
			want[v] = true
		}
	}
	if len(want) == 0 {
		return true
	}
	have := a.Head.tableLiterals(m.Head)
	n := 0
	for v := range want {
		if _, ok := findLiteral(v, have); ok {
			n++
		}
	}
	return 2*n >= len(want)
}

// withoutAPIChanges drops the checks that went with the API they checked,
// so that the weak pairing by relation alone cannot spend a head check on
// them and leave a real removal unpaired.
func (a *Pass) withoutAPIChanges(m *Match, checks []*Site) []*Site {
	var out []*Site
	for _, b := range checks {
		if !a.apiRemoved(m, b) && !a.operandVanished(m, b) {
			out = append(out, b)
		}
	}
	return out
}

// compareRewrite judges a base check paired with its rewrite in head: a
// rewrite that can never fail, is newly gated, or checks less is a
// weakening; otherwise it checks the same thing another way.
func (d *AssertDiff) compareRewrite(b, h *Site) {
	switch {
	case neverFails(h):
		d.Weakened = append(d.Weakened, Weakening{b, h, finding.Error, fmt.Sprintf("the check %s can no longer fail: %s", CallText(b), neverWhy(h))})
	case newlyGated(b, h) != "":
		d.Weakened = append(d.Weakened, Weakening{b, h, finding.Error, fmt.Sprintf("the check %s now runs only %s", CallText(b), newlyGated(b, h))})
	case sharesOperand(b, h) && simpleKey(b) && simpleKey(h) && !opaque(h.key) && strength(h.key) < strength(b.key) && !countForCount(b, h):
		d.Weakened = append(d.Weakened, Weakening{b, h, finding.Warning, fmt.Sprintf("%s became the weaker %s", CallText(b), CallText(h))})
	default:
		d.Retargeted = append(d.Retargeted, h)
	}
}

// pairByKey pairs base and head checks with the same failure condition,
// compares what pairs still differ in (tolerances, cmp options), and
// returns the unpaired ones.
func pairByKey(bs, hs []*Site, d *AssertDiff) (ub, uh []*Site) {
	uh = append([]*Site(nil), hs...)
	for _, b := range bs {
		i := findSite(uh, func(h *Site) bool { return h.key == b.key })
		if i < 0 {
			ub = append(ub, b)
			continue
		}
		h := uh[i]
		uh = append(uh[:i], uh[i+1:]...)
		if w, ok := loosened(b, h); ok {
			d.Weakened = append(d.Weakened, w)
		}
		if g := newlyGated(b, h); g != "" {
			d.Weakened = append(d.Weakened, Weakening{b, h, finding.Error, fmt.Sprintf("the check %s now runs only %s", CallText(b), g)})
		}
		if w, ok := newIgnores(b, h); ok {
			d.Weakened = append(d.Weakened, w)
		}
	}
	return ub, uh
}

func findSite(ss []*Site, pred func(*Site) bool) int {
	for i, s := range ss {
		if pred(s) {
			return i
		}
	}
	return -1
}

// countForCount reports whether a length check replaced the check of a count
// against the same number (Equal(t, 2, int(n)) → Len(t, lines, 2)): both
// compare a count exactly, so the length check is no weaker.
func countForCount(b, h *Site) bool {
	if !strings.Contains(h.key, "len(") {
		return false
	}
	for _, x := range b.operands {
		if _, err := strconv.Atoi(x); err == nil && slices.Contains(h.operands, x) {
			return true
		}
	}
	return false
}

func sharesOperand(b, h *Site) bool {
	for _, x := range b.operands {
		if x == "nil" || x == "true" || x == "false" || x == `""` {
			continue
		}
		for _, y := range h.operands {
			if x == y {
				return true
			}
		}
	}
	return false
}

// newlyGated says when a check that base always made now runs only outside
// CI or only in long runs — the test still passes where it is enforced —
// or "" when it is not newly gated so.
func newlyGated(b, h *Site) string {
	bf, hf := gateFacts(b), gateFacts(h)
	switch {
	case hf.ciVar != "" && bf.ciVar == "":
		return "when the " + hf.ciVar + " environment variable says it is not running on CI, so CI no longer enforces it"
	case hf.short && !bf.short:
		return "outside -short mode (testing.Short())"
	}
	return ""
}

// simpleKey reports whether a check tests one condition (not a conjunction
// of gates), the only kind whose strength compares meaningfully.
// opaque reports whether a failure condition is a call goodhart does not
// read — a helper or an unknown assertion (call:…) — whose strength is
// unknown, so it cannot be called weaker.
func opaque(key string) bool { return strings.HasPrefix(key, "call:") }

func simpleKey(s *Site) bool {
	return !strings.Contains(s.key, " && ") && !strings.Contains(s.key, " || ")
}

func sameRelation(b, h *Site) bool {
	rb, _, _ := strings.Cut(b.key, "(")
	rh, _, _ := strings.Cut(h.key, "(")
	return rb == rh && rb != "" && !strings.Contains(rb, " ")
}

// CallText shows a check as a reader knows it: the call's first line, and
// for a failure the condition that guards it.
func CallText(s *Site) string {
	t := strings.TrimSpace(FirstLine(s.callFile.Text(s.call)))
	if len(t) > 80 {
		t = t[:77] + "…"
	}
	if s.Kind != SiteAssert {
		if g := GatesOnly(s); g != "" {
			if len(g) > 60 {
				g = g[:57] + "…"
			}
			t = "if " + g + " { " + t + " }"
		}
	}
	return "`" + t + "`"
}

// ChecksIn returns a test's checks, once per test.
func (a *Pass) ChecksIn(snap *Snapshot, tf *TestFunc) []*Site {
	if cs, ok := a.checks[tf]; ok {
		return cs
	}
	if a.checks == nil {
		a.checks = map[*TestFunc][]*Site{}
	}
	cs, _ := checksOf(CollectSites(snap, tf))
	a.checks[tf] = cs
	return cs
}

// inputReplaced recognises a check of a value the test fed itself — a
// string the check looks for that stood, in base, inside a literal the
// test passed outside its checks — when head's test no longer has that
// value anywhere: the test now feeds another input, and the check of the
// old one went with it. It returns the value, or "".
func inputReplaced(m *Match, b *Site) string {
	if b.Kind != SiteAssert || b.call == nil || m.Head == nil || m.Head.Body == nil {
		return ""
	}
	var inputs []string
	ast.Inspect(m.Base.Body, func(n ast.Node) bool {
		if n == b.call {
			return false
		}
		if l, ok := n.(*ast.BasicLit); ok && l.Kind == token.STRING {
			if v, err := strconv.Unquote(l.Value); err == nil {
				inputs = append(inputs, v)
			}
		}
		return true
	})
	headText := map[string]bool{}
	ast.Inspect(m.Head.Body, func(n ast.Node) bool {
		if l, ok := n.(*ast.BasicLit); ok && l.Kind == token.STRING {
			if v, err := strconv.Unquote(l.Value); err == nil {
				headText[v] = true
			}
		}
		return true
	})
	inHead := func(v string) bool {
		for h := range headText {
			if strings.Contains(h, v) {
				return true
			}
		}
		return false
	}
	found := ""
	ast.Inspect(b.call, func(n ast.Node) bool {
		l, ok := n.(*ast.BasicLit)
		if !ok || l.Kind != token.STRING || found != "" {
			return found == ""
		}
		v, err := strconv.Unquote(l.Value)
		if err != nil || len(v) < 4 || inHead(v) {
			return true
		}
		for _, in := range inputs {
			if strings.Contains(in, v) {
				found = strconv.Quote(v)
				break
			}
		}
		return true
	})
	return found
}
