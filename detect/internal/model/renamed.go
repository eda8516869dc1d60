package model

import (
	"bytes"
	"go/ast"
	"go/token"
	"strings"
	"unicode"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// RenamedTo finds, for a function or method that base's package dir
// declares under name and head's package does not, the name it goes by in
// head when the range only renamed it: a declaration of a changed file of
// head, under a name base's package did not have, with the same body (in
// any layout). A renamed subject is not a removed one: a test deleted with
// its subject's rename lost its subject to nothing. It returns "" when no
// such declaration exists.
func (a *Pass) RenamedTo(dir, name string) string {
	body := a.Base.lastFuncBody(dir, name)
	if len(body) < 16 {
		return "" // too little to tell a rename from a coincidence
	}
	for _, f := range a.Head.Files {
		if f.AST == nil || IsTestFile(f.Path) {
			continue
		}
		for _, d := range f.AST.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || fd.Name.Name == name || a.Base.Declares(DirOf(f.Path), fd.Name.Name) {
				continue
			}
			if bytes.Equal(squeeze(f.Text(fd.Body)), body) {
				return fd.Name.Name
			}
		}
	}
	return ""
}

// squeeze drops the white space of source text, so that two layouts of the
// same code compare equal.
func squeeze(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if !unicode.IsSpace(r) {
			out = append(out, string(r)...)
		}
	}
	return out
}

// MovedTo reports where a package directory of base went when the range
// moved it (its non-test files renamed into one other directory that head
// has), or "" when it did not move.
func (a *Pass) MovedTo(dir string) string {
	to := ""
	for from, path := range a.renamed {
		if DirOf(from) != dir || IsTestFile(from) || !strings.HasSuffix(from, ".go") {
			continue
		}
		if to != "" && DirOf(path) != to {
			return "" // split over several directories: not one move
		}
		to = DirOf(path)
	}
	if to == "" || to == dir || !a.Head.HasFiles(to) {
		return ""
	}
	return to
}

// Submodule reports whether head holds a submodule (a gitlink) where base
// had the package directory dir: the package was replaced by another
// repository, not removed.
func (a *Pass) Submodule(dir string) bool {
	return a.Head.ld != nil && a.Head.ld.repo != nil && gitutil.IsSubmodule(a.Head.ld.repo, a.Head.Rev, dir)
}

// lastFuncBody returns the body, squeezed, of the last function or method
// named name that the non-test files of dir declare (the last file's, and
// in it the last), or nil. Unless the package is parsed whole, it parses
// only the declarations that may be named so (lookup.go).
func (s *Snapshot) lastFuncBody(dir, name string) []byte {
	var body []byte
	if s.wholePkg(dir) {
		for _, f := range s.Pkg(dir).Files {
			if f.AST == nil || IsTestFile(f.Path) {
				continue
			}
			for _, d := range f.AST.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name && fd.Body != nil {
					body = squeeze(f.Text(fd.Body))
				}
			}
		}
		return body
	}
	p := s.text(dir)
	order := map[*textFile]int{}
	for i, f := range p.files {
		order[f] = i
	}
	last, at := -1, token.NoPos
	for _, r := range p.candidates(name) {
		if IsTestFile(r.f.path) {
			continue
		}
		decls, sf := r.decls()
		for _, d := range decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Name.Name != name || fd.Body == nil {
				continue
			}
			// A partial parse keeps the file's offsets: positions order
			// the declarations of one file.
			if i := order[r.f]; i > last || i == last && fd.Pos() > at {
				last, at, body = i, fd.Pos(), squeeze(sf.Text(fd.Body))
			}
		}
	}
	return body
}
