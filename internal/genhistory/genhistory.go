// Package genhistory writes a long, realistic git history of Go code for
// benchmarks: real Go files (the standard library's, say) edited commit
// after commit by people and coding agents, with the occasional shortcut
// goodhart looks for. The same options give the same repository, byte for
// byte.
package genhistory

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Options say what to generate.
type Options struct {
	Src      string // a folder of Go files to start from, e.g. $(go env GOROOT)/src
	Dir      string // where the bare repository is made; must not exist
	Commits  int    // commits after the first, which adds every file
	MaxFiles int    // take at most this many files from Src (0: all)
	Seed     uint64
	// Comments is the share, in percent, of file edits that only insert
	// comment lines (0: 70); the rest remove or copy a function, half each.
	Comments int
	Pack     bool // run git gc at the end, as a real repository would be
}

// signer is who a commit names, and how often (out of 100).
type signer struct {
	ident, trailer string
	weight         int
}

// authors sign the commits: agents 40%, people 60%.
var authors = []signer{
	{"Claude <noreply@anthropic.com>", "", 20},
	{"copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>", "", 10},
	{"Ada Lovelace <ada@example.com>", "\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>", 5},
	{"Codex <codex@openai.com>", "", 5},
	{"Ada Lovelace <ada@example.com>", "", 20},
	{"Grace Hopper <grace@example.com>", "", 15},
	{"Ken Thompson <ken@example.com>", "", 15},
	{"Barbara Liskov <barbara@example.com>", "", 10},
}

var start = time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)

// Generate writes the repository.
func Generate(opts Options) error {
	g := &generator{rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)), files: map[string][]byte{}, comments: opts.Comments}
	if g.comments <= 0 || g.comments > 100 {
		g.comments = 70
	}
	if err := g.load(opts.Src, opts.MaxFiles); err != nil {
		return err
	}
	if err := run("", "git", "init", "-q", "--bare", "-b", "main", opts.Dir); err != nil {
		return err
	}
	cmd := exec.Command("git", "-C", opts.Dir, "fast-import", "--quiet", "--done")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	w := bufio.NewWriterSize(in, 1<<20)
	g.out = w
	g.first()
	for i := 1; i <= opts.Commits; i++ {
		g.next(i)
	}
	fmt.Fprintf(w, "done\n")
	if err := w.Flush(); err != nil {
		return err
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git fast-import: %w", err)
	}
	if opts.Pack {
		return run(opts.Dir, "git", "gc", "--quiet")
	}
	return nil
}

func run(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

type generator struct {
	comments int // percent of edits that insert comments
	rng      *rand.Rand
	files    map[string][]byte
	paths    []string // sorted: the order choices are made in
	out      io.Writer
	// changed is what the commit being written touches: new contents, or
	// nil for a deletion.
	changed map[string][]byte
}

// load reads the Go files of src, outside testdata and vendor folders and
// no larger than 256 KiB.
func (g *generator) load(src string, max int) error {
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		g.paths = append(g.paths, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return err
	}
	sort := slices.Clone(g.paths)
	slices.Sort(sort)
	if max > 0 && len(sort) > max {
		sort = sort[:max]
	}
	g.paths = nil
	for _, p := range sort {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(p)))
		if err != nil {
			return err
		}
		if len(data) <= 256<<10 {
			g.files[p] = data
			g.paths = append(g.paths, p)
		}
	}
	if len(g.paths) == 0 {
		return fmt.Errorf("no Go files in %s", src)
	}
	return nil
}

// first writes the commit that adds every file.
func (g *generator) first() {
	g.changed = map[string][]byte{}
	for _, p := range g.paths {
		g.changed[p] = g.files[p]
	}
	g.write(0, "Ken Thompson <ken@example.com>", "Import the code")
}

// next writes commit i: a few files edited (more, now and then), and
// rarely a file added, deleted or renamed.
func (g *generator) next(i int) {
	g.changed = map[string][]byte{}
	n := 1
	for n < 40 && g.rng.Float64() < 0.7 {
		n++
	}
	if g.rng.IntN(100) < 3 {
		n += 20 + g.rng.IntN(40) // a sweeping change
	}
	for range n {
		g.edit(g.pick())
	}
	switch r := g.rng.IntN(100); {
	case r < 3:
		g.addFile(i)
	case r < 4:
		g.deleteFile(g.pick())
	case r < 5:
		g.renameFile(g.pick(), i)
	}
	a := g.author()
	g.write(i, a.ident, fmt.Sprintf("Change %d: %s%s", i, g.subject(), a.trailer))
}

func (g *generator) author() signer {
	r := g.rng.IntN(100)
	for _, a := range authors {
		if r < a.weight {
			return a
		}
		r -= a.weight
	}
	return authors[len(authors)-1]
}

func (g *generator) subject() string {
	verbs := []string{"Fix", "Refactor", "Speed up", "Document", "Tidy", "Handle errors in", "Simplify"}
	p := g.paths[g.rng.IntN(len(g.paths))]
	return verbs[g.rng.IntN(len(verbs))] + " " + filepath.Dir(p)
}

// pick chooses a file, larger files more often: they hold more code to
// change, as in real histories.
func (g *generator) pick() string {
	total := 0
	for _, p := range g.paths {
		total += len(g.files[p])
	}
	r := g.rng.IntN(max(total, 1))
	for _, p := range g.paths {
		if r -= len(g.files[p]); r < 0 {
			return p
		}
	}
	return g.paths[len(g.paths)-1]
}

