package rewrittenexpectation

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// ID is the rule's stable identifier: users filter and accept findings by it.
const ID = "rewritten-expectation"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Warning,
	Doc: `An existing test now expects something else while the code it tests did
not change in the range: a want/expected field of a table row (the row's
inputs unchanged), the expected argument of an equality assertion
(assert.Equal, require.Equal, cmp.Diff, if got != want) on the same actual
expression, a want/expected variable, wantErr flipped, an Example's
// Output:, or a golden file under testdata/ regenerated. When the code did
not change, the new expectation describes what the code already did: the
test was made to agree with the code rather than the code with the test.

Warning when none of the functions the test reaches (followed through the
package from syntax) changed, nor the packages its file imports, nor the
module's dependencies or the package's testdata inputs; info when they did:
an expectation updated with the code that produces it, or error text
updated after the error was wrapped, is ordinary work. Info too when a string
the new expectation holds was written into non-test Go code by the range (a
version bumped in a package the test reaches only from afar), and when the
test changed other lines than its expectations (its own canned input now
carries the new value: the test was reworked), and when the package's code
holds the new message verbatim and no longer holds the old one (the test
caught up with a message changed before the range). Not flagged either: an
expected value that only gained or lost an & (the function now returns a
pointer to the same value).

Not flagged: new rows and new tests, rows whose inputs changed with their
expectation (a different case), expectations only reformatted, and golden
files added.

Example:
     {name: "leap year", in: "2024-02-29", want: true},
    -{name: "century", in: "1900-02-29", want: false},
    +{name: "century", in: "1900-02-29", want: true},

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): no alarm (the 1 wrong warning it raised, a
test whose canned input changed with its expectation, is info now).`,
	Run: run,
}

// pass is the rule's view of one analysis.
type pass struct {
	*model.Pass
	code map[string]bool // directories whose non-test Go code changed
	deps bool            // go.mod or go.sum changed
	data map[string]bool // directories whose testdata inputs changed
}

func run(p *model.Pass) {
	a := &pass{Pass: p, code: map[string]bool{}, data: map[string]bool{}}
	for _, c := range a.Changes {
		for _, f := range []*gitutil.File{c.From, c.To} {
			if f == nil {
				continue
			}
			switch b := path.Base(f.Path); {
			case b == "go.mod" || b == "go.sum" || b == "go.work":
				a.deps = true
			case strings.HasSuffix(b, ".go") && !model.IsTestFile(f.Path) && !model.IgnoredDir(f.Path):
				a.code[model.DirOf(f.Path)] = true
			case strings.Contains("/"+f.Path, "/testdata/") && !golden(f.Path):
				a.data[pkgOfTestdata(f.Path)] = true
			case !strings.Contains("/"+f.Path, "/testdata/") && !strings.HasSuffix(b, ".go") && !strings.HasSuffix(strings.ToLower(b), ".md"):
				a.code[model.DirOf(f.Path)] = true // templates and embedded files produce output too
			}
		}
	}
	for _, m := range a.Matches {
		if m.Head == nil || m.Kind != model.MatchSame || m.Base.Parent != nil || m.Base.Kind == model.KindExample {
			continue
		}
		if !a.Focused(m.Head.Dir, m.Head.Name) {
			continue // a focused replay: checkTest reports under the test's own name
		}
		a.checkTest(m)
	}
	a.checkExamples()
	a.checkGolden()
}

// expectation is one expected value of a test, keyed by what it is
// compared with: a row's name and field, an assertion's actual expression.
type expectation struct {
	key, value string
	show       string // the value as written, layout collapsed
	what       string // how the message names it
	line, end  int    // the lines the expectation spans (its call, assignment, row field or if)
	ctx        string // the rest of the row, which must not change
}

var expectRE = regexp.MustCompile(`^(?i)(want|expect|exp$|expected|golden|output)`)

func expectName(n string) bool { return expectRE.MatchString(n) }

