package detect_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/fixtures"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// benchScenario generates a repository of files packages of ten test
// functions each, and an agent commit that edits every file: most tests
// change a little, one per file is deleted, one gains a skip, one moves to
// a new file.
func benchScenario(files int) string {
	var b strings.Builder
	b.WriteString("generated\n-- base/go.mod --\nmodule example.com/bench\n\ngo 1.22\n")
	for i := 0; i < files; i++ {
		pkg := fmt.Sprintf("pkg%03d", i/5)
		fmt.Fprintf(&b, "-- base/%s/f%03d_test.go --\n%s", pkg, i, benchFile(pkg, i, false))
	}
	b.WriteString("-- commit1/META --\nauthor: Claude <noreply@anthropic.com>\n\nrework\n")
	for i := 0; i < files; i++ {
		pkg := fmt.Sprintf("pkg%03d", i/5)
		fmt.Fprintf(&b, "-- commit1/%s/f%03d_test.go --\n%s", pkg, i, benchFile(pkg, i, true))
		fmt.Fprintf(&b, "-- commit1/%s/moved%03d_test.go --\npackage %s\n\nimport \"testing\"\n\n%s", pkg, i, pkg, benchTest(i, 9, false))
	}
	b.WriteString("-- want --\n")
	return b.String()
}

func benchFile(pkg string, i int, head bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\nimport (\n\t\"strconv\"\n\t\"testing\"\n)\n\nvar _ = strconv.Itoa\n\n", pkg)
	for j := 0; j < 10; j++ {
		switch {
		case head && j == 0:
			continue // deleted
		case head && j == 9:
			continue // moved
		}
		b.WriteString(benchTest(i, j, head && j == 1))
	}
	return b.String()
}

func benchTest(i, j int, skip bool) string {
	s := ""
	if skip {
		s = "\tt.Skip(\"later\")\n"
	}
	return fmt.Sprintf(`func TestF%03dN%d(t *testing.T) {
%s	for k := 0; k < %d; k++ {
		got := strconv.Itoa(k * %d)
		if got == "" {
			t.Fatalf("case %%d: empty", k)
		}
		t.Run(strconv.Itoa(k), func(t *testing.T) {
			if len(got) > 20 {
				t.Errorf("too long: %%q", got)
			}
		})
	}
	t.Run("literal", func(t *testing.T) {
		if strconv.Itoa(%d) != "%d" {
			t.Error("mismatch")
		}
	})
}

`, i, j, s, j+3, i+1, i*10+j, i*10+j)
}

// BenchmarkCheck runs a whole check (merge base, tree diff, blob reads,
// parsing, matching, rules, attribution) over a typical pull request (10
// changed test files, 100 tests) and a large one (200 files, 2,000 tests),
// where every file loses a test, gains a skip and moves another test: a
// stress case for the move matching. Report: ns/op, ns/file, allocs/op.
func BenchmarkCheck(b *testing.B) {
	for _, files := range []int{10, 200} {
		b.Run(fmt.Sprintf("files=%d", files), func(b *testing.B) { benchCheck(b, files) })
	}
}

func benchCheck(b *testing.B, files int) {
	s, err := fixtures.Parse("bench", []byte(benchScenario(files)))
	if err != nil {
		b.Fatal(err)
	}
	built, err := s.Build(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	repo, err := gitutil.Open(built.Dir)
	if err != nil {
		b.Fatal(err)
	}
	defer repo.Close()
	var res *detect.Result
	b.ReportAllocs()
	for b.Loop() {
		res, err = detect.Check(repo, built.Base, built.Head, detect.Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(files), "ns/file")
	if got, want := len(res.Findings), 2*files; got != want {
		b.Fatalf("%d findings, want %d (one deletion and one skip per file)", got, want)
	}
}
