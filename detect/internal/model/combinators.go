package model

// This file finds assertions weakened by an option or a combinator rather
// than by a different matcher: a cmpopts.EquateApprox… margin made wide, a
// substring or pattern needle cut down to a fragment or to `.*`, an exact
// status check turned into a range, mock expectations no longer verified.
// The check itself still stands, so a count of checks sees nothing.

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

const pathCmpopts = "github.com/google/go-cmp/cmp/cmpopts"

// combinatorWeakenings lists the weakenings of this file for a matched test.
func (a *Pass) combinatorWeakenings(m *Match, d *AssertDiff) []Weakening {
	var out []Weakening
	out = append(out, a.widerApprox(m)...)
	out = append(out, a.shortenedNeedles(m)...)
	out = append(out, a.statusRanges(m)...)
	out = append(out, a.unverifiedMocks(m)...)
	out = append(out, swallowedPanics(m)...)
	out = append(out, a.loggedViaHelper(m)...)
	var kept []Weakening
	for _, w := range out {
		if findWeakening(d.Weakened, func(o Weakening) bool { return o.Head != nil && w.Head != nil && o.Head.call == w.Head.call }) < 0 {
			kept = append(kept, w) // the assertion diff did not already pair it as weaker
		}
	}
	return kept
}

func findWeakening(ws []Weakening, pred func(Weakening) bool) int {
	for i, w := range ws {
		if pred(w) {
			return i
		}
	}
	return -1
}

// CallText0 is the callee of a call as written: pkg.F, x.M, F.
func CallText0(call *ast.CallExpr) string {
	r, n := CallName(call)
	if r == "" {
		return n
	}
	return r + "." + n
}

// nodeSite stands for a head expression as a check's place in a finding.
func nodeSite(tf *TestFunc, n ast.Node) *Site {
	return &Site{Kind: SiteAssert, At: n, File: tf.File, call: n, callFile: tf.File}
}

// approxOption is one cmpopts.EquateApprox(fraction, margin) or
// cmpopts.EquateApproxTime(margin) call of a test, with its margin: the
// larger of fraction and margin for numbers, seconds for times.
type approxOption struct {
	call   *ast.CallExpr
	time   bool
	margin float64
	known  bool
}

func approxOptions(tf *TestFunc) []approxOption {
	var out []approxOption
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		recv, name := CallName(call)
		if recv == "" || tf.File.importPath(recv) != pathCmpopts {
			return true
		}
		switch name {
		case "EquateApprox":
			o := approxOption{call: call}
			if len(call.Args) == 2 {
				f, fok := numericNoConst(call.Args[0])
				mg, mok := numericNoConst(call.Args[1])
				o.margin, o.known = max(f, mg), fok && mok
			}
			out = append(out, o)
		case "EquateApproxTime":
			o := approxOption{call: call, time: true}
			if len(call.Args) == 1 {
				o.margin, o.known = durationSeconds(call.Args[0])
			}
			out = append(out, o)
		}
		return true
	})
	return out
}

// numericNoConst evaluates a literal expression, without constants.
func numericNoConst(e ast.Expr) (float64, bool) { return evalNumeric(e, nil) }

var durationUnits = map[string]time.Duration{
	"Nanosecond": time.Nanosecond, "Microsecond": time.Microsecond, "Millisecond": time.Millisecond,
	"Second": time.Second, "Minute": time.Minute, "Hour": time.Hour,
}

// durationSeconds evaluates time.Hour, 5*time.Second, time.Duration(3)*time.Minute.
func durationSeconds(e ast.Expr) (float64, bool) {
	switch x := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "time" {
			if d, ok := durationUnits[x.Sel.Name]; ok {
				return d.Seconds(), true
			}
		}
	case *ast.BinaryExpr:
		if x.Op != token.MUL {
			return 0, false
		}
		if d, ok := durationSeconds(x.Y); ok {
			if n, ok := numericNoConst(x.X); ok {
				return n * d, true
			}
		}
		if d, ok := durationSeconds(x.X); ok {
			if n, ok := numericNoConst(x.Y); ok {
				return n * d, true
			}
		}
	case *ast.CallExpr:
		if len(x.Args) == 1 {
			if recv, name := CallName(x); recv == "time" && name == "Duration" {
				return numericNoConst(x.Args[0])
			}
		}
	}
	return 0, false
}

