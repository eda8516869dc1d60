package model

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
)

// An exact check that became a containment check is weaker only when
// nothing else pins the value. Two rewrites keep it pinned another way,
// when the code under test changed in the same range:
//   - the output grew: Equal(t, "fallback", out) → Contains(t, out,
//     "fallback") beside Contains(t, out, payload): the old expected text is
//     now one part of the value, and the other parts are checked too;
//   - the output became structured: Equal(t, "done", text) → the test
//     decodes text (json.Unmarshal([]byte(text), &resp)), pins fields of
//     resp with Equal, and looks for the old message in one of them.

// restructured says how an Equal → Contains weakening w keeps the value
// checked, or "" when it does not.
func (a *Pass) restructured(m *Match, w Weakening) string {
	b, h := w.Base, w.Head
	if b == nil || h == nil || !strings.HasPrefix(b.key, "ne(") || !strings.HasPrefix(h.key, "notcontains(") {
		return ""
	}
	needle := ""
	for _, op := range h.operands {
		if strings.HasPrefix(op, `"`) && slices.Contains(b.operands, op) {
			needle = op
		}
	}
	if needle == "" {
		return "" // the needle is not the whole old expected value
	}
	bv, hv := otherOperand(b, needle), otherOperand(h, needle)
	if bv == "" || hv == "" {
		return ""
	}
	if len(a.SubjectOf(m.Base, false, m.Base.Body).Changed) == 0 {
		return "" // the code under test did not change: the output did not either
	}
	checks := a.ChecksIn(a.Head, m.Head)
	if hv == bv {
		for _, o := range checks {
			if o != h && strings.HasPrefix(o.key, "notcontains("+hv+",") && !slices.Contains(o.operands, needle) {
				return "the value now holds more than the old expected text: the test checks that it contains that text and " +
					"also " + otherOperand(o, hv) + ", which reads as the output growing on purpose"
			}
		}
		return ""
	}
	root := operandRoot(hv)
	if root == "" || root == operandRoot(bv) || !decodes(m.Head, bv, root) {
		return ""
	}
	pinned := 0
	for _, o := range checks {
		if o != h && strings.HasPrefix(o.key, "ne(") && slices.ContainsFunc(o.operands, func(x string) bool { return operandRoot(x) == root }) {
			pinned++
		}
	}
	if pinned == 0 {
		return ""
	}
	return "the output became structured: the test decodes " + bv + " into " + root + " and pins " +
		Plural(pinned, "one of its fields", "its fields") + " with exact checks"
}

// otherOperand returns the operand of a two-operand check that is not x.
func otherOperand(s *Site, x string) string {
	for _, op := range s.operands {
		if op != x {
			return op
		}
	}
	return ""
}

// operandRoot returns the variable an operand's expression starts from:
// resp["message"] → resp.
func operandRoot(op string) string {
	e, err := parser.ParseExpr(op)
	if err != nil {
		return ""
	}
	return rootIdent(e)
}

// decodes reports whether a test's body passes the value src (an
// expression's text) and &root to one call: json.Unmarshal([]byte(src),
// &root), yaml.Unmarshal, or a decoder built over it.
func decodes(tf *TestFunc, src, root string) bool {
	if tf.Body == nil {
		return false
	}
	found := false
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		into, from := false, false
		for _, arg := range call.Args {
			if u, ok := arg.(*ast.UnaryExpr); ok && u.Op == token.AND {
				if id, ok := u.X.(*ast.Ident); ok && id.Name == root {
					into = true
				}
			}
		}
		if !into {
			return true
		}
		text := tf.File.Text(call)
		from = strings.Contains(strings.Join(strings.Fields(text), ""), strings.Join(strings.Fields(src), ""))
		found = from
		return !found
	})
	return found
}
