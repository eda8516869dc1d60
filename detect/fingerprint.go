package detect

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"hash/fnv"
	"strconv"
	"strings"
)

// fingerprint is a test body with formatting, comments, its own name and the
// name of its *testing.T normalised away: two tests with equal hashes do the
// same thing, and the bigram counts measure how alike two bodies are.
type fingerprint struct {
	hash     uint64
	tokens   int
	bigrams  map[string]int
	literals map[string]bool // the body's non-trivial literals, outside messages
}

func (tf *testFunc) fingerprint() *fingerprint {
	if tf.print == nil {
		tf.print = makeFingerprint(tf)
	}
	return tf.print
}

func makeFingerprint(tf *testFunc) *fingerprint {
	toks := bodyTokens(tf.File, tf.Body, map[string]string{tf.Param: "$t", shortName(tf.Name): "$name"})
	fp := &fingerprint{tokens: len(toks), bigrams: make(map[string]int, len(toks)), literals: bodyLiterals(tf)}
	h := fnv.New64a()
	for i, t := range toks {
		h.Write([]byte(t))
		h.Write([]byte{0})
		if i > 0 {
			fp.bigrams[toks[i-1]+" "+t]++
		}
	}
	fp.hash = h.Sum64()
	return fp
}

func shortName(name string) string {
	if i := strings.LastIndexAny(name, "./"); i >= 0 {
		return name[i+1:]
	}
	return name
}

// bodyTokens scans the source of a block into tokens, dropping comments,
// commas and semicolons (their placement is formatting) and renaming the
// identifiers in rename.
func bodyTokens(f *srcFile, body *ast.BlockStmt, rename map[string]string) []string {
	tf := f.Fset.File(body.Pos())
	if tf == nil || !body.Rbrace.IsValid() {
		return nil
	}
	start, end := tf.Offset(body.Lbrace), tf.Offset(body.Rbrace)+1
	if start < 0 || end > len(f.Src) || start >= end {
		return nil
	}
	src := f.Src[start:end]
	var s scanner.Scanner
	fs := token.NewFileSet()
	s.Init(fs.AddFile("", -1, len(src)), src, func(token.Position, string) {}, 0)
	var out []string
	for {
		_, tok, lit := s.Scan()
		switch tok {
		case token.EOF:
			return out
		case token.COMMA, token.SEMICOLON, token.COMMENT:
			continue
		case token.IDENT:
			if r, ok := rename[lit]; ok && lit != "" && lit != "_" {
				lit = r
			}
			out = append(out, lit)
		case token.INT, token.FLOAT, token.IMAG, token.CHAR, token.STRING:
			out = append(out, lit)
		default:
			out = append(out, tok.String())
		}
	}
}

// similarity is the Dice coefficient of two bodies' token bigrams: 1 for the
// same body, near 1 for small edits.
func similarity(a, b *fingerprint) float64 {
	na, nb := total(a.bigrams), total(b.bigrams)
	if na+nb == 0 {
		return 1
	}
	return 2 * float64(common(a.bigrams, b.bigrams)) / float64(na+nb)
}

// containment is the share of a's bigrams that b also has: near 1 when b
// holds all of a, for example a test renamed and extended.
func containment(a, b *fingerprint) float64 {
	na := total(a.bigrams)
	if na == 0 {
		return 0
	}
	return float64(common(a.bigrams, b.bigrams)) / float64(na)
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
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
func bodyLiterals(tf *testFunc) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if recv, name := callName(n); recv != "" && recv == tf.Param && messageMethod[name] {
				return false
			}
			if recv, name := callName(n); recv == "fmt" || (recv != "" && (name == "Errorf" || name == "Sprintf")) {
				return false
			}
		case *ast.BasicLit:
			if v := literalValue(n); v != "" && !trivialLiteral[v] {
				out[v] = true
			}
		}
		return true
	})
	return out
}

// messageMethod lists the *testing.T methods whose arguments are messages,
// not test data.
var messageMethod = setOf("Error", "Errorf", "Fatal", "Fatalf", "Log", "Logf", "Skip", "Skipf", "Run", "Helper", "Name", "Setenv", "Chdir")

var trivialLiteral = setOf(`""`, "0", "1", "-1", "0.0", "1.0", "2")

// literalValue normalises a literal so that the same value written two ways
// ("a" and `a`, 0x10 and 16) compares equal.
func literalValue(l *ast.BasicLit) string {
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

// literalsIn collects every literal value of a node (for finding a deleted
// test's data in the table of another).
func literalsIn(n ast.Node) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if l, ok := n.(*ast.BasicLit); ok {
			out[literalValue(l)] = true
		}
		return true
	})
	return out
}