// widerApprox flags a comparison given an approximate-equality option with
// a wide margin where base compared exactly, or a margin loosened ten times.
// A tight margin (under 1% or a second) for rounding noise is not flagged.
func (a *Pass) widerApprox(m *Match) []Weakening {
	bo, ho := approxOptions(m.Base), approxOptions(m.Head)
	var out []Weakening
	for _, h := range ho {
		if !h.known {
			continue
		}
		var prev *approxOption
		for i := range bo {
			if bo[i].time == h.time {
				prev = &bo[i]
			}
		}
		wide := 0.01
		unit := ""
		if h.time {
			wide, unit = 1, "s"
		}
		text := "`" + m.Head.File.Text(h.call) + "`"
		switch {
		case prev == nil && h.margin >= wide:
			out = append(out, Weakening{nil, nodeSite(m.Head, h.call), finding.Warning, fmt.Sprintf(
				"a comparison that base made exactly now accepts values within %s%s of the expected ones (%s)", strconv.FormatFloat(h.margin, 'g', -1, 64), unit, text)})
		case prev != nil && prev.known && prev.margin > 0 && h.margin >= 10*prev.margin && h.margin >= wide/10:
			out = append(out, Weakening{nil, nodeSite(m.Head, h.call), finding.Warning, fmt.Sprintf(
				"the margin of %s went from %s%s to %s%s (%.0f× looser)", text,
				strconv.FormatFloat(prev.margin, 'g', -1, 64), unit, strconv.FormatFloat(h.margin, 'g', -1, 64), unit, h.margin/prev.margin)})
		}
	}
	return out
}

// needleMatchers are the calls whose string argument is a fragment or a
// pattern the value must contain or match.
var needleMatchers = SetOf("Contains", "Containsf", "ErrorContains", "ErrorContainsf", "ContainSubstring",
	"HasPrefix", "HasSuffix", "HavePrefix", "HaveSuffix", "MatchRegexp", "MatchError", "Regexp", "Regexpf",
	"ErrorMatches", "Matches", "MatchString", "StringContains", "ContainsString")

// needleCheck is a check's text with its needles cut out: two checks with
// the same skeleton differ only in what they look for.
type needleCheck struct {
	site     *Site
	skeleton string
	needles  []string
	node     ast.Node
}

func needleChecks(checks []*Site) []needleCheck {
	var out []needleCheck
	for _, s := range checks {
		for _, n := range checkedNodesAndCtx(s) {
			ast.Inspect(n, func(x ast.Node) bool {
				call, ok := x.(*ast.CallExpr)
				if !ok {
					return true
				}
				_, name := CallName(call)
				if !needleMatchers[name] {
					return true
				}
				if !positiveNeedle(s, n, call) {
					return true // a must-not-contain: a shorter needle forbids more
				}
				nc := needleCheck{site: s, node: call}
				var sk strings.Builder
				sk.WriteString(name + "(")
				for _, arg := range call.Args {
					if l, ok := ast.Unparen(arg).(*ast.BasicLit); ok && l.Kind == token.STRING {
						v, err := strconv.Unquote(l.Value)
						if err == nil {
							nc.needles = append(nc.needles, v)
							sk.WriteString("$,")
							continue
						}
					}
					sk.WriteString(s.callFile.Text(arg) + ",")
				}
				// A qt.ErrorMatches or a checker passed as an argument:
				// the check's call around it says what it matches.
				if s.Kind == SiteAssert && s.call != call {
					if outer, ok := s.call.(*ast.CallExpr); ok {
						r, n := CallName(outer)
						sk.WriteString(")@" + r + "." + n)
					}
				}
				nc.skeleton = sk.String()
				if len(nc.needles) == 1 {
					out = append(out, nc)
				}
				return true
			})
			// qt.Assert(err, qt.ErrorMatches, `pattern`): the matcher is an
			// argument, not a call.
			if call, ok := n.(*ast.CallExpr); ok && s.Kind == SiteAssert && positiveNeedle(s, n, call) {
				for i, arg := range call.Args {
					sel, ok := ast.Unparen(arg).(*ast.SelectorExpr)
					if !ok || !needleMatchers[sel.Sel.Name] || i+1 >= len(call.Args) {
						continue
					}
					if l, ok := ast.Unparen(call.Args[i+1]).(*ast.BasicLit); ok && l.Kind == token.STRING {
						if v, err := strconv.Unquote(l.Value); err == nil {
							var sk strings.Builder
							for j, a := range call.Args {
								if j == i+1 {
									sk.WriteString("$,")
								} else {
									sk.WriteString(s.callFile.Text(a) + ",")
								}
							}
							out = append(out, needleCheck{site: s, skeleton: sk.String(), needles: []string{v}, node: call})
						}
					}
				}
			}
		}
	}
	return out
}

