package model

import (
	"fmt"
	"slices"
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

// parseAhead parses a listing's files on several goroutines into the
// loader: each then reads as Loader.file would have parsed it alone, a
// file that does not parse keeps its note, and the files it was told to
// skip stay unread.
func TestParseAheadReadsAsFileWould(t *testing.T) {
	files := map[string][]byte{}
	for i := range 12 {
		files[fmt.Sprintf("p/f%02d.go", i)] = fmt.Appendf(nil, "package p\n\nfunc F%d() int { return %d }\n", i, i)
	}
	files["p/broken.go"] = []byte("package p\n\nfunc Broken( {\n")
	repo := NewMemRepo(files, files)
	ahead, alone := NewLoader(repo), NewLoader(repo)
	listed := ahead.list("base", "p")
	ahead.parseAhead("base", listed, func(p string) bool { return p == "p/f00.go" })
	if _, ok := ahead.parsed["base:p/f00.go\x00p/f00.go"]; ok {
		t.Error("parseAhead read a file it was told to skip")
	}
	for i := range listed {
		f := &listed[i]
		k := f.Blob + "\x00" + f.Path
		got, done := ahead.parsed[k]
		if f.Path == "p/f00.go" {
			continue
		}
		if !done {
			t.Errorf("%s: not parsed ahead", f.Path)
			continue
		}
		want := alone.file(f, "base")
		if (got == nil) != (want == nil) || got != nil && (string(got.Src) != string(want.Src) || (got.Err == nil) != (want.Err == nil) || len(got.AST.Decls) != len(want.AST.Decls)) {
			t.Errorf("%s: parsed ahead %+v, alone %+v", f.Path, got, want)
		}
	}
	if !slices.Equal(ahead.NoteList(), alone.NoteList()) {
		t.Errorf("notes ahead %q, alone %q", ahead.NoteList(), alone.NoteList())
	}
}
