package model

import (
	"go/ast"
	"strings"
)

// This file gives the rules what they need to judge code that runs in a
// test binary before (or instead of) its tests: init functions and
// package-level variable initializers of test files, and what they call.

// FuncNamed finds a package-level function (not a method) of the package in
// dir on the snapshot's side, and the file that declares it.
func (s *Snapshot) FuncNamed(dir, name string) (*ast.FuncDecl, *SrcFile) {
	h := s.helper(dir, name)
	if h == nil {
		return nil, nil
	}
	return h.decl, h.file
}

// ImportPath returns the import path the file's local package name refers
// to ("" when the file imports nothing under that name).
func (f *SrcFile) ImportPath(local string) string { return f.importPath(local) }

// PlatformOnly reports whether a file is left out of a default linux/amd64
// build only by platform: its name's _GOOS/_GOARCH suffix, or a build
// constraint over platforms, cgo or unix alone.
func PlatformOnly(f *SrcFile) bool {
	if x, _ := BuildExpr(f); x != nil && !x.Eval(DefaultTag) {
		_, kind := ConstraintSeverity(x)
		return kind == "platform"
	}
	goos, goarch := FileNamePlatform(f.Path)
	return (goos != "" && goos != defaultOS) || (goarch != "" && goarch != defaultArch)
}

// OptInCategory names the test category a file's build constraint asks for
// (`//go:build e2e`, `integration`) when that constraint alone leaves the
// file out of a default build, or "".
func OptInCategory(f *SrcFile) string {
	x, _ := BuildExpr(f)
	if x == nil || x.Eval(DefaultTag) {
		return ""
	}
	if _, kind := ConstraintSeverity(x); kind != "category" {
		return ""
	}
	tags := map[string]bool{}
	collectTags(x, tags)
	for t := range tags {
		if testCategoryTags[strings.ToLower(t)] {
			return t
		}
	}
	return ""
}