var matchAll = regexp.MustCompile(`^\^?(\(\?s\))?\.[*+]\$?$`)

// shortenedNeedles flags a substring or pattern check kept in head whose
// needle was cut down: assert.Contains(t, msg, "dial tcp …: connection
// refused") → assert.Contains(t, msg, "dial"), or a pattern widened to `.*`.
// A needle changed to a different text is a changed expectation, not this.
func (a *Pass) shortenedNeedles(m *Match) []Weakening {
	bs, hs := needleChecks(a.ChecksIn(a.Base, m.Base)), needleChecks(a.ChecksIn(a.Head, m.Head))
	headNeedles := map[string]bool{}
	for _, h := range hs {
		headNeedles[h.needles[0]] = true
	}
	baseNeedles := map[string]bool{}
	for _, b := range bs {
		baseNeedles[b.needles[0]] = true
	}
	var out []Weakening
	used := map[int]bool{}
	for _, b := range bs {
		nb := b.needles[0]
		if headNeedles[nb] {
			continue // still looked for
		}
		pieces := 0
		for hn := range headNeedles {
			if len(hn) >= 3 && hn != nb && strings.Contains(nb, hn) {
				pieces++
			}
		}
		if pieces >= 2 {
			continue // split into several checks of its parts
		}
		for i, h := range hs {
			nh := h.needles[0]
			if used[i] || h.skeleton != b.skeleton || baseNeedles[nh] {
				continue
			}
			var why string
			switch {
			case matchAll.MatchString(nh) && !matchAll.MatchString(nb):
				why = fmt.Sprintf("its pattern %q became %q, which matches anything", nb, nh)
			case nh == "" && nb != "":
				why = fmt.Sprintf("its needle %q became the empty string, which every value contains", nb)
			case len(nh) < len(nb) && strings.Contains(nb, nh) && len(nh)*2 <= len(nb):
				why = fmt.Sprintf("its needle %q was cut down to %q, which far more values contain", nb, nh)
			default:
				continue
			}
			used[i] = true
			out = append(out, Weakening{b.site, nodeSite(m.Head, h.node), finding.Warning,
				fmt.Sprintf("the check %s looks for less: %s", CallText(h.site), why)})
			break
		}
	}
	return out
}

// statusCode evaluates an HTTP status: a literal from 100 to 599 or an
// http.StatusX constant.
func statusCode(f *SrcFile, e ast.Expr) (int, bool) {
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		if x.Kind == token.INT {
			if v, err := strconv.Atoi(x.Value); err == nil && v >= 100 && v <= 599 {
				return v, true
			}
		}
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && f.importPath(id.Name) == "net/http" && strings.HasPrefix(x.Sel.Name, "Status") {
			return 200, true // the exact value matters little: it is one status
		}
	}
	return 0, false
}

// statusChecks lists, per checked value, how a test's checks relate it to a
// status: "eq" when it is pinned to one, "range" when it is only bounded.
func statusChecks(f *SrcFile, checks []*Site) (eq, rng map[string]*Site) {
	eq, rng = map[string]*Site{}, map[string]*Site{}
	note := func(s *Site, op token.Token, x, y ast.Expr) {
		v := x
		if _, ok := statusCode(f, x); ok {
			v = y
		} else if _, ok := statusCode(f, y); !ok {
			return
		}
		key := f.Text(v)
		switch op {
		case token.EQL, token.NEQ:
			eq[key] = s
		case token.LSS, token.LEQ, token.GTR, token.GEQ:
			rng[key] = s
		}
	}
	for _, s := range checks {
		switch s.Kind {
		case SiteFail:
			for _, g := range s.Gates {
				if be, ok := ast.Unparen(g.Cond).(*ast.BinaryExpr); ok && s.File != nil {
					note(s, be.Op, be.X, be.Y)
				}
			}
		case SiteAssert:
			call, ok := s.call.(*ast.CallExpr)
			if !ok || len(call.Args) < 3 {
				continue
			}
			_, name := CallName(call)
			args := call.Args[1:]
			switch strings.TrimSuffix(name, "f") {
			case "Equal", "Equals", "EqualValues":
				note(s, token.EQL, args[0], args[1])
			case "Less", "LessOrEqual", "Greater", "GreaterOrEqual":
				note(s, token.LSS, args[0], args[1])
			}
		}
	}
	return eq, rng
}

