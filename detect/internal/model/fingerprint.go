package model

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"hash/fnv"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// fingerprint is a test body with formatting, comments, its own name and the
// name of its *testing.T normalised away: two tests with equal hashes do the
// same thing, and the bigram counts measure how alike two bodies are.
//
// The tokens are kept back to back in one string with their ends beside
// it, not as a string each: a large check holds the fingerprints of every
// changed test of both sides at once, and a slice of strings costs four to
// five times the text it names.
type fingerprint struct {
	Hash     uint64
	text     string          // the tokens, back to back
	ends     []uint32        // where each token ends in text
	bigramsM map[string]int  // built on first use: only unmatched tests need it
	sketch   [8]uint64       // a 512-bit set of the bigrams' hashes, to rule pairs out cheaply
	literals map[string]bool // the body's non-trivial literals, outside messages
}

func (tf *TestFunc) Fingerprint() *fingerprint {
	if tf.print == nil {
		ps, key := tf.File.prints, ""
		if ps != nil {
			key = tf.printKey()
			if fp := ps.get(key); fp != nil {
				tf.print = fp
				return fp
			}
		}
		tf.print = makeFingerprint(tf)
		if ps != nil && key != "" {
			ps.put(key, tf.print)
		}
	}
	return tf.print
}

// printKey names a test of a file version parsed by a Loader: what its
// fingerprint is made of (its body's text, its file's imports, its name, the
// name of its *testing.T, its kind and its root's) is the same for the same
// key. "" when the file carries no version.
func (tf *TestFunc) printKey() string {
	f := tf.File
	if f.version == "" || tf.Body == nil {
		return ""
	}
	tok := f.Fset.File(tf.Body.Pos())
	if tok == nil {
		return ""
	}
	return f.version + "\x00" + tf.Name + "\x00" + tf.Param + "\x00" + strconv.Itoa(int(tf.Kind)) + "," +
		strconv.Itoa(int(tf.Root().Kind)) + "," + strconv.Itoa(tok.Offset(tf.Body.Lbrace))
}

// printStore keeps tests' fingerprints by printKey across a Loader's
// analyses, within a byte budget (emptied when past it). A test's
// fingerprint is a tenth of the time of a check's replays, which read the
// same test files commit after commit. It hands out copies: the bigrams a
// fingerprint builds on first use are its own.
type printStore struct {
	mu    sync.Mutex
	m     map[string]*fingerprint
	bytes int
}

// printBudget bounds printStore: the fingerprints it holds are mostly those
// the analysis under way holds anyway.
const printBudget = 16 << 20

func (ps *printStore) get(key string) *fingerprint {
	ps.mu.Lock()
	fp := ps.m[key]
	ps.mu.Unlock()
	if fp == nil {
		return nil
	}
	return &fingerprint{Hash: fp.Hash, text: fp.text, ends: fp.ends, literals: fp.literals}
}

func (ps *printStore) put(key string, fp *fingerprint) {
	n := len(key) + 64 + len(fp.text) + 4*len(fp.ends) + 48*len(fp.literals)
	for l := range fp.literals {
		n += len(l)
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.bytes+n > printBudget {
		ps.m, ps.bytes = nil, 0
	}
	if ps.m == nil {
		ps.m = map[string]*fingerprint{}
	}
	ps.m[key] = &fingerprint{Hash: fp.Hash, text: fp.text, ends: fp.ends, literals: fp.literals}
	ps.bytes += n
}

func makeFingerprint(tf *TestFunc) *fingerprint {
	src := normalizedBody(tf)
	sc := printScratch.Get().(*scratch)
	defer printScratch.Put(sc)
	text, ends := sc.text[:0], sc.ends[:0]
	h := fnv.New64a()
	eachToken(src, map[string]string{tf.Param: "$t", ShortName(tf.Name): "$name"}, func(t string) {
		text = append(text, t...)
		ends = append(ends, uint32(len(text)))
		h.Write([]byte(t))
		h.Write([]byte{0})
	})
	sc.text, sc.ends = text, ends
	return &fingerprint{Hash: h.Sum64(), text: string(text), ends: slices.Clone(ends), literals: bodyLiterals(tf)}
}

// scratch is where makeFingerprint gathers a body's tokens before it
// keeps them at their size.
type scratch struct {
	text []byte
	ends []uint32
}

var printScratch = sync.Pool{New: func() any { return &scratch{} }}

// tokenCount is the number of tokens of the body.
func (fp *fingerprint) tokenCount() int { return len(fp.ends) }

// token returns the body's i-th token.
func (fp *fingerprint) token(i int) string {
	start := uint32(0)
	if i > 0 {
		start = fp.ends[i-1]
	}
	return fp.text[start:fp.ends[i]]
}

// words returns up to six of the longest identifiers the body's tokens
// keep from its source (not the placeholders normalization puts in): a
// test with the same fingerprint has each of them in its text.
func (fp *fingerprint) words() []string {
	seen := map[string]bool{}
	var out []string
	for i := range fp.tokenCount() {
		t := fp.token(i)
		if t == token.ILLEGAL.String() || i > 0 && fp.token(i-1) == token.ILLEGAL.String() {
			continue // "$fail": a placeholder normalization wrote, scanned as ILLEGAL "$" and "fail"
		}
		if t != "" && identStart(t[0]) && !seen[t] && !goKeywords[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) || len(out[i]) == len(out[j]) && out[i] < out[j] })
	return out[:min(len(out), 6)]
}

