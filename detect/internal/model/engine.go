package model

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// Loader reads and parses blobs for an analysis, once per blob and path:
// the replays of attribution see the same blobs again and reuse the trees.
type Loader struct {
	Exhaustive    bool                // parse every changed file whole: no prefilter, no masks
	raws          map[string][]byte   // blobs read for planning, by hash
	maskedFiles   map[string]*SrcFile // masked parses, by blob, path and mask (nil: did not parse)
	mu            sync.Mutex          // guards parsed and notes: prefetch parses in parallel
	repo          gitutil.Repo
	parsed        map[string]*SrcFile // blob + path
	dirs          map[string][]gitutil.File
	texts         map[string]*textFile // unchanged files as text, by blob and path
	Cache         *Cache               // what a scan keeps across commits; may be nil
	notes         map[string]bool
	handWritten   map[string]bool   // head versions (blob + path) whose generated-code header the range added
	kept          int               // bytes of source behind the trees parsed and maskedFiles hold (see trim)
	textKept      int               // bytes raws, texts (with their one-declaration parses) and dirs hold (see trim)
	prints        *printStore       // tests' fingerprints by file version, kept across analyses
	tokenKeys     map[string]string // declarations' tokens by their text (tokenKey)
	tokenKeyBytes int
}

// keepBudget bounds the source whose syntax trees (parsed, maskedFiles) a
// Loader keeps from one analysis to the next (trees take ten to twenty
// times their source), and textBudget the bytes of what it read as text
// (blobs, files cut into declarations, listings). The replays of
// attribution and a merge's own comparisons reuse them; beyond its budget
// each kind is dropped, so that what a check holds does not grow with the
// length of its range. An analysis itself keeps what it reads until it
// ends. The text has a budget of its own: a package of several megabytes,
// read as text at every replay, would otherwise push the trees' budget
// over and have everything read again each time.
const (
	keepBudget = 8 << 20
	textBudget = 32 << 20
)

// keepPrints lets the tests of sf, the version key, keep their fingerprints
// in the loader's printStore, which outlives trim. Not with a Cache: a
// scan's trees go from one commit's Loader to the next.
func (l *Loader) keepPrints(sf *SrcFile, key string) {
	if l.Cache != nil {
		return
	}
	l.mu.Lock()
	if l.prints == nil {
		l.prints = &printStore{}
	}
	sf.version, sf.prints = key, l.prints
	l.mu.Unlock()
}

// trim drops what the loader keeps once it is past keepBudget. Only
// between analyses: within one, base and head share their trees.
func (l *Loader) trim() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.kept > keepBudget {
		l.kept = 0
		l.parsed, l.maskedFiles = map[string]*SrcFile{}, nil
	}
	if l.textKept > textBudget {
		l.textKept = 0
		l.raws, l.texts, l.dirs = nil, nil, map[string][]gitutil.File{}
	}
}

func NewLoader(repo gitutil.Repo) *Loader {
	return &Loader{repo: repo, parsed: map[string]*SrcFile{}, dirs: map[string][]gitutil.File{}, notes: map[string]bool{}}
}

func (l *Loader) note(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.notes[fmt.Sprintf(format, args...)] = true
}

// version parses the version of a changed file the analysis indexes: its
// masked text when the plan has one that parses, else the whole file.
//
// A generated file is nil: the rules never judge one, and a package view
// that needs it for its declarations parses it then.
func (l *Loader) version(f *gitutil.File, rev string, masks maskPlan) *SrcFile {
	if src, err := l.raw(f.Blob); err == nil && l.generated(f, src) {
		return nil
	}
	k := f.Blob + "\x00" + f.Path
	m, ok := masks[k]
	if !ok {
		return l.file(f, rev)
	}
	mk := k + "\x00" + m.id()
	l.mu.Lock()
	mf, done := l.maskedFiles[mk]
	l.mu.Unlock()
	if !done {
		n := 0
		if src, err := l.raw(f.Blob); err == nil {
			mf, n = maskedFile(f.Path, src, m), len(src)
			if mf != nil {
				l.keepPrints(mf, k+"\x00masked")
			}
		}
		l.mu.Lock()
		if l.maskedFiles == nil {
			l.maskedFiles = map[string]*SrcFile{}
		}
		l.maskedFiles[mk] = mf
		l.kept += n
		l.mu.Unlock()
	}
	if mf != nil {
		return mf
	}
	return l.file(f, rev)
}

