package model

import (
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// What a loader keeps between analyses has two budgets: syntax trees, and
// what it read as text. Reading a large package as text, at every replay,
// must not drop the trees, nor the trees' budget the text: each kind is
// dropped when it passes its own.
func TestTrimKeepsEachKindToItsBudget(t *testing.T) {
	src := []byte("package p\n\nfunc A() int { return 1 }\n\nfunc B() int { return 2 }\n")
	repo := NewMemRepo(map[string][]byte{"p/a.go": src}, map[string][]byte{"p/a.go": src})
	l := NewLoader(repo)
	gf := gitutil.File{Path: "p/a.go", Blob: "base:p/a.go"}
	if l.textFile(gf) == nil || l.file(&gf, "base") == nil {
		t.Fatal("p/a.go was not read")
	}
	if l.textKept < len(src) || l.kept != len(src) {
		t.Fatalf("kept %d bytes of trees and %d of text, want %d of trees and at least as much text", l.kept, l.textKept, len(src))
	}
	has := func() (trees, text bool) {
		_, parsed := l.parsed[gf.Blob+"\x00"+gf.Path]
		_, cut := l.texts[gf.Blob+"\x00"+gf.Path]
		_, raw := l.raws[gf.Blob]
		return parsed, cut && raw
	}
	l.trim()
	if trees, text := has(); !trees || !text {
		t.Fatalf("under both budgets, trim dropped trees %v text %v", !trees, !text)
	}
	l.kept = keepBudget + 1
	l.trim()
	if trees, text := has(); trees || !text {
		t.Errorf("past the trees' budget: trees kept %v, text kept %v; want the trees dropped and the text kept", trees, text)
	}
	l.file(&gf, "base")
	l.textKept = textBudget + 1
	l.trim()
	if trees, text := has(); !trees || text {
		t.Errorf("past the text's budget: trees kept %v, text kept %v; want the text dropped and the trees kept", trees, text)
	}
	if got := l.list("base", "p"); len(got) != 1 || !strings.HasSuffix(got[0].Path, "a.go") {
		t.Errorf("after the text was dropped, the listing reads %v", got)
	}
}
