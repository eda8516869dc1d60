package model

import (
	"bytes"
	"go/ast"
	"go/token"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The subject model answers, for something removed from the tests — a test,
// a table row, an assertion — what it exercised and what the range did to
// that. Tests go with the code they test: a test removed in the change that
// removes its function, its field or its error message followed the code;
// a test removed while what it checked still stands is the shortcut. The
// model works from syntax alone. Only changed files can lose a declaration,
// so the names the range removed are those that base's changed non-test
// files declare and head declares nowhere (its changed files, or the
// package the name lived in); a name found again anywhere in head was moved
// or kept, never gone.

// Subject is what a removed piece of test code exercised, as the range left it.
type Subject struct {
	// Gone lists what it used that the range removed from the code:
	// declarations ("parseLegacy") and messages the code no longer has
	// ("the message \"invalid first URL\"").
	Gone []string
	// Kept lists the messages it expected that the code still has: the
	// behaviour it checked is still there.
	Kept []string
	// Changed lists the functions it called whose declarations the range
	// changed; Retested says that new or changed tests of the range call
	// one of them.
	Changed  []string
	Retested bool
	// Untested lists the messages of Kept that no test of head's package
	// mentions any more: behaviour still in the code that nothing checks.
	Untested []string
	// CoveredBy names the new or changed tests of head (other than the
	// removed code's own test) that call the package functions it called.
	CoveredBy []string
	// PathGone lists branches of the functions it called that the range
	// removed and that it names ("configAction.Run no longer uses
	// TableFormat"): the function stays, the path it was written for went.
	PathGone []string
}

// Followed reports whether the removal followed the code: what it used was
// removed, or what it called was deliberately changed and tested anew,
// with none of the messages it expected left in the code.
func (s Subject) Followed() bool {
	return len(s.Gone) > 0 || (len(s.PathGone) > 0 && len(s.Untested) == 0) ||
		(len(s.Changed) > 0 && s.Retested && len(s.Kept) == 0)
}

// Why says, for a message, what evidence Followed rests on.
func (s Subject) Why() string {
	switch {
	case len(s.Gone) > 0:
		return "what it exercised was removed in this range (" + ListNames(s.Gone, 3) + ")"
	case len(s.PathGone) > 0 && len(s.Untested) == 0:
		return "the branch it was written for was removed in this range (" + ListNames(s.PathGone, 2) + ")"
	case len(s.Changed) > 0 && s.Retested && len(s.Kept) == 0:
		return "the code it exercised was changed in this range (" + ListNames(s.Changed, 3) + ") and other tests of it were added or updated, which reads as an intended change of behaviour"
	}
	return ""
}

// removedCode is what the range took out of, and changed in, the non-test
// code, computed once per analysis.
type removedCode struct {
	names   map[string]string // keys (see declaredIn) declared in base's changed files, nowhere in head → base path
	fields  map[string]string // a field or method name gone from its type, that no type of head's changed files has → the key
	changed map[string]bool   // functions and methods declared, differently, on both sides
	// changedIn holds the same names under their folder: dir, NUL, name.
	changedIn map[string]bool
	retest    map[string][]string // names new or changed tests of head mention → their names
}

// commonNames are names declared by too many types to resolve from syntax
// alone: a removed Close proves nothing about the Close a test called.
var commonNames = SetOf("Close", "String", "Error", "Run", "Start", "Stop", "Get", "Set", "Name", "Type", "Kind",
	"Len", "Read", "Write", "Init", "Open", "Reset", "Update", "Delete", "Create", "List", "Apply", "Validate",
	"Execute", "Handle", "Process", "Load", "Save", "Parse", "Value", "Values", "Key", "Keys", "Data", "Config",
	"Options", "Client", "Server", "Context", "Status", "State", "Result", "Results", "Items", "Item", "Path",
	"Next", "Done", "Wait", "Lock", "Unlock", "Add", "Remove", "Clear", "Copy", "Clone", "Equal", "Format",
	"Marshal", "Unmarshal", "MarshalJSON", "UnmarshalJSON", "ServeHTTP", "Do", "New", "Build", "Check", "Send",
	"Receive", "Call", "Invoke", "Info", "Debug", "Warn", "Message", "Code", "Body", "Header", "Headers", "Source",
	"Target", "Input", "Output", "Version", "Description", "Labels", "Spec", "Metadata", "Logger", "Log", "Test",
	"Setup", "Teardown", "Cleanup", "Default", "Enabled", "Disabled", "ID", "URL", "Host", "Port", "User", "File",
	"Files", "Dir", "Size", "Count", "Time", "Duration", "Timeout", "Err", "Errors", "Ctx", "Request", "Response")

// specificName reports whether a name says enough to resolve by name alone.
func specificName(n string) bool {
	return len(n) >= 4 && n != "_" && !commonNames[n] && !BuiltinTypes[n] && !builtinNames[n]
}

var builtinNames = SetOf("append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make",
	"max", "min", "new", "panic", "print", "println", "real", "recover", "true", "false", "nil", "iota")

func (a *Pass) removedCode() *removedCode {
	if a.removed != nil {
		return a.removed
	}
	rc := &removedCode{names: map[string]string{}, fields: map[string]string{}, changed: map[string]bool{}, changedIn: map[string]bool{}, retest: map[string][]string{}}
	a.removed = rc
	headNames := map[string]bool{}
	for _, f := range a.Head.Files {
		if f.AST != nil && !f.Generated && !IsTestFile(f.Path) {
			declaredIn(f.AST, func(key string) { headNames[key] = true })
		}
	}
	submodule := map[string]bool{} // dirs head replaced by a submodule: their code moved, not went
	for _, path := range slices.Sorted(maps.Keys(a.Base.Files)) {
		f := a.Base.Files[path]
		if f.AST == nil || f.Generated || IsTestFile(path) {
			continue
		}
		dir := DirOf(path)
		if a.Deleted[path] {
			s, ok := submodule[dir]
			if !ok {
				s = !a.Head.HasFiles(dir) && a.Submodule(dir)
				submodule[dir] = s
			}
			if s {
				continue
			}
		}
		declaredIn(f.AST, func(key string) {
			name := keyName(key)
			if _, ok := rc.names[key]; ok || headNames[key] || !specificName(name) {
				return
			}
			if key == name && a.Head.Declares(dir, name) {
				return
			}
			rc.names[key] = path
		})
	}
	// A field removed from its type, whose name no type of head's changed
	// files declares, is followed by name through selector chains
	// (got.Status.Count), where the syntax does not say the type.
	headMembers := map[string]bool{}
	for key := range headNames {
		if i := strings.IndexByte(key, '.'); i >= 0 {
			headMembers[key[i+1:]] = true
		}
	}
	for _, key := range slices.Sorted(maps.Keys(rc.names)) { // the same answer every run
		if i := strings.IndexByte(key, '.'); i > 0 && !headMembers[key[i+1:]] {
			if _, ok := rc.fields[key[i+1:]]; !ok {
				rc.fields[key[i+1:]] = key
			}
		}
	}
	for _, pf := range a.ChangedFuncs() {
		if pf.Old != nil {
			rc.changed[pf.Decl.Name.Name] = true
			rc.changedIn[pf.Dir+"\x00"+pf.Decl.Name.Name] = true
		}
	}
	for _, ht := range a.Head.Tests { // changed files: masks keep both sides alike
		if !ht.IsTest() {
			continue
		}
		if olds := a.Base.ByKey[ht.Key()]; len(olds) > 0 && olds[0].Fingerprint().Hash == ht.Fingerprint().Hash {
			continue // unchanged
		}
		seen := map[string]bool{}
		ast.Inspect(ht.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && !seen[id.Name] {
				seen[id.Name] = true
				rc.retest[id.Name] = append(rc.retest[id.Name], ht.Name)
			}
			return true
		})
	}
	return rc
}

