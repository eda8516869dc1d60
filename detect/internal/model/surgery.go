package model

import (
	"go/ast"
	"slices"
	"strings"
)

// Surgical reports whether a kept test lost its checks by surgery: head's
// body brings next to nothing of its own (logs and an error now discarded,
// err → _, aside) and keeps all of base's but the removed checks — up to
// three adjacent token pairs either way — so what changed is that checks
// were cut or defused. A test reworked around its checks (new
// setup, new calls, setup removed with them) is not surgery. That is how a check is deleted to get past it; a test
// reworked around its checks (new setup, new calls, checks rephrased) is
// not surgery, whatever it lost.
func Surgical(m *Match, removed []*Site) bool {
	bt, ht := m.Base, m.Head
	if bt.Body == nil || ht.Body == nil || len(removed) == 0 || !wellFormed(bt.File, bt.Body) || !wellFormed(ht.File, ht.Body) {
		return false
	}
	base := bt.File.Fset.File(bt.Body.Pos())
	var cuts [][2]int // the removed checks' statements, as byte ranges of base
	for _, s := range removed {
		if s.File != bt.File {
			return false // reached through a helper: the helper changed, not the test
		}
		if st := checkStmt(bt.Body, s.At); st != nil {
			cuts = append(cuts, [2]int{base.Offset(st.Pos()), base.Offset(st.End())})
		}
	}
	slices.SortFunc(cuts, func(a, b [2]int) int { return a[0] - b[0] })
	baseSrc := bt.File.Src[base.Offset(bt.Body.Lbrace) : base.Offset(bt.Body.Rbrace)+1]
	had := bigramSet(scanTokens(baseSrc, blankErr))
	var rest strings.Builder // base without the removed checks
	at := base.Offset(bt.Body.Lbrace)
	for _, c := range cuts {
		if c[0] >= at {
			rest.Write(bt.File.Src[at:c[0]])
			at = c[1]
		}
	}
	rest.Write(bt.File.Src[at : base.Offset(bt.Body.Rbrace)+1])
	head := ht.File.Fset.File(ht.Body.Pos())
	var headSrc strings.Builder
	at = head.Offset(ht.Body.Lbrace)
	for _, st := range logStmts(ht.Body) {
		if off := head.Offset(st.Pos()); off >= at {
			headSrc.Write(ht.File.Src[at:off])
			at = head.Offset(st.End())
		}
	}
	headSrc.Write(ht.File.Src[at : head.Offset(ht.Body.Rbrace)+1])
	now := scanTokens([]byte(headSrc.String()), blankErr)
	return missing(now, had) && missing(scanTokens([]byte(rest.String()), blankErr), bigramSet(now))
}

// missing reports whether at most three adjacent token pairs of toks are
// missing from set: toks brings next to nothing set lacks. (A check
// defused in place, t.Fatal(err) → return, costs one or two.)
func missing(toks []string, set map[string]bool) bool {
	n := 0
	for i := 1; i < len(toks); i++ {
		if !set[toks[i-1]+" "+toks[i]] {
			n++
		}
	}
	return n <= 3
}

// checkStmt finds the statement of body that holds the check at n: the if
// that guards a failure, or the assertion's own statement.
func checkStmt(body *ast.BlockStmt, n ast.Node) ast.Stmt {
	var found ast.Stmt
	ast.Inspect(body, func(x ast.Node) bool {
		if x == nil || x.Pos() > n.Pos() || x.End() < n.End() {
			return false // does not hold n
		}
		switch st := x.(type) {
		case *ast.IfStmt:
			if st.Else == nil && len(st.Body.List) == 1 {
				found = st
			}
		case *ast.ExprStmt, *ast.AssignStmt, *ast.DeferStmt:
			if found == nil || found.End() < x.Pos() || !isIf(found) {
				found = st.(ast.Stmt)
			}
		}
		return true
	})
	return found
}

func isIf(s ast.Stmt) bool { _, ok := s.(*ast.IfStmt); return ok }

// blankErr reads an error variable and the blank identifier alike: a
// check cut along with the error it read (got, err := → got, _ :=) is
// still a cut.
var blankErr = map[string]string{"err": "_"}

func bigramSet(toks []string) map[string]bool {
	out := make(map[string]bool, len(toks))
	for i := 1; i < len(toks); i++ {
		out[toks[i-1]+" "+toks[i]] = true
	}
	return out
}

// logStmts lists the statements of a body, at any depth, that only log,
// print or discard a value (_ = got): what a cut check often leaves behind.
func logStmts(body *ast.BlockStmt) []ast.Stmt {
	var out []ast.Stmt
	ast.Inspect(body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && BlankAssign(as) {
			out = append(out, as)
			return false
		}
		es, ok := n.(*ast.ExprStmt)
		if !ok {
			return true
		}
		if call, ok := es.X.(*ast.CallExpr); ok {
			if recv, name := CallName(call); name == "Log" || name == "Logf" || ((recv == "fmt" || recv == "log") && strings.HasPrefix(name, "Print")) {
				out = append(out, es)
			}
		}
		return false
	})
	return out
}

// LostValues lists the values the given base checks compared — their
// non-trivial literals — that head's test no longer mentions anywhere: what
// a rework stopped checking, rather than checks it rephrased.
func LostValues(m *Match, removed []*Site) []string {
	have := literalsOfTest(m.Head, false)
	seen := map[string]bool{}
	var out []string
	for _, s := range removed {
		for v := range siteLiterals(s) {
			if !have[v] && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	slices.Sort(out)
	return out
}

// wellFormed reports whether a body's braces are both in the file's text,
// in order: a body the parser had to close itself (a file that does not
// parse) has no closing brace to cut the text at.
func wellFormed(f *SrcFile, body *ast.BlockStmt) bool {
	if !body.Lbrace.IsValid() || !body.Rbrace.IsValid() || body.Rbrace <= body.Lbrace {
		return false
	}
	tf := f.Fset.File(body.Lbrace)
	if tf == nil || tf != f.Fset.File(body.Rbrace) {
		return false
	}
	r := tf.Offset(body.Rbrace)
	return r < len(f.Src) && f.Src[r] == '}' && f.Src[tf.Offset(body.Lbrace)] == '{'
}
