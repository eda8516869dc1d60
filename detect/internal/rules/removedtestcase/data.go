package removedtestcase

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go/ast"

	"go.yaml.in/yaml/v3"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// Test cases do not all live in Go: a table read from testdata/*.json or
// *.yaml, and the seed corpus go test runs for a fuzz target
// (testdata/fuzz/FuzzX/*), are cases too. This file finds them lost.

// checkDataFiles reports rows dropped from a test's data file and fuzz
// corpus entries deleted while their target stays.
func (a *pass) checkDataFiles() {
	lostFuzz := map[string][]string{} // dir of the package + "\x00" + target → deleted entries
	values := map[string][]string{}   // a deleted entry → the values it held
	for _, c := range a.Changes {
		switch {
		case c.From != nil && c.To == nil:
			if dir, target, ok := fuzzEntry(c.From.Path); ok {
				k := dir + "\x00" + target
				lostFuzz[k] = append(lostFuzz[k], c.From.Path)
				if src, err := a.Read(c.From); err == nil {
					values[c.From.Path] = corpusValues(src)
				}
			}
		case c.From != nil && c.To != nil && c.From.Path == c.To.Path && dataFile(c.To.Path):
			a.checkDataRows(c)
		}
	}
	keys := make([]string, 0, len(lostFuzz))
	for k := range lostFuzz {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		dir, target, _ := strings.Cut(k, "\x00")
		a.checkFuzzCorpus(dir, target, lostFuzz[k], values)
	}
}

// corpusValues reads the string and []byte values of a seed corpus file
// ("go test fuzz v1", then one value per line: string("/a%"), []byte("x"));
// nil when one of its values is of another kind or cannot be read.
func corpusValues(src []byte) []string {
	lines := strings.Split(strings.TrimSpace(string(src)), "\n")
	if len(lines) < 2 || strings.TrimSpace(lines[0]) != "go test fuzz v1" {
		return nil
	}
	var out []string
	for _, l := range lines[1:] {
		l = strings.TrimSpace(l)
		inner, ok := strings.CutPrefix(l, "string(")
		if !ok {
			inner, ok = strings.CutPrefix(l, "[]byte(")
		}
		if !ok || !strings.HasSuffix(inner, ")") {
			return nil
		}
		v, err := strconv.Unquote(strings.TrimSuffix(inner, ")"))
		if err != nil {
			return nil
		}
		out = append(out, v)
	}
	return out
}