// expectations collects the expected values of a test.
func expectations(s *model.Snapshot, tf *model.TestFunc) map[string]expectation {
	out := map[string]expectation{}
	f := tf.File
	for i, r := range model.CaseRows(s, tf) {
		cl, ok := r.Expr.(*ast.CompositeLit)
		if !ok {
			continue
		}
		id := r.Name
		if id == "" {
			id = r.First
		}
		if id == "" {
			id = strconv.Itoa(i)
		}
		var ctx []string
		var exp []*ast.KeyValueExpr
		for _, el := range cl.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			k, _ := kv.Key.(*ast.Ident)
			if k != nil && expectName(k.Name) {
				exp = append(exp, kv)
			} else {
				ctx = append(ctx, norm(rowFile(s, tf, r), kv))
			}
		}
		rf := rowFile(s, tf, r)
		for _, kv := range exp {
			k := kv.Key.(*ast.Ident).Name
			out["row\x00"+id+"\x00"+k] = expectation{
				key: id + "." + k, value: norm(rf, kv.Value), show: collapse(rf, kv.Value), what: fmt.Sprintf("the %s field of the row %q", k, id),
				line: rf.Line(kv.Pos()), end: rf.Line(kv.End()), ctx: strings.Join(ctx, ";"),
			}
		}
	}
	if tf.Body == nil {
		return out
	}
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return true
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && expectName(id.Name) && literal(n.Rhs[i]) {
						out["var\x00"+id.Name] = expectation{key: id.Name, value: norm(f, n.Rhs[i]), show: collapse(f, n.Rhs[i]), what: "the variable " + id.Name, line: f.Line(n.Pos()), end: f.Line(n.End())}
					}
				}
			}
		case *ast.CallExpr:
			if exp, act, name, ok := equality(n); ok && literal(exp) {
				k := "eq\x00" + name + "\x00" + norm(f, act)
				if _, dup := out[k]; !dup {
					out[k] = expectation{key: norm(f, act), value: norm(f, exp), show: collapse(f, exp), what: fmt.Sprintf("the value %s expects of %s", name, clip(collapse(f, act))), line: f.Line(n.Pos()), end: f.Line(n.End())}
				}
			}
		case *ast.IfStmt:
			if be, ok := n.Cond.(*ast.BinaryExpr); ok && (be.Op == token.NEQ || be.Op == token.EQL) {
				act, exp := be.X, be.Y
				if literal(act) && !literal(exp) {
					act, exp = exp, act
				}
				if literal(exp) && !literal(act) && !isNil(exp) && fails(n.Body) {
					k := "cmp\x00" + norm(f, act)
					out[k] = expectation{key: norm(f, act), value: norm(f, exp), show: collapse(f, exp), what: "the value compared with " + clip(collapse(f, act)), line: f.Line(n.Pos()), end: f.Line(n.End())}
				}
			}
		}
		return true
	})
	return out
}

// rowFile returns the file a table row stands in: the test's file, or the
// package file that declares the table.
func rowFile(s *model.Snapshot, tf *model.TestFunc, r model.TableRow) *model.SrcFile {
	if r.Expr.Pos() >= tf.File.AST.Pos() && r.Expr.End() <= tf.File.AST.End() && tf.File.Text(r.Expr) != "" {
		return tf.File
	}
	for _, f := range s.Pkg(tf.Dir).Files {
		if f.AST != nil && r.Expr.Pos() >= f.AST.Pos() && r.Expr.End() <= f.AST.End() {
			return f
		}
	}
	return tf.File
}