// NoteList returns the notes so far, sorted.
func (l *Loader) NoteList() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for n := range l.notes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// file parses one file of a tree, or returns nil when it is not analysed
// (binary, generated, too large, unreadable).
func (l *Loader) file(f *gitutil.File, rev string) *SrcFile {
	if f == nil {
		return nil
	}
	k := f.Blob + "\x00" + f.Path
	l.mu.Lock()
	sf, ok := l.parsed[k]
	l.mu.Unlock()
	if ok {
		return sf
	}
	if sf = l.Cache.tree(k); sf != nil && !l.generated(f, sf.Src) {
		l.mu.Lock()
		l.parsed[k] = sf
		l.kept += len(sf.Src)
		l.mu.Unlock()
		return sf
	}
	sf = nil
	src, err := l.repo.Blob(f.Blob)
	switch {
	case err != nil:
		l.note("%s: could not be read at %s: %v", f.Path, Short(rev), err)
	case l.generated(f, src):
		// Generated files are regenerated, not edited: nothing to judge,
		// but the package's helpers and declarations may live there.
		sf = parseFile(f.Path, src)
		sf.Generated = true
	case skipReason(f.Path, src) != "" && skipReason(f.Path, src) != "generated":
		l.note("%s: skipped at %s (%s)", f.Path, Short(rev), skipReason(f.Path, src))
	default:
		sf = parseFile(f.Path, src)
		l.keepPrints(sf, k)
		if sf.Err != nil && strings.HasSuffix(f.Path, ".go") {
			l.note("%s: does not parse at %s (%s); analysed as far as possible", f.Path, Short(rev), FirstLine(sf.Err.Error()))
		} else {
			l.Cache.putTree(k, sf) // a file with a parse error is parsed again, for its note
		}
	}
	l.mu.Lock()
	l.parsed[k] = sf
	l.kept += len(src)
	l.mu.Unlock()
	return sf
}

// unreadable returns a *TooLargeError for a version of a changed Go file
// that the analysis could not read because of its size (neither whole nor
// masked), and nil for any other reason a version is left out (generated,
// binary, unreadable: those are notes).
func (l *Loader) unreadable(f *gitutil.File, rev string) error {
	if !strings.HasSuffix(f.Path, ".go") {
		return nil
	}
	src, err := l.raw(f.Blob)
	if err != nil || len(src) <= MaxFileSize || skipReason(f.Path, src[:MaxFileSize]) == "binary" || l.generatedLarge(f, src) {
		return nil
	}
	return &TooLargeError{Path: f.Path, Rev: rev, Size: len(src)}
}

