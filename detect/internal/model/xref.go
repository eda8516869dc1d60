package model

import (
	"crypto/sha256"
	"encoding/binary"
	"go/ast"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// This file cross-references a package's test files for the production-code
// rules: which literals the tests use and in what role (an input handed to
// the code, or a value its result is compared against), which top-level
// names each declaration mentions (to tell whether a test reaches a
// function), and which environment variables the tests set for the whole
// package. It is built once per package and side, on first use, from the
// trees the loader already parsed.

// litRole says what a literal of a test file is to the code under test.
type litRole uint8

const (
	roleUnknown  litRole = iota // a table cell or variable whose use goodhart cannot tell
	RoleInput                   // handed to the package's code
	RoleExpected                // compared against what the code produced
	roleMessage                 // part of a failure message, a log line or a subtest name: not test data
)

// TestLit is one use of a literal in a test file.
type TestLit struct {
	Value string
	role  litRole
	file  string
	line  int
	Owner string // the top-level function or variable of the test file that holds it
}

func (l *TestLit) Where() string { return l.file + ":" + strconv.Itoa(l.line) }

// PkgXref is the cross-reference of one package directory on one side.
// What its declarations say (xrefDecls) is built with it, and is what a scan
// shares between analyses of the same files; the literals of its test files
// are collected on the first question about them (Uses), as most analyses
// ask none.
type PkgXref struct {
	*xrefDecls
	Consts map[string]string   // string constants of the non-test files: name → value
	EnvSet map[string]*TestLit // environment variable → where a TestMain or init of the tests sets it

	files    []*SrcFile      // the package's files, to collect the literals and mentions from
	declared map[string]bool // names the package's non-test files declare
	load     func()          // fills files and declared on first need, when not given (Snapshot.CrossRef)
	loadOnce sync.Once
	litsOnce sync.Once
	lits     map[string][]*TestLit // literal value → its uses in test files

	graphOnce sync.Once
	graphOf   func() []fileGraph         // what each file's declarations mention, without loading the files; nil: from the files
	decls     map[string][]declNode      // top-level name → its bodies and initializers, in file order
	mentions  map[string]map[string]bool // top-level name → the names its decls mention, read on first use
	testDecl  map[string]bool            // top-level names declared in test files
	funcs     map[string]bool            // top-level names that are functions or methods
	mu        sync.Mutex                 // guards mentions and reached
	reached   map[string]bool            // memo of reaches
}

// xrefDecls is what a package's declarations say, for its cross-reference.
type xrefDecls struct {
	types  map[string]bool     // type names declared in the package's non-test files
	state  map[string]bool     // package-level variables of the non-test files, sentinel errors aside
	consts map[string]string   // PkgXref.Consts
	envSet map[string]*TestLit // PkgXref.EnvSet
	size   int                 // its estimated memory, for the cache's budget
}

// CrossRef returns the package's cross-reference, building it on first use.
//
// A scan keeps the cross-references it built (Cache): a package that one
// commit changed is, most of the time, the same files on the next commit's
// base, and its cross-reference is a function of its files alone (their
// paths, text and whether they are generated), so one built for the same
// files is the same one.
func (p *pkgInfo) CrossRef() *PkgXref {
	if p.xref == nil {
		if p.cache == nil {
			p.xref = buildXref(p)
			return p.xref
		}
		k := xrefKey(p)
		if d := p.cache.xref(k); d != nil {
			p.xref = newXref(p, d)
			return p.xref
		}
		p.xref = buildXref(p)
		p.cache.putXref(k, p.xref.xrefDecls)
	}
	return p.xref
}

// xrefKey names a package's files, in order, by their paths, text and
// generated marks: everything buildXref reads.
func xrefKey(p *pkgInfo) string {
	h := sha256.New()
	var n [8]byte
	for _, f := range p.Files {
		binary.LittleEndian.PutUint64(n[:], uint64(len(f.Path)))
		h.Write(n[:])
		h.Write([]byte(f.Path))
		flags := byte(0)
		if f.AST != nil {
			flags |= 1
		}
		if f.Generated {
			flags |= 2
		}
		h.Write([]byte{flags})
		binary.LittleEndian.PutUint64(n[:], uint64(len(f.Src)))
		h.Write(n[:])
		h.Write(f.Src)
	}
	return "xref\x00" + string(h.Sum(nil))
}

func buildXref(p *pkgInfo) *PkgXref {
	d := &xrefDecls{types: map[string]bool{}, state: map[string]bool{}, consts: map[string]string{}, envSet: map[string]*TestLit{}}
	for _, f := range p.Files {
		if f.AST == nil || IgnoredDir(f.Path) {
			continue
		}
		d.declare(f)
	}
	for _, f := range p.Files {
		if litFile(f) {
			d.findSetenv(f)
		}
	}
	d.size = d.estimate()
	return newXref(p, d)
}

func newXref(p *pkgInfo, d *xrefDecls) *PkgXref {
	return &PkgXref{xrefDecls: d, Consts: d.consts, EnvSet: d.envSet, files: p.Files, declared: p.declared}
}

// litFile reports whether the literals of a package's file are collected:
// those of hand-written test files the go tool reads.
func litFile(f *SrcFile) bool {
	return f.AST != nil && IsTestFile(f.Path) && !IgnoredDir(f.Path) && !f.Generated
}

// testLits returns the literals of the test files, collecting them on first
// use.
func (x *PkgXref) testLits() map[string][]*TestLit {
	x.litsOnce.Do(func() {
		x.loadFiles()
		x.lits = map[string][]*TestLit{}
		structs := map[string]*ast.StructType{} // struct types of the test files, as declare saw them
		for _, f := range x.files {
			if f.AST == nil || IgnoredDir(f.Path) || !IsTestFile(f.Path) {
				continue
			}
			for _, d := range f.AST.Decls {
				if gd, ok := d.(*ast.GenDecl); ok {
					for _, s := range gd.Specs {
						if ts, ok := s.(*ast.TypeSpec); ok {
							if st, ok := ts.Type.(*ast.StructType); ok {
								structs[ts.Name.Name] = st
							}
						}
					}
				}
			}
		}
		for _, f := range x.files {
			if litFile(f) {
				w := &litWalker{x: x, f: f, structs: structs, prod: x.declared, imports: importNames(f)}
				w.under = strings.TrimSuffix(f.AST.Name.Name, "_test")
				w.file()
			}
		}
	})
	return x.lits
}

// loadFiles fills the package's files and declared names in, once, for a
// cross-reference made without them.
func (x *PkgXref) loadFiles() {
	x.loadOnce.Do(func() {
		if x.load != nil {
			x.load()
		}
	})
}

// declNode is a body or initializer of a top-level declaration: its
// syntax, or the identifiers it mentions (graphFact.idents).
type declNode struct {
	node   ast.Node
	idents string
}

// fileGraph is what the declarations of one of the package's files
// mention, as mentionsOf reads them.
type fileGraph struct {
	path  string
	facts []graphFact
}

// graph records, on first use, the top-level declarations of the package,
// for reaches; what each mentions is read when reaches first comes to it
// (mentioned), as most questions follow a few declarations of many. A
// cross-reference made from a scan's facts reads them from its files'
// declarations' facts (graphOf), not from the files' trees.
func (x *PkgXref) graph() {
	x.graphOnce.Do(func() {
		x.decls, x.mentions, x.testDecl, x.funcs, x.reached = map[string][]declNode{}, map[string]map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
		if x.graphOf != nil {
			for _, fg := range x.graphOf() {
				test := IsTestFile(fg.path)
				for _, g := range fg.facts {
					if g.nodes > 0 {
						x.decls[g.name] = append(x.decls[g.name], declNode{idents: g.idents})
					}
					x.funcs[g.name] = x.funcs[g.name] || g.fn
					x.testDecl[g.name] = x.testDecl[g.name] || test
				}
			}
			return
		}
		x.loadFiles()
		for _, f := range x.files {
			if f.AST != nil && !IgnoredDir(f.Path) {
				x.mentionsOf(f)
			}
		}
	})
}

// estimate guesses the memory of a cross-reference: its maps' entries and
// strings, at a few words each.
func (x *xrefDecls) estimate() int {
	n := 0
	for _, m := range []map[string]bool{x.types, x.state} {
		for k := range m {
			n += 32 + len(k)
		}
	}
	for k, v := range x.consts {
		n += 48 + len(k) + len(v)
	}
	for k := range x.envSet {
		n += 128 + len(k)
	}
	return n
}

// declare records what a file declares for the production-code rules.
func (x *xrefDecls) declare(f *SrcFile) {
	if IsTestFile(f.Path) {
		return
	}
	eachDeclared(f.AST.Decls, declaredTo{
		typ:   func(name string) { x.types[name] = true },
		state: func(name string) { x.state[name] = true },
		konst: func(name, value string) { x.consts[name] = value },
	})
}

// declaredTo receives, in order, what eachDeclared finds.
type declaredTo struct {
	typ   func(name string)        // a type
	state func(name string)        // a package-level variable, not a sentinel error
	konst func(name, value string) // a string constant and its value
}

// eachDeclared walks the general declarations of decls for what the
// production-code rules read of a package: its types, its package-level
// state and its string constants.
func eachDeclared(decls []ast.Decl, to declaredTo) {
	for _, d := range decls {
		d, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				to.typ(s.Name.Name)
			case *ast.ValueSpec:
				for i, n := range s.Names {
					if d.Tok == token.VAR && !sentinelError(n.Name, s, i) {
						to.state(n.Name)
					}
					if d.Tok == token.CONST && i < len(s.Values) {
						if l, ok := s.Values[i].(*ast.BasicLit); ok && l.Kind == token.STRING {
							v, _ := strconv.Unquote(l.Value)
							to.konst(n.Name, v)
						}
					}
				}
			}
		}
	}
}