// statusRanges flags an exact status check turned into a range: `!= 201`
// → `>= 500`, require.Equal(t, 201, code) → require.Less(t, code, 500).
func (a *Pass) statusRanges(m *Match) []Weakening {
	beq, _ := statusChecks(m.Base.File, a.ChecksIn(a.Base, m.Base))
	heq, hrng := statusChecks(m.Head.File, a.ChecksIn(a.Head, m.Head))
	var out []Weakening
	for v, b := range beq {
		h, ok := hrng[v]
		if !ok || heq[v] != nil {
			continue
		}
		out = append(out, Weakening{b, h, finding.Warning, fmt.Sprintf(
			"the exact status check %s became the range %s: %s is no longer pinned to one status", CallText(b), CallText(h), v)})
	}
	return out
}

// mockVerifications finds, in a test body, the mocks whose expectations are
// verified (m.AssertExpectations(t), mock.AssertExpectationsForObjects(t,
// m…), ctrl.Finish()) and the mocks given expectations (m.On(…),
// m.EXPECT()).
func mockVerifications(tf *TestFunc) (verified, expects, ctorT map[string]bool) {
	verified, expects, ctorT = map[string]bool{}, map[string]bool{}, map[string]bool{}
	sc := CheckScopeOf(tf)
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			recv, name := CallName(x)
			switch name {
			case "AssertExpectations", "Finish":
				if recv != "" {
					verified[recv] = true
				}
			case "AssertExpectationsForObjects":
				for _, arg := range x.Args[min(1, len(x.Args)):] {
					verified[identName(arg)] = true
				}
			case "On", "EXPECT":
				if recv != "" {
					expects[recv] = true
				}
			}
		case *ast.AssignStmt:
			// m := NewMockStore(t): a generated constructor given t verifies
			// the expectations itself, in t.Cleanup.
			if len(x.Rhs) == 1 {
				if call, ok := x.Rhs[0].(*ast.CallExpr); ok && sc.passesT(call) && !strings.HasSuffix(CallText0(call), "NewController") {
					for _, l := range x.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							ctorT[id.Name] = true
						}
					}
				}
			}
		}
		return true
	})
	return verified, expects, ctorT
}

func identName(e ast.Expr) string {
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// unverifiedMocks flags a mock whose expectations base verified and head
// still sets but no longer verifies: testify's AssertExpectations dropped
// (not when a constructor given t now verifies in t.Cleanup), or a gomock
// controller no longer finished where the module requires a gomock older
// than 1.5, which does not finish it through t.Cleanup.
func (a *Pass) unverifiedMocks(m *Match) []Weakening {
	bv, _, _ := mockVerifications(m.Base)
	hv, hexp, hctor := mockVerifications(m.Head)
	var out []Weakening
	for name := range bv {
		if hv[name] || hctor[name] {
			continue
		}
		ctrl := isController(m.Head, name)
		switch {
		case ctrl:
			if !a.Head.oldGomock(m.Head.Dir) || !hasExpect(m.Head) {
				continue
			}
			out = append(out, Weakening{nil, nodeSite(m.Head, m.Head.Body), finding.Warning, fmt.Sprintf(
				"the gomock controller %s is no longer finished: with the gomock this module requires (older than 1.5) nothing else checks that the expected calls were made", name)})
		case hexp[name]:
			out = append(out, Weakening{nil, nodeSite(m.Head, m.Head.Body), finding.Warning, fmt.Sprintf(
				"the mock %s still sets expectations, but %s.AssertExpectations is no longer called: calls that never happen no longer fail the test", name, name)})
		}
	}
	return out
}

// isController reports whether a name holds a gomock controller in a test.
func isController(tf *TestFunc, name string) bool {
	found := false
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 {
			return !found
		}
		if call, ok := as.Rhs[0].(*ast.CallExpr); ok {
			if _, fn := CallName(call); fn == "NewController" {
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == name {
						found = true
					}
				}
			}
		}
		return !found
	})
	return found
}

