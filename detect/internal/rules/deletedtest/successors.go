package deletedtest

// This file looks for where a deleted test lives on: a successor that took
// its place under another name, in another package or file, in a table, or
// a twin that already covers it; and for the API change its callers
// followed. Each answer lowers the deletion to info.

import (
	"go/ast"
	"go/token"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// signatureChanged finds a function of the package (test helpers
// included) that the deleted test called with as many arguments as base's
// declaration takes, whose head declaration takes another number, and that
// a test the range added or rewrote still calls: the API the test was
// written against changed, and the tests kept were brought along.
func (a *pass) signatureChanged(bt *model.TestFunc) (string, int, int) {
	if bt.Body == nil {
		return "", 0, 0
	}
	var fn string
	var had, has int
	ast.Inspect(bt.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || fn != "" {
			return fn == ""
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		if !ok || call.Ellipsis.IsValid() {
			return true
		}
		bd, hd := a.Base.FuncDecl(bt.Dir, id.Name), a.Head.FuncDecl(bt.Dir, id.Name)
		if bd == nil || hd == nil || variadic(bd) || variadic(hd) {
			return true
		}
		b, h := paramCount(bd), paramCount(hd)
		if b == h || len(call.Args) != b || !a.retested(bt, id.Name) {
			return true
		}
		fn, had, has = id.Name, b, h
		return false
	})
	return fn, had, has
}

func variadic(fd *ast.FuncDecl) bool {
	ps := fd.Type.Params.List
	if len(ps) == 0 {
		return false
	}
	_, ok := ps[len(ps)-1].Type.(*ast.Ellipsis)
	return ok
}

func paramCount(fd *ast.FuncDecl) int {
	n := 0
	for _, f := range fd.Type.Params.List {
		n += max(1, len(f.Names))
	}
	return n
}

// retested reports whether a test of head's package other than bt, that
// the range added or rewrote, calls fn.
func (a *pass) retested(bt *model.TestFunc, fn string) bool {
	for _, ht := range a.Head.Pkg(bt.Dir).Tests {
		if ht.Parent == nil && ht.Name != bt.Name && model.CalledNames(ht)[fn] && a.Reworked(ht) {
			return true
		}
	}
	return false
}

// referenceGone finds, in a deleted test, a call of a function that base's
// test files declared, that head's package no longer declares anywhere, and
// whose name is a production function's with a marker of a reference copy
// (referenceParse or parseOld beside Parse): the test pinned the code, or
// the old pipeline itself, to a copy of an earlier implementation, and the
// copy went with it. It returns the copy and the function it copies.
func (a *pass) referenceGone(bt *model.TestFunc) (string, string) {
	for _, ref := range slices.Sorted(maps.Keys(model.CalledNames(bt))) {
		if a.Base.Declares(bt.Dir, ref) || !a.Base.DeclaresAnywhere(bt.Dir, ref) || a.Head.DeclaresAnywhere(bt.Dir, ref) {
			continue
		}
		if fn := a.copiedFunc(bt.Dir, ref); fn != "" {
			return ref, fn
		}
	}
	return "", ""
}

// copiedFunc strips a reference-copy marker from a name (reference, ref,
// old, legacy, naive, slow, orig, original, baseline) and returns the
// production function of the package the rest names, or "".
func (a *pass) copiedFunc(dir, name string) string {
	lower := strings.ToLower(name)
	for _, m := range []string{"reference", "original", "baseline", "legacy", "naive", "orig", "slow", "ref", "old"} {
		var rest string
		switch {
		case strings.HasPrefix(lower, m):
			rest = strings.TrimLeft(name[len(m):], "_")
		case strings.HasSuffix(lower, m):
			rest = strings.TrimRight(name[:len(name)-len(m)], "_")
		default:
			continue
		}
		if len(rest) < 4 {
			continue
		}
		for _, cand := range []string{rest, strings.ToUpper(rest[:1]) + rest[1:], strings.ToLower(rest[:1]) + rest[1:]} {
			if model.SpecificName(cand) && a.Base.Declares(dir, cand) {
				return cand
			}
		}
	}
	return ""
}

// copyTwin finds a head test of the package whose name is the deleted
// test's without a suffix that marks only a copy (_Coverage3, _Final,
// Extra, V2, 2), which calls a function of the package the deleted test
// called.
func (a *pass) copyTwin(bt *model.TestFunc) string {
	if bt.Parent != nil {
		return ""
	}
	called := model.CalledNames(bt)
	for _, ht := range a.Head.Pkg(bt.Dir).Tests {
		if ht.Parent != nil || !ht.IsTest() || len(ht.Name) >= len(bt.Name) || !sameStem(bt.Name, ht.Name) || !copySuffix(bt.Name[len(ht.Name):]) {
			continue
		}
		for fn := range model.CalledNames(ht) {
			if called[fn] && model.SpecificName(fn) && a.Head.Declares(bt.Dir, fn) {
				return ht.Name
			}
		}
	}
	return ""
}

// copySuffix reports whether a test name's suffix only marks a copy:
// words such as Coverage, Final, Extra, More, Additional, Copy, Dup, and
// version or sequence numbers.
func copySuffix(s string) bool {
	s = strings.Trim(s, "_")
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, "_") {
		for _, w := range splitCamelDigits(part) {
			if !copyWords[strings.ToLower(w)] && strings.Trim(w, "0123456789") != "" && !(len(w) > 1 && (w[0] == 'V' || w[0] == 'v') && strings.Trim(w[1:], "0123456789") == "") {
				return false
			}
		}
	}
	return true
}