// mentionsOf records a file's declarations, their bodies and initializers.
func (x *PkgXref) mentionsOf(f *SrcFile) {
	test := IsTestFile(f.Path)
	for _, d := range f.AST.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body != nil { // a function implemented in assembly has none
				x.mention(d.Name.Name, d.Body)
			}
			x.funcs[d.Name.Name] = true
			x.testDecl[d.Name.Name] = x.testDecl[d.Name.Name] || test
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if s, ok := s.(*ast.ValueSpec); ok {
					for _, n := range s.Names {
						for _, v := range s.Values {
							x.mention(n.Name, v)
						}
						x.testDecl[n.Name] = x.testDecl[n.Name] || test
					}
				}
			}
		}
	}
}

// sentinelError recognises var ErrX = errors.New(…): a variable in name
// only, compared against rather than changed.
func sentinelError(name string, vs *ast.ValueSpec, i int) bool {
	if strings.HasPrefix(name, "Err") || strings.HasPrefix(name, "err") {
		return true
	}
	if i < len(vs.Values) {
		if call, ok := vs.Values[i].(*ast.CallExpr); ok {
			recv, fn := CallName(call)
			return (recv == "errors" && fn == "New") || (recv == "fmt" && fn == "Errorf")
		}
	}
	return false
}

func (x *PkgXref) mention(name string, n ast.Node) {
	if n == nil {
		return
	}
	x.decls[name] = append(x.decls[name], declNode{node: n})
}

