package disabledtest

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// This file judges what a test binary runs before its tests, from outside
// any test's body: an init function or a package-level variable
// initializer of a test file that exits with success (os.Exit(0)), or that
// sets go test's own -test.run / -test.skip flags, turns every test of the
// package off while go test reports success.

// prerunHit is one such call, reached from an init function, a variable
// initializer or TestMain, perhaps through package functions.
type prerunHit struct {
	root  string // "func init", "var _", "TestMain"
	what  string // "exit" or the flag set, e.g. "test.run"
	call  *ast.CallExpr
	cf    *model.SrcFile // the file of the call
	at    ast.Node       // where the root reaches it: the call, or the root's call of a helper
	af    *model.SrcFile // the root's file
	via   []string
	gate  string // the innermost condition it is under ("" for none)
	ciVar string // a CI variable that condition reads
}

func (h *prerunHit) signature() string {
	return h.root + "\x00" + h.what + "\x00" + h.cf.Text(h.call) + "\x00" + strings.Join(h.via, ">") + "\x00" + h.gate
}

// testFlags are go test's flags that, set by the test binary itself, keep
// its tests from running, with the severity of setting them.
var testFlags = map[string]finding.Severity{
	"test.run":   finding.Error,
	"test.skip":  finding.Error,
	"test.list":  finding.Error,
	"test.short": finding.Warning,
}

// prerunWalker walks the code of one root.
type prerunWalker struct {
	snap     *model.Snapshot
	dir      string
	root     string
	af       *model.SrcFile
	flagsOK  bool // the test flags are registered: TestMain, or testing.Init() was called
	before   token.Pos
	hits     []*prerunHit
	visited  map[string]bool
	sawInit  bool
	onlyFlag bool
}

// checkPrerun reports the new exits and test-flag settings that the
// changed test files of head run before their package's tests.
func (a *pass) checkPrerun() {
	paths := make([]string, 0, len(a.Head.Files))
	for p := range a.Head.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		hf := a.Head.Files[p]
		if hf == nil || hf.AST == nil || hf.Generated || !model.IsTestFile(p) || model.FileNotRun(hf) != "" {
			continue
		}
		hits := prerunHits(a.Head, hf)
		if len(hits) == 0 {
			continue
		}
		had := map[string]int{}
		if bf := a.Base.Files[p]; bf != nil && bf.AST != nil && model.FileNotRun(bf) == "" {
			for _, h := range prerunHits(a.Base, bf) {
				had[h.signature()]++
			}
		}
		for _, h := range hits {
			if had[h.signature()] > 0 {
				had[h.signature()]--
				continue
			}
			a.reportPrerun(h, model.DirOf(p))
		}
	}
}

// prerunHits lists what the file's init functions, variable initializers
// and TestMain (before m.Run) do that keeps the package's tests from running.
func prerunHits(snap *model.Snapshot, f *model.SrcFile) []*prerunHit {
	var out []*prerunHit
	dir := model.DirOf(f.Path)
	for _, d := range f.AST.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body == nil || d.Recv != nil {
				continue
			}
			switch {
			case d.Name.Name == "init":
				w := &prerunWalker{snap: snap, dir: dir, root: "func init", af: f, visited: map[string]bool{}}
				w.walk(d.Body, f, nil, nil, "")
				out = append(out, w.hits...)
			case d.Name.Name == "TestMain":
				// Exits before m.Run are checkTestMain's; here only the
				// flags set before it.
				w := &prerunWalker{snap: snap, dir: dir, root: "TestMain", af: f, flagsOK: true, onlyFlag: true, visited: map[string]bool{}}
				if run := mRunIn(d.Body, firstParam(d)); run != token.NoPos {
					w.before = run
				}
				w.walk(d.Body, f, nil, nil, "")
				out = append(out, w.hits...)
			}
		case *ast.GenDecl:
			if d.Tok != token.VAR {
				continue
			}
			for _, s := range d.Specs {
				vs := s.(*ast.ValueSpec)
				var names []string
				for _, n := range vs.Names {
					names = append(names, n.Name)
				}
				w := &prerunWalker{snap: snap, dir: dir, root: "var " + strings.Join(names, ", "), af: f, visited: map[string]bool{}}
				for _, v := range vs.Values {
					w.walk(v, f, nil, nil, "")
				}
				out = append(out, w.hits...)
			}
		}
	}
	return out
}