// generatedLarge is generated for a file over MaxFileSize, whose
// skipReason names its size first.
func (l *Loader) generatedLarge(f *gitutil.File, src []byte) bool {
	if !isGenerated(src) {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.handWritten[f.Blob+"\x00"+f.Path]
}

// generated reports whether a version of a file is generated code, which
// the rules read for context but never judge. A file the checked range
// itself marked generated, hand-written in base, is not: a header must not
// be able to hide what the same change does to the file (added-suppression
// reports the header).
func (l *Loader) generated(f *gitutil.File, src []byte) bool {
	if skipReason(f.Path, src) != "generated" {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.handWritten[f.Blob+"\x00"+f.Path]
}

// markHandWritten records the head versions of changed Go files that gained
// a generated-code header in the range: they are judged as they were.
func (l *Loader) markHandWritten(changes []gitutil.Change) {
	for _, c := range changes {
		if c.From == nil || c.To == nil || !Relevant(c.To.Path) {
			continue
		}
		cur, err := l.raw(c.To.Blob)
		if err != nil || !isGenerated(cur) || skipReason(c.To.Path, cur[:min(len(cur), MaxFileSize)]) == "binary" {
			continue
		}
		if old, err := l.raw(c.From.Blob); err == nil && skipReason(c.From.Path, old[:min(len(old), MaxFileSize)]) == "" {
			l.mu.Lock()
			if l.handWritten == nil {
				l.handWritten = map[string]bool{}
			}
			l.handWritten[c.To.Blob+"\x00"+c.To.Path] = true
			l.mu.Unlock()
		}
	}
}

// TestSources reads the raw test files of a directory at a revision,
// without parsing them: a cheap text search is sometimes enough to know
// that parsing is not needed.
func (l *Loader) TestSources(rev, dir string) [][]byte {
	files, err := l.repo.ListDir(rev, dir)
	if err != nil {
		return nil
	}
	var out [][]byte
	for _, f := range files {
		if IsTestFile(f.Path) {
			if src, err := l.repo.Blob(f.Blob); err == nil {
				out = append(out, src)
			}
		}
	}
	return out
}

// prefetch reads and parses the relevant files of a change set on every
// core: parsing is most of a large check's time. The repository serialises
// its own reads; the parses run side by side.
func (l *Loader) prefetch(changes []gitutil.Change, base, head string, masks maskPlan) {
	type job struct {
		f   *gitutil.File
		rev string
	}
	var jobs []job
	for _, c := range changes {
		if c.From != nil && Relevant(c.From.Path) && !l.has(c.From, masks) {
			jobs = append(jobs, job{c.From, base})
		}
		if c.To != nil && Relevant(c.To.Path) && !l.has(c.To, masks) {
			jobs = append(jobs, job{c.To, head})
		}
	}
	if len(jobs) < 8 {
		return // not worth the goroutines
	}
	Each(len(jobs), func(i int) { l.version(jobs[i].f, jobs[i].rev, masks) })
}

func (l *Loader) has(f *gitutil.File, masks maskPlan) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := f.Blob + "\x00" + f.Path
	if m, ok := masks[k]; ok {
		_, masked := l.maskedFiles[k+"\x00"+m.id()]
		return masked
	}
	_, ok := l.parsed[k]
	return ok
}

// parseAhead parses, on all cores, the Go files of a listing that a
// check is about to read whole one after the other (Loader.file) and has
// not read yet, except those skip names. Reading a package's other files
// for its cross-references is most of a pull request's parsing; the files
// parse apart, and Loader.file then finds each one done. A scan leaves it
// (its workers already fill the cores, and it reads most files from facts).
func (l *Loader) parseAhead(rev string, files []gitutil.File, skip func(path string) bool) {
	if l.Cache != nil {
		return
	}
	var todo []*gitutil.File
	l.mu.Lock()
	for i := range files {
		f := &files[i]
		if _, ok := l.parsed[f.Blob+"\x00"+f.Path]; !ok && strings.HasSuffix(f.Path, ".go") && (skip == nil || !skip(f.Path)) {
			todo = append(todo, f)
		}
	}
	l.mu.Unlock()
	if len(todo) < minEach {
		return // not worth the goroutines
	}
	Each(len(todo), func(i int) { l.file(todo[i], rev) })
}

// dir parses the Go files directly inside dir at a revision.
func (l *Loader) dir(rev, dir string) []*SrcFile {
	files := l.list(rev, dir)
	l.parseAhead(rev, files, nil)
	var out []*SrcFile
	for i := range files {
		if strings.HasSuffix(files[i].Path, ".go") {
			if sf := l.file(&files[i], rev); sf != nil {
				out = append(out, sf)
			}
		}
	}
	return out
}

// list lists the files of a directory at a revision, once.
func (l *Loader) list(rev, dir string) []gitutil.File {
	k := rev + "\x00" + dir
	files, ok := l.dirs[k]
	if !ok {
		var err error
		files, err = l.repo.ListDir(rev, dir)
		if err != nil {
			l.note("%s: could not be listed at %s: %v", dir, Short(rev), err)
		}
		l.dirs[k] = files
		l.mu.Lock()
		l.textKept += 100 * len(files)
		l.mu.Unlock()
	}
	return files
}

// Snapshot is one side (base or head) of a comparison: the versions of the
// changed files on that side, their tests, and lazy access to the rest of
// each package.
type Snapshot struct {
	ld    *Loader
	Rev   string
	Files map[string]*SrcFile
	Tests []*TestFunc
	ByKey map[string][]*TestFunc
	dirs  map[string]*pkgInfo

	changedHelpers map[string]map[string]*helperFunc   // per directory, the functions of its changed files
	changedMethods map[string]map[string][]*helperFunc // per directory, the methods of its changed files
	texts          map[string]*pkgText                 // per directory, its files as text
	fileTests      map[*SrcFile][]*TestFunc            // tests of whole files, indexed once (testsMentioning)
	sites          map[*TestFunc][]*Site               // each test's sites, collected once (collectSites)
	mocks          map[*ast.BlockStmt]string           // per test body, its stand-in runner (mockRunner)
	mods           map[string]modInfo                  // per directory, its module (modpkg.go)
	views          *viewBudget                         // shared with the other side; nil: no bound
	facts          map[string]*pkgFacts                // per directory, its files' facts (pkgfacts.go)
	xrefs          map[string]*PkgXref                 // per directory, its cross-reference made from facts
}

func newSnapshot(ld *Loader, rev string) *Snapshot {
	return &Snapshot{ld: ld, Rev: rev, Files: map[string]*SrcFile{}, ByKey: map[string][]*TestFunc{}, dirs: map[string]*pkgInfo{}}
}

func (s *Snapshot) add(f *SrcFile) {
	s.Files[f.Path] = f
	for _, tf := range indexFile(f) {
		s.Tests = append(s.Tests, tf)
		s.ByKey[tf.Key()] = append(s.ByKey[tf.Key()], tf)
	}
}

// pkgInfo is what the whole package directory holds on one side, loaded only
// when a rule asks: every file (changed or not), its tests, the names it
// declares and how often each identifier is used.
type pkgInfo struct {
	Files      []*SrcFile
	Tests      []*TestFunc
	declared   map[string]bool // functions, methods and types of non-test files
	uses       map[string]int  // identifier occurrences in all files, counted on first use
	helpers    map[string]*helperFunc
	methods    map[string][]*helperFunc  // methods of the package's types, by name, built on first use
	varSpecs   map[string]*ast.ValueSpec // package-level variables, built on first use
	constSpecs map[string]*ast.ValueSpec // package-level constants, built on first use
	xref       *PkgXref                  // the production-code rules' cross-reference, built on first use
	cache      *Cache                    // where a scan keeps cross-references across commits
}

// Vars maps the package's top-level variable names to their declarations.
func (p *pkgInfo) Vars() map[string]*ast.ValueSpec {
	if p.varSpecs == nil {
		p.varSpecs = p.specs(token.VAR)
	}
	return p.varSpecs
}

// consts maps the package's top-level constant names to their declarations.
func (p *pkgInfo) consts() map[string]*ast.ValueSpec {
	if p.constSpecs == nil {
		p.constSpecs = p.specs(token.CONST)
	}
	return p.constSpecs
}

func (p *pkgInfo) specs(tok token.Token) map[string]*ast.ValueSpec {
	out := map[string]*ast.ValueSpec{}
	for _, f := range p.Files {
		if f.AST == nil {
			continue
		}
		for _, d := range f.AST.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != tok {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for _, n := range vs.Names {
					out[n.Name] = vs
				}
			}
		}
	}
	return out
}

