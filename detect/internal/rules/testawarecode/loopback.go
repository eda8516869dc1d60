package testawarecode

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// A check bypassed for requests from the local machine is a test hatch in
// all but name: httptest servers and clients talk over loopback, so the
// tests take the branch and production (mostly) does not.

var loopbackLits = model.SetOf("127.0.0.1", "::1", "[::1]", "localhost")

func loopbackValue(e ast.Expr) string {
	l, ok := ast.Unparen(e).(*ast.BasicLit)
	if !ok || l.Kind != token.STRING {
		return ""
	}
	s, err := strconv.Unquote(l.Value)
	if err != nil {
		return ""
	}
	if loopbackLits[s] || strings.HasPrefix(s, "127.0.0.1:") || strings.HasPrefix(s, "localhost:") || s == "127." {
		return s
	}
	return ""
}

func loopbackProbe(f *model.SrcFile, at ast.Node, lit string) *probe {
	return &probe{sig: "loopback", loopback: true, loopLit: lit, upToWarning: true,
		what: fmt.Sprintf("whether the peer or host is the local machine (%s), which is where the tests' httptest servers and clients run,", f.Text(at))}
}

// loopbackCompare recognises host == "127.0.0.1", r.Host != "localhost".
func loopbackCompare(f *model.SrcFile, at ast.Node, x, y ast.Expr) *probe {
	for _, v := range []ast.Expr{x, y} {
		if lit := loopbackValue(v); lit != "" {
			return loopbackProbe(f, at, lit)
		}
	}
	return nil
}

// loopbackCall recognises ip.IsLoopback() and strings.HasPrefix(addr, "127.").
func loopbackCall(f *model.SrcFile, call *ast.CallExpr) *probe {
	_, name := model.CallName(call)
	switch {
	case name == "IsLoopback" && len(call.Args) == 0:
		return loopbackProbe(f, call, "")
	case (name == "HasPrefix" || name == "Contains") && len(call.Args) == 2:
		if lit := loopbackValue(call.Args[1]); lit != "" {
			return loopbackProbe(f, call, lit)
		}
	}
	return nil
}

// bypass reports whether a branch the probe decides leaves the function
// early: a return (the check after it skipped).
func (g *guarded) bypass() bool {
	for _, b := range g.bodies {
		if len(b) == 0 {
			continue
		}
		if _, ok := b[len(b)-1].(*ast.ReturnStmt); ok {
			return true
		}
	}
	return false
}

// newTestUses reports whether a test new in this change mentions the
// literal: a feature for local addresses that came with its own test.
func (a *pass) newTestUses(dir, lit string) bool {
	if lit == "" {
		return false
	}
	q := strconv.Quote(lit)
	for path, f := range a.Head.Files {
		if model.DirOf(path) != dir || !model.IsTestFile(path) || f.AST == nil {
			continue
		}
		for _, tf := range a.Head.Tests {
			if tf.File != f || !tf.IsTest() || len(a.Base.ByKey[tf.Key()]) > 0 {
				continue
			}
			if strings.Contains(f.Text(tf.Body), q) || strings.Contains(f.Text(tf.Body), `"`+lit) {
				return true
			}
		}
	}
	return false
}
