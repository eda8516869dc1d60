package model

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// caseTable is one table a test ranges over, and the loop over it.
type caseTable struct {
	lit  *ast.CompositeLit
	file *SrcFile
	loop *ast.RangeStmt
}

// TableRow is one entry of a case table.
type TableRow struct {
	Name  string // its name field, first string or map key; "" if none
	Text  string // its source, whitespace collapsed
	Show  string // its first source line, for the message
	Body  string // the text without its name, to recognise a renamed row
	First string // its first element (usually the input), collapsed
	Line  int
	Expr  ast.Expr // the row itself
}

// CaseChecks measures how much a test's tables exercise: for each table,
// its rows times the checks inside the loop over it. A test reworked so
// that each row checks more (a negative case computed from each positive
// row) keeps its coverage with fewer written rows.
func (a *Pass) CaseChecks(s *Snapshot, tf *TestFunc) int {
	checks := a.ChecksIn(s, tf)
	n := 0
	for _, t := range caseTables(s, tf) {
		inLoop := 0
		for _, c := range checks {
			if c.File == tf.File && c.At.Pos() >= t.loop.Body.Pos() && c.At.End() <= t.loop.Body.End() {
				inLoop++
			}
		}
		n += len(t.lit.Elts) * inLoop
	}
	return n
}

// CaseRows lists the rows of every table a test ranges over.
func CaseRows(s *Snapshot, tf *TestFunc) []TableRow {
	var out []TableRow
	for _, t := range caseTables(s, tf) {
		for _, e := range t.lit.Elts {
			out = append(out, makeRow(t.file, e))
		}
	}
	return out
}

// caseTables finds the composite literals a test ranges over.
func caseTables(s *Snapshot, tf *TestFunc) []caseTable {
	var out []caseTable
	seen := map[*ast.CompositeLit]bool{}
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		rs, ok := n.(*ast.RangeStmt)
		if !ok {
			return true
		}
		if lit, file := resolveTable(s, tf, rs.X); lit != nil && !seen[lit] {
			seen[lit] = true
			out = append(out, caseTable{lit, file, rs})
		}
		return true
	})
	return out
}

// resolveTable follows a range expression to its composite literal: in
// place, bound to a variable of the test, or a package-level variable.
func resolveTable(s *Snapshot, tf *TestFunc, x ast.Expr) (*ast.CompositeLit, *SrcFile) {
	switch e := ast.Unparen(x).(type) {
	case *ast.CompositeLit:
		return e, tf.File
	case *ast.Ident:
		var found *ast.CompositeLit
		ast.Inspect(tf.Root().Body, func(n ast.Node) bool {
			switch d := n.(type) {
			case *ast.AssignStmt:
				for i, l := range d.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == e.Name && i < len(d.Rhs) {
						if cl, ok := d.Rhs[i].(*ast.CompositeLit); ok {
							found = cl
						}
					}
				}
			case *ast.ValueSpec:
				for i, id := range d.Names {
					if id.Name == e.Name && i < len(d.Values) {
						if cl, ok := d.Values[i].(*ast.CompositeLit); ok {
							found = cl
						}
					}
				}
			}
			return true
		})
		if found != nil {
			return found, tf.File
		}
		return s.varTable(tf.Dir, e.Name)
	}
	return nil, nil
}

// varTable finds a package-level variable bound to a composite literal, and
// the file that declares it (each file has its own positions).
func (p *pkgInfo) varTable(name string) (*ast.CompositeLit, *SrcFile) {
	for _, f := range p.Files {
		if f.AST == nil {
			continue
		}
		for _, d := range f.AST.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if id.Name == name && i < len(vs.Values) {
						if cl, ok := vs.Values[i].(*ast.CompositeLit); ok {
							return cl, f
						}
					}
				}
			}
		}
	}
	return nil, nil
}

var rowNameFields = SetOf("name", "Name", "desc", "Desc", "description", "title", "testName", "tname", "label", "scenario", "msg", "what", "about", "summary", "it", "should", "when")

func makeRow(f *SrcFile, e ast.Expr) TableRow {
	r := TableRow{Expr: e}
	if f != nil {
		r.Text = collapse(f.Text(e))
		r.Show = strings.TrimSpace(FirstLine(f.Text(e)))
		r.Line = f.Line(e.Pos())
	}
	switch x := e.(type) {
	case *ast.KeyValueExpr: // a map table: the key names the row
		r.Name = literalOrText(f, x.Key)
		if f != nil {
			r.Body = collapse(f.Text(x.Value))
		}
		return r
	case *ast.CompositeLit:
		if len(x.Elts) >= 2 && f != nil {
			first := x.Elts[0]
			if kv, ok := first.(*ast.KeyValueExpr); ok {
				first = kv.Value
			}
			r.First = collapse(f.Text(first))
		}
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok && rowNameFields[k.Name] {
					r.Name = literalOrText(f, kv.Value)
					break
				}
			}
		}
		if r.Name == "" {
			for _, el := range x.Elts {
				if l, ok := el.(*ast.BasicLit); ok && l.Kind == token.STRING {
					r.Name, _ = strconv.Unquote(l.Value)
					break
				}
			}
		}
	case *ast.BasicLit:
		r.Name, _ = strconv.Unquote(x.Value)
		if r.Name == "" {
			r.Name = x.Value
		}
	}
	r.Body = r.Text
	if r.Name != "" {
		r.Body = strings.Replace(r.Text, strconv.Quote(r.Name), `""`, 1)
	}
	return r
}

func literalOrText(f *SrcFile, e ast.Expr) string {
	if l, ok := e.(*ast.BasicLit); ok {
		if s, err := strconv.Unquote(l.Value); err == nil {
			return s
		}
		return l.Value
	}
	if f == nil {
		return ""
	}
	return collapse(f.Text(e))
}

// collapse removes formatting from source text so that a reformatted row
// compares equal.
func collapse(s string) string {
	toks := scanTokens([]byte(s), nil)
	return strings.Join(toks, " ")
}

// RowSimilarity is how alike two rows' texts are: the share of their words
// (split at white space) they have in common, counted with repeats.
func RowSimilarity(a, b string) float64 {
	return WordSimilarity(strings.Fields(a), strings.Fields(b), nil)
}

// WordSimilarity is RowSimilarity of texts already split into words, for
// callers that score one text against many. scratch, if not nil, is a map
// it clears and reuses.
func WordSimilarity(ta, tb []string, scratch map[string]int) float64 {
	if len(ta)+len(tb) == 0 {
		return 1
	}
	if scratch == nil {
		scratch = map[string]int{}
	} else {
		clear(scratch)
	}
	for _, t := range ta {
		scratch[t]++
	}
	common := 0
	for _, t := range tb {
		if scratch[t] > 0 {
			scratch[t]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(ta)+len(tb))
}
