package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// nestedRuns is a test of depth subtests, each run inside the one before;
// the innermost checks want (the agent's change edits it).
func nestedRuns(depth int, want int) []byte {
	var b strings.Builder
	b.WriteString("package p\n\nimport \"testing\"\n\nfunc TestDeep(t *testing.T) {\n")
	for i := range depth {
		fmt.Fprintf(&b, "t.Run(\"level%d\", func(t *testing.T) {\n", i)
	}
	fmt.Fprintf(&b, "if A() != %d {\nt.Fatal(\"A\")\n}\n", want)
	for range depth {
		b.WriteString("})\n")
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// nestedIfs is a function of depth nested ifs, the innermost returning
// what the change edits.
func nestedIfs(depth int, ret string) []byte {
	var b strings.Builder
	b.WriteString("package p\n\nfunc A(x int) int {\n")
	for i := range depth {
		fmt.Fprintf(&b, "if x > %d {\n", i)
	}
	b.WriteString("return " + ret + "\n")
	for range depth {
		b.WriteString("}\n")
	}
	b.WriteString("return 0\n}\n")
	return []byte(b.String())
}

func analyzeOnce(b *testing.B, base, head map[string][]byte) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := model.Analyze(model.NewLoader(model.NewMemRepo(base, head)), "base", "head", detect.Rules()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNestedSubtests: a test of thousands of nested t.Run, its
// innermost check edited. Cost should grow linearly with depth: compare
// ns/op and B/op across depths.
func BenchmarkNestedSubtests(b *testing.B) {
	for _, depth := range []int{250, 500, 1000, 2000} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			analyzeOnce(b,
				map[string][]byte{"p/p_test.go": nestedRuns(depth, 1), "p/p.go": []byte("package p\n\nfunc A() int { return 1 }\n")},
				map[string][]byte{"p/p_test.go": nestedRuns(depth, 2), "p/p.go": []byte("package p\n\nfunc A() int { return 2 }\n")})
		})
	}
}

// BenchmarkNestedIfs: a function of thousands of nested ifs whose
// innermost result the change edits.
func BenchmarkNestedIfs(b *testing.B) {
	for _, depth := range []int{1000, 2500, 5000, 10000} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			test := []byte("package p\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tif A(5) != 1 {\n\t\tt.Fatal(\"A\")\n\t}\n}\n")
			analyzeOnce(b,
				map[string][]byte{"p/p_test.go": test, "p/p.go": nestedIfs(depth, "x + 1")},
				map[string][]byte{"p/p_test.go": test, "p/p.go": nestedIfs(depth, "1")})
		})
	}
}

// nestedIfTest is a test whose check sits under depth nested ifs.
func nestedIfTest(depth int, want int) []byte {
	var b strings.Builder
	b.WriteString("package p\n\nimport \"testing\"\n\nfunc TestDeepIf(t *testing.T) {\nx := A()\n")
	for i := range depth {
		fmt.Fprintf(&b, "if x > %d {\n", -i-1)
	}
	fmt.Fprintf(&b, "if x != %d {\nt.Fatal(\"A\")\n}\n", want)
	for range depth {
		b.WriteString("}\n")
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// BenchmarkNestedIfsInTest: a test whose only check is under thousands of
// nested ifs, the check edited.
func BenchmarkNestedIfsInTest(b *testing.B) {
	for _, depth := range []int{1000, 2500, 5000, 10000} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			analyzeOnce(b,
				map[string][]byte{"p/p_test.go": nestedIfTest(depth, 1), "p/p.go": []byte("package p\n\nfunc A() int { return 1 }\n")},
				map[string][]byte{"p/p_test.go": nestedIfTest(depth, 2), "p/p.go": []byte("package p\n\nfunc A() int { return 2 }\n")})
		})
	}
}