// mentioned returns the names the declarations named name mention, nil
// when none has a body or an initializer. It reads them on first use.
func (x *PkgXref) mentioned(name string) map[string]bool {
	nodes := x.decls[name]
	if len(nodes) == 0 {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if m, ok := x.mentions[name]; ok {
		return m
	}
	m := map[string]bool{}
	for _, n := range nodes {
		if n.node == nil {
			for ids := n.idents; ids != ""; {
				var id string
				id, ids, _ = strings.Cut(ids, "\x00")
				m[id] = true
			}
			continue
		}
		ast.Inspect(n.node, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				m[id.Name] = true
			}
			return true
		})
	}
	x.mentions[name] = m
	return m
}

// reaches reports whether the test-file declaration owner can exercise the
// function or method named fn: it mentions it, or mentions something that
// does, a few steps deep. A table variable reaches what the tests using it
// reach.
func (x *PkgXref) reaches(owner, fn string) bool {
	x.graph()
	k := owner + "\x00" + fn
	x.mu.Lock()
	v, ok := x.reached[k]
	x.mu.Unlock()
	if ok {
		return v
	}
	start := []string{owner}
	if !x.funcs[owner] {
		for name := range x.decls {
			if x.testDecl[name] && x.funcs[name] && x.mentioned(name)[owner] {
				start = append(start, name)
			}
		}
	}
	found := false
	seen := map[string]bool{}
	for depth := 0; depth < 6 && len(start) > 0 && !found; depth++ {
		var next []string
		for _, name := range start {
			if seen[name] {
				continue
			}
			seen[name] = true
			for m := range x.mentioned(name) {
				if m == fn {
					found = true
				}
				if len(x.decls[m]) > 0 && !seen[m] {
					next = append(next, m)
				}
			}
		}
		start = next
	}
	x.mu.Lock()
	x.reached[k] = found
	x.mu.Unlock()
	return found
}

