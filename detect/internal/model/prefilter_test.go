package model

import (
	"testing"

	"github.com/goodhart-dev/goodhart/fixtures"
)

func TestOnlyAddsDecls(t *testing.T) {
	base := "package x\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tif A() != 1 {\n\t\tt.Fatal()\n\t}\n}\n"
	for _, tc := range []struct {
		name string
		head string
		want bool
	}{
		{"unchanged", base, true},
		{"new test at the end", base + "\nfunc TestB(t *testing.T) {\n\tif B() != 2 {\n\t\tt.Fatal()\n\t}\n}\n", true},
		{"new commented helper", base + "\n// helper does it.\nfunc helper() int { return 1 }\n", true},
		{"new var", base + "\nvar table = []int{\n\t1,\n}\n", true},
		{"skip inside a test", "package x\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tt.Skip()\n\tif A() != 1 {\n\t\tt.Fatal()\n\t}\n}\n", false},
		{"build constraint", "//go:build ignore\n\n" + base, false},
		{"new TestMain", base + "\nfunc TestMain(m *testing.M) {}\n", false},
		{"new init", base + "\nfunc init() {}\n", false},
		{"changed line", "package x\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tif A() != 2 {\n\t\tt.Fatal()\n\t}\n}\n", false},
		{"removed line", "package x\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n}\n", false},
		{"new import", "package x\n\nimport \"testing\"\nimport \"os\"\n\nfunc TestA(t *testing.T) {\n\tif A() != 1 {\n\t\tt.Fatal()\n\t}\n}\n", false},
	} {
		if got := onlyAddsDecls([]byte(base), []byte(tc.head)); got != tc.want {
			t.Errorf("%s: onlyAddsDecls = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// On a change that only adds tests, the prefilter spares both test files.
func TestPrefilterSkipsNewTests(t *testing.T) {
	all, err := fixtures.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Name != "deleted-test/new-tests-only" {
			continue
		}
		built, repo := openScenario(t, s)
		changes, err := repo.Changes(built.Base, built.Head)
		if err != nil {
			t.Fatal(err)
		}
		skip := NewLoader(repo).needlessTestFiles(changes)
		if !skip["calc/calc_test.go"] || !skip["calc/more_test.go"] || len(skip) != 2 {
			t.Errorf("skipped %v, want calc/calc_test.go and calc/more_test.go", skip)
		}
		return
	}
	t.Fatal("scenario deleted-test/new-tests-only not found")
}