// equality reads an equality assertion: assert.Equal(t, exp, act),
// require.EqualValues, cmp.Diff(want, got), reflect.DeepEqual(got, want).
func equality(c *ast.CallExpr) (exp, act ast.Expr, name string, ok bool) {
	sel, isSel := c.Fun.(*ast.SelectorExpr)
	if !isSel {
		return nil, nil, "", false
	}
	name = sel.Sel.Name
	switch name {
	case "Equal", "Equalf", "EqualValues", "EqualValuesf", "Exactly", "Exactlyf", "JSONEq", "YAMLEq", "EqualError", "EqualErrorf":
		args := c.Args
		if len(args) >= 3 {
			args = args[1:] // t first (testify); a suite's s.Equal has no t
		}
		if len(args) < 2 {
			return nil, nil, "", false
		}
		if name == "EqualError" || name == "EqualErrorf" {
			return args[1], args[0], name, true
		}
		return args[0], args[1], name, true
	case "Diff":
		if len(c.Args) >= 2 {
			return c.Args[0], c.Args[1], "cmp.Diff", true
		}
	}
	return nil, nil, "", false
}

// literal reports whether an expression is written-out data: a basic
// literal, a composite of literals, a negated number, nil aside.
func literal(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		return x.Name == "true" || x.Name == "false"
	case *ast.UnaryExpr:
		return literal(x.X)
	case *ast.CompositeLit:
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			if !literal(el) {
				return false
			}
		}
		return len(x.Elts) > 0
	case *ast.CallExpr: // []byte("…"), time.Duration(5)
		return len(x.Args) == 1 && literal(x.Args[0])
	case *ast.BinaryExpr:
		return literal(x.X) && literal(x.Y)
	}
	return false
}

// fails reports whether a block reports a test failure: t.Error, t.Fatalf,
// t.Fail, or a panic — an if around it is an assertion, not a branch of a
// fake server or a helper.
func fails(b *ast.BlockStmt) bool {
	found := false
	ast.Inspect(b, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			switch fn := c.Fun.(type) {
			case *ast.SelectorExpr:
				switch fn.Sel.Name {
				case "Error", "Errorf", "Fatal", "Fatalf", "Fail", "FailNow":
					found = true
				}
			case *ast.Ident:
				found = found || fn.Name == "panic"
			}
		}
		return !found
	})
	return found
}

func isNil(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "nil"
}

var spaceRE = regexp.MustCompile(`\s+`)

// collapse spells an expression as written, on one line.
func collapse(f *model.SrcFile, n ast.Node) string {
	return strings.TrimSpace(spaceRE.ReplaceAllString(f.Text(n), " "))
}

// norm spells an expression token by token, so that layout, comments and
// trailing commas do not count as a change.
func norm(f *model.SrcFile, n ast.Node) string {
	src := []byte(f.Text(n))
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var sc scanner.Scanner
	sc.Init(file, src, nil, 0)
	var toks []string
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		if (tok == token.RBRACE || tok == token.RPAREN || tok == token.RBRACK) && len(toks) > 0 && toks[len(toks)-1] == "," {
			toks = toks[:len(toks)-1]
		}
		if lit == "" {
			lit = tok.String()
		}
		toks = append(toks, lit)
		// interface{} and any are one type.
		if n := len(toks); n >= 3 && toks[n-3] == "interface" && toks[n-2] == "{" && toks[n-1] == "}" {
			toks = append(toks[:n-3], "any")
		}
		// A pointer helper (to.Ptr(x), ptr(x), lo.ToPtr(x)) and new(x)
		// make the same pointer.
		if n := len(toks); n >= 2 && toks[n-1] == "(" && ptrHelperRE.MatchString(toks[n-2]) {
			toks = toks[:n-2]
			if n := len(toks); n >= 2 && toks[n-1] == "." {
				toks = toks[:n-2]
			}
			toks = append(toks, "new", "(")
		}
	}
	return strings.Join(toks, " ")
}

