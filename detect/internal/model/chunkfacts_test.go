package model

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fileFactsView is a file's facts in a form to compare.
type fileFactsView struct {
	Parsed, Gen  bool
	Declared     []string
	Types, State []string
	Consts       map[string]string
	EnvSet       map[string]string
	Size         int
}

func viewFileFacts(ff *fileFacts) fileFactsView {
	v := fileFactsView{Parsed: ff.parsed, Gen: ff.gen, Declared: ff.declared, Types: sortedSet(ff.decls.types), State: sortedSet(ff.decls.state),
		Consts: ff.decls.consts, EnvSet: map[string]string{}, Size: ff.size}
	for k, l := range ff.decls.envSet {
		v.EnvSet[k] = fmt.Sprintf("%s at %s by %s role %d", l.Value, l.Where(), l.Owner, l.role)
	}
	return v
}

// chunkFactsCases are hand-written files of the shapes the chunk facts
// must read as a whole parse does, or leave to it.
var chunkFactsCases = map[string]string{
	"p/a.go": "// Package p.\npackage p\n\nimport \"errors\"\n\ntype T struct{}\n\nvar ErrX = errors.New(\"x\")\nvar state = map[string]int{}\n\nconst Name = \"n\"\nconst Other = `o`\n\nfunc F() {}\nfunc (T) M() {}\n\nconst Name = \"again\"\n",
	"p/b.go": "package p\n\nvar (\n\tcount int\n\terrLocal = fmt.Errorf(\"y\")\n\tx, y = 1, \"two\"\n)\n\nconst (\n\tA = \"a\"\n\tB\n\tC, D = \"c\", 4\n)\n\ntype (\n\tU int\n\tV = U\n)\n",
	// Text that looks like a declaration inside a raw string and a block
	// comment, and two declarations on one line.
	"p/c.go":          "package p\n\nvar doc = `\nfunc NotReal() {}\n`\n\n/*\nfunc NotEither() {}\n*/\nfunc Real() {}; var also = 1\n",
	"p/p_test.go":     "package p\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nvar _ = os.Setenv(\"FROM_VAR\", \"v\")\n\n// TestMain sets the mode.\nfunc TestMain(m *testing.M) {\n\tos.Setenv(\"MODE\", \"test\")\n\tos.Setenv(\"MODE\", \"again\")\n\tos.Exit(m.Run())\n}\n\ntype row struct{ in string }\n\nfunc TestF(t *testing.T) { os.Setenv(\"NOT_PACKAGE\", \"x\") }\n\nfunc init() {\n\tos.Setenv(\n\t\t\"LATE\", \"l\")\n}\n",
	"p/alias_test.go": "package p_test\n\nimport (\n\t\"testing\"\n\n\tsys \"os\"\n)\n\nfunc init() { sys.Setenv(\"ALIASED\", \"a\"); os.Setenv(\"OTHER\", \"o\") }\n\nfunc TestG(t *testing.T) {}\n",
	"p/noos_test.go":  "package p\n\nfunc init() { os.Setenv(\"NO_IMPORT\", \"n\") }\n",
	"p/nodecl.go":     "// Package p has no declaration here.\npackage p\n",
	"p/testdata/x.go": "package x\n\nconst Hidden = \"h\"\n\ntype H int\n",
	// Left to the whole parse: it does not parse, its imports come late,
	// its lines are directed, its header declares.
	"p/broken.go":    "package p\n\nfunc Broken() {\n\tif {\n}\n\nconst Half = \"h\"\n",
	"p/late.go":      "package p\n\nconst First = \"f\"\n\nimport \"fmt\"\n\nvar _ = fmt.Sprint\n",
	"p/directed.go":  "package p\n\n//line other.go:100\nconst Line = \"l\"\n",
	"p/header.go":    "package p\n  func Indented() {}\n\nfunc F2() {}\n",
	"p/unclosed.go":  "package p\n\nfunc Open() {\n\nfunc Next() {}\n",
	"p/nopackage.go": "func F() {}\n",
}

var chunkFactsWhole = []string{"p/broken.go", "p/late.go", "p/directed.go", "p/header.go", "p/unclosed.go", "p/nopackage.go"}

