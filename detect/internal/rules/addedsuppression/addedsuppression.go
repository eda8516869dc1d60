package addedsuppression

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"slices"
	"sort"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/config"
	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// ID is the rule's stable identifier: users filter and accept findings by it.
const ID = "added-suppression"

var Rule = &model.Rule{
	ID:       ID,
	Severity: finding.Error,
	Doc: `The change silences a check instead of satisfying it: a new //nolint,
//lint:ignore (staticcheck) or // #nosec (gosec) comment on code the same
change wrote or changed; linters disabled, issues excluded or paths skipped
in .golangci.yml/.golangci.yaml; coverage thresholds lowered, made
informational or files excluded from coverage in .testcoverage.yml or
codecov.yml; and a "// Code generated … DO NOT EDIT." header added to a
file that base had written by hand (goodhart and many linters skip
generated files; goodhart judges such a file as it was). And goodhart's
own: a .goodhart.yml that accepts findings, excludes paths, disables a
rule or lowers a severity, and a //goodhart:allow waiver an agent's
commit adds (error; such a waiver is not honoured, and a waiver a person
adds is no finding). The check reads .goodhart.yml from the base revision
only, so neither takes effect in the change that makes it.

Error for a bare //nolint (or nolint:all) or a bare // #nosec, and for
an added generated-code header; warning for a named linter silenced
without a reason (or with one that explains nothing: "ignore", "false
positive") — info when it is gosec or errcheck, whose false positives on
paths, commands and ignored cleanup errors are routinely silenced — for a bare directive where the package already uses them, for
linters disabled or issues excluded in the linter configuration (error
when the exclusion names a Go file the change edits), and for lowered
coverage requirements; info for a named linter silenced with a reason,
and without one where the package already silences that linter the same
way or it is a style linter (lll, funlen, gocyclo …). One level lower in
test files.

Not flagged: //nolint:errcheck with a reason on a deferred Close, a
directive that only moved with its code or narrowed what it silences,
directives on lines the change did not touch, and generated code, vendored
code or test files excluded in the configuration.

Example:
    +	resp, _ := http.Get(url) //nolint

Field precision (findings on 264 labelled real agent commits of thirteen repositories;
see README, Accuracy): error: 0 right, 1 wrong; warning: 0 right, 4 wrong — all on
one commit that synced a fork to its upstream release.`,
	Run: func(p *model.Pass) { run(&pass{p}) },
}

// pass is the rule's view of one analysis.
type pass struct{ *model.Pass }

func run(a *pass) {
	var goChanges []gitutil.Change
	for _, c := range a.Changes {
		if c.To == nil {
			if strings.HasSuffix(c.From.Path, ".go") {
				goChanges = append(goChanges, c) // its directives may have moved elsewhere
			}
			continue
		}
		a.checkWaivers(c)
		if c.To.Path == config.File {
			a.checkGoodhartConfig(c)
		}
		switch name := baseName(c.To.Path); {
		case strings.HasSuffix(name, ".go") && !vendored(c.To.Path) && !model.IgnoredDir(c.To.Path):
			goChanges = append(goChanges, c)
		case name == ".golangci.yml" || name == ".golangci.yaml":
			a.checkGolangci(c)
		case name == ".testcoverage.yml" || name == ".testcoverage.yaml":
			a.checkTestCoverage(c)
		case name == "codecov.yml" || name == ".codecov.yml" || name == "codecov.yaml" || name == ".codecov.yaml":
			a.checkCodecov(c)
		}
	}
	a.checkGoFiles(goChanges)
}

func baseName(p string) string { return p[strings.LastIndex(p, "/")+1:] }

func vendored(p string) bool {
	return strings.HasPrefix(p, "vendor/") || strings.Contains(p, "/vendor/")
}

// goFile is one version of a changed Go file, read for its directives.
type goFile struct {
	path  string
	src   []byte
	fset  *token.FileSet
	ast   *ast.File
	code  []string // code of each line, comments removed
	lines []string // each line as written
}

func (a *pass) readGo(f *gitutil.File) *goFile {
	src := a.readSrc(f)
	if src == nil {
		return nil
	}
	return parseGo(f.Path, src)
}

