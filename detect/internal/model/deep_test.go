package model

import (
	"strings"
	"testing"
)

// Thousands of nested t.Run: only the first maxSubtestDepth levels are
// listed as subtests of their own (each is read over its whole body, so
// listing every level cost time and memory quadratic in the depth).
func TestNestedSubtestsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("package p\n\nimport \"testing\"\n\nfunc TestDeep(t *testing.T) {\n")
	for range 200 {
		b.WriteString("t.Run(\"x\", func(t *testing.T) {\n")
	}
	b.WriteString("t.Fatal(1)\n")
	for range 200 {
		b.WriteString("})\n")
	}
	b.WriteString("}\n")
	tests := indexFile(parseFile("p/p_test.go", []byte(b.String())))
	if len(tests) != 1+maxSubtestDepth {
		t.Fatalf("%d tests listed, want TestDeep and %d levels of subtests", len(tests), maxSubtestDepth)
	}
	if last := tests[len(tests)-1]; last.Name != "TestDeep"+strings.Repeat("/x", maxSubtestDepth) {
		t.Errorf("deepest listed: %s", last.Name)
	}
}

// The gates of a site are its own: the walk shares one array between a
// nesting level and the next, and a later branch must not rewrite the
// gates of a site an earlier one recorded.
func TestSiteGatesAreTheirOwn(t *testing.T) {
	src := `package p

import "testing"

func TestG(t *testing.T) {
	if a() {
		if b() {
			t.Error("ab")
		}
	} else {
		t.Error("not a")
	}
	if p() {
		if q() {
			if r() {
				if s() {
					t.Error("s")
				}
				if u() {
					t.Error("u")
				}
			}
		}
	}
	switch c() {
	case 1:
		t.Error("c1")
	case 2:
		if d() {
			t.Error("c2 d")
		}
	}
}
`
	f := parseFile("p/p_test.go", []byte(src))
	ld := NewLoader(NewMemRepo(map[string][]byte{"p/p_test.go": []byte(src)}, map[string][]byte{"p/p_test.go": []byte(src)}))
	snap := newSnapshot(ld, "head")
	snap.add(f)
	var got []string
	for _, s := range CollectSites(snap, snap.Tests[0]) {
		if s.Kind != SiteFail {
			continue
		}
		var gs []string
		for _, g := range s.Gates {
			gs = append(gs, g.String())
		}
		got = append(got, strings.Join(gs, " && "))
	}
	want := []string{"a() && b()", "!(a())", "p() && q() && r() && s()", "p() && q() && r() && u()", "c() == 1", "c() == 2 && d()"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("gates:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