func firstParam(fd *ast.FuncDecl) string {
	if fd.Type.Params == nil || len(fd.Type.Params.List) == 0 || len(fd.Type.Params.List[0].Names) == 0 {
		return ""
	}
	return fd.Type.Params.List[0].Names[0].Name
}

// mRunIn finds the first m.Run() of a TestMain body, or a call handed m.
func mRunIn(body *ast.BlockStmt, param string) token.Pos {
	pos := token.NoPos
	if param == "" || param == "_" {
		return pos
	}
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || pos != token.NoPos {
			return pos == token.NoPos
		}
		if recv, name := model.CallName(call); recv == param && name == "Run" {
			pos = call.Pos()
		}
		for _, arg := range call.Args {
			if id, ok := ast.Unparen(arg).(*ast.Ident); ok && id.Name == param {
				pos = call.Pos()
			}
		}
		return true
	})
	return pos
}

// walk looks through n (in file f) for exits and flag settings. at is the
// root's call of the helper being walked (nil in the root itself).
func (w *prerunWalker) walk(n ast.Node, f *model.SrcFile, at ast.Node, via []string, gate string) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IfStmt:
			if n.Init != nil {
				w.walk(n.Init, f, at, via, gate)
			}
			w.walk(n.Cond, f, at, via, gate)
			cond := f.Text(n.Cond)
			w.walk(n.Body, f, at, via, cond)
			if n.Else != nil {
				w.walk(n.Else, f, at, via, "!("+cond+")")
			}
			return false
		case *ast.CaseClause:
			for _, s := range n.Body {
				w.walk(s, f, at, via, orGate(gate, "a case of a switch"))
			}
			return false
		case *ast.CommClause:
			for _, s := range n.Body {
				w.walk(s, f, at, via, orGate(gate, "a case of a select"))
			}
			return false
		case *ast.CallExpr:
			w.call(n, f, at, via, gate)
		}
		return true
	})
}

func orGate(gate, or string) string {
	if gate != "" {
		return gate
	}
	return or
}

func (w *prerunWalker) call(call *ast.CallExpr, f *model.SrcFile, at ast.Node, via []string, gate string) {
	if w.before != token.NoPos && at == nil && call.Pos() >= w.before {
		return
	}
	here := at
	if here == nil {
		here = call
	}
	recv, name := model.CallName(call)
	switch {
	case recv != "" && f.ImportPath(recv) == "testing" && name == "Init":
		w.sawInit = true
		w.flagsOK = true
	case !w.onlyFlag && recv != "" && (f.ImportPath(recv) == "os" || f.ImportPath(recv) == "syscall") && name == "Exit" && zeroArg(call):
		w.add(&prerunHit{what: "exit", call: call, cf: f, at: here, via: via, gate: gate})
	case name == "Set":
		if flag, ok := testFlagSet(call, f); ok && w.flagsOK {
			w.add(&prerunHit{what: flag, call: call, cf: f, at: here, via: via, gate: gate})
		}
	case recv == "" && len(via) < 3:
		if w.visited[name] {
			return
		}
		fd, hf := w.snap.FuncNamed(w.dir, name)
		if fd == nil || hf == nil {
			return
		}
		w.visited[name] = true
		w.walk(fd.Body, hf, here, append(append([]string(nil), via...), name), gate)
	}
}

func (w *prerunWalker) add(h *prerunHit) {
	h.root, h.af = w.root, w.af
	if h.gate != "" {
		for v := range model.CIVariables {
			if strings.Contains(h.gate, strconv.Quote(v)) {
				h.ciVar = v
			}
		}
	}
	w.hits = append(w.hits, h)
}