// readSrc returns the text of a version of a Go file, nil when it cannot be
// read or is too large to judge.
func (a *pass) readSrc(f *gitutil.File) []byte {
	if f == nil {
		return nil
	}
	src, err := a.Read(f)
	if err != nil || len(src) > model.MaxFileSize {
		return nil
	}
	return src
}

// mayHoldDirective reports whether a file's text can hold a directive:
// every comment parseDirective reads as one contains "lint" (//nolint,
// //lint:ignore, //lint:file-ignore) or "#nosec". A file with neither has
// no directive, so it need not be parsed to find them.
func mayHoldDirective(src []byte) bool {
	return bytes.Contains(src, []byte("lint")) || bytes.Contains(src, []byte("#nosec"))
}

// holdsDirective reports whether a Go source has a comment that reads as a
// directive. The parser finds its comments with the same scanner, and no
// more of them (it stops at too many errors): a file without one has no
// directive in its syntax tree either, and is not parsed.
func holdsDirective(src []byte) bool {
	if !mayHoldDirective(src) {
		return false
	}
	fset := token.NewFileSet()
	var s scanner.Scanner
	s.Init(fset.AddFile("", fset.Base(), len(src)), src, nil, scanner.ScanComments)
	for {
		_, tok, lit := s.Scan()
		switch tok {
		case token.EOF:
			return false
		case token.COMMENT:
			if _, ok := parseDirective(lit); ok {
				return true
			}
		}
	}
}

func parseGo(path string, src []byte) *goFile {
	g := &goFile{path: path, src: src, fset: token.NewFileSet()}
	if !holdsDirective(src) {
		// Nothing reads the tree of a file without directives: its
		// directives are none, and the rest of the tree is read only
		// around a directive.
		g.ast = &ast.File{}
	} else if g.ast, _ = parser.ParseFile(g.fset, path, src, parser.ParseComments|parser.SkipObjectResolution); g.ast == nil {
		return nil
	}
	g.lines = strings.Split(string(src), "\n")
	return g
}

// codes returns the code of each line (codeLines), made on first use.
func (g *goFile) codes() []string {
	if g.code == nil {
		g.code = codeLines(g.src)
	}
	return g.code
}

// placed is a directive where it stands: the lines it silences.
type placed struct {
	*directive
	line     int    // the comment's line
	from, to int    // the lines it silences
	code     string // the code of the first line it silences, to pair base and head
	symbol   string // the function or type around it
}

// directives lists a file's suppression directives with what they silence.
func (g *goFile) directives() []placed {
	var out []placed
	if len(g.ast.Comments) == 0 {
		return nil
	}
	code := g.codes()
	for _, cg := range g.ast.Comments {
		for _, c := range cg.List {
			d, ok := parseDirective(c.Text)
			if !ok {
				continue
			}
			line := g.fset.Position(c.Slash).Line
			p := placed{directive: d, line: line}
			switch {
			case d.kind == "lint:file-ignore":
				p.from, p.to = 1, len(code)
			case line <= len(code) && code[line-1] != "":
				p.from, p.to = line, g.nodeEnd(line, true)
			default:
				next := line + 1
				for next <= len(code) && code[next-1] == "" {
					next++
				}
				if next > len(code) {
					continue
				}
				p.from, p.to = next, g.nodeEnd(next, d.kind != "#nosec")
			}
			p.code = code[p.from-1]
			p.symbol = g.symbolAt(p.from)
			out = append(out, p)
		}
	}
	return out
}

// nodeEnd returns the last line a directive on line silences. golangci-lint
// applies a //nolint to the whole declaration or statement that starts on
// its line; the other tools to the line alone.
func (g *goFile) nodeEnd(line int, whole bool) int {
	end := line
	if !whole {
		return end
	}
	ast.Inspect(g.ast, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		start, stop := g.fset.Position(n.Pos()).Line, g.fset.Position(n.End()).Line
		if start > line || stop < line {
			return false
		}
		if start == line {
			switch n.(type) {
			case ast.Decl, ast.Stmt, ast.Spec:
				end = max(end, stop)
			}
		}
		return true
	})
	return end
}

// symbolAt names the top-level declaration holding a line: Func, Type.Method.
func (g *goFile) symbolAt(line int) string {
	for _, d := range g.ast.Decls {
		if g.fset.Position(d.Pos()).Line > line || g.fset.Position(d.End()).Line < line {
			continue
		}
		if fd, ok := d.(*ast.FuncDecl); ok {
			if fd.Recv != nil && len(fd.Recv.List) > 0 {
				return recvName(fd.Recv.List[0].Type) + "." + fd.Name.Name
			}
			return fd.Name.Name
		}
	}
	return ""
}