func hasExpect(tf *TestFunc) bool {
	found := false
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if _, name := CallName(call); name == "EXPECT" {
				found = true
			}
		}
		return !found
	})
	return found
}

var gomockRequire = regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/golang/mock\s+v(\d+)\.(\d+)\.`)

// oldGomock reports whether the module of a folder requires
// github.com/golang/mock older than 1.5, whose controllers are finished only
// by an explicit Finish.
func (s *Snapshot) oldGomock(dir string) bool {
	mod := s.module(dir)
	if mod.path == "" {
		return false
	}
	sm := gomockRequire.FindStringSubmatch(string(mod.src))
	if sm == nil {
		return false
	}
	major, _ := strconv.Atoi(sm[1])
	minor, _ := strconv.Atoi(sm[2])
	return major < 1 || (major == 1 && minor < 5)
}

// conjoined recognises a matcher paired as weaker that still holds the
// base matcher whole: Equal(3) → And(Equal(3), BeNumerically(">", 2)).
func conjoined(w Weakening) bool {
	if w.Base == nil || w.Head == nil || w.Base.callFile == nil || w.Head.callFile == nil {
		return false
	}
	bt, ht := w.Base.callFile.Text(w.Base.call), w.Head.callFile.Text(w.Head.call)
	for _, comb := range []string{"And(", "SatisfyAll("} {
		i := strings.Index(ht, comb)
		if i < 0 {
			continue
		}
		// the base matcher: what follows To(/Should( in base
		for _, verb := range []string{".To(", ".Should(", ".ToNot(", ".NotTo(", ".ShouldNot("} {
			j := strings.Index(bt, verb)
			if j < 0 {
				continue
			}
			matcher := strings.TrimSuffix(bt[j+len(verb):], ")")
			if matcher != "" && strings.Contains(ht[i:], matcher) && strings.Contains(ht, verb) {
				return true
			}
		}
	}
	return false
}

// quietRecovers lists the deferred recover() calls of a test whose function
// checks nothing: the panic is swallowed, not expected.
func quietRecovers(tf *TestFunc) []*ast.CallExpr {
	sc := CheckScopeOf(tf)
	var out []*ast.CallExpr
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		d, ok := n.(*ast.DeferStmt)
		if !ok {
			return true
		}
		fl, ok := d.Call.Fun.(*ast.FuncLit)
		if !ok || len(sc.ChecksIn(fl.Body)) > 0 {
			return true
		}
		ast.Inspect(fl.Body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "recover" && len(call.Args) == 0 {
					out = append(out, call)
				}
			}
			return true
		})
		return true
	})
	return out
}

// swallowedPanics flags a recover() newly deferred in a test with no check
// of what it recovers: a panic of the code under test, which failed the
// test, now ends the wrapped call quietly and the test goes on to pass.
func swallowedPanics(m *Match) []Weakening {
	b, h := quietRecovers(m.Base), quietRecovers(m.Head)
	if len(h) <= len(b) {
		return nil
	}
	var out []Weakening
	for _, call := range h[len(b):] {
		out = append(out, Weakening{nil, nodeSite(m.Head, call), finding.Warning,
			"a deferred recover() that checks nothing now swallows any panic of the code it wraps: a panic that failed the test ends the call quietly and the test goes on"})
	}
	return out
}

// positiveNeedle reports whether a needle call inside a check requires the
// needle (fails when it is missing): !strings.Contains(s, x) guarding a
// failure, assert.Contains, To(ContainSubstring(x)). A check that forbids
// the needle (strings.Contains(s, x) guarding a failure, NotContains,
// NotTo(…)) is made stronger, not weaker, by a shorter one.
func positiveNeedle(s *Site, root ast.Node, call *ast.CallExpr) bool {
	if s.Kind == SiteAssert {
		if s.callFile == nil {
			return true
		}
		t := s.callFile.Text(s.call)
		for _, neg := range []string{"NotContain", "NotRegexp", "NotTo(", "ToNot(", "ShouldNot(", "Not(", "NotMatch", "NotErrorContains"} {
			if strings.Contains(t, neg) {
				return false
			}
		}
		return true
	}
	wrapped := false
	ast.Inspect(root, func(n ast.Node) bool {
		if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.NOT && ast.Unparen(u.X) == call {
			wrapped = true
		}
		return !wrapped
	})
	return wrapped
}

// ignoresNewFields recognises cmpopts.IgnoreFields given only fields that
// base's version of the type did not have: the comparison skips nothing it
// used to compare (a timestamp added to the struct, ignored where it came).
func (a *Pass) ignoresNewFields(m *Match, w Weakening) bool {
	if w.Head == nil || !strings.Contains(w.What, "cmpopts.Ignore") {
		return false
	}
	newOnly, other := 0, 0
	for _, n := range checkedNodesAndCtx(w.Head) {
		ast.Inspect(n, func(x ast.Node) bool {
			call, ok := x.(*ast.CallExpr)
			if !ok {
				return true
			}
			recv, name := CallName(call)
			if recv != "cmpopts" || !strings.HasPrefix(name, "Ignore") {
				return true
			}
			if name != "IgnoreFields" || len(call.Args) < 2 {
				other++
				return true
			}
			dir := m.Base.Dir
			if cl, ok := call.Args[0].(*ast.CompositeLit); ok {
				if sel, ok := cl.Type.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok {
						dir = a.Base.ModuleDir(m.Base.File, id.Name)
					}
				}
			}
			fresh := dir != ""
			for _, arg := range call.Args[1:] {
				f := StringArg(&ast.CallExpr{Args: []ast.Expr{arg}}, 0)
				if f == "" || a.Base.hasField(dir, f) {
					fresh = false
				}
			}
			if fresh {
				newOnly++
			} else {
				other++
			}
			return true
		})
	}
	if newOnly == 0 {
		return false
	}
	base := 0
	if w.Base != nil {
		base = countIgnores(w.Base)
	}
	return other <= base
}

// hasField reports whether a struct type of a package's files declares a
// field of that name (the last part of a dotted path).
func (s *Snapshot) hasField(dir, field string) bool {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	for _, f := range s.Pkg(dir).Files {
		found := false
		if f.AST == nil {
			continue
		}
		ast.Inspect(f.AST, func(n ast.Node) bool {
			if st, ok := n.(*ast.StructType); ok {
				for _, fl := range st.Fields.List {
					for _, id := range fl.Names {
						found = found || id.Name == field
					}
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// loggedViaHelper finds a check of base that head makes only as a log,
// through a helper it now calls: the check was extracted into a helper and
// the helper then made to log (the two steps may be two commits; the net
// change is judged). The log is paired with the check by relation and a
// shared value, since the helper's parameters stand for the test's
// expressions.
func (a *Pass) loggedViaHelper(m *Match) []Weakening {
	bs, hs := a.ChecksIn(a.Base, m.Base), a.ChecksIn(a.Head, m.Head)
	ub, _ := unpairedByKey(bs, hs)
	if len(ub) == 0 {
		return nil
	}
	_, baseLogs := checksOf(CollectSites(a.Base, m.Base))
	_, headLogs := checksOf(CollectSites(a.Head, m.Head))
	var out []Weakening
	used := map[*Site]bool{}
	for _, b := range ub {
		for _, h := range headLogs {
			viaHelper := len(h.Via) > 0 && sameRelation(b, h) && sharesOperand(b, h)
			// In a helper, an assertion rewritten as `if got != want { t.Log(…) }`
			// pairs by the values it compared, whatever its relation.
			inHelper := m.Base.IsAnyHelper() && len(sharedOperands(b, h)) >= 2
			if used[h] || !(viaHelper || inHelper) {
				continue
			}
			if findSite(baseLogs, func(l *Site) bool { return l.key == h.key }) >= 0 {
				continue // base logged it already
			}
			used[h] = true
			where := "the helper itself"
			if len(h.Via) > 0 {
				where = strings.Join(h.Via, " → ") + ", which the test now calls"
			}
			out = append(out, Weakening{b, h, finding.Error, fmt.Sprintf("%s became a log in %s: %s can no longer fail",
				CallText(b), where, CallText(h))})
			break
		}
	}
	return out
}
