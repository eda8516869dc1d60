package model

import (
	"slices"
	"testing"
)

// The package views of an analysis stay within their budget: asking for
// packages one after another keeps the most recent ones, on both sides,
// and a view dropped and asked for again declares the same names and has
// the same tests. PkgTests lists the tests Pkg does, whole package parsed
// or not.
func TestViewsStayWithinTheirBudget(t *testing.T) {
	dirs := []string{"strings", "go/ast", "go/scanner", "net/http", "encoding/json", "reflect"}
	files := map[string][]byte{}
	sizes := map[string]int{}
	largest := 0
	for dir, fs := range goroot(t, dirs...) {
		for p, src := range fs {
			files[p] = src
			sizes[dir] += 2 * len(src) // both sides
		}
		largest = max(largest, sizes[dir])
	}
	repo := &memRepo{base: files, head: files}
	ld := NewLoader(repo)
	base, head := newSnapshot(ld, "base"), newSnapshot(ld, "head")
	newViewBudget(base, head)

	type summary struct {
		declared int
		tests    []string
	}
	sum := func(p *pkgInfo) summary {
		var names []string
		for _, tf := range p.Tests {
			names = append(names, tf.Key())
		}
		return summary{len(p.declared), names}
	}
	first := map[string]summary{}
	for _, dir := range dirs {
		var want []string
		for _, tf := range head.PkgTests(dir) {
			want = append(want, tf.Key())
		}
		first[dir] = sum(base.Pkg(dir))
		if got := sum(head.Pkg(dir)); !slices.Equal(got.tests, first[dir].tests) || got.declared != first[dir].declared {
			t.Errorf("%s: head's view differs from base's on the same files", dir)
		}
		if !slices.Equal(want, first[dir].tests) {
			t.Errorf("%s: PkgTests lists %d tests, Pkg %d", dir, len(want), len(first[dir].tests))
		}
		held := 0
		for d := range base.dirs {
			held += sizes[d]
		}
		if held > viewBudgetBytes+largest {
			t.Errorf("after %s: the views hold %d bytes of source, past the budget (%d) and the largest package (%d)", dir, held, viewBudgetBytes, largest)
		}
		if _, ok := base.dirs[dir]; !ok {
			t.Errorf("after %s: the package just asked for was dropped", dir)
		}
		if len(base.dirs) != len(head.dirs) {
			t.Errorf("after %s: base holds %d views, head %d: a package is dropped on both sides", dir, len(base.dirs), len(head.dirs))
		}
	}
	if _, ok := base.dirs[dirs[0]]; ok {
		t.Fatalf("%s is still held after %d more packages: the budget never dropped a view", dirs[0], len(dirs)-1)
	}
	if got := sum(base.Pkg(dirs[0])); !slices.Equal(got.tests, first[dirs[0]].tests) || got.declared != first[dirs[0]].declared {
		t.Errorf("%s read again: %d names, %d tests; first %d names, %d tests", dirs[0], got.declared, len(got.tests), first[dirs[0]].declared, len(first[dirs[0]].tests))
	}
}
