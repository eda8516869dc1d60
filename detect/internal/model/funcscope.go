package model

import (
	"go/ast"
	"go/token"
	"strings"
)

// This file reads a function of non-test code the way the production-code
// rules need it: which names are its inputs, constants and derived values.

// FuncScope knows, for one function, which names are its own (parameters,
// results, locals) and which of them only ever hold constants.
type FuncScope struct {
	File    *SrcFile
	imports map[string]bool // local names of the file's imports
	Types   map[string]bool // type names declared in the package
	state   map[string]bool // package-level variables that hold state (not sentinel errors)
	Inputs  map[string]bool // parameters and receiver
	Locals  map[string]bool // every name the function binds, inputs included
	Consts  map[string]bool // locals that only ever hold constants
}

func NewFuncScope(f *SrcFile, fd *ast.FuncDecl, x *PkgXref) *FuncScope {
	s := &FuncScope{File: f, imports: importNames(f), Types: x.types, state: x.state, Inputs: map[string]bool{}, Locals: map[string]bool{}, Consts: map[string]bool{}}
	var fields []*ast.Field
	if fd.Recv != nil {
		fields = append(fields, fd.Recv.List...)
	}
	fields = append(fields, fd.Type.Params.List...)
	for _, fl := range fields {
		for _, n := range fl.Names {
			if n.Name != "_" {
				s.Inputs[n.Name] = true
				s.Locals[n.Name] = true
			}
		}
	}
	var results []string
	if fd.Type.Results != nil {
		for _, fl := range fd.Type.Results.List {
			for _, n := range fl.Names {
				s.Locals[n.Name] = true
				results = append(results, n.Name)
			}
		}
	}
	// A local holds a constant when every value bound to it is one: named
	// results start at their zero value, `var x T` too.
	assigned := map[string][]ast.Expr{}
	for _, r := range results {
		assigned[r] = nil
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				s.Locals[id.Name] = true
				var v ast.Expr = id // x += y, or a, b := f(): not a constant
				if len(n.Lhs) == len(n.Rhs) && (n.Tok == token.DEFINE || n.Tok == token.ASSIGN) {
					v = n.Rhs[i]
				}
				assigned[id.Name] = append(assigned[id.Name], v)
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				s.Locals[id.Name] = true
				if i < len(n.Values) && len(n.Values) == len(n.Names) {
					assigned[id.Name] = append(assigned[id.Name], n.Values[i])
				} else if len(n.Values) > 0 {
					assigned[id.Name] = append(assigned[id.Name], id)
				} else if _, ok := assigned[id.Name]; !ok {
					assigned[id.Name] = nil
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					s.Locals[id.Name] = true
					assigned[id.Name] = append(assigned[id.Name], id)
				}
			}
		case *ast.IncDecStmt:
			if id, ok := n.X.(*ast.Ident); ok {
				assigned[id.Name] = append(assigned[id.Name], id)
			}
		case *ast.UnaryExpr:
			if id, ok := n.X.(*ast.Ident); ok && n.Op == token.AND {
				assigned[id.Name] = append(assigned[id.Name], id) // &x escapes: anything may write it
			}
		case *ast.TypeSwitchStmt:
			if as, ok := n.Assign.(*ast.AssignStmt); ok {
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						s.Locals[id.Name] = true
						assigned[id.Name] = append(assigned[id.Name], id)
					}
				}
			}
		}
		return true
	})
	for changed := true; changed; {
		changed = false
		for name, vals := range assigned {
			if s.Consts[name] || s.Inputs[name] {
				continue
			}
			all := true
			for _, v := range vals {
				if !s.IsConst(v) {
					all = false
					break
				}
			}
			if all {
				s.Consts[name] = true
				changed = true
			}
		}
	}
	return s
}

// importNames returns the local names under which a file refers to its imports.
func importNames(f *SrcFile) map[string]bool {
	out := map[string]bool{}
	if f.AST == nil {
		return out
	}
	for _, imp := range f.AST.Imports {
		p := strings.Trim(imp.Path.Value, "\"`")
		if imp.Name != nil {
			out[imp.Name.Name] = true
			continue
		}
		name := baseName(p)
		if isMajorVersion(name) && DirOf(p) != "." { // example.com/x/v2 is package x
			name = baseName(DirOf(p))
		}
		if i := strings.IndexAny(name, ".-"); i > 0 {
			name = name[:i]
		}
		out[name] = true
	}
	return out
}

func isMajorVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

var BuiltinTypes = SetOf("bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
	"uint32", "uint64", "uintptr", "float32", "float64", "complex64", "complex128", "byte", "rune", "error", "any")

// constCalls are calls whose value is fixed when their arguments are:
// error and time constructors, formatting of constants.
var constCalls = SetOf("errors.New", "fmt.Errorf", "fmt.Sprintf", "fmt.Sprint", "time.Date", "time.Unix",
	"time.UnixMilli", "time.Duration", "time.Month", "big.NewInt", "big.NewFloat", "strconv.Itoa", "netip.MustParseAddr",
	"net.ParseIP", "url.URL")