func (s *Snapshot) Pkg(dir string) *pkgInfo {
	if p, ok := s.dirs[dir]; ok {
		s.views.touch(dir)
		return p
	}
	p := &pkgInfo{declared: map[string]bool{}, cache: s.ld.Cache}
	seen := map[string]bool{}
	for _, f := range s.ld.dir(s.Rev, dir) {
		if cf, ok := s.Files[f.Path]; ok && !cf.masked {
			f = cf
		}
		seen[f.Path] = true
		p.Files = append(p.Files, f)
	}
	for path, f := range s.Files { // changed files the listing may not show (unreadable trees)
		if DirOf(path) == dir && !seen[path] && strings.HasSuffix(path, ".go") {
			p.Files = append(p.Files, f.full())
		}
	}
	size := 0
	for _, f := range p.Files {
		p.index(f)
		size += len(f.Src)
	}
	s.dirs[dir] = p
	s.views.add(dir, size)
	return p
}

// viewBudget bounds the package views (Snapshot.Pkg) the two sides of an
// analysis hold at once: past viewBudgetBytes of source, the views of the
// packages least recently asked for are dropped on both sides, with the
// syntax trees the loader kept for them, and read again if a rule comes
// back to them. Rules walk the changed code in path order, package after
// package, so what an analysis holds beyond the changed files is about its
// largest package, not every package it read.
type viewBudget struct {
	snaps []*Snapshot
	order []string       // package folders, the most recently asked for last
	size  map[string]int // their views' source, both sides
	total int
}

const viewBudgetBytes = 2 << 20

func newViewBudget(snaps ...*Snapshot) *viewBudget {
	b := &viewBudget{snaps: snaps, size: map[string]int{}}
	for _, s := range snaps {
		s.views = b
	}
	return b
}

