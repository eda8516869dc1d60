package removedtestcase

import (
	"go/ast"
	"go/token"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// A row is re-homed, not lost, when what set it apart from the rows the
// table kept re-appears in a test the same range added or changed: another
// table, another test function, another test file of the module. What sets
// a row apart is its literals (inputs and expected values) that no kept
// row has; its name does not count, since moved rows are often renamed.

// rehomed names the new or changed test of head (the table's own test
// included: a table folded into the rows of another) whose source holds
// every distinguishing literal of the lost row r,
// and those literals; "" when no test does or the row has no literal of
// its own worth finding.
func (a *pass) rehomed(m *model.Match, r model.TableRow, kept []model.TableRow) (test string, vals []string) {
	vals = distinguishing(r, kept)
	if len(vals) == 0 {
		return "", nil
	}
	long := 0
	for _, v := range vals {
		if len(v) >= 6 {
			long++
		}
	}
	if long == 0 && len(vals) < 2 {
		return "", nil // one short value ("42", "abc") proves nothing
	}
	own := m.Head.Root()
	if own.Body != nil {
		if src := literalText(own.Body); !slices.ContainsFunc(vals, func(v string) bool { return !inSource(src, v) }) {
			return own.Name, vals
		}
	}
	for _, h := range a.reworkedTests() {
		if h.test != own && !slices.ContainsFunc(vals, func(v string) bool { return !inSource(h.src, v) }) {
			return h.test.Name, vals
		}
	}
	return "", nil
}

// home is a test of head the range added or changed, with the literals of
// its body.
type home struct {
	test *model.TestFunc
	src  string
}

// literalText joins the literal values a body holds, unquoted: what the
// code of a test feeds and expects, never its comments (a row commented
// out is not re-homed).
func literalText(body ast.Node) string {
	var b strings.Builder
	ast.Inspect(body, func(n ast.Node) bool {
		if l, ok := n.(*ast.BasicLit); ok {
			v := l.Value
			if s, err := strconv.Unquote(v); err == nil {
				v = s
			}
			b.WriteString(v)
			b.WriteByte(0)
		}
		return true
	})
	return b.String()
}

// reworkedTests lists the top-level tests of head that the range added or
// changed, computed once per analysis.
func (a *pass) reworkedTests() []home {
	if a.homes != nil {
		return *a.homes
	}
	var out []home
	for _, ht := range a.Head.Tests {
		if ht.IsTest() && ht.Parent == nil && ht.Body != nil && a.Reworked(ht) {
			out = append(out, home{ht, literalText(ht.Body)})
		}
	}
	a.homes = &out
	return out
}

// distinguishing lists the literal values of a row, unquoted, that no kept
// row of its table holds, leaving out its name and values too short or
// too common to find it by.
func distinguishing(r model.TableRow, kept []model.TableRow) []string {
	have := map[string]bool{}
	for _, k := range kept {
		for _, v := range rowValues(k.Expr) {
			have[v] = true
		}
	}
	var out []string
	for _, v := range rowValues(r.Expr) {
		if !have[v] && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// rowValues lists the string and number literals of a row, unquoted, but
// a name field's (a positional first string may be the input itself), and
// values of fewer than three characters or that only say yes, no or
// nothing.
func rowValues(e ast.Expr) []string {
	var out []string
	ast.Inspect(e, func(n ast.Node) bool {
		if kv, ok := n.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && nameFields[strings.ToLower(id.Name)] {
				return false
			}
		}
		l, ok := n.(*ast.BasicLit)
		if !ok {
			return true
		}
		v := l.Value
		if s, err := strconv.Unquote(v); err == nil {
			v = s
		}
		v = strings.TrimSpace(v)
		if len(v) < 3 || commonValues[strings.ToLower(v)] {
			return true
		}
		out = append(out, v)
		return true
	})
	return out
}

var commonValues = model.SetOf("true", "false", "nil", "none", "null", "test", "foo", "bar", "baz", "yes", "100", "1000")

// inSource reports whether the literals of a body (literalText) hold a
// value, whole or within a longer one (a line of a multi-line input).
func inSource(src, v string) bool { return strings.Contains(src, v) }

// droppedFromCode finds the distinguishing part of a lost row that the
// range removed from the code: a value of the row, or a word of one
// ("mongo/v8.0.0/linux" → "v8.0.0"), that no kept row holds, specific
// enough to tie the row to that code, which base's changed code mentions
// and head's no longer does. "" when none.
func (a *pass) droppedFromCode(r model.TableRow, kept []model.TableRow) string {
	var keptVals []string
	for _, k := range kept {
		keptVals = append(keptVals, rowValues(k.Expr)...)
	}
	inKept := func(w string) bool {
		return slices.ContainsFunc(keptVals, func(v string) bool { return strings.Contains(v, w) })
	}
	for _, v := range distinguishing(r, kept) {
		words := strings.FieldsFunc(v, func(c rune) bool { return c == '/' || c == ' ' || c == ',' || c == '=' })
		if len(words) > 1 {
			words = append([]string{v}, words...)
		}
		for _, w := range words {
			if specificValue(w) && !inKept(w) && a.CodeDropped(w) {
				return w
			}
		}
	}
	return ""
}

// specificValue reports whether a value says enough to be found by: a
// version or identifier mixing letters and digits ("v8.0.0", "sha256"), or
// a word of eight characters or more.
func specificValue(w string) bool {
	letters, digits := 0, 0
	for _, c := range w {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters++
		}
	}
	return (len(w) >= 5 && letters > 0 && digits > 0) || (len(w) >= 8 && letters >= 6)
}

// droppedFromList finds a value that sets a lost row apart from the rows
// kept and that the range removed from a list of the package's code (a
// map, slice or array literal bound to a package-level variable both
// sides declare): a table that tried each allowed value loses the one no
// longer allowed. It returns the value and the list's name.
func (a *pass) droppedFromList(dir string, r model.TableRow, kept []model.TableRow) (value, list string) {
	vals := distinguishing(r, kept)
	if len(vals) == 0 {
		return "", ""
	}
	base := listLiterals(a.Base, dir)
	if len(base) == 0 {
		return "", ""
	}
	head := listLiterals(a.Head, dir)
	for _, v := range vals {
		for _, name := range slices.Sorted(maps.Keys(base)) {
			if hl, ok := head[name]; ok && base[name][v] && !hl[v] {
				return v, name
			}
		}
	}
	return "", ""
}

// listLiterals maps the package-level variables of a folder's changed
// non-test files that are bound to composite literals to the strings
// those literals list (elements, or keys of a map).
func listLiterals(s *model.Snapshot, dir string) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for path, f := range s.Files {
		if model.DirOf(path) != dir || model.IsTestFile(path) || !strings.HasSuffix(path, ".go") || f.AST == nil {
			continue
		}
		for _, d := range f.AST.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i >= len(vs.Values) {
						continue
					}
					cl, ok := ast.Unparen(vs.Values[i]).(*ast.CompositeLit)
					if !ok {
						continue
					}
					set := map[string]bool{}
					for _, el := range cl.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							el = kv.Key
						}
						if bl, ok := el.(*ast.BasicLit); ok && bl.Kind == token.STRING {
							if v, err := strconv.Unquote(bl.Value); err == nil {
								set[v] = true
							}
						}
					}
					if len(set) > 0 {
						out[n.Name] = set
					}
				}
			}
		}
	}
	return out
}