// Reaches reports whether the test-file declaration owner (a test
// function, a helper or a table variable) can exercise the function or
// method named fn, following what each declaration mentions a few steps
// deep.
func (x *PkgXref) Reaches(owner, fn string) bool { return x.reaches(owner, fn) }

// Uses lists the uses of a literal value, in tests that reach fn, whose
// role is one of roles (roleUnknown always qualifies: a table cell may be
// either).
func (x *PkgXref) Uses(value, fn string, roles ...litRole) []*TestLit {
	var out []*TestLit
	for _, l := range x.testLits()[value] {
		ok := l.role == roleUnknown
		for _, r := range roles {
			ok = ok || l.role == r
		}
		if ok && x.reaches(l.Owner, fn) {
			out = append(out, l)
		}
	}
	return out
}

// packageWide calls look on what of decls runs for the whole package
// before its tests: the bodies of TestMain and init functions (owned by
// their names) and the package-level variable declarations ("var").
func packageWide(decls []ast.Decl, look func(owner string, n ast.Node)) {
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && (d.Name.Name == "TestMain" || d.Name.Name == "init") {
				look(d.Name.Name, d.Body)
			}
		case *ast.GenDecl:
			if d.Tok == token.VAR {
				look("var", d)
			}
		}
	}
}

// findSetenv records the environment variables a TestMain, an init or a
// package-level initializer of a test file sets with os.Setenv: set for the
// whole package, unlike t.Setenv.
func (x *xrefDecls) findSetenv(f *SrcFile) {
	osName := ImportName(f.AST, "os")
	if osName == "" {
		return
	}
	look := func(owner string, n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			if recv, name := CallName(call); recv == osName && name == "Setenv" {
				if v := StringArg(call, 0); v != "" {
					x.envSet[v] = &TestLit{Value: StringArg(call, 1), file: f.Path, line: f.Line(call.Pos()), Owner: owner}
				}
			}
			return true
		})
	}
	packageWide(f.AST.Decls, look)
}

// litWalker collects the literals of one test file with their roles.
type litWalker struct {
	x       *PkgXref
	f       *SrcFile
	owner   string
	structs map[string]*ast.StructType // struct types of the test files, for unkeyed table rows
	prod    map[string]bool            // names the package's non-test files declare
	imports map[string]bool
	under   string // the package under test, as an external test package calls it
}

func (w *litWalker) file() {
	for _, d := range w.f.AST.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body != nil {
				w.owner = d.Name.Name
				w.visit(d.Body, roleUnknown)
			}
		case *ast.GenDecl:
			if d.Tok == token.IMPORT || d.Tok == token.TYPE {
				continue
			}
			for _, s := range d.Specs {
				if vs, ok := s.(*ast.ValueSpec); ok && len(vs.Names) > 0 {
					w.owner = vs.Names[0].Name
					w.visit(vs, roleUnknown)
				}
			}
		}
	}
}

func (w *litWalker) record(e ast.Expr, role litRole) bool {
	v := LitValue(e)
	if v == "" {
		return false
	}
	if role != roleMessage && !TrivialValue[v] {
		w.x.lits[v] = append(w.x.lits[v], &TestLit{Value: v, role: role, file: w.f.Path, line: w.f.Line(e.Pos()), Owner: w.owner})
	}
	return true
}

