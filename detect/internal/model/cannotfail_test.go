package model

import "testing"

func TestCannotFail(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       bool
	}{
		{"only logs", `if err := run(); err != nil { t.Logf("no: %v", err) } else { t.Log("ok") }`, true},
		{"logs in a goroutine and a subtest", `go func() { _ = run() }(); t.Run("x", func(t *testing.T) { t.Helper(); t.Log(t.Name()) })`, true},
		{"skips and logs", `if short { t.Skip("slow") }; t.Logf("%d", 1)`, true},
		{"errors", `if err := run(); err != nil { t.Errorf("run: %v", err) }`, false},
		{"fails in a subtest", `t.Run("x", func(t *testing.T) { t.Fatal("no") })`, false},
		{"hands t to a helper", `check(t, run())`, false},
		{"hands t to a harness", `h := newHarness(t); h.expect("ok")`, false},
		{"assertion library", `require.NoError(t, run())`, false},
		{"assertion object", `is := assert.New(t); is.True(ok())`, false},
		{"panics", `if run() != nil { panic("no") }`, false},
		{"log.Fatal", `if run() != nil { log.Fatal("no") }`, false},
		{"subtest body declared elsewhere", `t.Run("x", testX)`, false},
		{"t stored", `state.t = t`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "package p\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {\n" + c.body + "\n}\n"
			sf := parseFile("x_test.go", []byte(src))
			if sf.Err != nil {
				t.Fatal(sf.Err)
			}
			tests := indexFile(sf)
			if len(tests) == 0 {
				t.Fatal("no test found")
			}
			if got := CannotFail(tests[0]); got != c.want {
				t.Errorf("CannotFail(%s) = %v, want %v", c.body, got, c.want)
			}
		})
	}
}