func recvName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvName(t.X)
	case *ast.IndexExpr:
		return recvName(t.X)
	case *ast.IndexListExpr:
		return recvName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return ""
}

// checkGoFiles reports the directives of head that base did not have, on
// code the change wrote or changed, and generated-code headers added to
// hand-written files.
func (a *pass) checkGoFiles(changes []gitutil.Change) {
	type side struct {
		c          gitutil.Change
		base, head *goFile
	}
	var sides []side
	// Directives of base, by kind and silenced code, in any changed file:
	// code moved with its directive to another file keeps it.
	//
	// Only the versions that can matter are parsed: a head whose text holds
	// no directive and is not generated reports nothing, and base's
	// directives only pair with head's, so bases are parsed when some head
	// may hold a directive, or for a generated head's header.
	heads := make([][]byte, len(changes))
	anyDirective := false
	for i, c := range changes {
		heads[i] = a.readSrc(c.To)
		anyDirective = anyDirective || (heads[i] != nil && holdsDirective(heads[i]))
	}
	had := map[string][]*directive{}
	for i, c := range changes {
		s := side{c: c}
		need := heads[i] != nil && (holdsDirective(heads[i]) || model.IsGenerated(heads[i]))
		if need || anyDirective {
			s.base = a.readGo(c.From)
		}
		if need {
			s.head = parseGo(c.To.Path, heads[i])
		}
		if s.base != nil {
			for _, p := range s.base.directives() {
				k := p.kind + "\x00" + p.code
				had[k] = append(had[k], p.directive)
			}
		}
		if s.head != nil {
			sides = append(sides, s)
		}
	}
	for _, s := range sides {
		headGen := model.IsGenerated(s.head.src)
		if headGen && s.base != nil && !model.IsGenerated(s.base.src) {
			a.reportGenerated(s.c, s.head)
		}
		if headGen && (s.base == nil || model.IsGenerated(s.base.src)) {
			continue // generated code: regenerated, not written
		}
		var old []string
		if s.base != nil {
			old = s.base.codes()
		}
		changed := changedLines(old, s.head.codes())
		for _, p := range s.head.directives() {
			k := p.kind + "\x00" + p.code
			if i := slices.IndexFunc(had[k], func(b *directive) bool { return covers(b, p.directive) }); i >= 0 {
				had[k] = slices.Delete(had[k], i, i+1)
				continue // base had it, or a broader one, on the same code
			}
			var touched []int
			for l := p.from; l <= p.to && l <= len(changed); l++ {
				if changed[l-1] {
					touched = append(touched, l)
				}
			}
			if len(touched) == 0 {
				continue // it silences code the change did not touch
			}
			a.reportDirective(s.c, s.head, p, touched, s.base == nil)
		}
	}
}

// covers reports whether base's directive silenced at least what head's does.
func covers(b, h *directive) bool {
	if b.all() {
		return true
	}
	for _, c := range h.checks {
		if !slices.ContainsFunc(b.checks, func(x string) bool { return strings.EqualFold(x, c) }) {
			return false
		}
	}
	return !h.all()
}

func (a *pass) reportDirective(c gitutil.Change, g *goFile, p placed, touched []int, added bool) {
	sev, why := a.judge(g, p)
	if sev < 0 {
		return
	}
	test := model.IsTestFile(g.path) || model.IgnoredDir(g.path)
	if test && sev > finding.Info {
		sev--
		why += "; lowered: a test file"
	}
	what := "new code"
	if !added && !slices.ContainsFunc(touched, func(l int) bool { return l == p.from }) {
		what = "code the change edited"
	} else if !added {
		what = "a line the change wrote"
	}
	if p.to > p.from {
		what += fmt.Sprintf(" (it covers lines %d-%d, %d of them changed)", p.from, p.to, len(touched))
	}
	msg := fmt.Sprintf("adds %s on %s: %s", p.directive, what, why)
	excerpt := []string{"+ " + g.lines[p.line-1]}
	if p.from != p.line && p.from <= len(g.lines) {
		excerpt = append(excerpt, "+ "+g.lines[p.from-1])
	}
	a.Report(finding.Finding{
		Rule: ID, Severity: sev, File: g.path, Line: p.line,
		Symbol: p.symbol, Pkg: model.DirOf(g.path),
		Message: msg, Excerpt: excerpt,
	})
}

