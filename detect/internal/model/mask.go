package model

import (
	"bytes"
	"encoding/binary"
	"go/parser"
	"go/scanner"
	"go/token"
	"regexp"
	"strings"
	"sync"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// Masking spares the parser the unchanged parts of a modified file. A
// file's top-level declarations are cut apart as text; a declaration whose
// exact text both versions share is blanked out (every character but the
// newlines becomes a space, so lines and offsets stay where they were)
// before parsing, unless it mentions a name the range declared anew or
// changed in its package. Nothing in a blanked declaration changed, and
// nothing it depends on in its package did: the rules, which judge changes,
// lose nothing by not seeing it. Whole-package views (snapshot.pkg) and the
// few places that need every declaration of a file (srcFile.full) parse the
// real text. A masked text that does not parse is parsed whole instead.
// The blanks are never scanned: parseWithout parses the text between them.

// chunk is one top-level declaration of a file, with the comment lines
// that lead into it and the blank lines after it.
type chunk struct {
	start, end int // byte offsets
	text       string
}

// chunks cuts a file after its header (package clause, build constraints)
// into top-level declarations, by the column-0 keywords gofmt leaves; a
// line inside a raw string or a block comment starts nothing. It runs over
// every file of a package a lookup reads, so it scans bytes rather than
// lines or regular expressions.
func chunks(src string) (header int, out []chunk) {
	var starts []int
	comments := -1 // where the run of comment lines just before this line began
	var st lexState
	// Without a backquote or a block comment every line starts in code.
	lex := strings.IndexByte(src, '`') >= 0 || strings.Contains(src, "/*")
	for off := 0; off < len(src); {
		end := strings.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += off + 1
		}
		line := src[off:end]
		switch {
		case st != lexCode:
			comments = -1
		case strings.HasPrefix(line, "//"):
			if comments < 0 {
				comments = off
			}
		case startsDecl(line):
			s := off
			if comments >= 0 {
				s = comments // its doc comment
			}
			if len(starts) == 0 || s > starts[len(starts)-1] {
				starts = append(starts, s)
			}
			comments = -1
		default:
			comments = -1
		}
		if lex {
			st = st.after(line)
		}
		off = end
	}
	if len(starts) == 0 {
		return len(src), nil
	}
	header = starts[0]
	for k, s := range starts {
		e := len(src)
		if k+1 < len(starts) {
			e = starts[k+1]
		}
		out = append(out, chunk{s, e, src[s:e]})
	}
	return header, out
}

// lexState is what a line of Go starts inside of, as far as cutting a file
// into declarations cares: code, a raw string, or a block comment.
type lexState uint8

const (
	lexCode lexState = iota
	lexRaw
	lexBlock
)

// lexSpecial marks the bytes that may change what code is inside of. A
// table, because strings.IndexAny builds its set anew on every call, and
// after is called on every line of most files.
var lexSpecial = [256]bool{'`': true, '"': true, '\'': true, '/': true}

// after returns the state at the end of line, starting in st.
func (st lexState) after(line string) lexState {
	for i := 0; i < len(line); i++ {
		switch st {
		case lexRaw:
			j := strings.IndexByte(line[i:], '`')
			if j < 0 {
				return st
			}
			i += j
			st = lexCode
		case lexBlock:
			j := strings.Index(line[i:], "*/")
			if j < 0 {
				return st
			}
			i += j + 1
			st = lexCode
		default:
			for i < len(line) && !lexSpecial[line[i]] {
				i++
			}
			if i == len(line) {
				return st
			}
			switch c := line[i]; c {
			case '`':
				st = lexRaw
			case '/':
				if strings.HasPrefix(line[i:], "//") {
					return st
				}
				if strings.HasPrefix(line[i:], "/*") {
					st, i = lexBlock, i+1
				}
			default: // an interpreted string or a rune ends on its line
				for i++; i < len(line) && line[i] != c && line[i] != '\n'; i++ {
					if line[i] == '\\' {
						i++
					}
				}
			}
		}
	}
	return st
}