var goKeywords = SetOf("break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range", "return", "select",
	"struct", "switch", "type", "var")

// bigrams counts the body's pairs of adjacent tokens.
func (fp *fingerprint) bigrams() map[string]int {
	if fp.bigramsM == nil {
		fp.bigramsM = make(map[string]int, fp.tokenCount())
		for i := 1; i < fp.tokenCount(); i++ {
			k := fp.token(i-1) + " " + fp.token(i)
			fp.bigramsM[k]++
			h := fnv.New32a()
			h.Write([]byte(k))
			bit := h.Sum32() % 512
			fp.sketch[bit/64] |= 1 << (bit % 64)
		}
	}
	return fp.bigramsM
}

func ShortName(name string) string {
	if i := strings.LastIndexAny(name, "./"); i >= 0 {
		return name[i+1:]
	}
	return name
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// normalizedBody returns a test body's source with the differences that do
// not change what it checks rewritten to one form: failure and log messages
// dropped (t.Errorf("…", x) → $fail()), t.Error/t.Fatal alike, and
// assertion calls made library-neutral (assert.Equal(t, a, b),
// require.Equal(t, a, b) and a suite's s.Equal(a, b) → $a.Equal(a, b)).
func normalizedBody(tf *TestFunc) []byte {
	f := tf.File
	tok := f.Fset.File(tf.Body.Pos())
	if tok == nil || !tf.Body.Rbrace.IsValid() {
		return nil
	}
	base := tok.Offset(tf.Body.Lbrace)
	end := tok.Offset(tf.Body.Rbrace) + 1
	if base < 0 || end > len(f.Src) || base >= end {
		return nil
	}
	sc := CheckScopeOf(tf)
	var edits []edit
	off := func(p token.Pos) int { return tok.Offset(p) - base }
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		recv, name := CallName(call)
		switch {
		case sc.testing[recv] && messageClass[name] != "":
			edits = append(edits, edit{off(call.Pos()), off(call.End()), messageClass[name] + "()"})
			return false
		case recv != "" && recv != "?" && !sc.testing[recv] && len(call.Args) >= 2 && sc.isTestingArg(call.Args[0]):
			edits = append(edits, edit{off(call.Pos()), off(call.Args[1].Pos()), "$a." + name + "("})
		case sc.suite != "" && rootIdent(call.Fun) == sc.suite && !suiteNonChecks[name] && !isSuiteT(call, sc.suite):
			edits = append(edits, edit{off(call.Fun.Pos()), off(call.Fun.End()), "$a." + name})
		case rootIdent(call.Fun) != "" && sc.bound[rootIdent(call.Fun)]:
			edits = append(edits, edit{off(call.Fun.Pos()), off(call.Fun.End()), "$a." + name})
		}
		return true
	})
	return applyEdits(f.Src[base:end], edits)
}