var ptrHelperRE = regexp.MustCompile(`^(?:[Tt]o)?(?:Ptr|ptr|Pointer|pointer|P)$|^[a-z]\w*Ptr$|^Ptr[A-Z]\w*$`)

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// checkTest compares the expectations of a kept test.
func (a *pass) checkTest(m *model.Match) {
	base := expectations(a.Base, m.Base)
	head := expectations(a.Head, m.Head)
	var keys []string
	for k := range head {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var changed []expectation
	var was []string
	for _, k := range keys {
		h, b := head[k], base[k]
		if _, ok := base[k]; !ok || b.value == h.value || b.ctx != h.ctx || addressOnly(b.value, h.value) {
			continue
		}
		changed = append(changed, h)
		was = append(was, b.show)
	}
	if len(changed) == 0 {
		return
	}
	if a.HoldsOnly() {
		// A replay asks whether the finding holds: it is reported
		// whatever its grading, which reads the package's code.
		a.Report(finding.Finding{Rule: ID, Severity: finding.Info, File: m.Head.File.Path, Line: changed[0].line, Symbol: m.Head.Name, Pkg: m.Head.Dir})
		return
	}
	sev, why := a.producer(m.Head)
	if sev > finding.Info {
		if lit, old := a.codeSays(m.Head.Dir, changed, was); lit != "" {
			sev, why = finding.Info, fmt.Sprintf("The package's code already says %s and no longer says %s: the test caught up with a message the code changed before this range", clip(strconv.Quote(lit)), clip(strconv.Quote(old)))
		} else if lit, file := a.writtenInCode(changed); lit != "" {
			sev, why = finding.Info, fmt.Sprintf("The new value (%s) was written into %s in the same range: an expectation updated with the code that produces it", clip(strconv.Quote(lit)), file)
		} else if n := reworked(m, changed); n > 0 {
			sev, why = finding.Info, fmt.Sprintf("The test was reworked beyond its expectations (%d other lines changed): the new values may follow the new test", n)
		} else if h := a.changedHelper(m.Head); h != "" {
			sev, why = finding.Info, "A helper the test uses changed in the same range ("+h+"): the new values may follow it"
		}
	}
	var parts []string
	for i, e := range changed {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(changed)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s from %s to %s", e.what, clip(was[i]), clip(e.show)))
	}
	msg := fmt.Sprintf("%s now expects other values: %s. %s", m.Head.Name, strings.Join(parts, "; "), why)
	ex := []string{"- " + clip(was[0]), "+ " + clip(changed[0].show)}
	a.Report(finding.Finding{
		Rule: ID, Severity: sev, File: m.Head.File.Path, Line: changed[0].line, Symbol: m.Head.Name, Pkg: m.Head.Dir,
		Message: msg, Excerpt: ex,
	})
}

// reworked counts the lines of the test's body that changed other than
// the lines holding its changed expectations.
func reworked(m *model.Match, changed []expectation) int {
	type line struct {
		text string
		no   int
	}
	lines := func(tf *model.TestFunc) []line {
		var out []line
		first := tf.File.Line(tf.Body.Pos())
		for i, l := range strings.Split(tf.File.Text(tf.Body), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, line{l, first + i})
			}
		}
		return out
	}
	have := map[string]int{}
	for _, l := range lines(m.Base) {
		have[l.text]++
	}
	n := 0
	for _, l := range lines(m.Head) {
		if have[l.text] > 0 {
			have[l.text]--
			continue
		}
		// A changed line of an expectation that changed is the change
		// itself; any other changed line, even one holding the new value
		// (the test's own input), is the test reworked.
		isExp := false
		for _, e := range changed {
			if l.no >= e.line && l.no <= max(e.end, e.line) {
				isExp = true
				break
			}
		}
		if !isExp {
			n++
		}
	}
	return n
}

