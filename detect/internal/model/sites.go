package model

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"
)

// This file finds the places a test can stop early — a skip, a failure, an
// exit from TestMain — together with the conditions (gates) under which each
// is reached, and grades a gate: does it hide the test exactly where CI runs,
// or is it a platform guard or a missing tool?

// gate is one condition that must hold for a site to be reached.
type gate struct {
	Cond    ast.Expr // nil: a branch goodhart cannot describe (a default case)
	negated bool
	ctx     []ast.Node // statements that feed the condition: the if's init, earlier assignments
}

func (g gate) String() string {
	if g.Cond == nil {
		return "default"
	}
	s := types.ExprString(g.Cond)
	if g.negated {
		return "!(" + s + ")"
	}
	return s
}

type siteKind int

const (
	SiteSkip   siteKind = iota // t.Skip…, or a helper that skips
	SiteFail                   // t.Error…, t.Fatal…
	SiteExit                   // os.Exit(0) or return, in TestMain
	SiteAssert                 // an assertion library's call, or another package's helper given t
	siteLog                    // t.Log, t.Logf: looks like a check, cannot fail
)

// Site is a place a test stops or fails early.
type Site struct {
	Kind   siteKind
	At     ast.Node // the call (or return) in the test's own body
	File   *SrcFile // the file of at
	Gates  []gate
	Via    []string // helpers followed to reach it
	helper string   // an external helper whose name says it skips
	InLoop bool
	ranges []rangeVar // the range loops over tables it stands in

	// For failures and assertions: the canonical failure condition, the
	// values it compares, a numeric tolerance if it has one, and the call
	// itself (inside the helper, when reached through one).
	key      string
	operands []string
	tol      ast.Expr
	call     ast.Node
	callFile *SrcFile
	scope    *siteWalker // the walker that found it: resolves its names
}

// Signature identifies a site by its gates, not its position or the
// helpers on the way, so that the same skip in base and head compare equal
// even when it moved into a helper.
func (s *Site) Signature() string {
	return GatesOnly(s) + "|" + s.helper
}

func (s *Site) gateText() string {
	var parts []string
	for _, g := range s.Gates {
		parts = append(parts, g.String())
	}
	return strings.Join(parts, " && ")
}

// siteWalker walks a test body, following the package's own helpers.
type siteWalker struct {
	snap   *Snapshot
	dir    string
	sc     *CheckScope
	top    *SrcFile // the test's file, where reported positions live
	exits  bool     // collect TestMain exits
	sites  []*Site
	depth  int
	via    []string
	outer  ast.Node          // the call in the test body that led into a helper
	subst  map[string]string // a helper's parameters → the test's arguments
	ranges []rangeVar        // enclosing range loops
	body   *ast.BlockStmt    // the test's body, to find its tables
	deps   *siteDeps         // what the walk read of the snapshot, when recorded (checkKeys)
}

// rangeVar is the value variable of a range loop, and how many rows the
// table it ranges over has (-1 when unknown).
type rangeVar struct {
	name string
	rows int
}

// loopRows counts the rows of the table a range loop reads: a composite
// literal, or a variable of the test or the package bound to one.
func (w *siteWalker) loopRows(x ast.Expr) int {
	switch e := ast.Unparen(x).(type) {
	case *ast.CompositeLit:
		return len(e.Elts)
	case *ast.Ident:
		rows := -1
		if w.body != nil {
			ast.Inspect(w.body, func(n ast.Node) bool {
				switch d := n.(type) {
				case *ast.AssignStmt:
					for i, l := range d.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Name == e.Name && i < len(d.Rhs) {
							if cl, ok := d.Rhs[i].(*ast.CompositeLit); ok {
								rows = len(cl.Elts)
							}
						}
					}
				case *ast.ValueSpec:
					for i, id := range d.Names {
						if id.Name == e.Name && i < len(d.Values) {
							if cl, ok := d.Values[i].(*ast.CompositeLit); ok {
								rows = len(cl.Elts)
							}
						}
					}
				}
				return true
			})
		}
		if rows < 0 {
			w.deps.dir(w.dir)
			if vs := w.snap.valueSpec(w.dir, token.VAR, e.Name); vs != nil {
				for i, id := range vs.Names {
					if id.Name == e.Name && i < len(vs.Values) {
						if cl, ok := vs.Values[i].(*ast.CompositeLit); ok {
							rows = len(cl.Elts)
						}
					}
				}
			}
		}
		return rows
	}
	return -1
}