func (b *viewBudget) touch(dir string) {
	if b == nil {
		return
	}
	if i := slices.Index(b.order, dir); i >= 0 && i < len(b.order)-1 {
		b.order = append(slices.Delete(b.order, i, i+1), dir)
	}
}

func (b *viewBudget) add(dir string, size int) {
	if b == nil {
		return
	}
	if _, ok := b.size[dir]; !ok {
		b.order = append(b.order, dir)
	} else {
		b.touch(dir)
	}
	b.size[dir] += size
	b.total += size
	for b.total > viewBudgetBytes && len(b.order) > 1 && b.order[0] != dir {
		b.drop(b.order[0])
	}
}

// drop lets go of both sides' views of dir.
func (b *viewBudget) drop(dir string) {
	b.order = slices.DeleteFunc(b.order, func(d string) bool { return d == dir })
	b.total -= b.size[dir]
	delete(b.size, dir)
	keep := map[*SrcFile]bool{}
	var gone []*SrcFile
	for _, s := range b.snaps {
		for _, f := range s.Files {
			keep[f] = true
		}
		if p, ok := s.dirs[dir]; ok {
			gone = append(gone, p.Files...)
			delete(s.dirs, dir)
		}
	}
	l := b.snaps[0].ld
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range gone {
		if keep[f] {
			continue
		}
		for k, pf := range l.parsed {
			if pf == f {
				delete(l.parsed, k)
			}
		}
	}
}

func (p *pkgInfo) index(f *SrcFile) {
	if f.AST == nil {
		return
	}
	if IsTestFile(f.Path) {
		p.Tests = append(p.Tests, indexFile(f)...)
	} else {
		for _, d := range f.AST.Decls {
			for _, name := range DeclNames(d) {
				p.declared[name] = true
			}
		}
	}
}

// UseCount counts the occurrences of an identifier in the package's files.
func (p *pkgInfo) UseCount(name string) int {
	if p.uses == nil {
		p.uses = map[string]int{}
		for _, f := range p.Files {
			if f.AST != nil {
				countUses(f, p.uses)
			}
		}
	}
	return p.uses[name]
}

// Pass compares two revisions.
type Pass struct {
	Loader     *Loader
	Changes    []gitutil.Change // every file the range changed, of any kind
	Base, Head *Snapshot
	renamed    map[string]string // base path → head path
	Deleted    map[string]bool   // base paths gone from head
	Matches    []*Match
	Helpers    []*Match            // helpers of test files, kept and changed
	support    *[]*Match           // helpers of test-support packages, kept and changed (modpkg.go)
	ciEnv      map[string]*TestLit // environment variables the range newly sets in CI or a Makefile (envsets.go)
	Findings   []finding.Finding
	Gone       []string                              // declarations removed by the range, computed once
	affected   map[string]map[string]bool            // per package: helpers the range changed, and their callers
	diffs      map[*Match]*AssertDiff                // assertion comparisons, shared by the assertion rules
	checks     map[*TestFunc][]*Site                 // each test's checks, computed once
	hashes     map[string]uint64                     // folders' listings, hashed once (checkkeys.go)
	fileHashes map[*SrcFile]uint64                   // files' texts, hashed once (checkkeys.go)
	called     map[*TestFunc]map[string]bool         // head tests' called names, for rowsHold
	rows       map[*TestFunc][][]string              // head tests' table rows, for rowsHold
	funcs      map[*SrcFile]map[string]*ast.FuncDecl // non-test files' functions by key
	baseIdx    *baseIndex                            // base's changed files by directory, renames by head path (baseFunc)
	removed    *removedCode                          // what the range removed from the code, computed once
	lost       *[]lostNames                          // what the changed functions stopped using, computed once
	bounded    bool                                  // a large change: what rules read is let go (release)
	start      *string                               // where base's branch left the default branch, computed once (branch.go)
	delegates  map[string]Delegation                 // changed functions that now delegate to a new, retested helper (delegation.go)
	dropped    map[string]bool                       // values asked of CodeDropped, answered once
	focus      map[string]bool                       // a replay's tests of interest (focus.go); nil: all
	baseKeys   map[string]keyIndex                   // per package, where base's tests are by key (Reworked)
	pending    func() error                          // loads the change's Go files, not yet loaded (NeedSyntax)
	loadErr    error                                 // what loading them met
}