// IsConst reports whether an expression always has the same value in this
// function: literals, named constants and package-level values, zero
// values, and composites, conversions and constructors of those.
func (s *FuncScope) IsConst(e ast.Expr) bool {
	switch e := e.(type) {
	case nil:
		return false
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		if s.Locals[e.Name] {
			return s.Consts[e.Name]
		}
		return !s.state[e.Name] // a named constant, a sentinel error, true/false/nil — not a variable holding state
	case *ast.ParenExpr:
		return s.IsConst(e.X)
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok && s.imports[id.Name] && !s.Locals[id.Name] {
			return true // http.StatusOK, io.EOF
		}
		return s.IsConst(e.X)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && s.IsConst(e.X)
	case *ast.BinaryExpr:
		return s.IsConst(e.X) && s.IsConst(e.Y)
	case *ast.CompositeLit:
		for _, el := range e.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			if !s.IsConst(el) {
				return false
			}
		}
		return true
	case *ast.CallExpr:
		return s.IsConstCall(e)
	}
	return false
}

func (s *FuncScope) IsConstCall(call *ast.CallExpr) bool {
	for _, arg := range call.Args {
		if !s.IsConst(arg) {
			return false
		}
	}
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		if fn.Name == "new" || BuiltinTypes[fn.Name] || (s.Types[fn.Name] && !s.Locals[fn.Name]) {
			return true // new(T), int64(3), Level(2)
		}
	case *ast.SelectorExpr:
		if id, ok := fn.X.(*ast.Ident); ok && s.imports[id.Name] {
			return constCalls[id.Name+"."+fn.Sel.Name]
		}
	case *ast.ArrayType, *ast.StarExpr, *ast.MapType:
		return true // []byte("x"), (*T)(nil)
	}
	return false
}

// Derived computes which locals of a function hold values derived from its
// inputs: the parameters and receiver, and whatever is computed from them
// without leaving the function's own logic (a network call breaks the chain:
// a status code from an HTTP response is not an input of the function).
func (s *FuncScope) Derived(body *ast.BlockStmt) map[string]bool {
	d := map[string]bool{}
	for n := range s.Inputs {
		d[n] = true
	}
	for changed, rounds := true, 0; changed && rounds < 8; rounds++ {
		changed = false
		mark := func(lhs []ast.Expr, from bool) {
			for _, l := range lhs {
				if id, ok := l.(*ast.Ident); ok && from && !d[id.Name] && id.Name != "_" {
					d[id.Name] = true
					changed = true
				}
			}
		}
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				any := false
				for _, r := range n.Rhs {
					any = any || s.IsDerived(r, d)
				}
				mark(n.Lhs, any)
			case *ast.ValueSpec:
				any := false
				for _, v := range n.Values {
					any = any || s.IsDerived(v, d)
				}
				var lhs []ast.Expr
				for _, id := range n.Names {
					lhs = append(lhs, id)
				}
				mark(lhs, any)
			case *ast.RangeStmt:
				mark([]ast.Expr{n.Key, n.Value}, s.IsDerived(n.X, d))
			case *ast.TypeSwitchStmt:
				if as, ok := n.Assign.(*ast.AssignStmt); ok {
					mark(as.Lhs, len(as.Rhs) == 1 && s.IsDerived(as.Rhs[0], d))
				}
			}
			return true
		})
	}
	return d
}

// pureCalls are the packages whose functions transform a value without
// reaching outside the program.
var purePackages = SetOf("strings", "strconv", "bytes", "unicode", "utf8", "path", "filepath", "math", "time", "fmt", "url", "slices", "maps", "sort", "netip", "big", "regexp")

// IsDerived reports whether an expression is computed from the inputs.
func (s *FuncScope) IsDerived(e ast.Expr, d map[string]bool) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return d[e.Name]
	case *ast.ParenExpr:
		return s.IsDerived(e.X, d)
	case *ast.SelectorExpr:
		return s.IsDerived(e.X, d)
	case *ast.IndexExpr:
		return s.IsDerived(e.X, d) || s.IsDerived(e.Index, d)
	case *ast.SliceExpr:
		return s.IsDerived(e.X, d)
	case *ast.StarExpr:
		return s.IsDerived(e.X, d)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && s.IsDerived(e.X, d)
	case *ast.BinaryExpr:
		return s.IsDerived(e.X, d) || s.IsDerived(e.Y, d)
	case *ast.TypeAssertExpr:
		return s.IsDerived(e.X, d)
	case *ast.CallExpr:
		return s.isDerivedCall(e, d)
	}
	return false
}

func (s *FuncScope) isDerivedCall(call *ast.CallExpr, d map[string]bool) bool {
	anyArg := false
	for _, a := range call.Args {
		anyArg = anyArg || s.IsDerived(a, d)
	}
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return anyArg // len(s), string(b), normalize(s): the package's own logic
	case *ast.SelectorExpr:
		if id, ok := fn.X.(*ast.Ident); ok && s.imports[id.Name] && !s.Locals[id.Name] {
			return anyArg && purePackages[id.Name]
		}
		// A method of an input: an accessor (d.Year(), s.String()) derives;
		// one that takes arguments may reach outside (c.client.Do(req)).
		return s.IsDerived(fn.X, d) && len(call.Args) == 0
	case *ast.ArrayType:
		return anyArg
	}
	return false
}