// declaredIn calls add for every name a file declares, as a key: a
// top-level name as itself ("parseLegacy"), a method as ".Name", a struct
// field or interface method of type T as "T.Name".
func declaredIn(f *ast.File, add func(key string)) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil {
				add("." + d.Name.Name)
			} else {
				add(d.Name.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					add(s.Name.Name)
					var fields *ast.FieldList
					switch t := s.Type.(type) {
					case *ast.StructType:
						fields = t.Fields
					case *ast.InterfaceType:
						fields = t.Methods
					}
					if fields != nil {
						for _, fl := range fields.List {
							for _, n := range fl.Names {
								add(s.Name.Name + "." + n.Name)
							}
						}
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						add(n.Name)
					}
				}
			}
		}
	}
}

// keyName is the name a declaration key declares.
func keyName(key string) string { return key[strings.LastIndexByte(key, '.')+1:] }

// SubjectOf reads what nodes of base's test tf exercised, and what the
// range did to it. named says that tf itself was removed: a test named after
// a removed function (TestParseLegacyWithSummary after parseLegacy)
// followed it.
func (a *Pass) SubjectOf(tf *TestFunc, named bool, nodes ...ast.Node) Subject {
	name := ""
	if named && tf.Parent == nil {
		name = tf.Name
	}
	rc := a.removedCode()
	var s Subject
	seen := map[string]bool{}
	called := map[string]bool{}
	var lits []string
	message := map[*ast.BasicLit]bool{} // an assertion's own message: not what the test expected
	var locals map[string]string
	names, types := map[string]bool{}, map[string]bool{}
	for _, n := range nodes {
		if n == nil {
			continue
		}
		gone := func(key string) {
			if _, ok := rc.names[key]; ok && !seen[key] {
				seen[key] = true
				if name := keyName(key); !seen["name:"+name] { // T.Close and U.Close read as one
					seen["name:"+name] = true
					s.Gone = append(s.Gone, name)
				}
			}
		}
		ast.Inspect(n, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.SelectorExpr:
				// pkg.Name, or a method value.Name: the package's own
				// names and methods, by name (fields need their type).
				gone(x.Sel.Name)
				gone("." + x.Sel.Name)
				if key := rc.fields[x.Sel.Name]; key != "" {
					gone(key)
				}
				if id, ok := x.X.(*ast.Ident); ok {
					gone(id.Name)
					// v.Field, where the test declared v with a type of
					// the package: var v T, v := T{…}, v := &T{…}.
					if locals == nil {
						locals = localTypes(tf)
					}
					t := locals[id.Name]
					if fn, made := strings.CutPrefix(t, madeBy); made {
						t = a.resultType(tf.Dir, fn) // looked up only for a value a check reads
					}
					if t != "" {
						gone(t + "." + x.Sel.Name)
					}
				}
				return !isIdentExpr(x.X)
			case *ast.CompositeLit:
				// T{Field: v}: the fields of a type the syntax names.
				if t := typeName(x.Type); t != "" {
					types[strings.ToLower(t)] = true
					for _, el := range x.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok {
								gone(t + "." + k.Name)
							}
						}
					}
				}
			case *ast.Ident:
				gone(x.Name)
				names[x.Name] = true
			case *ast.CallExpr:
				for _, m := range assertionMessages(tf.File, x) {
					ast.Inspect(m, func(n ast.Node) bool {
						if l, ok := n.(*ast.BasicLit); ok {
							message[l] = true
						}
						return true
					})
				}
				if _, fn := CallName(x); fn != "" {
					called[fn] = true
					for _, p := range []string{"new", "New"} {
						if t, ok := strings.CutPrefix(fn, p); ok && t != "" {
							types[strings.ToLower(t)] = true
						}
					}
				}
			case *ast.BasicLit:
				if x.Kind == token.STRING && !message[x] {
					if v, err := strconv.Unquote(x.Value); err == nil && distinctiveMessage(v) {
						lits = append(lits, v)
					}
				}
			}
			return true
		})
	}
	if name != "" {
		for _, subject := range testSubjects(name) {
			for key := range rc.names {
				if gone := keyName(key); !seen[key] && len(gone) >= 6 && strings.EqualFold(gone, subject) {
					seen[key] = true
					s.Gone = append(s.Gone, gone)
				}
			}
		}
	}
	for _, v := range lits {
		had, has := a.codeHas(a.Base, v), a.codeHas(a.Head, v)
		switch {
		case had && !has:
			s.Gone = append(s.Gone, "the message "+strconv.Quote(v))
		case had && has && !CommonLiteral(v) && !slices.Contains(s.Kept, strconv.Quote(v)):
			s.Kept = append(s.Kept, strconv.Quote(v))
		}
	}
	root := tf.Root().Name
	covered := map[string]bool{}
	for fn := range called {
		if !specificName(fn) || !a.Base.Declares(tf.Dir, fn) {
			continue // not the package's own code
		}
		for _, by := range rc.retest[fn] {
			if by != root && !strings.HasPrefix(by, root+"/") {
				covered[by] = true
			}
		}
		if rc.changed[fn] {
			s.Changed = append(s.Changed, fn)
			if len(rc.retest[fn]) > 0 {
				s.Retested = true
			}
		} else if inner := a.wrapsChanged(tf.Dir, fn, rc); inner != "" {
			// An unchanged wrapper of changed code: Width(a, b) calling the
			// method whose rule the range redrew.
			s.Changed = append(s.Changed, fn+" (through "+inner+")")
			if len(rc.retest[fn]) > 0 {
				s.Retested = true
			}
		}
	}
	slices.Sort(s.Changed)
	s.CoveredBy = slices.Sorted(maps.Keys(covered))
	if locals == nil {
		locals = localTypes(tf)
	}
	for _, t := range locals {
		if t != "" && !strings.HasPrefix(t, madeBy) {
			types[strings.ToLower(t)] = true
		}
	}
	s.PathGone = a.pathGone(tf.Dir, called, types, names, name)
	for _, k := range s.Kept {
		v, _ := strconv.Unquote(k)
		if !a.testsMention(tf.Dir, v) {
			s.Untested = append(s.Untested, k)
		}
	}
	slices.Sort(s.Gone)
	slices.Sort(s.Changed)
	return s
}

