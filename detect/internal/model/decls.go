package model

import (
	"go/ast"
	"go/token"
	"strings"
)

// DeclNames lists the names a top-level declaration introduces: a function,
// a method (by its name), types, constants and variables.
func DeclNames(d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return []string{d.Name.Name}
	case *ast.GenDecl:
		var out []string
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				out = append(out, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					out = append(out, n.Name)
				}
			}
		}
		return out
	}
	return nil
}

// declKey names a top-level declaration uniquely enough to find it again in
// another version of the file: "func Recv.Name", "type T", "var x".
func declKey(d ast.Decl) string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil && len(d.Recv.List) > 0 {
			return "func " + receiverType(d) + "." + d.Name.Name
		}
		return "func " + d.Name.Name
	case *ast.GenDecl:
		names := DeclNames(d)
		if len(names) == 0 {
			return d.Tok.String() + " _"
		}
		return d.Tok.String() + " " + strings.Join(names, ",")
	}
	return ""
}

// countUses adds up how often each identifier occurs in a file.
func countUses(f *SrcFile, into map[string]int) {
	ast.Inspect(f.AST, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			into[id.Name]++
		}
		return true
	})
}

// nearestLine finds where something deleted from base's file stood in head's
// version of it: just after the closest earlier declaration that survived,
// else at the closest later one, else the first line. Annotations can only
// point at lines that exist in head.
func nearestLine(baseFile, headFile *SrcFile, pos token.Pos) int {
	if headFile != nil {
		baseFile, headFile = baseFile.full(), headFile.full() // every surviving declaration counts
	}
	if headFile == nil || headFile.AST == nil || baseFile.AST == nil {
		return 0
	}
	head := map[string]ast.Decl{}
	for _, d := range headFile.AST.Decls {
		head[declKey(d)] = d
	}
	var before, after ast.Decl
	for _, d := range baseFile.AST.Decls {
		hd, ok := head[declKey(d)]
		if !ok {
			continue
		}
		if d.End() <= pos {
			before = hd
		} else if d.Pos() > pos && after == nil {
			after = hd
		}
	}
	switch {
	case before != nil:
		return headFile.Line(before.End())
	case after != nil:
		return headFile.Line(after.Pos())
	}
	return max(1, headFile.Line(headFile.AST.Package))
}

// slot returns the stretch of head's file between the declarations that
// surrounded pos in base and survived: where something at pos would stand.
func slot(baseFile, headFile *SrcFile, pos token.Pos) (lo, hi token.Pos) {
	baseFile, headFile = baseFile.full(), headFile.full() // every surviving declaration counts
	lo, hi = headFile.AST.Package, headFile.AST.End()
	if baseFile.AST == nil {
		return lo, hi
	}
	head := map[string]ast.Decl{}
	for _, d := range headFile.AST.Decls {
		head[declKey(d)] = d
	}
	for _, d := range baseFile.AST.Decls {
		hd, ok := head[declKey(d)]
		if !ok {
			continue
		}
		if d.End() <= pos {
			lo = hd.End()
		} else if d.Pos() > pos {
			hi = hd.Pos()
			break
		}
	}
	return lo, hi
}

// CalledNames lists the functions and methods a body calls by name, leaving
// out calls on the test's own *testing.T.
func CalledNames(tf *TestFunc) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(tf.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		recv, name := CallName(call)
		if name != "" && (recv == "" || recv != tf.Param) {
			out[name] = true
		}
		return true
	})
	return out
}
