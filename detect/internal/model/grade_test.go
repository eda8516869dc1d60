package model

import (
	"go/ast"
	"go/parser"
	"testing"
)

// standInRunner is the two case-blind expressions it stands for, on ASCII
// names (its own path) and on others (the expressions').
func TestStandInRunnerAgreesWithExpressions(t *testing.T) {
	for _, text := range []string{
		"fakeExec", "mockContext.CommandRunner", "testexec.NewMockRunner", "FAKECMD", "StubExecutor",
		"runner", "mock", "newFake", "exec.Command", "fakeClock", "cmdRunner", "m.Stub.cmd",
		"\u017ftubRunner",    // a long s folds to s
		"moc\u212aRunner",    // a Kelvin sign folds to k
		"\u6a21\u62dfRunner", // no stand-in word
		"fake\u041a\u043e\u043c\u0430\u043d\u0434\u0430", // Cyrillic: no runner word
		"",
	} {
		want := standInRE.MatchString(text) && runnerRE.MatchString(text)
		if got := standInRunner(text); got != want {
			t.Errorf("standInRunner(%q) = %v, want %v", text, got, want)
		}
	}
}

// A snapshot answers mockRunner once per test body, the same as the walk.
func TestSnapshotMockRunnerKeepsEachBody(t *testing.T) {
	parse := func(src string) *ast.BlockStmt {
		t.Helper()
		e, err := parser.ParseExpr("func() {" + src + "}")
		if err != nil {
			t.Fatal(err)
		}
		return e.(*ast.FuncLit).Body
	}
	withMock := parse(`r := testexec.NewMockRunner(); r.Run("git")`)
	without := parse(`out, _ := exec.Command("git").Output(); _ = out`)
	s := newSnapshot(nil, "HEAD")
	for range 2 {
		if got := s.mockRunner(withMock); got != "testexec.NewMockRunner" {
			t.Errorf("mockRunner(with) = %q, want testexec.NewMockRunner", got)
		}
		if got := s.mockRunner(without); got != "" {
			t.Errorf("mockRunner(without) = %q, want none", got)
		}
	}
	if len(s.mocks) != 2 {
		t.Errorf("kept %d bodies, want 2", len(s.mocks))
	}
}
