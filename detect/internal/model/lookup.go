package model

import (
	"bytes"
	"go/ast"
	"go/token"
	"maps"
	"slices"
	"strings"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// Lookups by name spare the parser most of a package. A rule that follows a
// call into a helper, reads a package-level table or constant, or asks
// whether a name is still declared needs one declaration of a package whose
// files mostly did not change; parsing the whole package for it was most of
// the time a long scan spent. Instead a package's files are cut into
// top-level declarations as text (the chunks masks are cut from) and indexed by the
// names each declares; a declaration is parsed when first asked for, with
// the rest of its file blanked out (lines and offsets stay where they were).
// The index may list a declaration under a name it does not declare, never
// the other way round: every answer is confirmed on the parsed syntax.
// A package already parsed whole, and Options.Exhaustive, answer from the
// whole parse.

// pkgText is one side's package directory as text.
type pkgText struct {
	files  []*textFile
	byName map[string][]declRef
	unsure []declRef // declarations whose names the text did not tell: asked every time
}

// textFile is one Go file of the package.
type textFile struct {
	path string
	blob string  // "" for a changed file's version, whose text is src
	ld   *Loader // reads src on first need
	src  []byte
	*fileDecls
	partial map[int]*SrcFile // chunk → the file parsed with only that declaration
	lines   []int            // the line table of src, shared by the partial parses
	whole   *SrcFile         // the whole file, when a partial parse failed
}

// fileDecls is what a file's text says of its top-level declarations. It
// holds no part of the text, so a scan can keep it for the next commits
// that have the same blob (Cache) without keeping the blob.
type fileDecls struct {
	generated bool
	skipped   bool     // not a file goodhart reads (binary, too large)
	spans     [][2]int // each declaration's byte offsets (the chunks masks are cut from)
	imports   []int    // the declarations that are imports: kept in every parse
	names     []chunkNamesOf
}

type chunkNamesOf struct {
	names       []string
	group, sure bool
	tok         token.Token // what the declaration is, when sure: FUNC, TYPE, VAR or CONST
}

func cutDecls(src []byte, generated bool) *fileDecls {
	d := &fileDecls{generated: generated}
	_, cs := chunks(view(src))
	d.spans = make([][2]int, len(cs))
	d.names = make([]chunkNamesOf, len(cs))
	for i, c := range cs {
		d.spans[i] = [2]int{c.start, c.end}
		n := &d.names[i]
		if isImport(c.text) {
			d.imports = append(d.imports, i)
			n.sure = true
			continue
		}
		n.names, n.group, n.sure = chunkDeclares(c.text)
		if n.sure {
			n.tok = declToken(c.text)
		}
		for j, name := range n.names {
			n.names[j] = strings.Clone(name) // not a window on the text
		}
	}
	return d
}

// size estimates the memory a fileDecls holds, for Cache.
func (d *fileDecls) size() int {
	n := 64 + 40*len(d.spans)
	for _, c := range d.names {
		for _, name := range c.names {
			n += 16 + len(name)
		}
	}
	return n
}

func newTextFile(path string, src []byte, generated bool) *textFile {
	return &textFile{path: path, src: src, fileDecls: cutDecls(src, generated)}
}

// source returns the file's text, reading it on first need.
func (f *textFile) source() []byte {
	if f.src == nil && f.ld != nil {
		f.src, _ = f.ld.raw(f.blob)
	}
	return f.src
}

// chunkText returns the text of declaration i.
func (f *textFile) chunkText(i int) string {
	src := f.source()
	if sp := f.spans[i]; sp[1] <= len(src) {
		return string(src[sp[0]:sp[1]])
	}
	return ""
}

// textFile returns the text of an unchanged file, cut once per analysis
// (base and head share it) and, with a Cache, once per scan; nil for a
// file goodhart does not read.
func (l *Loader) textFile(gf gitutil.File) *textFile {
	k := gf.Blob + "\x00" + gf.Path
	l.mu.Lock()
	f, ok := l.texts[k]
	l.mu.Unlock()
	if ok {
		return f
	}
	d := l.Cache.get(k)
	var src []byte
	if d == nil {
		var err error
		if src, err = l.raw(gf.Blob); err != nil {
			return nil // not cached: the next analysis may read it
		}
		switch skipReason(gf.Path, src) {
		case "":
			d = cutDecls(src, false)
		case "generated":
			d = cutDecls(src, true)
		default:
			d = &fileDecls{skipped: true}
		}
		l.Cache.put(k, d)
	}
	if !d.skipped {
		f = &textFile{path: gf.Path, blob: gf.Blob, ld: l, src: src, fileDecls: d}
	}
	l.mu.Lock()
	if l.texts == nil {
		l.texts = map[string]*textFile{}
	}
	l.texts[k] = f
	l.textKept += d.size() // the text itself is the blob raws holds
	l.mu.Unlock()
	return f
}

type declRef struct {
	f     *textFile
	c     int
	exact bool // the chunk's first line declares the name: no parse needed to know
}

// text returns the package directory dir of the snapshot's side as text:
// the changed files' versions where they changed, the tree's elsewhere.
func (s *Snapshot) text(dir string) *pkgText {
	if p, ok := s.texts[dir]; ok {
		return p
	}
	p := &pkgText{byName: map[string][]declRef{}}
	for _, df := range s.goFiles(dir) {
		if cf := df.changed; cf != nil {
			p.add(newTextFile(cf.Path, cf.Src, cf.Generated))
		} else if f := s.ld.textFile(df.tree); f != nil {
			p.add(f)
		}
	}
	if s.texts == nil {
		s.texts = map[string]*pkgText{}
	}
	s.texts[dir] = p
	return p
}

// dirFile is a Go file of a package directory on one side: the version
// of a changed file, or else the tree's entry.
type dirFile struct {
	changed *SrcFile
	tree    gitutil.File
}

// goFiles lists the Go files of a package directory on the snapshot's side
// in the tree's order, then the changed files the listing may not show
// (an unreadable tree). Changed files that are not Go at all are left out.
func (s *Snapshot) goFiles(dir string) []dirFile {
	var out []dirFile
	seen := map[string]bool{}
	for _, gf := range s.ld.list(s.Rev, dir) {
		if !strings.HasSuffix(gf.Path, ".go") {
			continue
		}
		seen[gf.Path] = true
		if cf, ok := s.Files[gf.Path]; !ok {
			out = append(out, dirFile{tree: gf})
		} else if cf.AST != nil {
			out = append(out, dirFile{changed: cf})
		}
	}
	for _, path := range slices.Sorted(maps.Keys(s.Files)) {
		if f := s.Files[path]; DirOf(path) == dir && !seen[path] && strings.HasSuffix(path, ".go") && f.AST != nil {
			out = append(out, dirFile{changed: f})
		}
	}
	return out
}

func (p *pkgText) add(f *textFile) {
	p.files = append(p.files, f)
	for i, n := range f.names {
		for _, name := range n.names {
			p.byName[name] = append(p.byName[name], declRef{f: f, c: i, exact: !n.group})
		}
		if !n.sure {
			p.unsure = append(p.unsure, declRef{f: f, c: i})
		}
	}
}

// candidates lists the declarations that may declare name, in file order.
func (p *pkgText) candidates(name string) []declRef {
	refs := p.byName[name]
	if len(p.unsure) == 0 {
		return refs
	}
	out := append([]declRef(nil), refs...)
	for _, r := range p.unsure {
		if mentions(r.f.chunkText(r.c), map[string]bool{name: true}) {
			out = append(out, r)
		}
	}
	return out
}

// decls parses the declaration ref points at and returns the top-level
// declarations of that parse (only it, unless the file had to be parsed
// whole), with the file they belong to.
func (r declRef) decls() ([]ast.Decl, *SrcFile) {
	f := r.f
	if f.whole != nil {
		return f.whole.AST.Decls, f.whole
	}
	if sf, ok := f.partial[r.c]; ok {
		return sf.AST.Decls, sf
	}
	src := f.source()
	if src == nil {
		return nil, nil
	}
	keep := map[int]bool{r.c: true}
	for _, i := range f.imports {
		keep[i] = true
	}
	var bl blanks
	for i, sp := range f.spans {
		switch {
		case keep[i]:
		case len(bl) > 0 && bl[len(bl)-1][1] == sp[0]:
			bl[len(bl)-1][1] = sp[1]
		default:
			bl = append(bl, sp)
		}
	}
	if f.lines == nil && len(src) > 0 {
		f.lines = lineTable(src)
	}
	sf := parseWithoutLines(f.path, src, bl, f.lines)
	if sf == nil || sf.Err != nil || sf.AST == nil {
		return f.parseWhole(src)
	}
	sf.Src, sf.masked, sf.Generated = src, true, f.generated
	if f.partial == nil {
		f.partial = map[int]*SrcFile{}
	}
	f.partial[r.c] = sf
	if f.ld != nil {
		// A tree kept with the text (the loader's texts): counted with it.
		sp := f.spans[r.c]
		f.ld.mu.Lock()
		f.ld.textKept += treeCost(src[sp[0]:sp[1]])
		f.ld.mu.Unlock()
	}
	return sf.AST.Decls, sf
}

func (f *textFile) parseWhole(src []byte) ([]ast.Decl, *SrcFile) {
	f.whole = parseFile(f.path, src)
	f.whole.Generated = f.generated
	if f.whole.AST == nil {
		return nil, f.whole
	}
	return f.whole.AST.Decls, f.whole
}

// wholePkg reports whether lookups in dir should use the whole parse.
func (s *Snapshot) wholePkg(dir string) bool {
	_, loaded := s.dirs[dir]
	return loaded || s.ld.Exhaustive
}

// funcDecl finds a function (not a method) of the package by name; the
// last file declaring it wins, as in helperMap.
func (s *Snapshot) funcDecl(dir, name string) *helperFunc {
	if s.wholePkg(dir) {
		return s.Pkg(dir).helper(name)
	}
	var found *helperFunc
	for _, r := range s.text(dir).candidates(name) {
		decls, sf := r.decls()
		for _, d := range decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Body != nil && fd.Name.Name == name {
				found = &helperFunc{decl: fd, file: sf}
			}
		}
	}
	return found
}