// Relevant reports whether a changed path can hold Go tests: Go files, and
// files whose name says they were Go tests (x_test.go.bak).
func Relevant(p string) bool {
	if strings.HasPrefix(p, "vendor/") || strings.Contains(p, "/vendor/") {
		return false
	}
	b := baseName(p)
	return strings.HasSuffix(b, ".go") || strings.Contains(b, "_test.") || strings.Contains(b, ".go.")
}

// Analyze compares base and head and runs the given rules.
func Analyze(ld *Loader, base, head string, run []*Rule) (*Pass, error) {
	return AnalyzeIn(ld, base, head, run, nil)
}

// AnalyzeIn is Analyze of the changes to files directly inside the given
// folders only (a rename counts when either side is inside one); nil means
// every folder. Attribution replays a finding's folders through the
// commits of a range, not the whole change at each.
func AnalyzeIn(ld *Loader, base, head string, run []*Rule, dirs map[string]bool) (*Pass, error) {
	return AnalyzeFocused(ld, base, head, run, dirs, nil)
}

// AnalyzeFocused is AnalyzeIn for a replay that asks after some findings
// only: focus holds Focus keys (FocusKey) of the tests they name, and a
// rule that reports on a test under the test's own name and package may
// pass over the others (see Pass.Focused). nil focuses on everything.
func AnalyzeFocused(ld *Loader, base, head string, run []*Rule, dirs, focus map[string]bool) (*Pass, error) {
	ld.trim()
	changes, err := ld.repo.Changes(base, head)
	if err != nil {
		return nil, err
	}
	if dirs != nil {
		var in []gitutil.Change
		for _, c := range changes {
			if c.From != nil && dirs[DirOf(c.From.Path)] || c.To != nil && dirs[DirOf(c.To.Path)] {
				in = append(in, c)
			}
		}
		changes = in
	}
	all := changes
	skip := ld.needlessTestFiles(changes)
	if len(skip) > 0 {
		var kept []gitutil.Change
		for _, c := range changes {
			if c.To == nil || !skip[c.To.Path] {
				kept = append(kept, c)
			}
		}
		changes = kept
	}
	ld.markHandWritten(changes)
	if !syntactic(run) {
		a := &Pass{Loader: ld, Base: newSnapshot(ld, base), Head: newSnapshot(ld, head), renamed: map[string]string{}, Deleted: map[string]bool{}, Changes: all, focus: focus}
		for _, r := range run {
			a.runRule(r)
		}
		sort.SliceStable(a.Findings, func(i, j int) bool { return findingLess(&a.Findings[i], &a.Findings[j]) })
		return a, nil
	}
	a := &Pass{Loader: ld, Base: newSnapshot(ld, base), Head: newSnapshot(ld, head), renamed: map[string]string{}, Deleted: map[string]bool{}, Changes: all, focus: focus}
	load := func() error { return a.loadChanged(changes, base, head, paired(run)) }
	if paired(run) {
		if err := load(); err != nil {
			return nil, err
		}
	} else {
		// Only rules that read the change's syntax now and then (a
		// replay of weakened-ci's findings): loaded when one asks.
		a.pending = load
	}
	for _, r := range run {
		if a.bounded {
			a.release()
		}
		a.runRule(r)
		if a.loadErr != nil {
			return nil, a.loadErr
		}
	}
	sort.SliceStable(a.Findings, func(i, j int) bool { return findingLess(&a.Findings[i], &a.Findings[j]) })
	return a, nil
}

// loadChanged reads the changed Go files of both sides into the snapshots
// (masked where the plan can) and, when pair says a rule reads it, pairs
// base's tests with head's.
func (a *Pass) loadChanged(changes []gitutil.Change, base, head string, pair bool) error {
	ld := a.Loader
	masks, code := ld.planMasks(changes)
	if a.bounded = ld.changedSource(changes) >= boundFrom; a.bounded {
		newViewBudget(a.Base, a.Head)
	}
	if !code {
		changes = nil // only comments of Go files changed: no Go for a rule to judge
	}
	ld.prefetch(changes, base, head, masks)
	for _, c := range changes {
		switch {
		case c.From != nil && c.To == nil:
			a.Deleted[c.From.Path] = true
		case c.From != nil && c.From.Path != c.To.Path:
			a.renamed[c.From.Path] = c.To.Path
		}
		if c.From != nil && Relevant(c.From.Path) {
			f := ld.version(c.From, base, masks)
			if f == nil {
				if err := ld.unreadable(c.From, base); err != nil {
					return err
				}
			} else if !f.Generated {
				a.Base.add(f)
			}
		}
		if c.To != nil && Relevant(c.To.Path) {
			f := ld.version(c.To, head, masks)
			if f == nil {
				if err := ld.unreadable(c.To, head); err != nil {
					return err
				}
			} else if !f.Generated {
				a.Head.add(f)
			}
		}
	}
	if pair {
		a.matchTests()
	}
	return nil
}