// visit walks a node, passing down the role its literals play.
func (w *litWalker) visit(n ast.Node, role litRole) {
	if e, ok := n.(ast.Expr); ok && w.record(e, role) {
		return
	}
	switch n := n.(type) {
	case nil:
	case *ast.CallExpr:
		w.call(n, role)
	case *ast.BinaryExpr:
		if IsComparison(n.Op) && role != roleMessage {
			role = RoleExpected // got != 42: what the code's result is held to
		}
		w.visit(n.X, role)
		w.visit(n.Y, role)
	case *ast.CompositeLit:
		w.composite(n, nil, role)
	case *ast.AssignStmt:
		for i, r := range n.Rhs {
			rr := role
			if len(n.Lhs) == len(n.Rhs) {
				rr = nameRole(ExprName(n.Lhs[i]), role)
			}
			w.visit(r, rr)
		}
	case *ast.ValueSpec:
		for i, v := range n.Values {
			rr := role
			if len(n.Names) == len(n.Values) {
				rr = nameRole(n.Names[i].Name, role)
			}
			w.visit(v, rr)
		}
	case *ast.Field, *ast.FieldList:
		// parameters, struct fields and their tags: no test data
	case *ast.FuncLit:
		w.visit(n.Body, role)
	default:
		w.children(n, role)
	}
}

func (w *litWalker) children(n ast.Node, role litRole) {
	ast.Inspect(n, func(c ast.Node) bool {
		if c == n {
			return true
		}
		w.visit(c, role)
		return false
	})
}

func IsComparison(op token.Token) bool {
	switch op {
	case token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ:
		return true
	}
	return false
}

// assertNames are the assertion functions and matchers of the common test
// libraries whose arguments are expected values.
var assertNames = SetOf("Equal", "Equalf", "EqualValues", "EqualValuesf", "Exactly", "Equals", "DeepEqual", "DeepEquals",
	"Eq", "Contains", "Containsf", "ErrorContains", "EqualError", "EqualErrorf", "Len", "Lenf", "InDelta", "InEpsilon",
	"JSONEq", "YAMLEq", "ElementsMatch", "Same", "Assert", "Check", "Expect", "Ω", "To", "ToNot", "NotTo", "Should",
	"ShouldNot", "BeEquivalentTo", "HaveLen", "ContainSubstring", "MatchError", "Diff", "Greater", "Less",
	"GreaterOrEqual", "LessOrEqual", "HaveKey", "HaveValue", "ConsistOf", "ContainElement", "Regexp", "Match")

// messageNames are calls whose literal arguments are messages, not data.
var messageNames = SetOf("Error", "Errorf", "Fatal", "Fatalf", "Log", "Logf", "Skip", "Skipf", "Helper", "Name",
	"Print", "Printf", "Println", "Sprintf", "Sprint", "Sprintln", "Fprintf", "Fprintln", "Fprint", "Info", "Infof",
	"Debug", "Debugf", "Warn", "Warnf", "Describe", "Context", "It", "When", "By")

func (w *litWalker) call(call *ast.CallExpr, role litRole) {
	recv, name := CallName(call)
	switch {
	case role == roleMessage:
		return
	case w.isProdCall(recv, name):
		w.visit(call.Fun, RoleInput)
		for _, a := range call.Args {
			w.visit(a, RoleInput)
		}
		return
	case name == "Run" && len(call.Args) == 2:
		w.visit(call.Args[1], role) // t.Run(name, func…): the name is a label
		return
	case recv != "" && messageNames[name]:
		return
	case assertNames[name]:
		role = RoleExpected
	}
	w.visit(call.Fun, role)
	for _, a := range call.Args {
		w.visit(a, role)
	}
}

// isProdCall reports whether a call of a test file calls the package's own
// code: a function or method the non-test files declare, called bare, on a
// value, or through the package's name from an external test package.
func (w *litWalker) isProdCall(recv, name string) bool {
	if !w.prod[name] {
		return false
	}
	switch {
	case recv == "" || recv == "?" || recv == w.under:
		return true
	case w.imports[recv]:
		return false // assert.Equal, even when the package has an Equal method
	}
	return !assertNames[name]
}