// valueSpec finds a package-level variable or constant by name; the last
// declaration wins, as in pkgInfo.specs.
func (s *Snapshot) valueSpec(dir string, tok token.Token, name string) *ast.ValueSpec {
	if s.wholePkg(dir) {
		if tok == token.CONST {
			return s.Pkg(dir).consts()[name]
		}
		return s.Pkg(dir).Vars()[name]
	}
	var found *ast.ValueSpec
	for _, r := range s.text(dir).candidates(name) {
		if t := r.f.names[r.c].tok; t != token.ILLEGAL && t != tok {
			continue // a function, a type or the other kind of spec: no parse can find one there
		}
		decls, _ := r.decls()
		if vs, _ := specNamed(decls, tok, name, false); vs != nil {
			found = vs
		}
	}
	return found
}

// PkgVar finds a package-level variable of dir by name, as
// Pkg(dir).Vars()[name] does, parsing only the declarations that may
// declare it unless the package is parsed whole.
func (s *Snapshot) PkgVar(dir, name string) *ast.ValueSpec { return s.valueSpec(dir, token.VAR, name) }

// varTable finds a package-level variable bound to a composite literal,
// and the file that declares it, as pkgInfo.varTable does.
func (s *Snapshot) varTable(dir, name string) (*ast.CompositeLit, *SrcFile) {
	if s.wholePkg(dir) {
		return s.Pkg(dir).varTable(name)
	}
	for _, r := range s.text(dir).candidates(name) {
		decls, sf := r.decls()
		if _, cl := specNamed(decls, token.VAR, name, true); cl != nil {
			return cl, sf
		}
	}
	return nil, nil
}

