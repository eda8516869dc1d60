package model

import (
	"go/ast"
	"strings"
)

// This file finds the helpers of a package that tests call, and the scope
// a helper body is read in when a test passes it its *testing.T.

// helperFunc is a function of the package that takes a *testing.T-like value.
type helperFunc struct {
	decl *ast.FuncDecl
	file *SrcFile
}

func (p *pkgInfo) helper(name string) *helperFunc { return p.helperMap()[name] }

// helper finds a function of a package: first among the changed files of
// that side (helpers usually live next to the tests that call them, which
// changed), and only then in the whole package, which may mean parsing it.
func (s *Snapshot) helper(dir, name string) *helperFunc {
	if p, ok := s.dirs[dir]; ok {
		return p.helper(name)
	}
	if s.changedHelpers == nil {
		s.changedHelpers = map[string]map[string]*helperFunc{}
	}
	idx, ok := s.changedHelpers[dir]
	if !ok {
		idx = map[string]*helperFunc{}
		for path, f := range s.Files {
			if DirOf(path) != dir || f.AST == nil || !strings.HasSuffix(path, ".go") {
				continue
			}
			for _, d := range f.AST.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Body != nil {
					idx[fd.Name.Name] = &helperFunc{decl: fd, file: f}
				}
			}
		}
		s.changedHelpers[dir] = idx
	}
	if h, ok := idx[name]; ok {
		return h
	}
	return s.funcDecl(dir, name)
}

// helperMap maps the package's functions (not methods) to their declarations.
func (p *pkgInfo) helperMap() map[string]*helperFunc {
	if p.helpers == nil {
		p.helpers = map[string]*helperFunc{}
		for _, f := range p.Files {
			if f.AST == nil {
				continue
			}
			for _, d := range f.AST.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Body != nil {
					p.helpers[fd.Name.Name] = &helperFunc{decl: fd, file: f}
				}
			}
		}
	}
	return p.helpers
}

// scope builds the check scope of the helper's body (its parameters that
// receive the caller's *testing.T) and maps its other parameters to the
// caller's arguments, so that what it checks reads in the test's terms.
func (h *helperFunc) scope(call *ast.CallExpr, caller *CheckScope, w *siteWalker) (*CheckScope, map[string]string) {
	sc := &CheckScope{file: h.file, testing: map[string]bool{}, bound: map[string]bool{}}
	subst := map[string]string{}
	var names []string
	for _, f := range h.decl.Type.Params.List {
		if len(f.Names) == 0 {
			names = append(names, "_")
		}
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
	}
	for i, arg := range call.Args {
		if i >= len(names) {
			break
		}
		id, ok := ast.Unparen(arg).(*ast.Ident)
		if (ok && (caller.testing[id.Name] || caller.bound[id.Name])) || (caller.suite != "" && isSuiteT(arg, caller.suite)) {
			sc.testing[names[i]] = true
		} else if names[i] != "_" && !call.Ellipsis.IsValid() {
			subst[names[i]] = w.text(arg)
		}
	}
	sc.bindObjects(h.decl.Body)
	return sc, subst
}
