package model

import (
	"bufio"
	"bytes"
	"go/ast"
	"path"
	"slices"
	"strconv"
	"strings"
)

// This file follows a call into another package of the same module, from
// syntax alone: the import path names the package, the nearest go.mod above
// the calling file names the module, and the difference is the folder to read
// in the same tree. A skip or a check made through testutil.SkipFlaky(t), an
// internal/testenv-style helper or a shared assert package is then seen as if
// the helper were the package's own.

// modInfo is the module a folder belongs to: the folder of its go.mod and
// the module path that go.mod declares ("" when none was found).
type modInfo struct {
	dir, path string
	src       []byte // the go.mod itself
}

// module finds the module of a folder: the nearest go.mod at or above it on
// this side, read once per folder.
func (s *Snapshot) module(dir string) modInfo {
	if dir == "" {
		dir = "."
	}
	if m, ok := s.mods[dir]; ok || s.ld == nil {
		return m
	}
	if s.mods == nil {
		s.mods = map[string]modInfo{}
	}
	var m modInfo
	for _, f := range s.ld.list(s.Rev, dir) {
		if baseName(f.Path) != "go.mod" {
			continue
		}
		if src, err := s.ld.repo.Blob(f.Blob); err == nil {
			if p := modulePath(src); p != "" {
				m = modInfo{dir: dir, path: p, src: src}
			}
		}
	}
	if m.path == "" && dir != "." {
		m = s.module(DirOf(dir))
	}
	s.mods[dir] = m
	return m
}

// Module names the module a folder belongs to on this side: the folder of
// the nearest go.mod at or above it and the module path it declares ("",
// "" when there is none).
func (s *Snapshot) Module(dir string) (modDir, modPath string) {
	m := s.module(dir)
	return m.dir, m.path
}

// modulePath reads the module directive of a go.mod.
func modulePath(src []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		rest, _, _ = strings.Cut(strings.TrimSpace(rest), "//")
		rest = strings.TrimSpace(rest)
		if q, err := strconv.Unquote(rest); err == nil {
			rest = q
		}
		return rest
	}
	return ""
}

// ModuleDir returns the folder, in the same tree, of the package a file
// imports under the local name recv when that package belongs to the file's
// own module; "" otherwise (the standard library, a dependency, a name the
// file does not import).
func (s *Snapshot) ModuleDir(f *SrcFile, recv string) string {
	if f == nil || recv == "" {
		return ""
	}
	ip := f.importPath(recv)
	if ip == "" || !strings.Contains(ip, ".") && !strings.Contains(ip, "/") {
		return ""
	}
	m := s.module(DirOf(f.Path))
	if m.path == "" {
		return ""
	}
	var rel string
	switch {
	case ip == m.path:
		rel = "."
	case strings.HasPrefix(ip, m.path+"/"):
		rel = ip[len(m.path)+1:]
	default:
		return ""
	}
	if m.dir == "." {
		return path.Clean(rel)
	}
	return path.Clean(m.dir + "/" + rel)
}

// moduleHelper finds the function name of another package of the module
// that a file imports as recv, or nil.
func (s *Snapshot) moduleHelper(f *SrcFile, recv, name string) (*helperFunc, string) {
	dir := s.ModuleDir(f, recv)
	if dir == "" || dir == DirOf(f.Path) {
		return nil, ""
	}
	if h := s.helper(dir, name); h != nil && !IsTestFile(h.file.Path) {
		return h, dir
	}
	return nil, ""
}

// followSkips walks into a helper of another package of the module that
// receives the test's *testing.T and keeps the skips it reaches, graded on
// the helper's own conditions. It reports whether the helper was found.
// (Its checks stay one assertion of the caller's, as before: what a shared
// assert package checks is judged at the package, where it changes.)
func (w *siteWalker) followSkips(call *ast.CallExpr, recv, name string, gates []gate, loop bool) bool {
	if w.depth >= 3 || slices.Contains(w.via, recv+"."+name) {
		return false
	}
	w.deps.module()
	h, dir := w.snap.moduleHelper(w.sc.file, recv, name)
	if h == nil {
		return false
	}
	sc, subst := h.scope(call, w.sc, w)
	inner := &siteWalker{snap: w.snap, dir: dir, sc: sc, top: w.top, depth: w.depth + 1,
		via: append(append([]string(nil), w.via...), recv+"."+name), outer: w.outer, subst: subst, ranges: w.ranges, body: w.body, deps: w.deps}
	if inner.outer == nil {
		inner.outer = call
	}
	inner.block(h.decl.Body.List, gates, loop)
	for _, s := range inner.sites {
		if s.Kind != SiteSkip {
			continue
		}
		s.InLoop = s.InLoop || loop
		w.sites = append(w.sites, s)
	}
	return true
}

// IsSupportHelper reports whether a function of a non-test file takes a
// *testing.T-like value: a helper of a test-support package
// (internal/testutil, a shared assert package) that tests of other packages
// call.
func (tf *TestFunc) IsSupportHelper() bool {
	if tf.Kind != kindOther || tf.Parent != nil || IsTestFile(tf.File.Path) {
		return false
	}
	fd, ok := tf.Decl.(*ast.FuncDecl)
	return ok && fd.Recv == nil && testingParam(tf.File, fd.Type.Params.List) != ""
}

// SupportHelpers pairs the test-support helpers of changed non-test files
// that kept their name and changed their body: a skip or a check turned into
// a log there reaches every test of the module that calls it, and is judged
// once, at the helper, as a test file's helper is (see pairHelpers).
func (a *Pass) SupportHelpers() []*Match {
	if a.support != nil {
		return *a.support
	}
	var out []*Match
	for _, bt := range a.Base.Tests {
		if !bt.IsSupportHelper() {
			continue
		}
		for _, ht := range a.Head.ByKey[bt.Key()] {
			if ht.IsSupportHelper() && !bytes.Equal(bt.bodySrc(), ht.bodySrc()) {
				out = append(out, &Match{Base: bt, Head: ht, Kind: MatchSame})
			}
		}
	}
	a.support = &out
	return out
}

// IsAnyHelper reports whether a function is a helper tests hand their
// *testing.T to, in a test file of the package or in a test-support package.
func (tf *TestFunc) IsAnyHelper() bool { return tf.IsHelper() || tf.IsSupportHelper() }