// specNamed finds the value spec of name among decls: the last one, or with
// table, the first whose value for name is a composite literal.
func specNamed(decls []ast.Decl, tok token.Token, name string, table bool) (*ast.ValueSpec, *ast.CompositeLit) {
	var found *ast.ValueSpec
	for _, d := range decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != tok {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if n.Name != name {
					continue
				}
				found = vs
				if table && i < len(vs.Values) {
					if cl, ok := vs.Values[i].(*ast.CompositeLit); ok {
						return vs, cl
					}
				}
			}
		}
	}
	if table {
		return nil, nil
	}
	return found, nil
}

// Declares reports whether the package's non-test files declare name at
// the top level (a function, method, type, variable or constant).
func (s *Snapshot) Declares(dir, name string) bool { return s.declares(dir, name, false) }

// DeclaresAnywhere reports whether any Go file of the package, test files
// included, declares name at top level.
func (s *Snapshot) DeclaresAnywhere(dir, name string) bool { return s.declares(dir, name, true) }

func (s *Snapshot) declares(dir, name string, tests bool) bool {
	if s.wholePkg(dir) && !tests {
		return s.Pkg(dir).declared[name]
	}
	for _, r := range s.text(dir).candidates(name) {
		if IsTestFile(r.f.path) && !tests {
			continue
		}
		if r.exact {
			return true
		}
		decls, _ := r.decls()
		for _, d := range decls {
			for _, n := range DeclNames(d) {
				if n == name {
					return true
				}
			}
		}
	}
	return false
}