// composite walks a composite literal; elided is the type its parent gives
// it when it is a row written without its type.
func (w *litWalker) composite(cl *ast.CompositeLit, elided ast.Expr, role litRole) {
	typ := cl.Type
	if typ == nil {
		typ = elided
	}
	switch t := w.resolve(typ).(type) {
	case *ast.ArrayType:
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			w.element(el, t.Elt, role)
		}
	case *ast.MapType:
		keyRole, valRole := RoleInput, RoleExpected // map[input]want
		if _, isStruct := w.resolve(t.Value).(*ast.StructType); isStruct {
			keyRole, valRole = roleMessage, role // map[caseName]struct{…}
		}
		if role == roleMessage {
			keyRole, valRole = roleMessage, roleMessage
		}
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				w.element(kv.Key, t.Key, keyRole)
				w.element(kv.Value, t.Value, valRole)
			}
		}
	case *ast.StructType:
		fields := fieldNames(t)
		for i, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				w.element(kv.Value, nil, fieldRole(ExprName(kv.Key), role))
			} else if i < len(fields) {
				w.element(el, nil, fieldRole(fields[i], role))
			} else {
				w.element(el, nil, role)
			}
		}
	default: // a type of the package under test, or one goodhart cannot see
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			w.element(el, nil, role)
		}
	}
}

func (w *litWalker) element(e ast.Expr, typ ast.Expr, role litRole) {
	inner := e
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		inner = u.X
	}
	if cl, ok := inner.(*ast.CompositeLit); ok && cl.Type == nil {
		if st, ok := typ.(*ast.StarExpr); ok {
			typ = st.X
		}
		w.composite(cl, typ, role)
		return
	}
	w.visit(e, role)
}

// resolve looks through pointers and the test files' named struct types.
func (w *litWalker) resolve(typ ast.Expr) ast.Expr {
	switch t := typ.(type) {
	case *ast.StarExpr:
		return w.resolve(t.X)
	case *ast.Ident:
		if st, ok := w.structs[t.Name]; ok {
			return st
		}
	}
	return typ
}

func fieldNames(st *ast.StructType) []string {
	var out []string
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 {
			out = append(out, ExprName(f.Type))
		}
		for _, n := range f.Names {
			out = append(out, n.Name)
		}
	}
	return out
}

func ExprName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.StarExpr:
		return ExprName(e.X)
	}
	return ""
}

// fieldRole reads a table column's role from its name: want, expected, out
// hold expected values; name, desc hold labels; the rest are inputs.
func fieldRole(name string, outer litRole) litRole {
	if outer == roleMessage {
		return roleMessage
	}
	n := strings.ToLower(name)
	switch {
	case isExpectedName(n):
		return RoleExpected
	case n == "name" || n == "desc" || n == "description" || n == "title" || n == "msg" || n == "message" ||
		n == "reason" || n == "comment" || n == "label" || n == "scenario" || n == "skip" || n == "doc" || n == "note":
		return roleMessage
	}
	return RoleInput
}

// nameRole reads the role of a value from the variable it is assigned to:
// want := 42 is expected, in := "x" an input; other names keep the outer role.
func nameRole(name string, outer litRole) litRole {
	if outer == roleMessage {
		return roleMessage
	}
	n := strings.ToLower(name)
	switch {
	case isExpectedName(n):
		return RoleExpected
	case n == "in" || n == "input" || strings.HasPrefix(n, "arg") || n == "give" || n == "given" || n == "src" || n == "raw":
		return RoleInput
	}
	return outer
}

func isExpectedName(n string) bool {
	for _, p := range []string{"want", "expect", "exp", "golden", "output"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return n == "out" || n == "result" || n == "res" || n == "should" || n == "correct"
}

// TestRefs formats where tests use a literal, at most max places.
func TestRefs(ls []*TestLit, max int) string {
	seen := map[string]bool{}
	var parts []string
	for _, l := range ls {
		w := l.Where()
		if seen[w] {
			continue
		}
		seen[w] = true
		parts = append(parts, w)
	}
	sort.Strings(parts)
	return ListNames(parts, max)
}
