package swallowederror

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// ID is the rule's stable identifier: users filter and accept findings by it.
const ID = "swallowed-error"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Error,
	Doc: `Non-test code stops reporting an error it used to return: where base
checked the error of a call with "if err != nil" and returned it (wrapped
or not), head returns nil or a zero value in its place, only logs it and
carries on, skips to the next loop iteration, ignores the call's error with
_ or drops the call's results; or a function gains a deferred recover()
that turns a panic into a normal return.

Error when a test of the package reaches the function and expects an error
(wantErr, err == nil checks, require.Error, errors.Is …) or a panic
(assert.Panics, wantPanic …) from it: the failing path the test pinned is
the one that went quiet. Warning without that evidence; info when a comment
in the new code documents the choice (optional, best effort, non-fatal,
default) and in test-support code.

Not flagged: best-effort cleanup (Close, Remove, Unlock, Rollback, Flush …)
and telemetry (metrics, tracing, logging, analytics calls), a check
narrowed to a specific error (os.IsNotExist, errors.Is(err, ErrNoRows)),
an error still passed on (assigned to a result, collected, sent on), a
recover that turns the panic into an error or re-panics, and calls whose
error base did not return either.

Example:
     data, err := os.ReadFile(path)
     if err != nil {
    -	return nil, fmt.Errorf("read config: %w", err)
    +	return nil, nil
     }

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): warning: 0 right, 2 wrong (on one commit that synced a fork
to upstream).`,
	Run: func(p *model.Pass) { run(&pass{p}) },
}

// pass is the rule's view of one analysis.
type pass struct{ *model.Pass }

func run(a *pass) {
	for _, pf := range a.ChangedFuncs() {
		if pf.Old == nil || model.TakesTesting(pf.File, pf.Decl) {
			continue
		}
		a.checkFunc(pf)
	}
}

// handling is what code does with the error of one call.
type handling int

const (
	propagates handling = iota // returns it, wraps it, stores or sends it, stops the program
	returnsNil                 // returns nil (or nothing) where the error was
	logsOnly                   // logs it, or does nothing, and carries on
	skips                      // continue or break: the item is dropped
	ignores                    // the error result assigned to _
	drops                      // the call's results dropped altogether
)

func (h handling) String() string {
	return [...]string{"returns it", "returns nil in its place", "only logs it and carries on", "skips to the next item", "assigns it to _", "drops the call's results"}[h]
}

// site is one call whose error the code handles.
type site struct {
	callee string // the call's function as written: os.ReadFile, s.store.Get
	call   string // the whole call as written, which pairs base and head
	how    handling
	narrow bool // the check tests for a specific error, not any
	node   ast.Node
	block  *ast.BlockStmt // the block that handles it, when there is one
}

// errResult reports whether a function's last result is an error.
func errResult(fd *ast.FuncDecl) bool {
	r := fd.Type.Results
	if r == nil || len(r.List) == 0 {
		return false
	}
	id, ok := r.List[len(r.List)-1].Type.(*ast.Ident)
	return ok && id.Name == "error"
}

func (a *pass) checkFunc(pf *model.ProdFunc) {
	if errResult(pf.Old) && errResult(pf.Decl) {
		base := collect(pf.Old)
		head := collect(pf.Decl)
		a.compare(pf, base, head)
	}
	a.checkRecover(pf)
}