var copyWords = model.SetOf("coverage", "cov", "final", "deeper", "deep", "extra", "more", "additional", "copy", "dup",
	"duplicate", "again", "also", "v", "second", "third", "round", "finish", "boost", "gap", "gaps")

// splitCamelDigits splits Coverage3 into Coverage, 3 and RoundTwo into Round, Two.
func splitCamelDigits(s string) []string {
	var out []string
	start := 0
	for i := 1; i < len(s); i++ {
		c, p := s[i], s[i-1]
		upper := c >= 'A' && c <= 'Z'
		digit, pdigit := c >= '0' && c <= '9', p >= '0' && p <= '9'
		if upper || digit != pdigit {
			out = append(out, s[start:i])
			start = i
		}
	}
	return append(out, s[start:])
}

// movedAway finds, for a deleted test, a test of the same name that the
// range added or rewrote in another package and that calls a function the
// deleted one called: a test moved to the package that owns its subject.
// It returns that test's file and the shared function.
func (a *pass) movedAway(bt *model.TestFunc) (string, string) {
	if bt.Parent != nil {
		return "", ""
	}
	name := model.ShortName(bt.Name)
	called := model.CalledNames(bt)
	for _, ht := range a.Head.Tests {
		if ht.Parent != nil || ht.Dir == bt.Dir || !ht.IsTest() || model.ShortName(ht.Name) != name || !a.Reworked(ht) {
			continue
		}
		for _, fn := range slices.Sorted(maps.Keys(model.CalledNames(ht))) {
			if called[fn] && model.SpecificName(fn) {
				return ht.File.Path, fn
			}
		}
	}
	return "", ""
}

// rowNamedAfter finds, for a deleted top-level test, a case name in a test
// of its package that the range added or rewrote — a string of a few plain
// words, such as a table row's name or a t.Run name — whose words are
// nearly all words of the deleted test's name (TestBatchMixedRequests and
// "mixed requests"): the test became a row of that table.
func (a *pass) rowNamedAfter(bt *model.TestFunc) (string, string) {
	if bt.Parent != nil || bt.Kind == model.KindSpec {
		return "", ""
	}
	nameWords := map[string]bool{}
	for _, part := range strings.Split(model.ShortName(bt.Name), "_") {
		for _, w := range model.CamelWords(part) {
			nameWords[stem(w)] = true
		}
	}
	for _, ht := range a.Head.Pkg(bt.Dir).Tests {
		// Whether the range added or rewrote the test is asked last: it
		// fingerprints the package's tests on both sides.
		if ht.Parent != nil || !ht.IsTest() || ht.Name == bt.Name || ht.Body == nil {
			continue
		}
		found := ""
		ast.Inspect(ht.Body, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || found != "" {
				return found == ""
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil || !caseName(v) {
				return true
			}
			content, shared := 0, 0
			for _, w := range strings.Fields(v) {
				if len(w) < 4 {
					continue
				}
				content++
				if nameWords[stem(w)] {
					shared++
				}
			}
			if shared >= 2 && 3*shared >= 2*content {
				found = v
			}
			return true
		})
		if found != "" && a.Reworked(ht) {
			return ht.Name, found
		}
	}
	return "", ""
}