// NeedSyntax loads the change's Go files, when the analysis has not yet:
// an analysis that runs only Unpaired rules loads them when one of its
// rules first calls it, before reading Tests, Files or a package's tests
// (PkgTests and the lookups, which read the changed files' versions).
// An error (a changed file too large to read) ends the analysis with it,
// as it would have ended it before the rules ran.
func (a *Pass) NeedSyntax() error {
	if a.pending != nil {
		load := a.pending
		a.pending = nil
		a.loadErr = load()
	}
	return a.loadErr
}

func findingLess(x, y *finding.Finding) bool {
	fx, fy := x.File, y.File
	if fx == "" {
		fx = x.OldFile
	}
	if fy == "" {
		fy = y.OldFile
	}
	if fx != fy {
		return fx < fy
	}
	if x.Line != y.Line {
		return x.Line < y.Line
	}
	if x.OldLine != y.OldLine {
		return x.OldLine < y.OldLine
	}
	if x.Rule != y.Rule {
		return x.Rule < y.Rule
	}
	if x.Symbol != y.Symbol {
		return x.Symbol < y.Symbol
	}
	return x.Message < y.Message // a deleted file's tests and benchmarks: one order every run
}

// boundFrom is the source of a change's Go files (both sides) from which
// an analysis bounds what it holds beyond them (release, viewBudget). A
// smaller change — a pull request, a commit of a scan, attribution's
// replays of a few folders — holds little whatever its rules read, and its
// rules share the packages they read (the scan's cache keeps their trees
// across commits): letting go of them between rules costs a scan a tenth
// to a fifth of its time for no memory it needs.
const boundFrom = 4 << 20

// changedSource sums the text of the versions of the changed Go files.
func (l *Loader) changedSource(changes []gitutil.Change) int {
	n := 0
	for _, c := range changes {
		for _, f := range []*gitutil.File{c.From, c.To} {
			if f != nil && Relevant(f.Path) {
				if src, err := l.raw(f.Blob); err == nil {
					n += len(src)
				}
			}
		}
	}
	return n
}

// release lets go, before each rule of a large change's analysis, of the
// package views and the declarations parsed for lookups by name: what the
// tests' matching or a rule read beyond the changed files is its own, and
// the next rule that needs it reads it again. So such an analysis holds
// the changed files' trees and one rule's reading, not every package any
// rule read.
func (a *Pass) release() {
	keep := map[*SrcFile]bool{}
	for _, s := range []*Snapshot{a.Base, a.Head} {
		for _, f := range s.Files {
			keep[f] = true
			if f.masked {
				f.whole = nil // a masked file's whole parse: positions for a rule, parsed again by the next
			}
		}
		s.dirs, s.texts, s.fileTests, s.mocks = map[string]*pkgInfo{}, nil, nil, nil
	}
	a.called, a.rows = nil, nil // keyed by the tests of the views let go
	newViewBudget(a.Base, a.Head)
	l := a.Loader
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.texts {
		if f != nil {
			f.partial, f.whole = nil, nil // the cut stays: the next analysis of a replay asks again
		}
	}
	for k, f := range l.parsed {
		if !keep[f] {
			delete(l.parsed, k)
		}
	}
}

// runRule runs one rule. A bug in a rule must not cost the user the whole
// report: a panic becomes a note naming the rule, and the other rules run.
func (a *Pass) runRule(r *Rule) {
	defer func() {
		if p := recover(); p != nil {
			a.Loader.note("internal error: rule %s failed (%v); its findings are missing from this report", r.ID, p)
		}
	}()
	r.Run(a)
}

// Read returns the contents of a version of a changed file (one of
// Changes' From or To). Callers must not modify what it returns.
func (a *Pass) Read(f *gitutil.File) ([]byte, error) { return a.Loader.raw(f.Blob) }

// Report records a finding.
func (a *Pass) Report(f finding.Finding) { a.Findings = append(a.Findings, f) }

func Short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func FirstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