// FuncChanged reports whether the range changed the declaration of a
// function or method of that name (one it added does not count).
func (a *Pass) FuncChanged(name string) bool { return a.removedCode().changed[name] }

// goBuiltins are Go's predeclared functions: a bare call of one is never
// the package's own code, whatever its methods are called.
var goBuiltins = SetOf("append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make",
	"max", "min", "new", "panic", "print", "println", "real", "recover")

// wrapsChanged names a function or method of the same package that the
// range changed and that fn, a function of the package the range left as
// it was, calls directly; "" when it calls none.
func (a *Pass) wrapsChanged(dir, fn string, rc *removedCode) string {
	d := a.Head.FuncDecl(dir, fn)
	if d == nil || d.Body == nil {
		return ""
	}
	inner := ""
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && inner == "" {
			if recv, name := CallName(call); name != fn && rc.changedIn[dir+"\x00"+name] && !(recv == "" && goBuiltins[name]) {
				inner = name
			}
		}
		return inner == ""
	})
	return inner
}

// TestsMention reports whether a test file of head's package dir holds v.
func (a *Pass) TestsMention(dir, v string) bool { return a.testsMention(dir, v) }

// TestsMentionIdent reports whether a test file of head's package dir
// holds the identifier name as a whole word: Sub in Sub(3, 1) or calc.Sub,
// not in TestSub or Subtract.
func (a *Pass) TestsMentionIdent(dir, name string) bool {
	for _, f := range a.Head.text(dir).files {
		if IsTestFile(f.path) && hasIdent(f.source(), name) {
			return true
		}
	}
	return false
}