// startsDecl reports whether a line opens a top-level declaration: one of
// the keywords at column 0, followed by a space or a parenthesis.
func startsDecl(line string) bool {
	if line == "" {
		return false
	}
	var kw string
	switch line[0] {
	case 'f':
		kw = "func"
	case 't':
		kw = "type"
	case 'v':
		kw = "var"
	case 'c':
		kw = "const"
	case 'i':
		kw = "import"
	default:
		return false
	}
	return len(line) > len(kw) && line[:len(kw)] == kw && (line[len(kw)] == ' ' || line[len(kw)] == '(')
}

var declNameRE = regexp.MustCompile(`^(?:func (?:\([^)]*\) )?|type |var |const )([A-Za-z_][A-Za-z0-9_]*)`)
var groupNameRE = regexp.MustCompile(`(?m)^\t([A-Za-z_][A-Za-z0-9_]*)`)

// chunkNames lists the names a declaration chunk declares: what
// chunkDeclares reads off gofmt's shapes, or for another shape a guess
// from the first line that looks like a declaration and the lines of a
// group.
func chunkNames(c chunk) []string {
	if names, _, sure := chunkDeclares(c.text); sure {
		return names
	}
	var out []string
	for _, l := range strings.Split(c.text, "\n") {
		if m := declNameRE.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
			break
		}
	}
	if first := strings.SplitN(strings.TrimLeft(c.text, "/ \t"), "\n", 2)[0]; strings.HasSuffix(strings.TrimSpace(first), "(") {
		for _, m := range groupNameRE.FindAllStringSubmatch(c.text, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// maskPlan is the masked text of each modified file version that can be
// masked, by blob and path.
type maskPlan map[string]blanks

// blanks are the byte ranges of a file to blank out, in order.
type blanks [][2]int

// id names the ranges, for keeping a masked parse by its mask: the same
// version of a file is masked differently against different partners.
func (b blanks) id() string {
	buf := make([]byte, 0, 8*len(b))
	for _, r := range b {
		buf = binary.AppendUvarint(buf, uint64(r[0]))
		buf = binary.AppendUvarint(buf, uint64(r[1]))
	}
	return string(buf)
}

// planMasks decides which declarations of the modified files of a change
// set can be blanked out, and returns their masked texts. code is false
// when no Go code changed at all: every change a modified Go file's, whose
// declarations differ only in comments and layout.
func (l *Loader) planMasks(changes []gitutil.Change) (plan maskPlan, code bool) {
	if l.Exhaustive {
		return nil, true
	}
	type pair struct {
		c        gitutil.Change
		old, cur string
		oc, nc   []chunk
		alike    map[string]bool // changed chunks whose code is the same: comments edited
	}
	var pairs []pair
	relevantChanges, quiet := 0, 0          // changes of Go files, and those of comments only
	changed := map[string]map[string]bool{} // dir → names declared anew or changed
	mark := func(dir string, names []string) {
		if changed[dir] == nil {
			changed[dir] = map[string]bool{}
		}
		for _, n := range names {
			changed[dir][n] = true
		}
	}
	for _, c := range changes {
		for _, f := range []*gitutil.File{c.From, c.To} {
			if f != nil && strings.HasSuffix(f.Path, ".go") && (c.From == nil || c.To == nil || c.From.Path != c.To.Path) {
				if src, err := l.raw(f.Blob); err == nil {
					_, cs := chunks(view(src))
					for _, ch := range cs {
						mark(DirOf(f.Path), chunkNames(ch))
					}
				}
			}
		}
		if (c.From == nil || !Relevant(c.From.Path)) && (c.To == nil || !Relevant(c.To.Path)) {
			continue
		}
		relevantChanges++
		if c.From == nil || c.To == nil || c.From.Path != c.To.Path || !strings.HasSuffix(c.To.Path, ".go") {
			continue
		}
		old, err1 := l.raw(c.From.Blob)
		cur, err2 := l.raw(c.To.Blob)
		if err1 != nil || err2 != nil || !maskable(c.To.Path, cur) || !maskable(c.From.Path, old) {
			continue
		}
		p := pair{c: c, old: view(old), cur: view(cur)}
		oh, oc := chunks(p.old)
		nh, nc := chunks(p.cur)
		if p.old[:oh] != p.cur[:nh] {
			continue // a changed header (a build constraint, the package) concerns every declaration
		}
		p.oc, p.nc = oc, nc
		gone, came := differing(oc, nc), differing(nc, oc)
		if !IsTestFile(c.To.Path) || namesKept(oc, nc) {
			p.alike = commentsOnlyBy(gone, came, l.tokenKey)
		}
		touched := false
		for _, ch := range append(gone, came...) {
			if !p.alike[ch.text] {
				mark(DirOf(c.To.Path), chunkNames(ch))
				touched = true
			}
		}
		pairs = append(pairs, p)
		if !touched {
			quiet++
		}
	}
	code = relevantChanges > quiet
	plan = maskPlan{}
	for _, p := range pairs {
		names := changed[DirOf(p.c.To.Path)]
		if m, ok := maskChunks(p.old, p.oc, p.nc, names, p.alike); ok {
			plan[p.c.From.Blob+"\x00"+p.c.From.Path] = m
		}
		if m, ok := maskChunks(p.cur, p.nc, p.oc, names, p.alike); ok {
			plan[p.c.To.Blob+"\x00"+p.c.To.Path] = m
		}
	}
	return plan, code
}

// differing returns the chunks of a that b does not have, as a multiset.
func differing(a, b []chunk) []chunk {
	have := map[string]int{}
	for _, c := range b {
		have[c.text]++
	}
	var out []chunk
	for _, c := range a {
		if have[c.text] > 0 {
			have[c.text]--
			continue
		}
		out = append(out, c)
	}
	return out
}

// commentsOnly pairs the declarations one version lost with those the other
// gained that differ only in comments and layout (a doc comment edited, a
// note added in a body), and returns the texts of both. No rule judges a
// comment on its own, so such a declaration is as good as unchanged, with
// one exception: a test commented out becomes a comment on the next
// declaration, which disabled-test looks for. planMasks therefore pairs
// the declarations of a test file only when it lost none of its names.
func commentsOnly(gone, came []chunk) map[string]bool { return commentsOnlyBy(gone, came, tokensOf) }

// commentsOnlyBy is commentsOnly with tokens, tokensOf or a memo of it.
func commentsOnlyBy(gone, came []chunk, tokens func(string) string) map[string]bool {
	if len(gone) == 0 || len(came) == 0 {
		return nil
	}
	alike := map[string]bool{}
	// Comment lines first, which is cheap and the usual edit; then what is
	// left by tokens (a comment at the end of a line, a line broken anew).
	gone, came = pairBy(func(text string) string { return linesOf(text, tokens) }, gone, came, alike)
	pairBy(tokens, gone, came, alike)
	return alike
}

// tokenKeyBudget bounds the declarations' texts and tokens Loader.tokenKey
// keeps (emptied when past it).
const tokenKeyBudget = 8 << 20

// tokenKey is tokensOf, kept by the declaration's text across the loader's
// analyses: the replays of a check compare the range's base with each
// commit, and the declarations the range changed with their tokens at every
// one.
func (l *Loader) tokenKey(text string) string {
	l.mu.Lock()
	k, ok := l.tokenKeys[text]
	l.mu.Unlock()
	if ok {
		return k
	}
	k = tokensOf(text)
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := 2*len(text) + len(k) + 64; l.tokenKeyBytes+n <= tokenKeyBudget {
		if l.tokenKeys == nil {
			l.tokenKeys = map[string]string{}
		}
		// The text is a window on a blob the loader may let go: a copy.
		l.tokenKeys[strings.Clone(text)] = k
		l.tokenKeyBytes += n
	} else {
		l.tokenKeys, l.tokenKeyBytes = nil, 0
	}
	return k
}

// pairBy pairs the chunks of gone and came whose keys are equal, adds their
// texts to alike, and returns those left unpaired.
func pairBy(key func(string) string, gone, came []chunk, alike map[string]bool) (restGone, restCame []chunk) {
	if len(gone) == 0 || len(came) == 0 {
		return gone, came
	}
	byKey := map[string][]int{}
	for i, c := range gone {
		k := key(c.text)
		byKey[k] = append(byKey[k], i)
	}
	paired := map[int]bool{}
	for _, c := range came {
		k := key(c.text)
		if is := byKey[k]; len(is) > 0 {
			alike[gone[is[0]].text], alike[c.text] = true, true
			paired[is[0]] = true
			byKey[k] = is[1:]
			continue
		}
		restCame = append(restCame, c)
	}
	for i, c := range gone {
		if !paired[i] {
			restGone = append(restGone, c)
		}
	}
	return restGone, restCame
}

// linesOf returns a declaration without its comment lines, when no line
// can be inside a raw string or a block comment; else its tokens, by
// tokens (tokensOf or a memo of it: a replay compares the same
// declarations again, and those with a raw string, a command's help or a
// query, are the ones whose key costs a scan).
func linesOf(text string, tokens func(string) string) string {
	if strings.IndexByte(text, '`') >= 0 || strings.Contains(text, "/*") {
		return tokens(text)
	}
	var b strings.Builder
	b.WriteString("lines\x00")
	for text != "" {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "//") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// tokensOf returns the tokens of a declaration without its comments.
func tokensOf(text string) string {
	var sc scanner.Scanner
	fs := token.NewFileSet()
	sc.Init(fs.AddFile("", -1, len(text)), []byte(text), func(token.Position, string) {}, 0)
	var b strings.Builder
	b.WriteString("tokens\x00")
	semis := 0 // semicolons pending: before ")" or "}" one may be left out
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			return b.String()
		}
		if tok == token.SEMICOLON {
			semis++
			continue
		}
		if semis > 0 && (tok == token.RBRACE || tok == token.RPAREN) {
			semis--
		}
		for ; semis > 0; semis-- {
			b.WriteString(";\x00")
		}
		b.WriteString(tok.String())
		b.WriteByte(' ')
		b.WriteString(lit)
		b.WriteByte('\x00')
	}
}

// namesKept reports whether every name the old version's declarations
// declare is still declared by the new version's.
func namesKept(old, cur []chunk) bool {
	have := map[string]bool{}
	for _, c := range cur {
		for _, n := range chunkNames(c) {
			have[n] = true
		}
	}
	for _, c := range old {
		for _, n := range chunkNames(c) {
			if !have[n] {
				return false
			}
		}
	}
	return true
}

// maskShared blanks the chunks of src that other shares and that mention
// none of the changed names; ok is false when nothing would be blanked.
func maskShared(src, other string, changed map[string]bool) (blanks, bool) {
	_, cs := chunks(src)
	_, ocs := chunks(other)
	return maskChunks(src, cs, ocs, changed, nil)
}

// maskChunks is maskShared on chunks already cut; a chunk whose text is in
// alike counts as shared too.
func maskChunks(src string, cs, ocs []chunk, changed map[string]bool, alike map[string]bool) (blanks, bool) {
	shared := map[string]int{}
	for _, c := range ocs {
		shared[c.text]++
	}
	var out blanks
	m := newMentioner(changed)
	for _, c := range cs {
		if shared[c.text] == 0 && !alike[c.text] || m.mentions(c.text) || isImport(c.text) {
			continue // imports say what every name means: never blanked
		}
		if shared[c.text] > 0 {
			shared[c.text]--
		}
		if n := len(out); n > 0 && out[n-1][1] == c.start {
			out[n-1][1] = c.end // adjoining: one range
		} else {
			out = append(out, [2]int{c.start, c.end})
		}
	}
	return out, len(out) > 0
}

// apply writes src with the ranges blanked (every byte but newlines a
// space, so lines and offsets stay) into buf, grown as needed.
func (bl blanks) apply(src, buf []byte) []byte {
	buf = append(buf[:0], src...)
	for _, r := range bl {
		for i := r[0]; i < r[1]; {
			j := bytes.IndexByte(buf[i:r[1]], '\n')
			if j < 0 {
				j = r[1] - i
			}
			blank(buf[i : i+j])
			i += j + 1
		}
	}
	return buf
}

var spaces = bytes.Repeat([]byte{' '}, 4096)

// blank overwrites b with spaces.
func blank(b []byte) {
	for len(b) > 0 {
		b = b[copy(b, spaces):]
	}
}

// maskBufs recycles the buffers masked texts are parsed from: the parser
// copies what it keeps, so a buffer is free once its parse is done.
var maskBufs = sync.Pool{New: func() any { return new([]byte) }}

// mentions reports whether text uses any of names as a whole identifier.
// The names are few; a substring search per name is far cheaper than
// tokenizing every declaration.
func mentions(text string, names map[string]bool) bool {
	for name := range names {
		for i := 0; ; {
			j := strings.Index(text[i:], name)
			if j < 0 {
				break
			}
			j += i
			end := j + len(name)
			if (j == 0 || !identByte(text[j-1])) && (end == len(text) || !identByte(text[end])) {
				return true
			}
			i = end
		}
	}
	return false
}

// mentioner answers mentions(text, names) for many texts and one set of
// names: an identifier of the text is looked up among the names, in one
// pass over the text whatever the number of names (a new file declares
// hundreds). Names that are not identifiers are searched as mentions does.
type mentioner struct {
	idents map[string]bool
	others map[string]bool
}

func newMentioner(names map[string]bool) *mentioner {
	m := &mentioner{idents: map[string]bool{}, others: map[string]bool{}}
	for n := range names {
		ident := n != ""
		for i := 0; i < len(n) && ident; i++ {
			ident = identByte(n[i])
		}
		if ident {
			m.idents[n] = true
		} else {
			m.others[n] = true
		}
	}
	return m
}

func (m *mentioner) mentions(text string) bool {
	if len(m.idents) < 8 {
		return mentions(text, m.idents) || mentions(text, m.others)
	}
	for i := 0; i < len(text); {
		if !identByte(text[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && identByte(text[j]) {
			j++
		}
		if m.idents[text[i:j]] {
			return true
		}
		i = j
	}
	return mentions(text, m.others)
}

func identByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// raw reads a blob once per analysis run.
func (l *Loader) raw(blob string) ([]byte, error) {
	l.mu.Lock()
	src, ok := l.raws[blob]
	l.mu.Unlock()
	if ok {
		return src, nil
	}
	src, err := l.repo.Blob(blob)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	if l.raws == nil {
		l.raws = map[string][]byte{}
	}
	l.raws[blob] = src
	l.textKept += len(src)
	l.mu.Unlock()
	return src, nil
}

// maskedFile parses a masked version of a file, keeping the real text as
// its source (lines and offsets are the same), or returns nil when the
// masked text does not parse.
func maskedFile(path string, real []byte, bl blanks) *SrcFile {
	f := parseWithout(path, real, bl)
	if f == nil || f.Err != nil {
		return nil
	}
	f.masked = true
	return f
}

// pieceHeader goes before each piece parseWithout parses on its own. It
// ends a line, so that the comments that lead into the piece's first
// declaration stay its doc comment.
const pieceHeader = "package p\n"

// parseWithout parses src as if the ranges bl were blanked (every byte
// but newlines a space): positions, lines and offsets are those of src.
// It does not scan the blanks, which are most of a masked file: the header
// and each stretch of text between blanks are parsed on their own, each in
// a file set whose base puts it at its offset in src, and the pieces are
// joined into one file on a file set with src's lines. A piece that does
// not parse on its own has the blanked text parsed instead; nil means even
// that failed.
func parseWithout(p string, src []byte, bl blanks) *SrcFile {
	return parseWithoutLines(p, src, bl, nil)
}

// parseWithoutLines is parseWithout with the line table of src, when the
// caller has it (lineTable): a file whose declarations are parsed one at a
// time is not searched for its newlines at each.
func parseWithoutLines(p string, src []byte, bl blanks, lines []int) *SrcFile {
	for k, r := range bl {
		if r[0] > r[1] || r[1] > len(src) || k > 0 && r[0] < bl[k-1][1] {
			return nil // not ranges of src in order
		}
	}
	if len(bl) == 0 || bl[0][0] == 0 {
		return parseBlanked(p, src, bl)
	}
	fset := token.NewFileSet()
	if tf := fset.AddFile(p, -1, len(src)); lines == nil || !tf.SetLines(lines) {
		setLines(tf, src)
	}
	// The header: the package clause and what precedes the first blank.
	head, err := parser.ParseFile(token.NewFileSet(), p, src[:bl[0][0]], parseMode)
	if err != nil {
		return parseBlanked(p, src, bl)
	}
	head.FileEnd = token.Pos(1 + len(src))
	buf := maskBufs.Get().(*[]byte)
	defer maskBufs.Put(buf)
	for k, r := range bl {
		start, end := r[1], len(src)
		if k+1 < len(bl) {
			end = bl[k+1][0]
		}
		if start >= end || len(bytes.TrimSpace(src[start:end])) == 0 {
			continue
		}
		pad := start - len(pieceHeader) - 1 // bytes of file set before the piece's header
		if pad < 0 {
			return parseBlanked(p, src, bl)
		}
		pieces := token.NewFileSet()
		pieces.AddFile("", -1, pad) // the next file starts at 1+start-len(pieceHeader)
		*buf = append(append((*buf)[:0], pieceHeader...), src[start:end]...)
		piece, err := parser.ParseFile(pieces, p, *buf, parseMode)
		if err != nil {
			return parseBlanked(p, src, bl)
		}
		head.Decls = append(head.Decls, piece.Decls...)
		head.Imports = append(head.Imports, piece.Imports...)
		head.Comments = append(head.Comments, piece.Comments...)
	}
	f := &SrcFile{Path: p, Src: src, Fset: fset, AST: head}
	f.index()
	return f
}

// setLines gives tf the lines of src, as SetLinesForContent does, with a
// faster search for newlines: masked files are mostly text nobody parses.
func setLines(tf *token.File, src []byte) {
	if len(src) == 0 {
		tf.SetLinesForContent(src) // no lines at all
		return
	}
	tf.SetLines(lineTable(src))
}

// lineTable returns the offsets at which the lines of src start, as
// token.File.SetLines takes them. The token.Files of one text may share
// it: they only read it.
func lineTable(src []byte) []int {
	lines := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for off := 0; ; {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		if off < len(src) {
			lines = append(lines, off)
		}
	}
	return lines
}

// parseBlanked parses the text of src with the ranges bl blanked, keeping
// src as the file's source; nil when the blanked text does not parse.
func parseBlanked(p string, src []byte, bl blanks) *SrcFile {
	buf := maskBufs.Get().(*[]byte)
	*buf = bl.apply(src, *buf)
	f := parseFile(p, *buf)
	maskBufs.Put(buf)
	if f.Err != nil {
		return nil
	}
	f.Src = src
	return f
}

// full returns the file with every declaration parsed: itself, or for a
// masked file, a parse of its real text.
func (f *SrcFile) full() *SrcFile {
	if !f.masked || len(f.Src) > MaxFileSize {
		return f // too large to parse whole: what the mask kept is what there is
	}
	if f.whole == nil {
		f.whole = parseFile(f.Path, f.Src)
		f.whole.Generated = f.Generated
	}
	return f.whole
}

func isImport(text string) bool {
	for text != "" {
		line, rest, _ := strings.Cut(text, "\n")
		if !strings.HasPrefix(line, "//") {
			return strings.HasPrefix(line, "import")
		}
		text = rest
	}
	return false
}