// fileRewritten recognises a deleted test file rewritten as a new one,
// often in another package (white-box tests turned black-box, tests moved
// next to the code that loads what they checked): at least two of its tests
// and a third of them moved (with edits) or were rewritten (RewrittenAs)
// into tests of one file the range added. A test of the deleted file left without a counterpart of its
// own is taken as rewritten there too when a test of that file shares two
// words of its name. It returns the new file, how many tests it took, how
// many the deleted file had, and the test sharing the name.
func (a *pass) fileRewritten(bt *model.TestFunc) (string, int, int, string) {
	if bt.Parent != nil || a.HeadFile(bt.File.Path) != nil {
		return "", 0, 0, ""
	}
	h := a.homesOf(bt)
	all, took := h.all, h.took
	for _, file := range slices.Sorted(maps.Keys(took)) {
		n := took[file]
		if n < 2 || 3*n < all {
			continue
		}
		words := nameWords(bt.Name)
		for _, ht := range a.Head.Tests {
			if ht.File.Path != file || ht.Parent != nil || !ht.IsTest() {
				continue
			}
			shared := 0
			for w := range nameWords(ht.Name) {
				if words[w] {
					shared++
				}
			}
			if shared >= 2 {
				return file, n, all, ht.Name
			}
		}
	}
	return "", 0, 0, ""
}

// homesOf counts, once per base test file, where its top-level tests went:
// moved (with edits) or rewritten (RewrittenAs) into files the range added.
// The deleted test asking is among them with no home of its own, or it
// would not be graded here.
func (a *pass) homesOf(bt *model.TestFunc) fileHomes {
	if h, ok := a.homes[bt.File]; ok {
		return h
	}
	heads := map[string]*model.TestFunc{}
	for _, ht := range a.Head.Tests {
		if ht.Parent == nil && ht.IsTest() {
			heads[ht.Name] = ht
		}
	}
	matched := map[string]*model.TestFunc{}
	for _, m := range a.Matches {
		if m.Head != nil && m.Base.File.Path == bt.File.Path {
			matched[m.Base.Name] = m.Head
		}
	}
	h := fileHomes{took: map[string]int{}}
	for _, o := range a.Base.Pkg(bt.Dir).Tests {
		if o.File != bt.File || o.Parent != nil || !o.IsTest() {
			continue
		}
		h.all++
		ht := matched[o.Name]
		if ht == nil {
			ht = heads[a.RewrittenAs(o)]
		}
		if ht != nil && a.Base.Files[ht.File.Path] == nil {
			h.took[ht.File.Path]++
		}
	}
	if a.homes == nil {
		a.homes = map[*model.SrcFile]fileHomes{}
	}
	a.homes[bt.File] = h
	return h
}

// nameWords lists the words of a test's name of four letters or more,
// stemmed, without Test.
func nameWords(name string) map[string]bool {
	out := map[string]bool{}
	for _, part := range strings.Split(model.ShortName(name), "_") {
		for _, w := range model.CamelWords(part) {
			if len(w) >= 4 && w != "Test" {
				out[stem(w)] = true
			}
		}
	}
	return out
}