func zeroArg(call *ast.CallExpr) bool {
	if len(call.Args) != 1 {
		return false
	}
	l, ok := ast.Unparen(call.Args[0]).(*ast.BasicLit)
	return ok && l.Kind == token.INT && l.Value == "0"
}

// testFlagSet recognises flag.Set("test.run", …), flag.CommandLine.Set(…)
// and flag.Lookup("test.run").Value.Set(…) for one of testFlags.
func testFlagSet(call *ast.CallExpr, f *model.SrcFile) (string, bool) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	var nameArg ast.Expr
	switch x := ast.Unparen(sel.X).(type) {
	case *ast.Ident: // flag.Set(name, value)
		if f.ImportPath(x.Name) == "flag" && len(call.Args) == 2 {
			nameArg = call.Args[0]
		}
	case *ast.SelectorExpr:
		if id, ok := ast.Unparen(x.X).(*ast.Ident); ok && f.ImportPath(id.Name) == "flag" && x.Sel.Name == "CommandLine" && len(call.Args) == 2 {
			nameArg = call.Args[0] // flag.CommandLine.Set(name, value)
		}
		if inner, ok := ast.Unparen(x.X).(*ast.CallExpr); ok && x.Sel.Name == "Value" && len(inner.Args) == 1 {
			if recv, name := model.CallName(inner); name == "Lookup" && f.ImportPath(recv) == "flag" {
				nameArg = inner.Args[0] // flag.Lookup(name).Value.Set(value)
			}
		}
	}
	lit, ok := nameArg.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return "", false
	}
	s = strings.TrimLeft(s, "-")
	if _, ok := testFlags[s]; !ok {
		return "", false
	}
	return s, true
}

func (a *pass) reportPrerun(h *prerunHit, dir string) {
	tests := 0
	for _, t := range a.Base.PkgTests(dir) {
		if t.Runs() && t.Parent == nil && t.Kind != model.KindMain {
			tests++
		}
	}
	if tests == 0 {
		return // nothing to turn off
	}
	sev := finding.Error
	if h.what != "exit" {
		sev = testFlags[h.what]
	}
	cond := ""
	switch {
	case h.ciVar != "":
		cond = " when the " + h.ciVar + " environment variable says it runs on CI"
	case h.gate != "" && h.what == "exit" && helperProcessGate(h.gate):
		// The test binary re-run as a helper process (exec of os.Args[0]
		// with a variable or argument set): go test's own run never sets it.
		cond = " when " + h.gate
		sev = finding.Info
	case h.gate != "":
		cond = " when " + h.gate
		sev = min(sev, finding.Warning)
	}
	where := h.root
	if len(h.via) > 0 {
		where += " (through " + strings.Join(h.via, " → ") + ")"
	}
	var what string
	if h.what == "exit" {
		what = fmt.Sprintf("%s in %s exits with success%s before any test runs: none of package %s's %d tests run, and go test reports success.",
			where, h.af.Path, cond, dir, tests)
	} else {
		what = fmt.Sprintf("%s in %s sets go test's own -%s flag%s: the test binary chooses which of package %s's %d tests run, whatever the command line says.",
			where, h.af.Path, h.what, cond, dir, tests)
	}
	a.Report(finding.Finding{
		Rule: ID, Severity: sev, Pkg: dir,
		File: h.af.Path, Line: h.af.Line(h.at.Pos()),
		Excerpt: h.af.Lines(h.at.Pos(), h.at.End(), "+", 3),
		Message: what + " Check why the package's tests are bypassed; if they were failing, the failure is the thing to fix.",
	})
}

// helperProcessGate reports whether a condition reads the environment or
// the command line, as a test binary re-run as a helper process does.
func helperProcessGate(gate string) bool {
	return strings.Contains(gate, "Getenv(") || strings.Contains(gate, "LookupEnv(") || strings.Contains(gate, "os.Args")
}