// Several rules ask for the same test's sites; they are collected once per
// snapshot (sites are not changed once collected) and each caller gets its
// own slice.
func CollectSites(snap *Snapshot, tf *TestFunc) []*Site {
	sites, _ := collectSites(snap, tf, false)
	return sites
}

// collectSites is CollectSites; with record, it also says what the walk
// read of the snapshot (nil when the sites were collected before).
func collectSites(snap *Snapshot, tf *TestFunc, record bool) ([]*Site, *siteDeps) {
	if sites, ok := snap.sites[tf]; ok {
		return append([]*Site(nil), sites...), nil
	}
	var deps *siteDeps
	if record {
		deps = &siteDeps{}
	}
	w := &siteWalker{snap: snap, dir: tf.Dir, sc: CheckScopeOf(tf), top: tf.File, exits: tf.Kind == KindMain, body: tf.Root().Body, deps: deps}
	for _, b := range tf.setup { // a ginkgo spec's BeforeEach bodies run first
		w.block(b.List, nil, false)
	}
	w.block(tf.Body.List, nil, false)
	if snap.sites == nil {
		snap.sites = map[*TestFunc][]*Site{}
	}
	snap.sites[tf] = w.sites
	return append([]*Site(nil), w.sites...), deps
}

func (w *siteWalker) block(list []ast.Stmt, gates []gate, loop bool) {
	for i, s := range list {
		w.stmt(s, list[:i], gates, loop)
	}
}

func (w *siteWalker) stmt(s ast.Stmt, prev []ast.Stmt, gates []gate, loop bool) {
	switch s := s.(type) {
	case *ast.IfStmt:
		if s.Init != nil {
			w.exprs(s.Init, gates, loop)
		}
		w.exprs(s.Cond, gates, loop)
		ctx := feeding(s.Cond, prev)
		if s.Init != nil {
			ctx = append(ctx, s.Init)
		}
		w.block(s.Body.List, with(gates, gate{Cond: s.Cond, ctx: ctx}), loop)
		if s.Else != nil {
			w.stmt(s.Else, nil, with(gates, gate{Cond: s.Cond, negated: true, ctx: ctx}), loop)
		}
	case *ast.SwitchStmt:
		if s.Init != nil {
			w.exprs(s.Init, gates, loop)
		}
		var ctx []ast.Node
		if s.Init != nil {
			ctx = append(ctx, s.Init)
		}
		if s.Tag != nil {
			ctx = append(ctx, feeding(s.Tag, prev)...)
		}
		for _, cc := range s.Body.List {
			cc := cc.(*ast.CaseClause)
			w.block(cc.Body, with(gates, gate{Cond: caseCond(s.Tag, cc.List), ctx: ctx}), loop)
		}
	case *ast.TypeSwitchStmt, *ast.SelectStmt:
		ast.Inspect(s, func(n ast.Node) bool {
			if c, ok := n.(*ast.CaseClause); ok {
				w.block(c.Body, with(gates, gate{}), loop)
				return false
			}
			if c, ok := n.(*ast.CommClause); ok {
				w.block(c.Body, with(gates, gate{}), loop)
				return false
			}
			return true
		})
	case *ast.ForStmt:
		w.block(s.Body.List, gates, true)
	case *ast.RangeStmt:
		w.exprs(s.X, gates, loop)
		if id, ok := s.Value.(*ast.Ident); ok && id.Name != "_" {
			w.ranges = append(w.ranges, rangeVar{name: id.Name, rows: w.loopRows(s.X)})
			defer func() { w.ranges = w.ranges[:len(w.ranges)-1] }()
		}
		w.block(s.Body.List, gates, true)
	case *ast.BlockStmt:
		w.block(s.List, gates, loop)
	case *ast.LabeledStmt:
		w.stmt(s.Stmt, prev, gates, loop)
	case *ast.ReturnStmt:
		if w.exits && w.depth == 0 {
			w.add(&Site{Kind: SiteExit, At: s, Gates: gates, InLoop: loop})
		}
		w.exprs(s, gates, loop)
	default:
		w.exprs(s, gates, loop)
	}
}