func hasIdent(src []byte, name string) bool {
	isIdent := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
	}
	for from := 0; ; {
		i := bytes.Index(src[from:], []byte(name))
		if i < 0 {
			return false
		}
		i += from
		end := i + len(name)
		if (i == 0 || !isIdent(src[i-1])) && (end == len(src) || !isIdent(src[end])) {
			return true
		}
		from = i + 1
	}
}

// SpecificName reports whether a name says enough to resolve by name alone:
// not Close, Run or a builtin.
func SpecificName(n string) bool { return specificName(n) }

// TestSubjects splits a test's name into the names it may be named after
// (see testSubjects).
func TestSubjects(name string) []string { return testSubjects(name) }

// Reworked reports whether a test of head is new in the range or its body
// changed, reading the whole package on both sides.
func (a *Pass) Reworked(ht *TestFunc) bool {
	bts := a.Base.PkgTests(ht.Dir)
	at, ok := a.baseKeys[ht.Dir]
	if !ok || at.n != len(bts) {
		// The first of base's tests under each key, by its place in
		// PkgTests: the index holds positions, not the tests, so a view
		// let go (Pass.release) and read again is not kept alive here.
		at = keyIndex{n: len(bts), first: make(map[string]int, len(bts))}
		for i, bt := range bts {
			if _, seen := at.first[bt.Key()]; !seen {
				at.first[bt.Key()] = i
			}
		}
		if a.baseKeys == nil {
			a.baseKeys = map[string]keyIndex{}
		}
		a.baseKeys[ht.Dir] = at
	}
	if i, ok := at.first[ht.Key()]; ok {
		return bts[i].Fingerprint().Hash != ht.Fingerprint().Hash
	}
	return true
}