// messageClass groups the *testing.T methods whose arguments are messages.
var messageClass = map[string]string{
	"Error": "$fail", "Errorf": "$fail", "Fatal": "$fail", "Fatalf": "$fail",
	"Log": "$log", "Logf": "$log", "Skip": "$skip", "Skipf": "$skip", "SkipNow": "$skip",
}

func (sc *CheckScope) isTestingArg(e ast.Expr) bool {
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		return sc.testing[id.Name]
	}
	return sc.suite != "" && isSuiteT(e, sc.suite)
}

func applyEdits(src []byte, edits []edit) []byte {
	if len(edits) == 0 {
		return src
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var out []byte
	at := 0
	for _, e := range edits {
		if e.start < at || e.end > len(src) || e.start > e.end {
			continue // overlapping or out of range: keep the original text
		}
		out = append(out, src[at:e.start]...)
		out = append(out, e.text...)
		at = e.end
	}
	return append(out, src[at:]...)
}

// scanTokens splits source into tokens, dropping comments, commas and
// semicolons (their placement is formatting) and renaming the identifiers
// in rename.
func scanTokens(src []byte, rename map[string]string) []string {
	out := make([]string, 0, len(src)/4)
	eachToken(src, rename, func(t string) { out = append(out, t) })
	return out
}

// eachToken calls yield with each token scanTokens would return, in order.
func eachToken(src []byte, rename map[string]string, yield func(string)) {
	var s scanner.Scanner
	fs := token.NewFileSet()
	s.Init(fs.AddFile("", -1, len(src)), src, func(token.Position, string) {}, 0)
	for {
		_, tok, lit := s.Scan()
		switch tok {
		case token.EOF:
			return
		case token.COMMA, token.SEMICOLON, token.COMMENT:
			continue
		case token.IDENT:
			if r, ok := rename[lit]; ok && lit != "" && lit != "_" {
				lit = r
			}
			yield(lit)
		case token.INT, token.FLOAT, token.IMAG, token.CHAR, token.STRING:
			yield(lit)
		default:
			yield(tok.String())
		}
	}
}

// similarity is the Dice coefficient of two bodies' token bigrams: 1 for the
// same body, near 1 for small edits. It returns 0 early when the result
// cannot reach atLeast.
func similarity(a, b *fingerprint, atLeast float64) float64 {
	na, nb := a.tokenCount()-1, b.tokenCount()-1
	if na <= 0 && nb <= 0 {
		return 1
	}
	if 2*float64(na-missingAtLeast(a, b)) < atLeast*float64(na+nb) {
		return 0 // cannot reach the threshold
	}
	return 2 * float64(common(a.bigrams(), b.bigrams())) / float64(max(na, 0)+max(nb, 0))
}

// missingAtLeast is a lower bound on how many of a's distinct bigrams b
// lacks: each sketch bit a has and b has not stands for at least one.
func missingAtLeast(a, b *fingerprint) int {
	a.bigrams()
	b.bigrams()
	n := 0
	for i := range a.sketch {
		n += bits.OnesCount64(a.sketch[i] &^ b.sketch[i])
	}
	return n
}

// containment is the share of a's bigrams that b also has: near 1 when b
// holds all of a, for example a test renamed and extended. It returns 0
// early when the result cannot reach atLeast.
func containment(a, b *fingerprint, atLeast float64) float64 {
	na := a.tokenCount() - 1
	if na <= 0 || float64(missingAtLeast(a, b)) > (1-atLeast)*float64(na) {
		return 0
	}
	return float64(common(a.bigrams(), b.bigrams())) / float64(na)
}

func common(a, b map[string]int) int {
	if len(a) > len(b) {
		a, b = b, a
	}
	n := 0
	for k, v := range a {
		n += min(v, b[k])
	}
	return n
}

// bodyLiterals collects the literals a test feeds to the code or compares
// against: its inputs and expected values. Literals in messages (the
// arguments of t.Errorf, t.Log, t.Run's name …) and trivial ones are left out.
func bodyLiterals(tf *TestFunc) map[string]bool { return literalsOfTest(tf, false) }

// literalsOfTest collects a test's data literals as bodyLiterals does; with
// all, the trivial ones too, and a negated literal as such (-1, not 1).
func literalsOfTest(tf *TestFunc, all bool) map[string]bool {
	return literalsOfNode(tf.Body, all)
}

// literalsOfNode is literalsOfTest for any node: a test's body, or the
// setup blocks (BeforeEach) of a ginkgo spec.
func literalsOfNode(body ast.Node, all bool) map[string]bool {
	out := map[string]bool{}
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			recv, name := CallName(n)
			if (recv != "" && messageMethod[name]) || recv == "fmt" || name == "Errorf" || name == "Sprintf" {
				// Messages are not test data, but a subtest's body is.
				for _, arg := range n.Args {
					if fl, ok := arg.(*ast.FuncLit); ok {
						ast.Inspect(fl, visit)
					}
				}
				return false
			}
		case *ast.UnaryExpr:
			if lit, ok := n.X.(*ast.BasicLit); ok && all && n.Op == token.SUB {
				out["-"+lit.Value] = true
				return false
			}
		case *ast.BasicLit:
			if v := LiteralValue(n); v != "" && (all || !trivialLiteral[v]) {
				out[v] = true
			}
		}
		return true
	}
	if body != nil {
		ast.Inspect(body, visit)
	}
	return out
}

