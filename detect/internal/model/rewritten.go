package model

import (
	"go/ast"
	"strconv"
	"strings"
)

// RewrittenAs finds, for a test of base that is gone from head, a test the
// range added or rewrote — in any changed file, under any name — that feeds
// the same inputs and expects the same values: most of the removed test's
// distinctive literals, its longest input among them, stand in the new test
// or in the helpers of the new test's file. A test rewritten in another
// style (black-box, another harness, another package) keeps its data even
// when nothing else of it stays. It returns the new test's name, or "".
func (a *Pass) RewrittenAs(bt *TestFunc) string {
	want := literalsOfTest(bt, false)
	for _, b := range bt.setup { // a ginkgo spec's data sits in its BeforeEach
		for v := range literalsOfNode(b, false) {
			want[v] = true
		}
	}
	longest := ""
	for v := range want {
		if s, err := strconv.Unquote(v); err == nil && len(s) > len(longest) {
			longest = s
		}
	}
	if len(want) < 2 || len(longest) < 8 {
		return ""
	}
	helpers := map[*SrcFile]map[string]bool{}
	for _, ht := range a.Head.Tests {
		// Whether the range added or rewrote the test is asked last: it
		// reads the package's tests in base.
		if !ht.IsTest() || ht.Name == bt.Name {
			continue
		}
		have := literalsOfTest(ht, true)
		hl, ok := helpers[ht.File]
		if !ok {
			hl = helperLiterals(ht.File)
			helpers[ht.File] = hl
		}
		n, longOK := 0, false
		for v := range want {
			if have[v] || hl[v] {
				n++
				// One of the longest (several may be as long: ties must not
				// depend on the order a map is read in).
				if s, err := strconv.Unquote(v); err == nil && len(s) == len(longest) {
					longOK = true
				}
			}
		}
		if longOK && n >= 2 && 3*n >= 2*len(want) && a.Reworked(ht) {
			return ht.Name
		}
	}
	return ""
}

// helperLiterals collects the literals of a test file's functions that are
// not tests: the harness a rewritten test reaches its data through.
func helperLiterals(f *SrcFile) map[string]bool {
	out := map[string]bool{}
	if f == nil || f.AST == nil {
		return out
	}
	for _, d := range f.AST.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || strings.HasPrefix(fd.Name.Name, "Test") {
			continue
		}
		for v := range literalsIn(fd.Body) {
			out[v] = true
		}
	}
	return out
}

// HoldsInputsOf reports whether test ht feeds every distinctive literal
// (at least one) of test bt: a rewritten twin that took over its cases.
func HoldsInputsOf(bt, ht *TestFunc) bool {
	want := literalsOfTest(bt, false)
	if len(want) == 0 {
		return false
	}
	have := literalsOfTest(ht, true)
	for v := range want {
		if !have[v] {
			return false
		}
	}
	return true
}

// IsNew reports whether head's test ht is new in the range: base's package
// has no test of its name.
func (a *Pass) IsNew(ht *TestFunc) bool {
	for _, bt := range a.Base.PkgTests(ht.Dir) {
		if bt.Key() == ht.Key() {
			return false
		}
	}
	return true
}