// TestChunkFactsAgreeWithWholeParse: the facts of a file read from its
// declarations' facts, fresh or kept in the cache, are those of a parse
// of the whole file; a file whose chunks cannot vouch for a clean whole
// parse is left to it.
func TestChunkFactsAgreeWithWholeParse(t *testing.T) {
	files := map[string][]byte{}
	for p, src := range chunkFactsCases {
		files[p] = []byte(src)
	}
	for _, fs := range goroot(t, "strings", "go/ast", "encoding/json", "net/http", "os", "runtime") {
		for p, src := range fs {
			files[p] = src
		}
	}
	cache := NewCache(8 << 20)
	for run := range 2 { // the second reads the declarations' facts from the cache
		for path, src := range files {
			if skipReason(path, src) != "" {
				continue
			}
			got := cache.factsFromChunks(path, src)
			whole := parseFile(path, src)
			directed := bytes.Contains(src, []byte("//line ")) || bytes.Contains(src, []byte("/*line "))
			if whole.Err != nil || whole.AST == nil || slices.Contains(chunkFactsWhole, path) || directed {
				if got != nil {
					t.Errorf("run %d: %s: facts from chunks, where the whole parse must read it (%v)", run, path, whole.Err)
				}
				continue
			}
			if got == nil {
				t.Errorf("run %d: %s: no facts from chunks for a file that parses", run, path)
				continue
			}
			if diff := cmp.Diff(viewFileFacts(factsOf(whole, isGenerated(src))), viewFileFacts(got)); diff != "" {
				t.Errorf("run %d: %s: facts differ (-whole +chunks):\n%s", run, path, diff)
			}
		}
	}
}

// TestChunkFactsOfANewVersion: a version that changes one declaration
// and moves the others down reads the changed one anew and the others,
// with their lines, from the cache, as a whole parse does.
func TestChunkFactsOfANewVersion(t *testing.T) {
	old := chunkFactsCases["p/p_test.go"]
	cache := NewCache(8 << 20)
	if cache.factsFromChunks("p/p_test.go", []byte(old)) == nil {
		t.Fatal("no facts for the first version")
	}
	n := cache.chunks.Size()
	cur := strings.Replace(old, "type row struct{ in string }\n", "type row struct {\n\tin   string\n\twant string\n}\n\nvar _ = os.Setenv(\"ADDED\", \"b\")\n", 1)
	got := cache.factsFromChunks("p/p_test.go", []byte(cur))
	if got == nil {
		t.Fatal("no facts for the second version")
	}
	if diff := cmp.Diff(viewFileFacts(factsOf(parseFile("p/p_test.go", []byte(cur)), false)), viewFileFacts(got)); diff != "" {
		t.Errorf("facts differ (-whole +chunks):\n%s", diff)
	}
	if cache.chunks.Size() == n {
		t.Error("the changed declaration was not read anew")
	}
	if l := got.decls.envSet["LATE"]; l == nil || !bytes.Contains([]byte(cur), []byte("\"LATE\"")) || l.line != 1+strings.Count(cur[:strings.Index(cur, "os.Setenv(\n\t\t\"LATE\"")], "\n") {
		t.Errorf("LATE: %+v", l)
	}
}

// graphView is what a cross-reference's graph says, in a form to compare.
type graphView struct {
	Funcs, TestDecl, Declared []string
	Mentions                  map[string][]string
}

func viewGraph(x *PkgXref) graphView {
	x.graph()
	v := graphView{Funcs: sortedSet(x.funcs), TestDecl: sortedSet(x.testDecl), Mentions: map[string][]string{}}
	for name := range x.decls {
		v.Declared = append(v.Declared, name)
		v.Mentions[name] = sortedSet(x.mentioned(name))
	}
	slices.Sort(v.Declared)
	return v
}

// TestGraphFromChunksAgreesWithWholePackage: the declarations a scan's
// cross-reference follows (reaches), read from the declarations' facts,
// are those read from the whole package's trees, with what each mentions;
// and the package is not loaded for them.
func TestGraphFromChunksAgreesWithWholePackage(t *testing.T) {
	sides := goroot(t, "strings", "go/ast", "encoding/json", "net/http")
	sides["p"] = map[string][]byte{}
	for p, src := range chunkFactsCases {
		sides["p"][p] = []byte(src)
	}
	sides["p"]["p/gen.go"] = []byte("// Code generated by a tool. DO NOT EDIT.\n\npackage p\n\nfunc Gen() { F() }\n")
	repo := &memRepo{base: flatten(sides)}
	cache := NewCache(8 << 20)
	for dir := range sides {
		whole := newSnapshot(NewLoader(repo), "base")
		want := viewGraph(whole.Pkg(dir).CrossRef())
		for run := range 2 { // the second reads the declarations' facts from the cache
			ld := NewLoader(repo)
			ld.Cache = cache
			s := newSnapshot(ld, "base")
			x := s.CrossRef(dir)
			if diff := cmp.Diff(want, viewGraph(x)); diff != "" {
				t.Errorf("%s, run %d: the graph differs from the whole package's (-whole +facts):\n%s", dir, run, diff)
			}
			if len(s.dirs) != 0 || x.files != nil {
				t.Errorf("%s, run %d: the graph loaded the package", dir, run)
			}
		}
	}
}