// keyIndex places each key of a package's tests in base (Reworked).
type keyIndex struct {
	n     int // how many tests PkgTests gave
	first map[string]int
}

// typeName reads the type a composite literal names: T, pkg.T, *T, or
// "" for a literal of an unnamed type.
func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.SelectorExpr:
		return t.Sel.Name
	case *ast.StarExpr:
		return typeName(t.X)
	case *ast.IndexExpr:
		return typeName(t.X)
	}
	return ""
}

// resultType gives, for a function of the package in dir, the type its
// first result names in base (newClient → Client for *Client); "" when
// there is none.
func (a *Pass) resultType(dir, fn string) string {
	d := a.Base.FuncDecl(dir, fn)
	if d == nil || d.Type.Results == nil || len(d.Type.Results.List) == 0 {
		return ""
	}
	return typeName(d.Type.Results.List[0].Type)
}

// madeBy marks, in localTypes, a variable a call of a package function
// made (v := newT(…), v, err := newT(…)): "made by " and the function's
// name, whose first result's type is looked up when the variable matters.
const madeBy = "made by "

// localTypes reads, from the body of tf's outermost test, the variables
// declared with a type the syntax names: var v T, v := T{…}, v := &T{…};
// and those a call of a package function made, marked madeBy. A name given
// two types is left out.
func localTypes(tf *TestFunc) map[string]string {
	out := map[string]string{}
	root := tf
	for root.Parent != nil {
		root = root.Parent
	}
	if root.Body == nil {
		return out
	}
	set := func(name, t string) {
		if name == "_" || t == "" {
			return
		}
		if old, ok := out[name]; ok && old != t {
			t = ""
		}
		out[name] = t
	}
	ast.Inspect(root.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.ValueSpec:
			if x.Type != nil {
				for _, id := range x.Names {
					set(id.Name, typeName(x.Type))
				}
			}
		case *ast.AssignStmt:
			if x.Tok == token.DEFINE && len(x.Rhs) == 1 && len(x.Lhs) >= 1 {
				if call, ok := x.Rhs[0].(*ast.CallExpr); ok {
					if id, ok := x.Lhs[0].(*ast.Ident); ok {
						if recv, fn := CallName(call); recv == "" && fn != "" {
							set(id.Name, madeBy+fn)
						}
					}
				}
			}
			if x.Tok != token.DEFINE || len(x.Lhs) != len(x.Rhs) {
				return true
			}
			for i, l := range x.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok {
					continue
				}
				r := x.Rhs[i]
				if u, ok := r.(*ast.UnaryExpr); ok && u.Op == token.AND {
					r = u.X
				}
				if cl, ok := r.(*ast.CompositeLit); ok {
					set(id.Name, typeName(cl.Type))
				}
			}
		}
		return true
	})
	return out
}

func isIdentExpr(e ast.Expr) bool { _, ok := e.(*ast.Ident); return ok }

// testsMention reports whether a test file of head's package dir holds v.
func (a *Pass) testsMention(dir, v string) bool {
	b := []byte(v)
	for _, f := range a.Head.text(dir).files {
		if IsTestFile(f.path) && bytes.Contains(f.source(), b) {
			return true
		}
	}
	return false
}

