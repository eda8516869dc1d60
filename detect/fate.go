package detect

import (
	"fmt"
	"go/ast"
	"strings"
)

// headFile returns head's version of a base file (following a rename), or
// nil when the file is gone.
func (a *analysis) headFile(basePath string) *srcFile {
	if to, ok := a.renamed[basePath]; ok {
		return a.head.files[to]
	}
	if f, ok := a.head.files[basePath]; ok {
		return f
	}
	if a.deleted[basePath] {
		return nil
	}
	for _, f := range a.head.pkg(dirOf(basePath)).files {
		if f.Path == basePath {
			return f
		}
	}
	return nil
}

// survivingLine places something deleted on the nearest line that exists in
// head: for a subtest, the head version of its parent; for a test, next to
// the declarations around it that survived.
func (a *analysis) survivingLine(bt *testFunc) (string, int) {
	if bt.Parent != nil {
		for _, m := range a.matches {
			if m.base == bt.Parent && m.head != nil {
				return m.head.File.Path, m.head.line()
			}
		}
	}
	hf := a.headFile(bt.File.Path)
	if hf == nil {
		return "", 0
	}
	return hf.Path, nearestLine(bt.File, hf, bt.Decl.Pos())
}

// commentedOut finds a deleted test's declaration inside a comment of head's
// version of its file.
func (a *analysis) commentedOut(bt *testFunc) *ast.CommentGroup {
	if bt.Parent != nil {
		return nil
	}
	hf := a.headFile(bt.File.Path)
	if hf == nil || hf.AST == nil {
		return nil
	}
	needle := "func " + bt.Name + "("
	if bt.Kind == kindSuite {
		needle = ") " + shortName(bt.Name) + "("
	}
	for _, cg := range hf.AST.Comments {
		if strings.Contains(hf.text(cg), needle) {
			return cg
		}
	}
	return nil
}

// hollowed says how a kept test was made unable to fail — emptied,
// commented out, returning before its first check — or "" when it was not;
// line is where the early return stands.
func (a *analysis) hollowed(m *match) (what string, line int) {
	bt, ht := m.base, m.head
	if len(newCheckScope(bt).checksIn(bt.Body)) == 0 {
		return "", 0
	}
	switch {
	case len(ht.Body.List) == 0 && hasComments(ht):
		return fmt.Sprintf("The body of %s was commented out: it still runs but can no longer fail.", bt.Name), 0
	case len(ht.Body.List) == 0:
		return fmt.Sprintf("The body of %s was emptied: it still runs but can no longer fail.", bt.Name), 0
	case liveChecks(bt) > 0 && liveChecks(ht) == 0 && firstReturn(ht.Body) != nil && len(newCheckScope(ht).checksIn(ht.Body)) > 0:
		l := ht.File.line(firstReturn(ht.Body).Pos())
		return fmt.Sprintf("%s now returns (line %d) before its first check: everything after it is dead code, so it can no longer fail.", bt.Name, l), l
	}
	return "", 0
}

// liveChecks counts the checks a test reaches before its first
// unconditional top-level return.
func liveChecks(tf *testFunc) int {
	ret := firstReturn(tf.Body)
	n := 0
	for _, pos := range newCheckScope(tf).checksIn(tf.Body) {
		if ret == nil || pos < ret.Pos() {
			n++
		}
	}
	return n
}

func hasComments(tf *testFunc) bool {
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
