package model

import (
	"go/ast"
	"go/types"
	"strings"
	"testing"
)

func TestAssertionMessages(t *testing.T) {
	src := `package p

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestX(t *testing.T) {
	require.NoError(t, err, "could not open %s", path)
	require.ErrorContains(t, err, "bad input")
	require.Equal(t, want, got, "sum of %d", n)
	s.NoError(err, "server did not stop")
	s.Equal(want, got)
	check(t, "not an assertion")
}
`
	f := parseFile("x_test.go", []byte(src))
	if f.Err != nil {
		t.Fatal(f.Err)
	}
	var got []string
	ast.Inspect(f.AST, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			var msgs []string
			for _, m := range assertionMessages(f, call) {
				msgs = append(msgs, types.ExprString(m))
			}
			if len(msgs) > 0 {
				got = append(got, strings.Join(msgs, " "))
			}
		}
		return true
	})
	want := []string{`"could not open %s" path`, `"sum of %d" n`, `"server did not stop"`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("messages = %q, want %q", got, want)
	}
}