// collect lists the error-handling sites of a function body, closures left
// out (their returns are theirs).
func collect(fd *ast.FuncDecl) []site {
	var out []site
	var walk func(list []ast.Stmt)
	visitBlock := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BlockStmt:
				walk(n.List)
				return false
			case *ast.CaseClause:
				walk(n.Body)
				return false
			case *ast.CommClause:
				walk(n.Body)
				return false
			}
			return true
		})
	}
	walk = func(list []ast.Stmt) {
		for i, st := range list {
			switch s := st.(type) {
			case *ast.AssignStmt:
				call, errVar, ignored := errAssign(s)
				if call == nil {
					break
				}
				if ignored {
					out = append(out, site{callee: callee(call), call: types.ExprString(call), how: ignores, node: s})
					break
				}
				if i+1 < len(list) {
					if is, ok := list[i+1].(*ast.IfStmt); ok && is.Init == nil {
						if sv, ok := checkOf(is, errVar); ok {
							sv.callee, sv.call, sv.node = callee(call), types.ExprString(call), s
							if sv.how != propagates && returnedLater(list[i+2:], errVar) {
								sv.how = propagates // logged here, returned below
							}
							out = append(out, sv)
						}
					}
				}
			case *ast.IfStmt:
				if as, ok := s.Init.(*ast.AssignStmt); ok {
					if call, errVar, _ := errAssign(as); call != nil && errVar != "" {
						if sv, ok := checkOf(s, errVar); ok {
							sv.callee, sv.call, sv.node = callee(call), types.ExprString(call), s
							out = append(out, sv)
						}
					}
				}
			case *ast.ExprStmt:
				if call, ok := s.X.(*ast.CallExpr); ok {
					out = append(out, site{callee: callee(call), call: types.ExprString(call), how: drops, node: s})
				}
			case *ast.ReturnStmt:
				if n := len(s.Results); n > 0 {
					if call, ok := s.Results[n-1].(*ast.CallExpr); ok {
						out = append(out, site{callee: callee(call), call: types.ExprString(call), how: propagates, node: s})
					}
				}
			}
			visitBlock(st)
		}
	}
	if fd.Body != nil {
		walk(fd.Body.List)
	}
	return out
}