// seeded reports whether every value of a deleted corpus entry stands as a
// string literal in head's test files of the package (the fuzz target's
// seed list: f.Add("/a%")), each at least three characters long.
func seeded(vals []string, sources [][]byte) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		if len(v) < 3 {
			return false
		}
		found := false
		for _, src := range sources {
			if bytes.Contains(src, []byte(strconv.Quote(v))) || !strings.Contains(v, "`") && bytes.Contains(src, []byte("`"+v+"`")) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// fuzzEntry recognises a seed corpus file: <pkg>/testdata/fuzz/FuzzX/<entry>.
func fuzzEntry(p string) (dir, target string, ok bool) {
	parts := strings.Split(p, "/")
	i := len(parts) - 4
	if i < 0 || parts[i] != "testdata" || parts[i+1] != "fuzz" || !strings.HasPrefix(parts[i+2], "Fuzz") {
		return "", "", false
	}
	dir = strings.Join(parts[:i], "/")
	if dir == "" {
		dir = "."
	}
	return dir, parts[i+2], true
}

// checkFuzzCorpus flags seed corpus entries deleted while the fuzz target
// is still declared in head: go test runs every entry as a test case, so an
// entry that failed is the cheapest one to make pass by deleting it.
func (a *pass) checkFuzzCorpus(dir, target string, gone []string, values map[string][]string) {
	decl := []byte("func " + target + "(")
	found := false
	sources := a.Loader.TestSources(a.Head.Rev, dir)
	for _, src := range sources {
		if bytes.Contains(src, decl) {
			found = true
		}
	}
	if !found {
		return // the target went too: deleted-test judges it
	}
	var kept []string
	for _, g := range gone {
		if !seeded(values[g], sources) {
			kept = append(kept, g)
		}
	}
	if len(kept) == 0 {
		return // every entry's values now seed the target in the test code (f.Add)
	}
	gone = kept
	sort.Strings(gone)
	names := make([]string, 0, len(gone))
	for _, g := range gone {
		names = append(names, path.Base(g))
	}
	shown := names
	if len(shown) > 3 {
		shown = shown[:3]
	}
	a.Report(finding.Finding{
		Rule: ID, Severity: finding.Warning, Symbol: target, Pkg: dir,
		OldFile: gone[0], OldLine: 1,
		Message: fmt.Sprintf("%d seed corpus %s of %s %s deleted while the fuzz target stays (%s): go test runs every entry of testdata/fuzz/%s as a test case, so deleting the one that fails is a way to delete a failing test. Check whether these inputs were failing, and why they were removed.",
			len(gone), model.Plural(len(gone), "entry", "entries"), target, model.Plural(len(gone), "was", "were"), strings.Join(shown, ", "), target),
	})
}

// dataFile recognises a structured test data file: JSON or YAML under a
// testdata folder.
func dataFile(p string) bool {
	if !strings.Contains("/"+p, "/testdata/") || strings.Contains(p, "/fuzz/") {
		return false
	}
	switch path.Ext(p) {
	case ".json", ".yaml", ".yml":
		return true
	}
	return false
}

// dataRow is one element of a data file's case list: its canonical JSON and
// its name, if it has one.
type dataRow struct {
	canon string
	name  string
}

// checkDataRows flags a data file that a test of the package reads and that
// lost entries of its case list (a top-level array, or the one array of a
// top-level object), matched by name, then by content.
func (a *pass) checkDataRows(c gitutil.Change) {
	pkg, test := a.readerOf(c.To.Path)
	if test == "" {
		return
	}
	bsrc, err1 := a.Read(c.From)
	hsrc, err2 := a.Read(c.To)
	if err1 != nil || err2 != nil {
		return
	}
	base, head := dataRows(c.From.Path, bsrc), dataRows(c.To.Path, hsrc)
	if len(base) == 0 || len(head) >= len(base) {
		return // not a case list, or it did not shrink
	}
	lost := lostDataRows(base, head)
	if len(lost) == 0 {
		return
	}
	var shown []string
	for _, r := range lost[:min(3, len(lost))] {
		if r.name != "" {
			shown = append(shown, strconv.Quote(r.name))
		} else {
			shown = append(shown, "`"+shorten(r.canon, 60)+"`")
		}
	}
	a.Report(finding.Finding{
		Rule: ID, Severity: finding.Warning, Symbol: test, Pkg: pkg,
		File: c.To.Path, Line: 1, OldFile: c.From.Path, OldLine: 1,
		Message: fmt.Sprintf("The test data file %s, which %s reads its cases from, lost %d %s (%s) and gained none in their place. Dropping the case that fails is the table-driven way to delete a test, wherever the table lives. Check whether these cases were failing, and why they were removed.",
			c.To.Path, test, len(lost), model.Plural(len(lost), "entry", "entries"), strings.Join(shown, ", ")),
	})
}

var testFuncRE = regexp.MustCompile(`(?m)^func (Test\w*|Fuzz\w*)\(`)

// readerOf finds the package folder above a testdata file and a test of it
// whose source names the file; "" when no test does.
func (a *pass) readerOf(p string) (dir, test string) {
	i := strings.LastIndex("/"+p, "/testdata/")
	dir = "."
	if i > 0 {
		dir = p[:i-1]
	}
	rel := p[i+len("testdata/"):]
	if i == 0 {
		rel = p[len("testdata/"):]
	}
	name := path.Base(p)
	for _, src := range a.Loader.TestSources(a.Head.Rev, dir) {
		at := bytes.Index(src, []byte(`"`+rel+`"`))
		if at < 0 {
			at = bytes.Index(src, []byte(`"testdata/`+rel+`"`))
		}
		if at < 0 {
			at = bytes.Index(src, []byte(`"`+name+`"`))
		}
		if at < 0 {
			continue
		}
		// the test function around the mention, else the file's first test
		best := ""
		for _, m := range testFuncRE.FindAllSubmatchIndex(src, -1) {
			if m[0] < at || best == "" {
				best = string(src[m[2]:m[3]])
			}
		}
		if best != "" {
			return dir, best
		}
	}
	return dir, ""
}

// dataRows decodes a data file's case list.
func dataRows(p string, src []byte) []dataRow {
	var v any
	switch path.Ext(p) {
	case ".json":
		if json.Unmarshal(src, &v) != nil {
			return nil
		}
	default:
		if yaml.Unmarshal(src, &v) != nil {
			return nil
		}
	}
	list, ok := v.([]any)
	if !ok {
		obj, isObj := v.(map[string]any)
		if !isObj {
			return nil
		}
		var only []any
		n := 0
		for _, x := range obj {
			if l, ok := x.([]any); ok {
				only, n = l, n+1
			}
		}
		if n != 1 {
			return nil // no single case list
		}
		list = only
	}
	if !caseLike(list) {
		return nil // a list of configuration (relabel rules, users), not of test cases
	}
	var out []dataRow
	for _, e := range list {
		b, err := json.Marshal(e)
		if err != nil {
			return nil
		}
		r := dataRow{canon: string(b)}
		if m, ok := e.(map[string]any); ok {
			for _, k := range []string{"name", "desc", "description", "title", "id"} {
				if s, ok := m[k].(string); ok {
					r.name = s
					break
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// lostDataRows pairs base rows with head rows by name, then by content, and
// returns the base rows left.
func lostDataRows(base, head []dataRow) []dataRow {
	used := make([]bool, len(head))
	var left []dataRow
	for _, b := range base {
		hit := false
		for i, h := range head {
			if !used[i] && ((b.name != "" && h.name == b.name) || h.canon == b.canon) {
				used[i], hit = true, true
				break
			}
		}
		if !hit {
			left = append(left, b)
		}
	}
	return left
}

// dataFilesRead lists the testdata files (JSON, YAML) a test's body names:
// "testdata/cases.json", or filepath.Join("testdata", "cases.json").
func dataFilesRead(tf *model.TestFunc) []string {
	var out []string
	text := tf.File.Text(tf.Body)
	for _, m := range quotedRE.FindAllStringSubmatch(text, -1) {
		lit := m[1]
		if !dataFile("testdata/"+path.Base(lit)) || (!strings.HasPrefix(lit, "testdata/") && strings.Contains(lit, "/")) {
			continue
		}
		p := lit
		if !strings.HasPrefix(p, "testdata/") {
			p = "testdata/" + p
		}
		if tf.Dir != "." {
			p = tf.Dir + "/" + p
		}
		out = append(out, p)
	}
	return out
}

var quotedRE = regexp.MustCompile(`"([^"\\\n]+)"`)

// movedToData drops the lost rows of a Go table whose values all appear in
// a testdata file that the head test now reads: a table moved out of the
// Go file, not shrunk. Rows missing from the file too stay lost — a table
// moved in one commit and trimmed in the next.
func (a *pass) movedToData(m *model.Match, lost []model.TableRow) []model.TableRow {
	if len(lost) == 0 {
		return lost
	}
	var texts [][]byte
	for _, p := range dataFilesRead(m.Head) {
		if src, ok := a.Head.ReadFile(p); ok {
			texts = append(texts, src)
		}
	}
	if len(texts) == 0 {
		return lost
	}
	var out []model.TableRow
	for _, r := range lost {
		if !rowInData(r, texts) {
			out = append(out, r)
		}
	}
	return out
}

func rowInData(r model.TableRow, texts [][]byte) bool {
	vals := model.LiteralsOf(r.Expr)
	if len(vals) == 0 {
		return false
	}
	for _, text := range texts {
		all := true
		for _, v := range vals {
			needle := v
			if s, err := strconv.Unquote(v); err == nil && strings.HasPrefix(v, `"`) {
				needle = s
				if !bytes.Contains(text, []byte(needle)) {
					q := strconv.Quote(s) // JSON escapes much as Go does
					needle = q[1 : len(q)-1]
				}
			}
			if !bytes.Contains(text, []byte(needle)) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// structFields lists the field names of the struct types a test file
// declares (the test's table rows are usually one of them).
func structFields(f *model.SrcFile) map[string]bool {
	out := map[string]bool{}
	if f == nil || f.AST == nil {
		return out
	}
	ast.Inspect(f.AST, func(n ast.Node) bool {
		if st, ok := n.(*ast.StructType); ok {
			for _, fl := range st.Fields.List {
				for _, id := range fl.Names {
					out[id.Name] = true
				}
			}
		}
		return true
	})
	return out
}

// goneField names a field a row sets (keyed) that the head test file's
// structs no longer have, while the head table's rows still set the row's
// other fields, and no row kept from base set it: the row went with the
// option it exercised. A row's name
// field does not count (a table that dropped its names was reshaped).
func goneField(r model.TableRow, base, head map[string]bool, headKeys, keptKeys map[string]bool) string {
	cl, ok := r.Expr.(*ast.CompositeLit)
	if !ok {
		return ""
	}
	gone := ""
	for _, e := range cl.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			return ""
		}
		id, ok := kv.Key.(*ast.Ident)
		if !ok {
			return ""
		}
		switch {
		case base[id.Name] && !head[id.Name] && !nameFields[strings.ToLower(id.Name)] && !keptKeys[id.Name]:
			gone = id.Name // only the lost rows set it
		case !headKeys[id.Name] && !nameFields[strings.ToLower(id.Name)]:
			return "" // the head table does not set its other fields either: reshaped
		}
	}
	return gone
}

var nameFields = model.SetOf("name", "desc", "description", "title", "tname", "testname", "test", "scenario", "label")

// rowKeys lists the fields the rows of a table set by key.
func rowKeys(rows []model.TableRow) map[string]bool {
	out := map[string]bool{}
	for _, r := range rows {
		if cl, ok := r.Expr.(*ast.CompositeLit); ok {
			for _, e := range cl.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						out[id.Name] = true
					}
				}
			}
		}
	}
	return out
}

// caseKeys are the keys that make an object a test case: a name, an input,
// an expected output.
var caseKeys = model.SetOf("name", "desc", "description", "title", "case", "want", "wanted", "expected", "expect", "expectation",
	"input", "in", "inputs", "args", "out", "output", "result", "results", "error", "err", "wanterr", "want_err", "expecterror", "expected_error", "golden")

// caseLike reports whether a list's elements are test cases: objects, most
// of which have a key that names a case, its input or its expected result.
func caseLike(list []any) bool {
	n := 0
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return false
		}
		for k := range m {
			if caseKeys[strings.ToLower(k)] {
				n++
				break
			}
		}
	}
	return len(list) > 0 && 2*n > len(list)
}

// onlyGoneField finds a lost keyed row that differs from a kept row only
// in fields the table no longer has, besides its name and its expected
// results: with those fields gone, the case it made can no longer be
// written (a row with a nil credential, once the credential went). It
// returns the gone field and the kept row's name; "" when there is none.
func onlyGoneField(f *model.SrcFile, r model.TableRow, base, head map[string]bool, kept []model.TableRow) (field, twin string) {
	inputs := func(e ast.Expr) (map[string]string, []string, bool) {
		cl, ok := e.(*ast.CompositeLit)
		if !ok || f == nil {
			return nil, nil, false
		}
		out := map[string]string{}
		var gone []string
		for _, el := range cl.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				return nil, nil, false
			}
			id, ok := kv.Key.(*ast.Ident)
			if !ok {
				return nil, nil, false
			}
			low := strings.ToLower(id.Name)
			switch {
			case nameFields[low] || expectation(low):
			case base[id.Name] && !head[id.Name]:
				gone = append(gone, id.Name)
			default:
				out[id.Name] = strings.Join(strings.Fields(f.Text(kv.Value)), " ")
			}
		}
		return out, gone, true
	}
	lost, gone, ok := inputs(r.Expr)
	if !ok || len(gone) == 0 {
		return "", ""
	}
	for _, k := range kept {
		in, _, ok := inputs(k.Expr)
		if ok && maps.Equal(in, lost) {
			return gone[0], k.Name
		}
	}
	return "", ""
}

// expectation recognises a field holding a row's expected result.
func expectation(low string) bool {
	for _, p := range []string{"want", "expect", "exp", "err", "result", "should", "fail", "ok", "golden"} {
		if strings.HasPrefix(low, p) {
			return true
		}
	}
	return false
}
