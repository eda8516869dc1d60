package model

import (
	"go/ast"
	"maps"
	"slices"
	"strings"
)

// A function under test that the range rewrote to hand its work to a new
// helper is tested through that helper: per-kind rows of the wrapper's
// table move to a table test of the helper, and the wrapper keeps only what
// it does itself. Delegated finds that shape from syntax alone.

// Delegation is the evidence that code a removed piece of test exercised
// now delegates to a function the range added, which new or changed tests
// call directly.
type Delegation struct {
	Caller string   // the function the removed test code called
	Helper string   // the function added in this range that it now calls
	Tests  []string // the new or changed tests that name the helper
}

// Why says so, for a message.
func (d Delegation) Why() string {
	return d.Caller + " now delegates to " + d.Helper + ", added in this range, which " +
		ListNames(d.Tests, 2) + " " + Plural(len(d.Tests), "tests", "test") + " directly"
}

// Delegated reads the functions nodes of a base test call and returns
// the first that the range changed to call a function it added, named by
// a new or changed test of head; ok is false when none does.
func (a *Pass) Delegated(nodes ...ast.Node) (Delegation, bool) {
	dl := a.delegations()
	if len(dl) == 0 {
		return Delegation{}, false
	}
	var found []string
	for _, n := range nodes {
		if n == nil {
			continue
		}
		ast.Inspect(n, func(x ast.Node) bool {
			if call, ok := x.(*ast.CallExpr); ok {
				if _, fn := CallName(call); dl[fn].Helper != "" {
					found = append(found, fn)
				}
			}
			return true
		})
	}
	if len(found) == 0 {
		return Delegation{}, false
	}
	slices.Sort(found)
	return dl[found[0]], true
}

// delegations maps each function the range changed to call a function it
// added, which a new or changed test names, to that evidence; computed
// once per analysis.
func (a *Pass) delegations() map[string]Delegation {
	if a.delegates != nil {
		return a.delegates
	}
	a.delegates = map[string]Delegation{}
	rc := a.removedCode()
	added := a.addedFuncs()
	for _, pf := range a.ChangedFuncs() {
		name := pf.Decl.Name.Name
		if pf.Old == nil || !specificName(name) || a.delegates[name].Helper != "" {
			continue
		}
		ast.Inspect(pf.Decl.Body, func(x ast.Node) bool {
			call, ok := x.(*ast.CallExpr)
			if !ok || a.delegates[name].Helper != "" {
				return a.delegates[name].Helper == ""
			}
			_, fn := CallName(call)
			if fn == name || !added[fn] || !specificName(fn) {
				return true
			}
			if tests := rc.retest[fn]; len(tests) > 0 {
				a.delegates[name] = Delegation{Caller: name, Helper: fn, Tests: slices.Sorted(slices.Values(dedupe(tests)))}
			}
			return true
		})
	}
	return a.delegates
}

// addedFuncs lists the functions and methods head's changed non-test files
// declare that base declared nowhere: in its changed files (a method or a
// function moved from a file changed that file) or in the package.
func (a *Pass) addedFuncs() map[string]bool {
	baseNames := map[string]bool{}
	for p, f := range a.Base.Files {
		if f.AST != nil && !IsTestFile(p) {
			for _, d := range f.AST.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					baseNames[fd.Name.Name] = true
				}
			}
		}
	}
	out := map[string]bool{}
	for _, p := range slices.Sorted(maps.Keys(a.Head.Files)) {
		f := a.Head.Files[p]
		if f.AST == nil || IsTestFile(p) || f.Generated {
			continue
		}
		for _, d := range f.AST.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || baseNames[fd.Name.Name] {
				continue
			}
			if fd.Recv == nil && a.Base.Declares(DirOf(p), fd.Name.Name) {
				continue
			}
			out[fd.Name.Name] = true
		}
	}
	return out
}

func dedupe(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if i := strings.IndexByte(n, '/'); i > 0 {
			n = n[:i] // a subtest stands for its test
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