// with returns gates with g pushed. The walk is depth first, so a level's
// gates share the array of the level above: a sibling overwrites a slot
// only once the walk under the one before it is done, and add copies the
// gates a site keeps. (A copy per level cost memory quadratic in the depth
// of nested ifs.)
func with(gates []gate, g gate) []gate { return append(gates, g) }

// caseCond turns `switch tag { case a, b: }` into `tag == a || tag == b`.
func caseCond(tag ast.Expr, list []ast.Expr) ast.Expr {
	if len(list) == 0 {
		return nil // default
	}
	var cond ast.Expr
	for _, e := range list {
		c := e
		if tag != nil {
			c = &ast.BinaryExpr{X: tag, Op: token.EQL, Y: e}
		}
		if cond == nil {
			cond = c
		} else {
			cond = &ast.BinaryExpr{X: cond, Op: token.LOR, Y: c}
		}
	}
	return cond
}

// feeding returns the earlier statements of the block that assign the
// identifiers a condition reads: `_, err := exec.LookPath("git")` for `err != nil`.
func feeding(cond ast.Expr, prev []ast.Stmt) []ast.Node {
	names := map[string]bool{}
	ast.Inspect(cond, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			names[id.Name] = true
		}
		return true
	})
	var out []ast.Node
	for i := len(prev) - 1; i >= 0 && len(names) > 0; i-- {
		as, ok := prev[i].(*ast.AssignStmt)
		if !ok {
			if ds, ok := prev[i].(*ast.DeclStmt); ok {
				out = append(out, ds)
			}
			continue
		}
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && names[id.Name] {
				out = append(out, as)
				delete(names, id.Name)
			}
		}
	}
	return out
}

// exprs looks inside a statement or expression for sites, helper calls and
// function literals (whose bodies run under the same gates).
func (w *siteWalker) exprs(n ast.Node, gates []gate, loop bool) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			w.block(n.Body.List, gates, loop)
			return false
		case *ast.CallExpr:
			return w.call(n, gates, loop)
		}
		return true
	})
}

// call records a site for a call, follows helpers, and says whether to look
// inside the call's arguments.
func (w *siteWalker) call(call *ast.CallExpr, gates []gate, loop bool) bool {
	recv, name := CallName(call)
	if w.isLiteralSubtest(call) {
		return false // a subtest of its own, checked on its own
	}
	if w.sc.IsSkipCall(call) {
		key, ops := w.failKey(gates)
		w.add(&Site{Kind: SiteSkip, At: call, Gates: gates, InLoop: loop, key: key, operands: ops})
		return true
	}
	if key, ops, tol, ok := w.assertionKey(call); ok {
		w.add(&Site{Kind: SiteAssert, At: call, Gates: gates, InLoop: loop, key: key, operands: ops, tol: tol})
		if recv != "" && w.sc.passesT(call) {
			w.followSkips(call, recv, name, gates, loop) // testutil.RequireX(t): its skips are the test's
		}
		return false
	}
	switch {
	case w.sc.isFailCall(call):
		key, ops := w.failKey(gates)
		w.add(&Site{Kind: SiteFail, At: call, Gates: gates, InLoop: loop, key: key, operands: ops})
	case recv != "" && w.sc.testing[recv] && (name == "Log" || name == "Logf"):
		key, ops := w.failKey(gates)
		w.add(&Site{Kind: siteLog, At: call, Gates: gates, InLoop: loop, key: key, operands: ops})
	case recv == "" && name == "panic" && len(gates) > 0:
		key, ops := w.failKey(gates)
		w.add(&Site{Kind: SiteFail, At: call, Gates: gates, InLoop: loop, key: key, operands: ops})
	case w.exits && w.depth == 0 && recv == "os" && name == "Exit" && isZero(call):
		w.add(&Site{Kind: SiteExit, At: call, Gates: gates, InLoop: loop})
	case constructors[name]:
		// g := NewWithT(t) binds an assertion object; it checks nothing.
	case recv == "" && w.sc.passesT(call):
		w.follow(call, name, gates, loop)
	case recv != "" && w.sc.suite != "" && recv == w.sc.suite && !suiteNonChecks[name]:
		w.followMethod(call, name, gates, loop)
	case recv != "" && recv != "?" && !w.sc.passesT(call) && ginkgoName(w.sc.file) != "":
		w.followSkips(call, recv, name, gates, loop) // a ginkgo spec's e2eutil.OnlyLocal(): ginkgo.Skip needs no t
	case recv != "" && recv != "?" && skipsByName(name) && w.sc.passesT(call):
		if w.followSkips(call, recv, name, gates, loop) {
			break
		}
		w.add(&Site{Kind: SiteSkip, At: call, Gates: gates, InLoop: loop, helper: recv + "." + name})
	}
	return true
}