func viewLits(x *PkgXref) map[string][]string {
	out := map[string][]string{}
	for v, ls := range x.testLits() {
		for _, l := range ls {
			out[v] = append(out[v], fmt.Sprintf("%s role %d by %s", l.Where(), l.role, l.Owner))
		}
	}
	return out
}

// TestScanLiteralsFromTestFiles: a scan's cross-reference collects the
// tests' literals from the test files alone, as the whole package's does,
// in the same order, without loading the package.
func TestScanLiteralsFromTestFiles(t *testing.T) {
	sides := goroot(t, "strings", "go/ast", "encoding/json", "net/http")
	sides["p"] = map[string][]byte{
		"p/p.go":        []byte("package p\n\nfunc Parse(s string) int { return len(s) }\n\ntype Row struct{ In, Want string }\n"),
		"p/p_test.go":   []byte("package p\n\nimport \"testing\"\n\ntype row struct {\n\tin   string\n\twant int\n}\n\nvar rows = []row{{\"abc\", 3}, {in: \"de\", want: 2}}\n\nfunc TestParse(t *testing.T) {\n\tif got := Parse(\"xyz\"); got != 3 {\n\t\tt.Errorf(\"Parse(%q) = %d\", \"xyz\", got)\n\t}\n\tfor _, r := range rows {\n\t\t_ = Parse(r.in) == r.want\n\t}\n}\n"),
		"p/q_test.go":   []byte("package p_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/p\"\n)\n\nfunc TestQ(t *testing.T) {\n\tm := map[string]int{\"k\": 7}\n\twant := p.Parse(\"q\")\n\t_ = []p.Row{{\"in\", \"out\"}}\n\t_, _ = m, want\n}\n"),
		"p/gen_test.go": []byte("// Code generated by a tool. DO NOT EDIT.\n\npackage p\n\ntype genRow struct{ name, input string }\n\nvar gen = []genRow{{\"n\", \"i\"}}\n"),
	}
	repo := &memRepo{base: flatten(sides)}
	cache := NewCache(8 << 20)
	for dir := range sides {
		whole := newSnapshot(NewLoader(repo), "base")
		want := viewLits(whole.Pkg(dir).CrossRef())
		for run := range 2 {
			ld := NewLoader(repo)
			ld.Cache = cache
			s := newSnapshot(ld, "base")
			if diff := cmp.Diff(want, viewLits(s.CrossRef(dir))); diff != "" {
				t.Errorf("%s, run %d: the literals differ from the whole package's (-whole +scan):\n%s", dir, run, diff)
			}
			if len(s.dirs) != 0 {
				t.Errorf("%s, run %d: the literals loaded the whole package", dir, run)
			}
		}
	}
}

// TestSeededChunksAreParsedChunks: the facts a whole parse seeds for a
// file's chunks are those a parse of each chunk alone gives, lines
// included; a file that cannot vouch for its chunks seeds none.
func TestSeededChunksAreParsedChunks(t *testing.T) {
	files := map[string][]byte{}
	for p, src := range chunkFactsCases {
		files[p] = []byte(src)
	}
	for _, fs := range goroot(t, "strings", "go/ast", "encoding/json", "net/http", "os") {
		for p, src := range fs {
			files[p] = src
		}
	}
	seeded := 0
	for path, src := range files {
		sf := parseFile(path, src)
		cache := NewCache(8 << 20)
		cache.seedChunks(sf)
		_, cs := chunks(view(src))
		for _, ch := range cs {
			got, ok := cache.chunks.Get(chunkKey(ch.text))
			if !ok {
				continue
			}
			seeded++
			if diff := cmp.Diff(parseChunk(ch.text), got, cmp.AllowUnexported(chunkFacts{}, setenvFact{}, graphFact{})); diff != "" {
				t.Errorf("%s: seeded facts of %.40q differ from its parse (-parsed +seeded):\n%s", path, ch.text, diff)
			}
		}
		if cache.chunks.Size() > 0 && (slices.Contains(chunkFactsWhole, path) || sf.Err != nil) {
			t.Errorf("%s: seeded chunks of a file that cannot vouch for them", path)
		}
	}
	if seeded < 1000 {
		t.Errorf("only %d chunks seeded", seeded)
	}
}