// messageMethod lists the *testing.T methods whose arguments are messages,
// not test data.
var messageMethod = SetOf("Error", "Errorf", "Fatal", "Fatalf", "Log", "Logf", "Skip", "Skipf", "Run", "Helper", "Name", "Setenv", "Chdir")

var trivialLiteral = SetOf(`""`, "0", "1", "-1", "0.0", "1.0", "2")

// LiteralValue normalises a literal so that the same value written two ways
// ("a" and `a`, 0x10 and 16) compares equal.
func LiteralValue(l *ast.BasicLit) string {
	switch l.Kind {
	case token.STRING, token.CHAR:
		if s, err := strconv.Unquote(l.Value); err == nil {
			return strconv.Quote(s)
		}
	case token.INT:
		if v, err := strconv.ParseInt(strings.ReplaceAll(l.Value, "_", ""), 0, 64); err == nil {
			return strconv.FormatInt(v, 10)
		}
	case token.FLOAT:
		if v, err := strconv.ParseFloat(strings.ReplaceAll(l.Value, "_", ""), 64); err == nil {
			return strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return l.Value
}

// tableLiterals collects the literal values inside composite literals —
// the rows of test tables — in n and in the package-level variables n
// refers to (a table declared next to the test).
func tableLiterals(n ast.Node, pkgVar func(name string) *ast.ValueSpec) map[string]bool {
	out := map[string]bool{}
	var addLits func(ast.Node)
	addLits = func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if cl, ok := n.(*ast.CompositeLit); ok {
				ast.Inspect(cl, func(n ast.Node) bool {
					if l, ok := n.(*ast.BasicLit); ok {
						out[LiteralValue(l)] = true
					}
					return true
				})
				return false
			}
			return true
		})
	}
	addLits(n)
	seen := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && !seen[id.Name] {
			seen[id.Name] = true
			if vs := pkgVar(id.Name); vs != nil {
				addLits(vs)
			}
		}
		return true
	})
	return out
}

// bodyTokens scans the source of a block into tokens (see scanTokens).
func bodyTokens(f *SrcFile, body *ast.BlockStmt, rename map[string]string) []string {
	tok := f.Fset.File(body.Pos())
	if tok == nil || !body.Rbrace.IsValid() {
		return nil
	}
	start, end := tok.Offset(body.Lbrace), tok.Offset(body.Rbrace)+1
	if start < 0 || end > len(f.Src) || start >= end {
		return nil
	}
	return scanTokens(f.Src[start:end], rename)
}

// Duplicates reports whether test b checks what test a checked: bodies
// alike to at least atLeast (see similarity), and every input and expected
// value of a among b's. A test with the same shape and other inputs (a
// negative case beside the positive one) is no duplicate.
func Duplicates(a, b *TestFunc, atLeast float64) bool {
	if similarity(a.Fingerprint(), b.Fingerprint(), atLeast) < atLeast {
		return false
	}
	have := literalsOfTest(b, true)
	for v := range literalsOfTest(a, true) {
		if !have[v] {
			return false
		}
	}
	return true
}