// testsMentioning returns the tests of the package's test files whose text
// has every one of words: with words from a fingerprint, every test that
// could share it. Only those files are parsed.
func (s *Snapshot) testsMentioning(dir string, words []string) []*TestFunc {
	if s.wholePkg(dir) {
		return s.Pkg(dir).Tests
	}
	has := func(src []byte) bool {
		for _, w := range words {
			if !bytes.Contains(src, []byte(w)) {
				return false
			}
		}
		return true
	}
	var out []*TestFunc
	for _, df := range s.goFiles(dir) {
		switch {
		case df.changed != nil:
			if IsTestFile(df.changed.Path) && has(df.changed.Src) {
				out = append(out, s.testsOf(df.changed.full())...)
			}
		case IsTestFile(df.tree.Path):
			if src, err := s.ld.raw(df.tree.Blob); err == nil && has(src) {
				if f := s.ld.file(&df.tree, s.Rev); f != nil {
					out = append(out, s.testsOf(f)...)
				}
			}
		}
	}
	return out
}

// PkgTests lists the tests of the package's test files on this side, as
// Pkg(dir).Tests does, parsing the test files only (a package's code is
// often most of its text) unless the package is parsed whole already.
func (s *Snapshot) PkgTests(dir string) []*TestFunc { return s.testsMentioning(dir, nil) }

// testsOf indexes the tests of a whole file once per snapshot, so their
// fingerprints are made once however many deleted tests look among them.
func (s *Snapshot) testsOf(f *SrcFile) []*TestFunc {
	if ts, ok := s.fileTests[f]; ok {
		return ts
	}
	if s.fileTests == nil {
		s.fileTests = map[*SrcFile][]*TestFunc{}
	}
	ts := indexFile(f)
	s.fileTests[f] = ts
	return ts
}

// HasFiles reports whether the package directory has any Go file goodhart
// reads.
func (s *Snapshot) HasFiles(dir string) bool {
	if s.wholePkg(dir) {
		return len(s.Pkg(dir).Files) > 0
	}
	return len(s.text(dir).files) > 0
}