// returnedLater reports whether a later statement of the block returns
// the error variable.
func returnedLater(list []ast.Stmt, errVar string) bool {
	for _, st := range list {
		found := false
		ast.Inspect(st, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				for _, r := range n.Results {
					if mentions(r, errVar) {
						found = true
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

// errAssign reads "x, err := f()" (or =): the call, the name of the
// variable that receives its error (the last one, named like an error),
// and whether that last value is assigned to _.
func errAssign(s *ast.AssignStmt) (*ast.CallExpr, string, bool) {
	if len(s.Rhs) != 1 || len(s.Lhs) == 0 {
		return nil, "", false
	}
	call, ok := s.Rhs[0].(*ast.CallExpr)
	if !ok {
		return nil, "", false
	}
	last, ok := s.Lhs[len(s.Lhs)-1].(*ast.Ident)
	if !ok {
		return nil, "", false
	}
	if last.Name == "_" {
		return call, "", true
	}
	if errName(last.Name) {
		return call, last.Name, false
	}
	return nil, "", false
}

func errName(n string) bool {
	return n == "err" || strings.HasSuffix(n, "Err") || strings.HasSuffix(n, "err") && len(n) > 3 && !strings.HasSuffix(n, "Stderr")
}

// checkOf reads "if err != nil { … }": how the block handles the error.
func checkOf(is *ast.IfStmt, errVar string) (site, bool) {
	be, ok := is.Cond.(*ast.BinaryExpr)
	var sv site
	switch {
	case ok && be.Op == token.NEQ && isIdent(be.X, errVar) && isIdent(be.Y, "nil"):
	case mentions(is.Cond, errVar):
		sv.narrow = true // errors.Is(err, X), os.IsNotExist(err), err != nil && …
	default:
		return sv, false
	}
	sv.block = is.Body
	sv.how = blockHandling(is.Body, errVar)
	return sv, true
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func mentions(n ast.Node, name string) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}

var stopRE = regexp.MustCompile(`^(panic|log\.Fatal.*|log\.Panic.*|os\.Exit|klog\.Fatal.*|.*\.Fatal.*|.*\.Panic.*)$`)

// blockHandling classifies what the block of an error check does.
func blockHandling(b *ast.BlockStmt, errVar string) handling {
	how := logsOnly
	passed := false
	var last *ast.ReturnStmt
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			last = n
		case *ast.BranchStmt:
			if (n.Tok == token.CONTINUE || n.Tok == token.BREAK || n.Tok == token.GOTO) && last == nil {
				how = skips
			}
		case *ast.AssignStmt:
			for _, r := range n.Rhs {
				if mentions(r, errVar) {
					passed = true // stored, collected or wrapped for later
				}
			}
		case *ast.SendStmt:
			if mentions(n.Value, errVar) {
				passed = true
			}
		case *ast.CallExpr:
			name := callee(n)
			if stopRE.MatchString(name) {
				passed = true
			} else if !logCall(name) && slices.ContainsFunc(n.Args, func(e ast.Expr) bool { return isIdent(e, errVar) }) {
				passed = true // handed to something that is not a logger: a handler, a setter, an error list
			}
		}
		return true
	})
	switch {
	case passed:
		return propagates
	case last != nil && len(last.Results) == 0:
		return propagates // a bare return: a named error result may hold it
	case last != nil && isIdent(last.Results[len(last.Results)-1], "nil"):
		return returnsNil
	case last != nil:
		return propagates
	}
	return how
}

// logCall reports whether a call's function looks like logging or output.
func logCall(name string) bool {
	l := strings.ToLower(name)
	for _, w := range []string{"log", "print", "warn", "info", "debug", "trace", "error", "fprint", "notice", "report"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// callee spells a call's function as written.
func callee(c *ast.CallExpr) string {
	var parts []string
	e := c.Fun
	for {
		switch x := e.(type) {
		case *ast.Ident:
			parts = append(parts, x.Name)
		case *ast.SelectorExpr:
			parts = append(parts, x.Sel.Name)
			e = x.X
			continue
		case *ast.IndexExpr:
			e = x.X
			continue
		case *ast.IndexListExpr:
			e = x.X
			continue
		case *ast.ParenExpr:
			e = x.X
			continue
		case *ast.CallExpr:
			parts = append(parts, "()")
			e = x.Fun
			continue
		case *ast.StarExpr:
			e = x.X
			continue
		default:
			parts = append(parts, "?")
		}
		break
	}
	slices.Reverse(parts)
	return strings.Join(parts, ".")
}

// exempt reports whether a call is best-effort by nature: cleanup or
// telemetry, whose failure a program rightly shrugs off.
func exempt(name string) bool {
	last := name[strings.LastIndex(name, ".")+1:]
	switch last {
	case "Close", "CloseSend", "CloseWithError", "Remove", "RemoveAll", "Unlock", "RUnlock", "Rollback", "Flush", "Sync",
		"Shutdown", "Stop", "Kill", "Cancel", "Release", "Cleanup", "Unsubscribe", "Unmount", "Disconnect", "Unsetenv",
		"Setenv", "SetDeadline", "SetReadDeadline", "SetWriteDeadline", "Chmod", "Chtimes", "Delete", "Terminate":
		return true
	}
	l := strings.ToLower(name)
	for _, w := range []string{"metric", "telemetry", "trace", "tracer", "span", "stats", "analytic", "track", "emit", "record", "log", "event", "notif", "audit", "print", "cache"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// paramTypes maps a function's receiver and parameter names to their type
// names: m.Count on "m metrics" is a metrics call.
func paramTypes(fd *ast.FuncDecl) map[string]string {
	out := map[string]string{}
	for _, fl := range []*ast.FieldList{fd.Recv, fd.Type.Params} {
		if fl == nil {
			continue
		}
		for _, f := range fl.List {
			t := f.Type
			if st, ok := t.(*ast.StarExpr); ok {
				t = st.X
			}
			for _, n := range f.Names {
				out[n.Name] = callee(&ast.CallExpr{Fun: t})
			}
		}
	}
	return out
}

func swallowing(h handling) bool { return h != propagates }

// compare pairs the error sites of base and head by call and reports the
// calls whose error base returned and head swallows.
func (a *pass) compare(pf *model.ProdFunc, base, head []site) {
	prop := map[string]int{}
	for _, s := range base {
		if s.how == propagates && !s.narrow {
			prop[s.call]++
		}
	}
	for _, s := range head {
		if s.how == propagates && !s.narrow {
			prop[s.call]--
		}
	}
	types := paramTypes(pf.Decl)
	for _, s := range head {
		first, _, _ := strings.Cut(s.callee, ".")
		if s.narrow || !swallowing(s.how) || prop[s.call] <= 0 || exempt(s.callee) || exempt(types[first]+".") {
			continue
		}
		if s.how == drops && !slices.ContainsFunc(base, func(b site) bool { return b.call == s.call && b.how == propagates && b.block != nil }) {
			continue // a call whose result base returned directly, now made for its effect
		}
		prop[s.call]--
		a.report(pf, s)
	}
}

// newDocComment returns a comment the change added to the function that
// documents failures as deliberately tolerated, or "".
func (a *pass) newDocComment(pf *model.ProdFunc) string {
	old := map[string]bool{}
	for _, cg := range pf.Base.AST.Comments {
		if cg.Pos() >= pf.Old.Pos() && cg.End() <= pf.Old.End() {
			old[cg.Text()] = true
		}
	}
	for _, cg := range pf.File.AST.Comments {
		if cg.Pos() < pf.Decl.Pos() || cg.End() > pf.Decl.End() || old[cg.Text()] {
			continue
		}
		if documentedRE.MatchString(cg.Text()) {
			return strings.TrimSpace(model.FirstLine(cg.Text()))
		}
	}
	return ""
}

var documentedRE = regexp.MustCompile(`(?i)optional|best[- ]effort|non[- ]?fatal|not fatal|default|may not exist|does not exist|doesn't exist|missing|absent`)

func (a *pass) report(pf *model.ProdFunc, s site) {
	sev := finding.Warning
	evidence := "no test of the package was seen expecting an error from " + pf.Decl.Name.Name
	if tests := a.expecting(pf, errorExpectRE); len(tests) > 0 {
		sev = finding.Error
		evidence = testList(tests) + reach(tests) + pf.Decl.Name.Name + " and expect an error"
	}
	if c := a.comment(pf.File, s); c != "" || a.newDocComment(pf) != "" {
		if c == "" {
			c = a.newDocComment(pf)
		}
		sev = finding.Info
		evidence += "; a comment documents the choice (" + c + ")"
	} else if model.TestSupport(pf.File) {
		sev = finding.Info
		evidence += "; test-support code"
	}
	line := pf.File.Fset.Position(s.node.Pos()).Line
	msg := fmt.Sprintf("%s no longer returns the error of %s: base returned it, head %s. A failing path that now reports success makes its tests pass without fixing anything (%s)",
		pf.Symbol, s.callee, s.how, evidence)
	sev, msg = model.DefaultBuildGrade(pf.File, sev, msg)
	a.Report(finding.Finding{
		Rule: ID, Severity: sev, File: pf.File.Path, Line: line, Symbol: pf.Symbol, Pkg: pf.Dir, Message: msg,
		Excerpt: model.BodyExcerpt(pf.File, blockOr(s), "+ ", 6),
	})
}

func blockOr(s site) *ast.BlockStmt {
	if s.block != nil {
		return s.block
	}
	if st, ok := s.node.(ast.Stmt); ok {
		return &ast.BlockStmt{List: []ast.Stmt{st}, Lbrace: st.Pos(), Rbrace: st.End()}
	}
	return nil
}

// comment returns a comment inside or just before the swallowing code that
// documents it as deliberate, or "".
func (a *pass) comment(f *model.SrcFile, s site) string {
	from := f.Fset.Position(s.node.Pos()).Line - 1
	to := f.Fset.Position(s.node.End()).Line
	if s.block != nil {
		to = f.Fset.Position(s.block.End()).Line
	}
	for _, cg := range f.AST.Comments {
		if f.Fset.Position(cg.End()).Line < from || f.Fset.Position(cg.Pos()).Line > to {
			continue
		}
		if m := documentedRE.FindString(cg.Text()); m != "" {
			return strings.TrimSpace(model.FirstLine(cg.Text()))
		}
	}
	return ""
}

var (
	errorExpectRE = regexp.MustCompile(`wantErr|WantErr|expectErr|ExpectErr|expectedErr|ExpectedErr|shouldErr|ShouldErr|wantError|expectError|err == nil|\bError\(t|ErrorIs\(|ErrorAs\(|ErrorContains\(|EqualError\(|errors\.Is\(|\.To\(HaveOccurred\(\)\)|Should\(HaveOccurred\(\)\)|MatchError\(`)
	panicExpectRE = regexp.MustCompile(`(?i)Panics|wantPanic|expectPanic|shouldPanic|recover\(\)`)
)

// expecting lists the tests of the package in base that reach the
// function and whose source says they expect a failure of the given kind.
func (a *pass) expecting(pf *model.ProdFunc, re *regexp.Regexp) []string {
	name := pf.Decl.Name.Name
	seen := map[string]bool{}
	var out []string
	// Base's tests: the ones that pinned the failing path before the change
	// (a test the change adds to assert the new, quiet behaviour is no
	// evidence of a shortcut).
	for _, snap := range []*model.Snapshot{a.Base} {
		pkg := snap.Pkg(pf.Dir)
		x := pkg.CrossRef()
		for _, t := range pkg.Tests {
			fd, ok := t.Decl.(*ast.FuncDecl)
			if !ok || t.Parent != nil || seen[t.Name] || t.Body == nil || !t.IsTest() || t.Kind == model.KindBenchmark {
				continue
			}
			if !x.Reaches(fd.Name.Name, name) {
				continue
			}
			src := t.File.Src
			start, end := t.File.Fset.Position(fd.Pos()).Offset, t.File.Fset.Position(fd.End()).Offset
			if end > len(src) || start > end {
				continue
			}
			// The test itself must call the function (or name it in its
			// table): a test that reaches it through other calls expects
			// errors of its own.
			body := src[start:end]
			if !regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`).Match(body) {
				continue
			}
			if re.Match(body) {
				seen[t.Name] = true
				out = append(out, t.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

func reach(ts []string) string {
	if len(ts) == 1 {
		return " calls "
	}
	return " call "
}

func testList(ts []string) string {
	if len(ts) > 3 {
		return strings.Join(ts[:3], ", ") + fmt.Sprintf(" and %d more tests", len(ts)-3)
	}
	return strings.Join(ts, ", ")
}

// checkRecover reports a deferred recover() that head added to a function
// and that swallows the panic: it neither re-panics nor sets an error.
func (a *pass) checkRecover(pf *model.ProdFunc) {
	if recovers(pf.Old) != nil {
		return
	}
	call := recovers(pf.Decl)
	if call == nil {
		return
	}
	df := call.Call.Fun.(*ast.FuncLit)
	converted := false
	ast.Inspect(df.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && (errName(id.Name) || namedErrResult(pf.Decl, id.Name)) {
					converted = true
				}
			}
		case *ast.CallExpr:
			if name := callee(n); name == "panic" || stopRE.MatchString(name) {
				converted = true
			}
		case *ast.SendStmt:
			converted = true
		}
		return !converted
	})
	if converted {
		return
	}
	sev := finding.Warning
	evidence := "no test of the package was seen expecting a panic from " + pf.Decl.Name.Name
	if tests := a.expecting(pf, panicExpectRE); len(tests) > 0 {
		sev = finding.Error
		evidence = testList(tests) + reach(tests) + pf.Decl.Name.Name + " and expect a panic"
	}
	if c := a.newDocComment(pf); c != "" {
		sev = finding.Info
		evidence += "; a comment documents the choice (" + c + ")"
	} else if model.TestSupport(pf.File) {
		sev = finding.Info
		evidence += "; test-support code"
	}
	msg := fmt.Sprintf("%s gains a deferred recover() that turns a panic into a normal return: the function no longer fails where it crashed, and callers see success (%s)", pf.Symbol, evidence)
	sev, msg = model.DefaultBuildGrade(pf.File, sev, msg)
	a.Report(finding.Finding{
		Rule: ID, Severity: sev, File: pf.File.Path, Line: pf.File.Fset.Position(call.Pos()).Line, Symbol: pf.Symbol, Pkg: pf.Dir,
		Message: msg, Excerpt: model.BodyExcerpt(pf.File, df.Body, "+ ", 6),
	})
}

// recovers returns the function's deferred closure that calls recover(),
// or nil.
func recovers(fd *ast.FuncDecl) *ast.DeferStmt {
	if fd == nil || fd.Body == nil {
		return nil
	}
	var out *ast.DeferStmt
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if out != nil {
			return false
		}
		ds, ok := n.(*ast.DeferStmt)
		if !ok {
			return true
		}
		if fl, ok := ds.Call.Fun.(*ast.FuncLit); ok {
			ast.Inspect(fl.Body, func(m ast.Node) bool {
				if c, ok := m.(*ast.CallExpr); ok && isIdent(c.Fun, "recover") && len(c.Args) == 0 {
					out = ds
				}
				return out == nil
			})
		}
		return false
	})
	return out
}

func namedErrResult(fd *ast.FuncDecl, name string) bool {
	if fd.Type.Results == nil {
		return false
	}
	for _, f := range fd.Type.Results.List {
		for _, n := range f.Names {
			if n.Name == name {
				return true
			}
		}
	}
	return false
}
