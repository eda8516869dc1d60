package model_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// FuzzAnalyze runs every rule on arbitrary base and head versions of a test
// file and a source file: whatever the input, the analysis must not panic
// (a rule that does is turned into a note, which fails this test).
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte("package p\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tif A() != 1 {\n\t\tt.Fatal(1)\n\t}\n}\n"),
		[]byte("package p\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tt.Skip()\n}\n"),
		[]byte("package p\n\nfunc A() int { x := 1; return x }\n"), []byte("package p\n\nfunc A() int { return 1 }\n"))
	f.Add([]byte("package p\nfunc TestA(t *testing.T) { for _, tc := range []struct{a int}{{1},{2}} { if tc.a == 0 { t.Error() } } }"),
		[]byte("package p\nfunc TestA(t *testing.T) { for _, tc := range []struct{a int}{{1}} { _ = tc } }"),
		[]byte("package p"), []byte("package p\nfunc A(s string) int { if s == \"x\" { return 3 }; return len(s) }"))
	f.Add([]byte("package p\nvar _ = Describe(\"a\", func() { It(\"b\", func() { Expect(1).To(Equal(1)) }) })"),
		[]byte("package p\nfunc TestMain(m *testing.M) { os.Exit(0) }\nfunc (s *S) TestX() { s.Equal(1, 2) }"),
		[]byte("package p\nfunc A() {"), []byte("\x00\x01"))
	f.Fuzz(func(t *testing.T, baseTest, headTest, baseSrc, headSrc []byte) {
		repo := model.NewMemRepo(
			map[string][]byte{"p/p_test.go": baseTest, "p/p.go": baseSrc},
			map[string][]byte{"p/p_test.go": headTest, "p/p.go": headSrc},
		)
		a, err := model.Analyze(model.NewLoader(repo), "base", "head", detect.Rules())
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range a.Loader.NoteList() {
			if len(n) > 14 && n[:14] == "internal error" {
				t.Fatal(n)
			}
		}
		for _, f := range a.Findings {
			if f.Rule == "" || f.Message == "" {
				t.Fatalf("finding without rule or message: %+v", f)
			}
		}
	})
}