func (g *generator) set(p string, data []byte) {
	if _, ok := g.files[p]; !ok {
		i, _ := slices.BinarySearch(g.paths, p)
		g.paths = slices.Insert(g.paths, i, p)
	}
	g.files[p] = data
	g.changed[p] = data
}

func (g *generator) remove(p string) {
	if i, ok := slices.BinarySearch(g.paths, p); ok && len(g.paths) > 1 {
		g.paths = slices.Delete(g.paths, i, i+1)
		delete(g.files, p)
		g.changed[p] = nil
	}
}

// edit changes one file in a way that keeps it Go: lines of comment
// inserted, a function removed or copied, or — in a test file now and then
// — a test skipped, quietened or deleted.
func (g *generator) edit(p string) {
	lines := bytes.SplitAfter(g.files[p], []byte("\n"))
	r := g.rng.IntN(100)
	switch {
	case strings.HasSuffix(p, "_test.go") && r < 15:
		lines = g.cutCorner(lines)
	case r < (100-g.comments)/2:
		lines = g.removeFunc(lines)
	case r < 100-g.comments:
		lines = g.copyFunc(lines)
	default:
		lines = g.insertComment(lines)
	}
	g.set(p, bytes.Join(lines, nil))
}

func (g *generator) insertComment(lines [][]byte) [][]byte {
	at := g.rng.IntN(len(lines) + 1)
	var add [][]byte
	for k := range 1 + g.rng.IntN(12) {
		add = append(add, fmt.Appendf(nil, "// Note %d.%d: the behaviour here is relied upon; see the tests.\n", g.rng.IntN(1e6), k))
	}
	return slices.Insert(lines, at, add...)
}

// funcs lists the top-level functions whose name starts with prefix, as
// [first line, line after the end), 0-based.
func funcs(lines [][]byte, prefix string) [][2]int {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", bytes.Join(lines, nil), parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var out [][2]int
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if ok && fd.Body != nil && strings.HasPrefix(fd.Name.Name, prefix) {
			out = append(out, [2]int{fset.Position(fd.Pos()).Line - 1, fset.Position(fd.End()).Line})
		}
	}
	return out
}

func (g *generator) removeFunc(lines [][]byte) [][]byte {
	fs := funcs(lines, "")
	if len(fs) < 2 {
		return g.insertComment(lines)
	}
	f := fs[g.rng.IntN(len(fs))]
	return slices.Delete(lines, f[0], f[1])
}

func (g *generator) copyFunc(lines [][]byte) [][]byte {
	var fs [][2]int
	for _, f := range funcs(lines, "") {
		if !bytes.HasPrefix(lines[f[0]], []byte("func (")) { // not a method: the name follows "func "
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return g.insertComment(lines)
	}
	f := fs[g.rng.IntN(len(fs))]
	body := slices.Clone(lines[f[0]:f[1]])
	// A new name, so that the copy is a new function.
	end := bytes.IndexAny(body[0][len("func "):], "[(") + len("func ")
	body[0] = slices.Concat(body[0][:end], fmt.Appendf(nil, "Gen%d", g.rng.IntN(1e6)), body[0][end:])
	return append(append(lines, []byte("\n")), body...)
}

// cutCorner takes one of the shortcuts goodhart reports, in a test.
func (g *generator) cutCorner(lines [][]byte) [][]byte {
	tests := funcs(lines, "Test")
	if len(tests) == 0 {
		return g.insertComment(lines)
	}
	f := tests[g.rng.IntN(len(tests))]
	switch g.rng.IntN(3) {
	case 0:
		if bytes.Contains(lines[f[0]], []byte("(t *testing.T)")) {
			return slices.Insert(lines, f[0]+1, []byte("\tt.Skip(\"flaky\")\n"))
		}
	case 1:
		for i := f[0]; i < f[1]; i++ {
			if bytes.Contains(lines[i], []byte("t.Errorf(")) {
				lines[i] = bytes.Replace(lines[i], []byte("t.Errorf("), []byte("t.Logf("), 1)
				return lines
			}
		}
	}
	return slices.Delete(lines, f[0], f[1])
}

func (g *generator) addFile(i int) {
	from := g.pick()
	p := fmt.Sprintf("%s/gen_%d.go", filepath.Dir(from), i)
	if strings.HasSuffix(from, "_test.go") {
		p = strings.TrimSuffix(p, ".go") + "_test.go"
	}
	g.set(p, g.files[from])
}

func (g *generator) deleteFile(p string) { g.remove(p) }

func (g *generator) renameFile(p string, i int) {
	data := g.files[p]
	g.remove(p)
	g.set(strings.TrimSuffix(p, ".go")+fmt.Sprintf("_r%d.go", i), data)
}

// write writes one commit of the changed files to fast-import.
func (g *generator) write(i int, author, msg string) {
	when := start.Add(time.Duration(i) * time.Hour).Unix()
	fmt.Fprintf(g.out, "commit refs/heads/main\nmark :%d\n", i+1)
	fmt.Fprintf(g.out, "author %s %d +0000\ncommitter %s %d +0000\n", author, when, author, when)
	fmt.Fprintf(g.out, "data %d\n%s\n", len(msg), msg)
	if i > 0 {
		fmt.Fprintf(g.out, "from :%d\n", i)
	}
	paths := make([]string, 0, len(g.changed))
	for p := range g.changed {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		data := g.changed[p]
		if data == nil {
			fmt.Fprintf(g.out, "D %s\n", p)
			continue
		}
		fmt.Fprintf(g.out, "M 100644 inline %s\ndata %d\n", p, len(data))
		g.out.Write(data)
		fmt.Fprintf(g.out, "\n")
	}
	fmt.Fprintf(g.out, "\n")
}