// valueLitRE finds the literals of an expected value as written.
var valueLitRE = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`")

// addressOnly reports whether two expected values differ only by taking
// an address (GitIgnore{…} → &GitIgnore{…}): the function now returns a
// pointer, and the value expected is the same.
func addressOnly(b, h string) bool {
	trim := func(v string) string { return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "&")) }
	return b != h && trim(b) == trim(h)
}

// codeSays finds a changed expectation whose new string (a message of some
// length) the package's non-test code holds verbatim while its old string
// is gone from that code: the code's own text is what the test expects,
// changed before the range. It returns the new and the old string, or "".
func (a *pass) codeSays(dir string, changed []expectation, was []string) (string, string) {
	var srcs [][]byte
	for i, e := range changed {
		news, olds := valueLitRE.FindAllString(e.show, -1), valueLitRE.FindAllString(was[i], -1)
		if len(news) != 1 || len(olds) != 1 {
			continue
		}
		nv, err1 := strconv.Unquote(news[0])
		ov, err2 := strconv.Unquote(olds[0])
		if err1 != nil || err2 != nil || len(strings.TrimSpace(nv)) < 12 || len(strings.TrimSpace(ov)) < 12 {
			continue
		}
		if srcs == nil {
			for _, f := range a.Head.NonTestFiles(dir) {
				srcs = append(srcs, f.Src)
			}
		}
		has := func(v string) bool {
			for _, src := range srcs {
				if bytes.Contains(src, []byte(strconv.Quote(v))) || bytes.Contains(src, []byte("`"+v+"`")) {
					return true
				}
			}
			return false
		}
		if has(nv) && !has(ov) {
			return nv, ov
		}
	}
	return "", ""
}

// writtenInCode finds a string literal of a changed expectation that the
// range wrote into non-test Go code (present in a changed file's head, absent
// from its base): "3.8.0" expected where the version constant became
// "3.8.0-alpha.0". It returns the literal and the file, or "".
func (a *pass) writtenInCode(changed []expectation) (string, string) {
	var lits []string
	for _, e := range changed {
		for _, q := range valueLitRE.FindAllString(e.show, -1) {
			if v, err := strconv.Unquote(q); err == nil && len(strings.TrimSpace(v)) >= 4 {
				lits = append(lits, v)
			}
		}
	}
	if len(lits) == 0 {
		return "", ""
	}
	for _, c := range a.Changes {
		if c.To == nil || !strings.HasSuffix(c.To.Path, ".go") || model.IsTestFile(c.To.Path) || model.IgnoredDir(c.To.Path) {
			continue
		}
		head, err := a.Read(c.To)
		if err != nil {
			continue
		}
		var base []byte
		if c.From != nil {
			base, _ = a.Read(c.From)
		}
		for _, v := range lits {
			if bytes.Contains(head, []byte(v)) && !bytes.Contains(base, []byte(v)) {
				return v, c.To.Path
			}
		}
	}
	return "", ""
}

// changedHelper names a function of the package's test files, not itself a
// test, that the range changed or added and that the test reaches, or "".
func (a *pass) changedHelper(tf *model.TestFunc) string {
	x := a.Head.CrossRef(tf.Dir)
	owner := tf.Name
	if fd, ok := tf.Decl.(*ast.FuncDecl); ok {
		owner = fd.Name.Name
	}
	funcs := func(s *model.Snapshot) map[string]string {
		out := map[string]string{}
		for _, f := range s.Pkg(tf.Dir).Files {
			if f.AST == nil || !model.IsTestFile(f.Path) {
				continue
			}
			for _, d := range f.AST.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && !strings.HasPrefix(fd.Name.Name, "Test") {
					out[model.FuncSymbol(fd)] = f.Text(fd)
				}
			}
		}
		return out
	}
	base, head := funcs(a.Base), funcs(a.Head)
	for _, k := range sortedKeys(head) {
		if base[k] == head[k] {
			continue
		}
		name := k[strings.LastIndex(k, ".")+1:]
		if x.Reaches(owner, name) {
			return k
		}
	}
	return ""
}

// producer grades an expectation change by whether the code that produces
// the values changed in the range.
func (a *pass) producer(tf *model.TestFunc) (finding.Severity, string) {
	x := a.Head.CrossRef(tf.Dir)
	owner := tf.Name
	if fd, ok := tf.Decl.(*ast.FuncDecl); ok {
		owner = fd.Name.Name
	}
	var reached []string
	for _, pf := range a.ChangedFuncs() {
		if pf.Dir == tf.Dir && x.Reaches(owner, pf.Decl.Name.Name) {
			reached = append(reached, pf.Symbol)
		}
	}
	if len(reached) > 0 {
		sort.Strings(reached)
		if len(reached) > 3 {
			reached = append(reached[:3], "…")
		}
		return finding.Info, "The code it tests changed in the same range (" + strings.Join(reached, ", ") + "): an expectation updated with its producer"
	}
	if a.code[tf.Dir] {
		return finding.Info, "Non-test code of the package changed in the same range (declarations the test may read)"
	}
	if d := a.importedChange(a.Head.Pkg(tf.Dir).Files...); d != "" {
		return finding.Info, "Code of a package the test imports changed in the same range (" + d + ")"
	}
	if a.deps {
		return finding.Info, "The module's dependencies changed in the same range"
	}
	if a.data[tf.Dir] {
		return finding.Info, "The package's testdata inputs changed in the same range"
	}
	return finding.Warning, "None of the code the test reaches changed in the range: the test was made to agree with what the code already does"
}

// importedChange names a changed package directory that one of the files
// imports: the test's file and the package's own files, so that a change
// one import away still counts as a change to what the test reaches.
func (a *pass) importedChange(files ...*model.SrcFile) string {
	for _, f := range files {
		if f.AST == nil {
			continue
		}
		for _, imp := range f.AST.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				continue
			}
			for d := range a.code {
				if d != "" && d != "." && (p == d || strings.HasSuffix(p, "/"+d)) {
					return d
				}
			}
		}
	}
	return ""
}

// checkExamples compares the // Output: of the examples of changed test
// files. A change to the comment alone leaves no Go code changed, so the
// files are read here rather than from the model.
func (a *pass) checkExamples() {
	for _, c := range a.Changes {
		if c.From == nil || c.To == nil || !model.IsTestFile(c.To.Path) {
			continue
		}
		bs, err1 := a.Read(c.From)
		hs, err2 := a.Read(c.To)
		if err1 != nil || err2 != nil || !strings.Contains(string(hs), "utput:") || model.IsGenerated(hs) {
			continue
		}
		base, head := outputs(c.From.Path, bs), outputs(c.To.Path, hs)
		for _, name := range sortedKeys(head) {
			h := head[name]
			b, ok := base[name]
			if !ok || b.text == h.text {
				continue
			}
			sev, why := a.exampleProducer(c.To.Path, h)
			a.Report(finding.Finding{
				Rule: ID, Severity: sev, File: c.To.Path, Line: h.line, Symbol: name, Pkg: model.DirOf(c.To.Path),
				Message: fmt.Sprintf("%s's // Output: changed from %q to %q. %s", name, clip(b.text), clip(h.text), why),
				Excerpt: []string{"- " + clip(b.text), "+ " + clip(h.text)},
			})
		}
	}
}

type output struct {
	text  string
	line  int
	calls []string // the functions the example calls
	file  *ast.File
}

func outputs(p string, src []byte) map[string]output {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, p, src, parser.ParseComments|parser.SkipObjectResolution)
	out := map[string]output{}
	if f == nil || err != nil {
		return out
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || !strings.HasPrefix(fd.Name.Name, "Example") || fd.Body == nil {
			continue
		}
		for _, cg := range f.Comments {
			if cg.Pos() < fd.Body.Pos() || cg.End() > fd.Body.End() {
				continue
			}
			t := cg.Text()
			i := strings.Index(t, "Output:")
			if i < 0 {
				i = strings.Index(t, "output:")
			}
			if i < 0 {
				continue
			}
			o := output{text: strings.TrimSpace(t[i+len("Output:"):]), line: fset.Position(cg.Pos()).Line, file: f}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					switch fn := c.Fun.(type) {
					case *ast.Ident:
						o.calls = append(o.calls, fn.Name)
					case *ast.SelectorExpr:
						o.calls = append(o.calls, fn.Sel.Name)
					}
				}
				return true
			})
			out[fd.Name.Name] = o
		}
	}
	return out
}

func (a *pass) exampleProducer(p string, o output) (finding.Severity, string) {
	dir := model.DirOf(p)
	for _, pf := range a.ChangedFuncs() {
		if pf.Dir != dir {
			continue
		}
		for _, c := range o.calls {
			if c == pf.Decl.Name.Name {
				return finding.Info, "The code it calls changed in the same range (" + pf.Symbol + "): an output updated with its producer"
			}
		}
	}
	if a.code[dir] {
		return finding.Info, "Non-test code of the package changed in the same range"
	}
	if a.deps {
		return finding.Info, "The module's dependencies changed in the same range"
	}
	for _, imp := range o.file.Imports {
		ip, _ := strconv.Unquote(imp.Path.Value)
		for d := range a.code {
			if d != "" && d != "." && (ip == d || strings.HasSuffix(ip, "/"+d)) {
				return finding.Info, "Code of a package the example imports changed in the same range (" + d + ")"
			}
		}
	}
	return finding.Warning, "None of the code the example calls changed in the range: the output was made to agree with what the code already prints"
}

// golden reports whether a path under testdata/ holds expected output.
func golden(p string) bool {
	if !strings.Contains("/"+p, "/testdata/") {
		return false
	}
	b := strings.ToLower(path.Base(p))
	ext := path.Ext(b)
	return strings.Contains(b, "golden") || ext == ".golden" || ext == ".out" || ext == ".expected" || ext == ".want" || strings.Contains(strings.ToLower(p), "/golden/")
}

// pkgOfTestdata returns the package directory whose testdata holds p.
func pkgOfTestdata(p string) string {
	i := strings.Index("/"+p, "/testdata/")
	if i <= 0 {
		return "."
	}
	return p[:i-1]
}

// checkGolden reports golden files the range rewrote while no code of
// their package (or below it) changed.
func (a *pass) checkGolden() {
	for _, c := range a.Changes {
		if c.From == nil || c.To == nil || !golden(c.To.Path) || c.From.Blob == c.To.Blob {
			continue
		}
		dir := pkgOfTestdata(c.To.Path)
		sev, why := finding.Warning, "no Go code of its package, below it or of the module's dependencies changed in the range: the expected output was regenerated to match what the code already does"
		// The package's own folder if its code changed, else the first
		// below it by name: the message is the same from run to run.
		if d, ok := producerDir(a.code, dir); ok {
			sev, why = finding.Info, "code of its package changed in the same range ("+d+"): the output regenerated with its producer"
		}
		if sev == finding.Warning && a.deps {
			sev, why = finding.Info, "the module's dependencies changed in the same range"
		}
		if sev == finding.Warning && len(a.code) > 0 {
			sev, why = finding.Info, "Go code elsewhere in the module changed in the same range, and may produce it"
		}
		a.Report(finding.Finding{
			Rule: ID, Severity: sev, File: c.To.Path, Line: 1, Pkg: dir,
			Message: fmt.Sprintf("the golden file %s was rewritten: %s", c.To.Path, why),
		})
	}
}

// producerDir picks, among the folders whose code changed, the one named
// for a golden file of dir: dir itself, else the first by name of those
// below it (any, for a golden file at the root).
func producerDir(code map[string]bool, dir string) (string, bool) {
	if code[dir] {
		return dir, true
	}
	for _, d := range sortedKeys(code) {
		if dir == "." || strings.HasPrefix(d, dir+"/") {
			return d, true
		}
	}
	return "", false
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
