package model

import (
	"strings"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// This file answers the questions the production-code rules ask of a whole
// package most often — which names its non-test files declare, and what
// its cross-reference's declarations say (types, package-level state,
// string constants, the variables its tests set for the package) — from
// small facts kept per file version, rather than from the syntax trees of
// every file of the package. A scan keeps the facts in its Cache by blob
// and path: a package's unchanged files are parsed once in the whole scan,
// not once a commit, and their trees need not stay in memory. The answers
// are those of the whole-package view (Snapshot.Pkg): the same files, in
// the same order, read the same way.

// fileFacts is what one version of a Go file of a package declares.
type fileFacts struct {
	parsed   bool       // the file has a syntax tree (SrcFile.AST != nil)
	gen      bool       // its text carries the generated-code header
	declared []string   // the top-level names of a non-test file (DeclNames)
	decls    *xrefDecls // what declare and findSetenv record for the file alone
	size     int
}

// factsOf reads a file's facts from its syntax tree. rawGen is whether its
// text carries the generated-code header, whatever the loader made of it.
func factsOf(f *SrcFile, rawGen bool) *fileFacts {
	ff := &fileFacts{parsed: f.AST != nil, gen: rawGen}
	d := &xrefDecls{types: map[string]bool{}, state: map[string]bool{}, consts: map[string]string{}, envSet: map[string]*TestLit{}}
	ff.decls = d
	if f.AST == nil {
		ff.size = 64 + len(f.Path)
		return ff
	}
	test := IsTestFile(f.Path)
	if !test {
		for _, decl := range f.AST.Decls {
			ff.declared = append(ff.declared, DeclNames(decl)...)
		}
	}
	if !IgnoredDir(f.Path) {
		d.declare(f) // nothing for a test file
		if test {
			d.findSetenv(f) // kept only for a file not generated (litFile)
		}
	}
	ff.size = 64 + len(f.Path) + d.estimate()
	for _, n := range ff.declared {
		ff.size += 16 + len(n)
	}
	return ff
}

// pkgFacts is a package directory's facts on one side.
type pkgFacts struct {
	declared map[string]bool // as pkgInfo.declared
	decls    *xrefDecls      // as buildXref makes them
	files    []pkgFile       // the files Pkg holds, in its order
}

// pkgFile is one file of a package's facts: its version in the tree, and
// the text of the SrcFile Pkg would hold when the facts had it at hand
// (with had). Not the tree: the facts outlive the rule that asked for them,
// and the trees of a package's unchanged files are most of what a large
// change's analysis would otherwise hold to its end.
type pkgFile struct {
	f   gitutil.File
	src []byte
	had bool
}

func pkgFileOf(f gitutil.File, sf *SrcFile) pkgFile {
	if sf == nil {
		return pkgFile{f: f}
	}
	return pkgFile{f: f, src: sf.Src, had: true}
}

// factsIn returns the facts of the Go files of dir at the snapshot's
// revision, in the order and versions Pkg reads them.
func (s *Snapshot) factsIn(dir string) *pkgFacts {
	if pf, ok := s.facts[dir]; ok {
		return pf
	}
	pf := &pkgFacts{declared: map[string]bool{}}
	d := &xrefDecls{types: map[string]bool{}, state: map[string]bool{}, consts: map[string]string{}, envSet: map[string]*TestLit{}}
	pf.decls = d
	add := func(path string, ff *fileFacts, generated bool) {
		if !ff.parsed {
			return
		}
		for _, n := range ff.declared {
			pf.declared[n] = true
		}
		for k := range ff.decls.types {
			d.types[k] = true
		}
		for k := range ff.decls.state {
			d.state[k] = true
		}
		for k, v := range ff.decls.consts {
			d.consts[k] = v
		}
		if !generated && IsTestFile(path) && !IgnoredDir(path) {
			for k, v := range ff.decls.envSet {
				d.envSet[k] = v
			}
		}
	}
	// declare runs over every file before findSetenv, each in file order:
	// their maps are apart, so one pass in file order gives the same.
	seen := map[string]bool{}
	listed := s.ld.list(s.Rev, dir)
	// A changed file parsed whole and clean is read as it is; every other
	// file (a masked changed one too) the loader parses whole: ahead, on
	// all cores.
	wholeAlready := func(p string) bool {
		cf, ok := s.Files[p]
		return ok && !cf.masked && cf.AST != nil && cf.Err == nil && (skipReason(p, cf.Src) == "" || skipReason(p, cf.Src) == "generated")
	}
	s.ld.parseAhead(s.Rev, listed, wholeAlready)
	for i := range listed {
		f := &listed[i]
		if !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		seen[f.Path] = true
		if cf := s.Files[f.Path]; wholeAlready(f.Path) {
			// A changed file parsed whole and clean: the loader would
			// read the same text without a note, and Pkg takes this one.
			ff := factsOf(cf, isGenerated(cf.Src))
			s.ld.Cache.putFileFacts(f.Blob+"\x00"+f.Path, ff)
			add(f.Path, ff, cf.Generated)
			pf.files = append(pf.files, pkgFileOf(*f, cf))
			continue
		}
		ff, generated, sf := s.ld.fileFacts(f, s.Rev) // loaded as Pkg loads it, notes included
		if ff == nil {
			continue
		}
		if cf, ok := s.Files[f.Path]; ok && !cf.masked {
			ff, generated, sf = factsOf(cf, isGenerated(cf.Src)), cf.Generated, cf
		}
		add(f.Path, ff, generated)
		pf.files = append(pf.files, pkgFileOf(*f, sf))
	}
	for path, f := range s.Files { // changed files the listing may not show, as in Pkg
		if DirOf(path) == dir && !seen[path] && strings.HasSuffix(path, ".go") {
			ff := f.full()
			add(path, factsOf(ff, isGenerated(ff.Src)), ff.Generated)
			pf.files = append(pf.files, pkgFileOf(gitutil.File{Path: path}, ff))
		}
	}
	d.size = d.estimate()
	if s.facts == nil {
		s.facts = map[string]*pkgFacts{}
	}
	s.facts[dir] = pf
	return pf
}

// fileFacts returns the facts of one file of a tree, whether the loader
// takes it as generated and, when it loaded it, the file; or nil when the
// loader leaves it out (Loader.file).
// Facts come from the cache when a clean parse of the same blob and path
// made them; otherwise the file is loaded as Pkg loads it, notes included.
func (l *Loader) fileFacts(f *gitutil.File, rev string) (*fileFacts, bool, *SrcFile) {
	k := f.Blob + "\x00" + f.Path
	l.mu.Lock()
	sf, parsed := l.parsed[k]
	l.mu.Unlock()
	if !parsed {
		if ff := l.Cache.fileFacts(k); ff != nil {
			return ff, ff.gen && !l.isHandWritten(k), nil
		}
		if ff := l.chunkFacts(f); ff != nil {
			l.Cache.putFileFacts(k, ff)
			return ff, false, nil
		}
		sf = l.file(f, rev)
	}
	if sf == nil {
		return nil, false, nil
	}
	ff := factsOf(sf, isGenerated(sf.Src))
	if sf.Err == nil && sf.AST != nil && !sf.masked {
		l.Cache.putFileFacts(k, ff)
		if !IsTestFile(f.Path) && !sf.Generated && skipReason(f.Path, sf.Src) == "" {
			l.Cache.seedChunks(sf)
		}
	}
	return ff, sf.Generated, sf
}

// chunkFacts reads the facts of a new version of a hand-written non-test
// Go file of a scan from its declarations' facts (chunkfacts.go), parsing
// only its new declarations, or returns nil when the loader must read it
// whole: no Cache, a test file (the tests' lookups, which most analyses of
// a package make, read its tree, which the whole parse leaves them), a
// file it would not read as it is (generated, binary, too large,
// unreadable), one its chunks cannot vouch for, or one most of whose text
// is new (a first version: parsed whole, its tree serves the rules that
// read the package's files, and it seeds the declarations' facts).
func (l *Loader) chunkFacts(f *gitutil.File) *fileFacts {
	if l.Cache == nil || IsTestFile(f.Path) {
		return nil
	}
	src, err := l.repo.Blob(f.Blob)
	if err != nil || skipReason(f.Path, src) != "" {
		return nil
	}
	return l.Cache.factsFromChunksFresh(f.Path, src, len(src)/2)
}

func (l *Loader) isHandWritten(k string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.handWritten[k]
}

// Declared reports the names the non-test files of dir declare at the top
// level, as the whole-package view has them.
func (s *Snapshot) declaredIn(dir string) map[string]bool {
	if p, ok := s.dirs[dir]; ok {
		return p.declared
	}
	return s.factsIn(dir).declared
}

// CrossRef returns the cross-reference of the package in dir. Its
// declarations come from the files' facts; the literals and the mentions of
// its files, which few analyses ask for, load the whole package on the
// first question (in a scan, the literals load the test files, and the
// mentions come from the declarations' facts).
func (s *Snapshot) CrossRef(dir string) *PkgXref {
	if p, ok := s.dirs[dir]; ok {
		return p.CrossRef()
	}
	if x, ok := s.xrefs[dir]; ok {
		return x
	}
	d := s.factsIn(dir).decls
	x := &PkgXref{xrefDecls: d, Consts: d.consts, EnvSet: d.envSet}
	x.load = func() {
		p := s.Pkg(dir)
		x.files, x.declared = p.Files, p.declared
	}
	if s.ld.Cache != nil {
		// A scan reads the graph from its declarations' facts, and the
		// literals from the test files alone, with the names the
		// package's facts say its other files declare.
		x.graphOf = func() []fileGraph { return s.graphFiles(dir) }
		x.load = func() { x.files, x.declared = s.pkgFiles(dir, IsTestFile), s.declaredIn(dir) }
	}
	if s.xrefs == nil {
		s.xrefs = map[string]*PkgXref{}
	}
	s.xrefs[dir] = x
	return x
}

// NonTestFiles returns the files of the package in dir that are not test
// files, as Pkg(dir).Files has them, parsing only those when the whole
// package is not loaded.
func (s *Snapshot) NonTestFiles(dir string) []*SrcFile {
	return s.pkgFiles(dir, func(p string) bool { return !IsTestFile(p) })
}

// PkgEntry is one file of NonTestEntries: either a file the snapshot
// holds (File), or an unchanged file of the tree, parsed on Load. Blob is
// the version's object name, set for an unchanged file.
type PkgEntry struct {
	Path, Blob string
	File       *SrcFile
	load       func() *SrcFile
}

// Load returns the entry's file as NonTestFiles has it, parsing an
// unchanged one; nil when NonTestFiles leaves it out (it cannot be read).
func (e PkgEntry) Load() *SrcFile {
	if e.File != nil || e.load == nil {
		return e.File
	}
	return e.load()
}

// NonTestEntries lists the files NonTestFiles returns, in its order,
// without parsing the files the range did not change: a rule that keeps
// what it needs of an unchanged file by its version parses it once. When
// the whole package is loaded, every entry holds its file.
func (s *Snapshot) NonTestEntries(dir string) []PkgEntry {
	return s.pkgEntries(dir, func(p string) bool { return !IsTestFile(p) })
}

// pkgFiles returns the files of dir that Pkg would read and keep accepts,
// each loaded as Pkg loads it. The package's facts are read first, which
// loads its other files as Pkg would (the notes of a file that does not
// parse are the same).
func (s *Snapshot) pkgFiles(dir string, keep func(string) bool) []*SrcFile {
	var out []*SrcFile
	for _, e := range s.pkgEntries(dir, keep) {
		if f := e.Load(); f != nil {
			out = append(out, f)
		}
	}
	return out
}

// pkgEntries lists the files pkgFiles returns, with those the range did
// not change left to load.
func (s *Snapshot) pkgEntries(dir string, keep func(string) bool) []PkgEntry {
	var out []PkgEntry
	if p, ok := s.dirs[dir]; ok {
		for _, f := range p.Files {
			if keep(f.Path) {
				out = append(out, PkgEntry{Path: f.Path, File: f})
			}
		}
		return out
	}
	s.factsIn(dir)
	seen := map[string]bool{}
	listed := s.ld.list(s.Rev, dir) // factsIn parsed them ahead
	for i := range listed {
		f := &listed[i]
		if !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		seen[f.Path] = true
		if !keep(f.Path) {
			continue
		}
		cf, changed := s.Files[f.Path]
		if !changed {
			out = append(out, PkgEntry{Path: f.Path, Blob: f.Blob, load: func() *SrcFile { return s.ld.file(f, s.Rev) }})
			continue
		}
		sf := s.ld.file(f, s.Rev)
		if sf == nil {
			continue
		}
		if !cf.masked {
			sf = cf
		}
		out = append(out, PkgEntry{Path: f.Path, File: sf})
	}
	for path, f := range s.Files { // changed files the listing may not show, as in Pkg
		if DirOf(path) == dir && !seen[path] && strings.HasSuffix(path, ".go") && keep(path) {
			out = append(out, PkgEntry{Path: path, File: f.full()})
		}
	}
	return out
}

// PkgSources returns the text of each file Pkg(dir).Files holds, in its
// order, without parsing the files the package's facts came from.
func (s *Snapshot) PkgSources(dir string) [][]byte {
	var out [][]byte
	if p, ok := s.dirs[dir]; ok {
		for _, f := range p.Files {
			out = append(out, f.Src)
		}
		return out
	}
	for _, pf := range s.factsIn(dir).files {
		if pf.had {
			out = append(out, pf.src)
			continue
		}
		// Facts from the cache: a clean parse of this blob, which the
		// loader reads whole.
		src, err := s.ld.repo.Blob(pf.f.Blob)
		if err != nil {
			if sf := s.ld.file(&pf.f, s.Rev); sf != nil {
				src = sf.Src
			}
		}
		out = append(out, src)
	}
	return out
}

// graphFiles reads what the declarations of each file of Pkg(dir).Files
// mention, in its order, as PkgXref.mentionsOf reads them from the trees:
// from the declarations' facts in the scan's cache, parsing only the
// declarations it has not seen; a file whose chunks cannot vouch for a
// clean parse is loaded as Pkg loads it. Files in ignored folders and
// without a tree are left out, as graph leaves them.
func (s *Snapshot) graphFiles(dir string) []fileGraph {
	var out []fileGraph
	for _, pf := range s.factsIn(dir).files {
		path := pf.f.Path
		if IgnoredDir(path) {
			continue
		}
		if sf := s.graphTree(pf); sf != nil {
			if sf.AST != nil {
				out = append(out, fileGraph{path: path, facts: graphFactsOf(sf.AST.Decls)})
			}
			continue
		}
		src, err := pf.src, error(nil)
		if !pf.had {
			src, err = s.ld.repo.Blob(pf.f.Blob)
		}
		if err == nil {
			if cs, _ := s.ld.Cache.chunksOf(src, len(src)); cs != nil {
				fg := fileGraph{path: path}
				for _, cf := range cs {
					fg.facts = append(fg.facts, cf.graph...)
				}
				out = append(out, fg)
				continue
			}
		}
		var sf *SrcFile
		switch cf, changed := s.Files[path]; {
		case changed && !cf.masked:
			sf = cf
		case changed && pf.f.Blob == "": // a changed file the listing does not show
			sf = cf.full()
		default:
			sf = s.ld.file(&pf.f, s.Rev)
		}
		if sf != nil && sf.AST != nil {
			out = append(out, fileGraph{path: path, facts: graphFactsOf(sf.AST.Decls)})
		}
	}
	return out
}

// graphTree returns the tree Pkg would hold for a file of the package's
// facts when the analysis has it at hand — a changed file parsed whole, or
// a file the loader parsed already — and nil when reading it would take a
// parse.
func (s *Snapshot) graphTree(pf pkgFile) *SrcFile {
	if cf, changed := s.Files[pf.f.Path]; changed && (!cf.masked || pf.f.Blob == "") {
		if !cf.masked {
			return cf
		}
		return nil // a changed file the listing does not show: full() parses it
	}
	k := pf.f.Blob + "\x00" + pf.f.Path
	s.ld.mu.Lock()
	defer s.ld.mu.Unlock()
	return s.ld.parsed[k]
}