// chunkDeclares reads the names a declaration chunk declares from its
// gofmt'd text. The first line of a single declaration names it exactly;
// the names of a group are read off its lines indented once, which may
// also catch a line of a multi-line string (group). sure is false when the
// text is not in a shape it knows.
func chunkDeclares(text string) (names []string, group, sure bool) {
	first, rest := text, ""
	for {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			first, rest = text, ""
		} else {
			first, rest = text[:i], text[i+1:]
		}
		if !strings.HasPrefix(first, "//") && first != "" || i < 0 {
			break
		}
		text = rest
	}
	if first == "" {
		return nil, false, true
	}
	kw, after, _ := strings.Cut(first, " ")
	if i := strings.Index(after, " //"); i >= 0 && strings.HasPrefix(after, "(") {
		after = after[:i] // const ( // a comment
	}
	if after == "(" && (kw == "type" || kw == "var" || kw == "const") {
		for rest != "" {
			line := rest
			if i := strings.IndexByte(rest, '\n'); i >= 0 {
				line, rest = rest[:i], rest[i+1:]
			} else {
				rest = ""
			}
			if len(line) > 1 && line[0] == '\t' {
				names = append(names, identList(line[1:])...)
			}
		}
		return names, true, true
	}
	switch kw {
	case "func":
		if strings.HasPrefix(after, "(") { // a method: skip the receiver
			i := strings.IndexByte(after, ')')
			if i < 0 || !strings.HasPrefix(after[i+1:], " ") {
				return nil, false, false
			}
			after = after[i+2:]
		}
		n := identLen(after)
		if n == 0 || n == len(after) || after[n] != '(' && after[n] != '[' {
			return nil, false, false
		}
		return []string{after[:n]}, false, true
	case "type":
		n := identLen(after)
		if n == 0 || n == len(after) || after[n] != ' ' && after[n] != '[' {
			return nil, false, false
		}
		return []string{after[:n]}, false, true
	case "var", "const":
		if names = identList(after); names == nil {
			return nil, false, false
		}
		return names, false, true
	}
	return nil, false, false
}

// declToken returns the keyword a declaration's text starts with, after its
// doc comment: token.FUNC, TYPE, VAR or CONST, or ILLEGAL.
func declToken(text string) token.Token {
	for text != "" {
		line, rest, _ := strings.Cut(text, "\n")
		if line != "" && !strings.HasPrefix(line, "//") {
			kw, _, _ := strings.Cut(line, " ")
			switch kw {
			case "func":
				return token.FUNC
			case "type":
				return token.TYPE
			case "var":
				return token.VAR
			case "const":
				return token.CONST
			}
			return token.ILLEGAL
		}
		text = rest
	}
	return token.ILLEGAL
}

// identList reads "a, b, c" at the start of a spec, up to a space, "=",
// "[", a trailing "," or the end of the line; nil when the line does not start that way.
func identList(s string) []string {
	var out []string
	for {
		n := identLen(s)
		if n == 0 {
			return nil
		}
		out = append(out, s[:n])
		s = s[n:]
		if !strings.HasPrefix(s, ", ") {
			break
		}
		s = s[2:]
	}
	if s != "" && s != "," && s[0] != ' ' && s[0] != '=' && s[0] != '[' {
		return nil // "," ends a line of a spec that names more on the next
	}
	return out
}

// identLen is the length of the identifier s starts with (ASCII letters,
// digits and underscores; a name with other letters ends it early, which
// the unsure list catches).
func identLen(s string) int {
	i := 0
	for i < len(s) && (identStart(s[i]) || i > 0 && s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i < len(s) && s[i] >= 0x80 {
		return 0
	}
	return i
}

func identStart(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// FuncDecl finds a function (not a method) of the package by name, test
// files included, or nil.
func (s *Snapshot) FuncDecl(dir, name string) *ast.FuncDecl {
	if h := s.funcDecl(dir, name); h != nil {
		return h.decl
	}
	return nil
}
