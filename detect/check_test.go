package detect_test

import (
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/fixtures"
)

// scenario parses an inline scenario; its want section is not used.
func scenario(t *testing.T, text string) *fixtures.Scenario {
	t.Helper()
	s, err := fixtures.Parse(t.Name(), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const calcBase = `-- base/go.mod --
module example.com/calc
-- base/calc/calc.go --
package calc

func Add(a, b int) int { return a + b }
-- base/calc/calc_test.go --
package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(1, 1) != 2 {
		t.Fatal("1+1")
	}
}

func TestAddZero(t *testing.T) {
	if Add(0, 0) != 0 {
		t.Fatal("0+0")
	}
}
`

// A head file that does not parse is analysed as far as possible and named
// in a note; tests that are still written there are not reported deleted.
func TestBrokenSyntaxInHead(t *testing.T) {
	s := scenario(t, "broken\n"+calcBase+`-- commit1/META --
author: Claude <noreply@anthropic.com>

wip
-- commit1/calc/calc_test.go --
package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(1, 1) != 2 {
		t.Fatal("1+1"
	}
}

func TestAddZero(t *testing.T) {
	if Add(0, 0) != 0 {
		t.Fatal("0+0")
	}
}
-- want --
`)
	res, _ := checkScenario(t, s)
	if len(res.Findings) != 0 {
		t.Errorf("findings in a file that does not parse:\n%s", dump(res))
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "calc/calc_test.go: does not parse") {
		t.Errorf("notes = %q, want one saying calc/calc_test.go does not parse", res.Notes)
	}
}

// A binary file with a .go name is skipped with a note, never parsed.
func TestBinaryFile(t *testing.T) {
	s := scenario(t, "binary\n"+calcBase+"-- commit1/META --\nauthor: Claude <noreply@anthropic.com>\n\nblob\n"+
		"-- commit1/calc/blob_test.go --\n\x00\x01\x02package calc\x00\n-- want --\n")
	res, _ := checkScenario(t, s)
	if len(res.Findings) != 0 {
		t.Errorf("findings for a binary file:\n%s", dump(res))
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "binary") {
		t.Errorf("notes = %q, want one about a binary file", res.Notes)
	}
}

// Paths with spaces and non-ASCII letters are reported as they are.
func TestOddPaths(t *testing.T) {
	text := strings.ReplaceAll(calcBase, "calc/", "my calc/ünï/") + `-- commit1/META --
author: Claude <noreply@anthropic.com>

drop
-- commit1/my calc/ünï/calc_test.go --
package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(1, 1) != 2 {
		t.Fatal("1+1")
	}
}
-- want --
`
	res, _ := checkScenario(t, scenario(t, "odd\n"+text))
	if len(res.Findings) != 1 || res.Findings[0].File != "my calc/ünï/calc_test.go" || res.Findings[0].Symbol != "TestAddZero" {
		t.Errorf("want one deleted TestAddZero in my calc/ünï/calc_test.go:\n%s", dump(res))
	}
}

// Comparing a commit with itself is an empty range: nothing to check.
func TestEmptyRange(t *testing.T) {
	s := scenario(t, "empty\n"+calcBase+"-- want --\n")
	built, repo := buildScenario(t, s, "")
	res, err := detect.Check(repo, built.Head, built.Head, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Commits) != 0 || len(res.Findings) != 0 || res.Range.Base != built.Head {
		t.Errorf("empty range gave %+v", res)
	}
}

// --assume-agent makes a person's commit count as an agent's: the finding
// keeps its severity and names the assumed agent.
func TestAssumeAgent(t *testing.T) {
	s := scenario(t, "assume\n"+calcBase+`-- commit1/META --
author: Bob <bob@example.com>

drop
-- commit1/calc/calc_test.go --
package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(1, 1) != 2 {
		t.Fatal("1+1")
	}
}
-- want --
`)
	built, repo := buildScenario(t, s, "")
	for _, assume := range []bool{false, true} {
		res, err := detect.Check(repo, built.Base, built.Head, detect.Options{AssumeAgent: assume})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 1 {
			t.Fatalf("assume=%v: want one finding:\n%s", assume, dump(res))
		}
		f := res.Findings[0]
		wantSev, wantAgent := detect.Info, ""
		if assume {
			wantSev, wantAgent = detect.Warning, "assumed-agent" // the rule's own level: nothing shows the subject untested
		}
		if f.Severity != wantSev || f.Agent != wantAgent || res.Commits[0].Agent != wantAgent {
			t.Errorf("assume=%v: severity %v agent %q, want %v %q", assume, f.Severity, f.Agent, wantSev, wantAgent)
		}
	}
}