// distinctiveMessage reports whether a string a test uses is specific
// enough that finding it in the code ties the test to that code: a message
// of a few words or a long compound name (a flag, a header, a key), not a
// short word, a number or a blob of text.
func distinctiveMessage(v string) bool {
	if len(v) < 8 || !strings.ContainsAny(v, " -_.") || strings.ContainsAny(v, "\n\t") {
		return false
	}
	letters := 0
	for _, r := range v {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 6
}

// CommonLiteral reports whether a string names something many unrelated
// parts of a program mention — an HTTP header ("Content-Type",
// "X-Request-Id") or a file name ("config.yaml") — rather than a behaviour
// of one piece of code: finding it still in the code says nothing about
// whether what a removed test checked is still there.
func CommonLiteral(v string) bool {
	if headerName(v) {
		return true
	}
	base, ext, ok := cutLastDot(v)
	return ok && base != "" && fileExts[strings.ToLower(ext)] && !strings.ContainsAny(v, " /:")
}

func cutLastDot(v string) (string, string, bool) {
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return v, "", false
	}
	return v[:i], v[i+1:], true
}

// headerName matches the Title-Case, hyphen-joined words of HTTP header
// names: Content-Type, Mcp-Session-Id, X-Forwarded-For.
func headerName(v string) bool {
	parts := strings.Split(v, "-")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if p == "" || !unicode.IsUpper(rune(p[0])) {
			return false
		}
		for _, r := range p {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

var fileExts = SetOf("yaml", "yml", "json", "toml", "ini", "conf", "cfg", "env", "txt", "md", "go", "mod", "sum",
	"lock", "xml", "html", "css", "js", "ts", "py", "sh", "log", "pem", "key", "crt", "tar", "gz", "tgz", "zip",
	"bicep", "tf", "hcl", "proto", "sql", "db", "csv", "png", "svg", "jpg", "exe", "dll", "so", "bin", "out")

// codeHas reports whether the changed non-test files of a side hold v.
// Only changed files can gain or lose it, so the two sides' answers tell
// whether the range removed it.
func (a *Pass) codeHas(s *Snapshot, v string) bool {
	b := []byte(v)
	for path, f := range s.Files {
		if !IsTestFile(path) && !f.Generated && bytes.Contains(f.Src, b) {
			return true
		}
	}
	return false
}

// testSubjects splits a test's name into the names it may be named after:
// TestSquashWisp_Summary → SquashWisp, Summary, and every leading run of
// its camel-case words (Squash, SquashWisp).
func testSubjects(name string) []string {
	name = ShortName(name)
	for _, p := range []string{"Test", "Benchmark", "Fuzz", "Example"} {
		if strings.HasPrefix(name, p) {
			name = strings.TrimPrefix(name[len(p):], "_")
			break
		}
	}
	var out []string
	for _, part := range strings.Split(name, "_") {
		if part == "" {
			continue
		}
		out = append(out, part)
		words := camelWords(part)
		for i := 1; i < len(words); i++ {
			out = append(out, strings.Join(words[:i], ""))
		}
	}
	return out
}

// camelWords splits ParseHTTPHeader into Parse, HTTP, Header.
func camelWords(s string) []string {
	var out []string
	start := 0
	rs := []rune(s)
	for i := 1; i < len(rs); i++ {
		if unicode.IsUpper(rs[i]) && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))) {
			out = append(out, string(rs[start:i]))
			start = i
		}
	}
	return append(out, string(rs[start:]))
}

// CamelWords splits ParseHTTPHeader into Parse, HTTP, Header.
func CamelWords(s string) []string { return camelWords(s) }

// CommonName reports whether a name is declared by too many types, or is
// too much a builtin, to tie a test to one function: Close, Run, len.
func CommonName(n string) bool { return commonNames[n] || BuiltinTypes[n] || builtinNames[n] }

// CodeDropped reports whether the range removed v from the code: a changed
// non-test file of base holds it and none of head's does. A test value the
// code no longer mentions (a version a removed pattern matched, a key a
// removed branch read) went with that code.
func (a *Pass) CodeDropped(v string) bool {
	if d, ok := a.dropped[v]; ok {
		return d
	}
	if a.dropped == nil {
		a.dropped = map[string]bool{}
	}
	d := a.codeHas(a.Base, v) && !a.codeHas(a.Head, v)
	a.dropped[v] = d
	return d
}
