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

// methodMap maps the names of the package's methods to their declarations.
func (p *pkgInfo) methodMap() map[string][]*helperFunc {
	if p.methods == nil {
		p.methods = map[string][]*helperFunc{}
		for _, f := range p.Files {
			if f.AST == nil {
				continue
			}
			for _, d := range f.AST.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) > 0 && fd.Body != nil {
					p.methods[fd.Name.Name] = append(p.methods[fd.Name.Name], &helperFunc{decl: fd, file: f})
				}
			}
		}
	}
	return p.methods
}

// suiteMethod finds the method a suite test calls on its receiver
// (s.stopServer()): the one of the suite's own type, else the only method
// of that name the package's test files declare — a suite's helpers often
// live on a base suite it embeds, whose methods it promotes. Nil when
// there is none, or several and none of the suite's own type.
func (s *Snapshot) suiteMethod(dir, suiteType, name string) *helperFunc {
	var found []*helperFunc
	if s.wholePkg(dir) {
		found = s.Pkg(dir).methodMap()[name]
	} else {
		seen := map[string]bool{} // path and receiver type: a changed file's tree, then the others'
		add := func(decls []ast.Decl, sf *SrcFile) {
			for _, d := range decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Recv == nil || len(fd.Recv.List) == 0 || fd.Body == nil || fd.Name.Name != name {
					continue
				}
				if key := sf.Path + "\x00" + receiverType(fd); !seen[key] {
					seen[key] = true
					found = append(found, &helperFunc{decl: fd, file: sf})
				}
			}
		}
		for _, h := range s.changedMethodsOf(dir)[name] { // a changed file's method may be new
			add([]ast.Decl{h.decl}, h.file)
		}
		for _, r := range s.text(dir).candidates(name) {
			add(r.decls())
		}
	}
	var inTests []*helperFunc
	for _, h := range found {
		if receiverType(h.decl) == suiteType {
			return h
		}
		if IsTestFile(h.file.Path) {
			inTests = append(inTests, h)
		}
	}
	if len(inTests) == 1 {
		return inTests[0]
	}
	return nil
}

// methodScope is the check scope of a suite's helper method called on the
// suite receiver: its own receiver is the suite, named as the caller names
// it, and its parameters map to the caller's arguments as a helper's do.
func (h *helperFunc) methodScope(call *ast.CallExpr, caller *CheckScope, w *siteWalker) (*CheckScope, map[string]string) {
	sc, subst := h.scope(call, caller, w)
	recv := firstParamName(h.decl.Recv.List)
	if recv == "" || recv == "_" {
		return sc, subst
	}
	sc.suite, sc.suiteType = recv, receiverType(h.decl)
	if recv != caller.suite {
		subst[recv] = caller.suite
	}
	return sc, subst
}

// changedMethodsOf maps the names of the methods the changed files of dir
// declare (in their trees as parsed) to their declarations.
func (s *Snapshot) changedMethodsOf(dir string) map[string][]*helperFunc {
	if s.changedMethods == nil {
		s.changedMethods = map[string]map[string][]*helperFunc{}
	}
	idx, ok := s.changedMethods[dir]
	if !ok {
		idx = map[string][]*helperFunc{}
		for path, f := range s.Files {
			if DirOf(path) != dir || f.AST == nil || !strings.HasSuffix(path, ".go") {
				continue
			}
			for _, d := range f.AST.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) > 0 && fd.Body != nil {
					idx[fd.Name.Name] = append(idx[fd.Name.Name], &helperFunc{decl: fd, file: f})
				}
			}
		}
		s.changedMethods[dir] = idx
	}
	return idx
}