func (w *siteWalker) isLiteralSubtest(call *ast.CallExpr) bool {
	recv, name := CallName(call)
	if name != "Run" || len(call.Args) != 2 || !(w.sc.testing[recv] || (w.sc.suite != "" && recv == w.sc.suite)) {
		return false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	_, isFn := call.Args[1].(*ast.FuncLit)
	return ok && lit.Kind == token.STRING && isFn
}

func isZero(call *ast.CallExpr) bool {
	if len(call.Args) != 1 {
		return false
	}
	l, ok := call.Args[0].(*ast.BasicLit)
	return ok && l.Value == "0"
}

// add records a site, placing it at the call in the test's own body when it
// was reached through helpers.
func (w *siteWalker) add(s *Site) {
	s.Gates = slices.Clip(slices.Clone(s.Gates)) // the walk reuses the array it came from
	s.File, s.call, s.callFile, s.scope = w.top, s.At, w.sc.file, w
	s.ranges = append([]rangeVar(nil), w.ranges...)
	if w.outer != nil {
		s.At = w.outer
		s.Via = append([]string(nil), w.via...)
	}
	if s.Kind != SiteExit || w.depth == 0 {
		w.sites = append(w.sites, s)
	}
}

// follow walks into a package helper that receives the test's *testing.T.
func (w *siteWalker) follow(call *ast.CallExpr, name string, gates []gate, loop bool) {
	w.deps.dir(w.dir)
	h := w.snap.helper(w.dir, name)
	if h == nil || w.depth >= 3 || slices.Contains(w.via, name) {
		switch {
		case skipsByName(name):
			w.add(&Site{Kind: SiteSkip, At: call, Gates: gates, InLoop: loop, helper: name})
		default: // a helper goodhart cannot see into: count it as one check
			ops := w.texts(call.Args)
			w.add(&Site{Kind: SiteAssert, At: call, Gates: gates, InLoop: loop, key: "call:" + name + "(" + strings.Join(ops, ",") + ")", operands: ops})
		}
		return
	}
	sc, subst := h.scope(call, w.sc, w)
	w.walkInto(h, call, name, sc, subst, gates, loop)
}

// walkInto walks a helper's body for the sites it adds to the test's.
func (w *siteWalker) walkInto(h *helperFunc, call *ast.CallExpr, name string, sc *CheckScope, subst map[string]string, gates []gate, loop bool) {
	inner := &siteWalker{snap: w.snap, dir: w.dir, sc: sc, top: w.top, depth: w.depth + 1,
		via: append(append([]string(nil), w.via...), name), outer: w.outer, subst: subst, ranges: w.ranges, body: w.body, deps: w.deps}
	if inner.outer == nil {
		inner.outer = call
	}
	inner.block(h.decl.Body.List, gates, loop)
	for _, s := range inner.sites {
		s.InLoop = s.InLoop || loop
		w.sites = append(w.sites, s)
	}
}

// followMethod walks into a helper method a suite test calls on its
// receiver (s.stopServer()), whose checks are the test's as a helper's are.
func (w *siteWalker) followMethod(call *ast.CallExpr, name string, gates []gate, loop bool) {
	w.deps.dir(w.dir)
	via := w.sc.suite + "." + name
	if w.depth >= 3 || slices.Contains(w.via, via) {
		return
	}
	h := w.snap.suiteMethod(w.dir, w.sc.suiteType, name)
	if h == nil {
		return
	}
	sc, subst := h.methodScope(call, w.sc, w)
	w.walkInto(h, call, via, sc, subst, gates, loop)
}

func StringArg(call *ast.CallExpr, i int) string {
	if len(call.Args) <= i {
		return ""
	}
	l, ok := call.Args[i].(*ast.BasicLit)
	if !ok || l.Kind != token.STRING {
		return ""
	}
	s, _ := strconv.Unquote(l.Value)
	return s
}