// caseName reports whether a string reads as the name of a test case: two
// to eight words of letters and digits.
func caseName(v string) bool {
	ws := strings.Fields(v)
	if len(ws) < 2 || len(ws) > 8 {
		return false
	}
	for _, r := range v {
		if !(r == ' ' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// stem lowers a word and drops a plural s: Notifications and notification
// read alike.
func stem(w string) string {
	w = strings.ToLower(w)
	if len(w) > 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		w = w[:len(w)-1]
	}
	return w
}

// namedSubjectUntested finds the function a deleted test is named after
// and calls (TestFinalizeBootstrapKeepsMode and finalizeBootstrap), when
// the range left that function as it was and no test file of head's
// package mentions it: the behaviour stands, and nothing checks it now.
func (a *pass) namedSubjectUntested(bt *model.TestFunc) string {
	if bt.Parent != nil {
		return ""
	}
	subjects := model.TestSubjects(bt.Name)
	for _, fn := range slices.Sorted(maps.Keys(model.CalledNames(bt))) {
		if len(fn) < 3 || model.CommonName(fn) {
			continue
		}
		named := false
		for _, sub := range subjects {
			if strings.EqualFold(sub, fn) {
				named = true
			}
		}
		if !named || !a.Base.Declares(bt.Dir, fn) || !a.Head.Declares(bt.Dir, fn) || a.FuncChanged(fn) || a.TestsMentionIdent(bt.Dir, fn) {
			continue
		}
		return fn
	}
	return ""
}

// subjectOf reads the subject of a deleted test: its body and the setup
// blocks that feed it.
func (a *pass) subjectOf(bt *model.TestFunc) model.Subject {
	nodes := []ast.Node{bt.Body}
	for _, b := range bt.Setups() {
		nodes = append(nodes, b)
	}
	return a.SubjectOf(bt, true, nodes...)
}

// siblingFollowed finds another top-level test of bt's base file, gone
// from head too, whose subject the range removed.
func (a *pass) siblingFollowed(bt *model.TestFunc) string {
	names, ok := a.followed[bt.File]
	if !ok {
		for _, m := range a.Matches {
			o := m.Base
			if m.Kind != model.MatchGone || o.Parent != nil || o.File != bt.File || !o.IsTest() {
				continue
			}
			if a.subjectGone(o) != "" || a.subjectOf(o).Followed() {
				names = append(names, o.Name)
			}
		}
		if a.followed == nil {
			a.followed = map[*model.SrcFile][]string{}
		}
		a.followed[bt.File] = names
	}
	for _, n := range names {
		if n != bt.Name {
			return n
		}
	}
	return ""
}

// foldedByName finds, for a deleted subtest, a string of its parent's head
// version that names it: subtests turned into rows of a table keep their
// names (t.Run(tc.name, …)), even when the rows' bodies look nothing like
// the subtests'.
func (a *pass) foldedByName(bt *model.TestFunc) string {
	if bt.Parent == nil {
		return ""
	}
	leaf := bt.Name[strings.LastIndexByte(bt.Name, '/')+1:]
	var head *model.TestFunc
	for _, m := range a.Matches {
		if m.Base == bt.Parent && m.Head != nil {
			head = m.Head
		}
	}
	if head == nil || head.Body == nil {
		return ""
	}
	found := ""
	ast.Inspect(head.Body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && found == "" {
			if v, err := strconv.Unquote(lit.Value); err == nil && v != "" && strings.ReplaceAll(v, " ", "_") == leaf {
				found = v
			}
		}
		return found == ""
	})
	return found
}

// twin finds a head test of the package that stands in for the deleted
// one: one name is the other's with a suffix (Test_Parse and
// Test_Parse_Final), and either it checks the same inputs with a body alike,
// or the range added or rewrote it (tests consolidated under one name), or
// the deleted test's whole file went and most of its tests moved or have
// such a twin (a file split up, its duplicates removed).
func (a *pass) twin(bt *model.TestFunc) string {
	if bt.Parent != nil {
		return ""
	}
	stem := a.stemTwin(bt)
	if stem == nil {
		return ""
	}
	// A twin stands in when it is new, a near duplicate, or rewritten to
	// feed the deleted test's inputs; a twin that was only touched (a call
	// renamed) proves nothing about the cases of the deleted one.
	if a.IsNew(stem) || model.Duplicates(bt, stem, 0.6) || (a.Reworked(stem) && model.HoldsInputsOf(bt, stem)) {
		return stem.Name
	}
	if a.HeadFile(bt.File.Path) != nil {
		return ""
	}
	// The file went: its tests that moved elsewhere under their own names
	// and those with a twin are accounted for; when they are most of it,
	// the file was split or deduplicated, and the suffixed copies dropped.
	moved := map[string]bool{}
	for _, m := range a.Matches {
		if m.Head != nil && m.Base.File.Path == bt.File.Path {
			moved[m.Base.Name] = true
		}
	}
	all, accounted := 0, 0
	for _, other := range a.Base.PkgTests(bt.Dir) {
		if other.File.Path == bt.File.Path && other.Parent == nil && other.IsTest() {
			all++
			if moved[other.Name] || a.stemTwin(other) != nil {
				accounted++
			}
		}
	}
	if 2*accounted >= all {
		return stem.Name
	}
	return ""
}

// stemTwin finds a head test of the package whose name is the deleted
// test's with or without a suffix.
func (a *pass) stemTwin(bt *model.TestFunc) *model.TestFunc {
	for _, ht := range a.Head.PkgTests(bt.Dir) {
		if ht.Parent == nil && ht.IsTest() && ht.Name != bt.Name && sameStem(bt.Name, ht.Name) {
			return ht
		}
	}
	return nil
}

// sameStem reports whether one test name is the other with a suffix that
// starts a new word: Test_Parse and Test_Parse_Final, TestParse and
// TestParseV2 — not TestParse and TestParser.
func sameStem(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if !strings.HasPrefix(a, b) {
		return false
	}
	next := a[len(b)]
	return next == '_' || (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9')
}