// judge grades a new directive; a negative severity means no finding.
// Silencing every linter is the strongest sign; naming a linter without
// saying why is weaker, and weaker still where the package already silences
// that linter the same way (its convention); a named linter with a reason is
// the ordinary, reviewed use.
func (a *pass) judge(g *goFile, p placed) (finding.Severity, string) {
	d := p.directive
	switch {
	case d.kind == "nolint" && d.all():
		if a.convention(g.path, d) {
			return finding.Warning, "a bare //nolint silences every linter on it; the package already uses bare //nolint"
		}
		return finding.Error, "a bare //nolint silences every linter on it, including the ones that find bugs"
	case d.reason == "" && d.all():
		if a.convention(g.path, d) {
			return finding.Warning, "it silences every check and gives no reason; the package already does the same elsewhere"
		}
		return finding.Error, "it silences every check and gives no reason"
	case d.reason == "" && (d.style() || a.convention(g.path, d)):
		return finding.Info, fmt.Sprintf("it names %s without a reason, as the package already does elsewhere or for a style check", checksOf(d))
	case d.reason == "" && d.noisy():
		return finding.Info, fmt.Sprintf("it names %s without a reason; these linters' false positives (a file path or command from a variable, an ignored error of telemetry or cleanup) are routinely silenced", checksOf(d))
	case d.reason == "":
		return finding.Warning, fmt.Sprintf("it silences %s and gives no reason why the finding is wrong", checksOf(d))
	case d.kind == "nolint" && len(d.checks) == 1 && strings.EqualFold(d.checks[0], "errcheck") && deferredClose(g, p.from):
		return -1, ""
	}
	return finding.Info, fmt.Sprintf("it silences %s with a reason (%q)", checksOf(d), clip(d.reason))
}

// convention reports whether base's files of the package already silence
// the same linters the same way.
func (a *pass) convention(file string, d *directive) bool {
	dir := model.DirOf(file)
	for _, src := range a.Base.PkgSources(dir) {
		for _, line := range strings.Split(string(src), "\n") {
			i := strings.Index(line, "//")
			if i < 0 {
				continue
			}
			for j := i; j >= 0 && j < len(line); {
				if bd, ok := parseDirective(line[j:]); ok && bd.kind == d.kind && covers(bd, d) && (!d.all() || bd.all()) {
					return true
				}
				k := strings.Index(line[j+2:], "//")
				if k < 0 {
					break
				}
				j += 2 + k
			}
		}
	}
	return false
}

func checksOf(d *directive) string {
	if d.all() {
		return "every check"
	}
	return strings.Join(d.checks, ",")
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// deferredClose reports whether a line is a deferred Close call, whose error
// a read-only file or a response body rarely has anything to say about.
func deferredClose(g *goFile, line int) bool {
	found := false
	ast.Inspect(g.ast, func(n ast.Node) bool {
		if found || n == nil {
			return false
		}
		if g.fset.Position(n.Pos()).Line > line || g.fset.Position(n.End()).Line < line {
			return false
		}
		if ds, ok := n.(*ast.DeferStmt); ok && g.fset.Position(ds.Pos()).Line == line {
			if sel, ok := ds.Call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Close" {
				found = true
			}
		}
		return true
	})
	return found
}

// reportGenerated reports a generated-code header added to a file base had
// written by hand.
func (a *pass) reportGenerated(c gitutil.Change, g *goFile) {
	line := 1
	for i, l := range g.lines {
		if strings.HasPrefix(l, "// Code generated ") && strings.HasSuffix(strings.TrimRight(l, "\r"), "DO NOT EDIT.") {
			line = i + 1
			break
		}
	}
	a.Report(finding.Finding{
		Rule: ID, Severity: finding.Error, File: g.path, Line: line, Pkg: model.DirOf(g.path),
		Message: "adds a generated-code header to a file that was written by hand: linters, coverage tools and " +
			"reviewers skip generated files, so the header hides the file from its checks (goodhart judges it as it was)",
		Excerpt: []string{"+ " + g.lines[line-1]},
	})
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
