package model

import (
	"fmt"
	"go/ast"
	"strings"
)

// HeadFile returns head's version of a base file (following a rename), or
// nil when the file is gone.
func (a *Pass) HeadFile(basePath string) *SrcFile {
	if to, ok := a.renamed[basePath]; ok {
		return a.Head.Files[to]
	}
	if f, ok := a.Head.Files[basePath]; ok {
		return f
	}
	if a.Deleted[basePath] {
		return nil
	}
	for _, f := range a.Head.Pkg(DirOf(basePath)).Files {
		if f.Path == basePath {
			return f
		}
	}
	return nil
}

// SurvivingLine places something deleted on the nearest line that exists in
// head: for a subtest, the head version of its parent; for a test, next to
// the declarations around it that survived.
func (a *Pass) SurvivingLine(bt *TestFunc) (string, int) {
	if bt.Parent != nil {
		for _, m := range a.Matches {
			if m.Base == bt.Parent && m.Head != nil {
				return m.Head.File.Path, m.Head.Line()
			}
		}
	}
	hf := a.HeadFile(bt.File.Path)
	if hf == nil {
		return "", 0
	}
	return hf.Path, nearestLine(bt.File, hf, bt.Decl.Pos())
}

// CommentedOut finds a deleted test's declaration inside a comment of head's
// version of its file.
func (a *Pass) CommentedOut(bt *TestFunc) *ast.CommentGroup {
	if bt.Parent != nil {
		return nil
	}
	hf := a.HeadFile(bt.File.Path)
	if hf == nil || hf.AST == nil {
		return nil
	}
	needle := "func " + bt.Name + "("
	if bt.Kind == KindSuite {
		needle = ") " + ShortName(bt.Name) + "("
	}
	for _, cg := range hf.AST.Comments {
		if strings.Contains(hf.Text(cg), needle) {
			return cg
		}
	}
	return nil
}

// Hollowed says how a kept test was made unable to fail — emptied,
// commented out, returning before its first check — or "" when it was not;
// line is where the early return stands.
func (a *Pass) Hollowed(m *Match) (what string, line int) {
	bt, ht := m.Base, m.Head
	if len(CheckScopeOf(bt).ChecksIn(bt.Body)) == 0 {
		return "", 0
	}
	switch {
	case len(ht.Body.List) == 0 && hasComments(ht):
		return fmt.Sprintf("The body of %s was commented out: it still runs but can no longer fail.", bt.Name), 0
	case len(ht.Body.List) == 0:
		return fmt.Sprintf("The body of %s was emptied: it still runs but can no longer fail.", bt.Name), 0
	case liveChecks(bt) > 0 && liveChecks(ht) == 0 && firstReturn(ht.Body) != nil && len(CheckScopeOf(ht).ChecksIn(ht.Body)) > 0:
		l := ht.File.Line(firstReturn(ht.Body).Pos())
		return fmt.Sprintf("%s now returns (line %d) before its first check: everything after it is dead code, so it can no longer fail.", bt.Name, l), l
	}
	return "", 0
}

// liveChecks counts the checks a test reaches before its first
// unconditional top-level return.
func liveChecks(tf *TestFunc) int {
	ret := firstReturn(tf.Body)
	n := 0
	for _, pos := range CheckScopeOf(tf).ChecksIn(tf.Body) {
		if ret == nil || pos < ret.Pos() {
			n++
		}
	}
	return n
}

func hasComments(tf *TestFunc) bool {
	for _, cg := range tf.File.AST.Comments {
		if cg.Pos() > tf.Body.Lbrace && cg.End() < tf.Body.Rbrace {
			return true
		}
	}
	return false
}

// firstReturn returns the first unconditional return among a body's
// top-level statements.
func firstReturn(b *ast.BlockStmt) *ast.ReturnStmt {
	for _, s := range b.List {
		if r, ok := s.(*ast.ReturnStmt); ok {
			return r
		}
	}
	return nil
}
