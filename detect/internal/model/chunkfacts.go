package model

import (
	"bytes"
	"encoding/binary"
	"go/ast"
	"go/parser"
	"go/token"
	"hash/maphash"
	"strconv"
)

// A new version of a large file usually differs from the last one in a
// declaration or two, yet its facts (fileFacts) were read from a parse of
// the whole file. A scan keeps, instead, the facts of each top-level
// declaration by the hash of its text (the chunks masks are cut from):
// a file version not seen before parses only the declarations whose text
// is new, so a commit costs what it changed rather than the size of its
// files.
//
// The facts are those of a whole parse. The file's text is its header
// and its chunks end to end, cut between lines outside raw strings and
// block comments, so the parser reads the same tokens from the whole as
// from the pieces, and declarations parse alone as they parse in the
// file (goodhart parses without resolving objects): the whole file parses
// cleanly when its header does (with no declaration in it), every chunk
// does, and no import follows another declaration. Anything else — a
// chunk or header that does not parse, imports out of order, //line
// directives (which move the lines a fact records) — is read from a parse
// of the whole file, as before, with its notes.

// chunkFacts is what one chunk's declarations say, for fileFacts, read
// from a parse of the chunk alone after a package clause.
type chunkFacts struct {
	imports, others bool        // it holds import declarations; it holds others
	specs           [][2]string // import specs in order: name ("" without one), path
	declared        []string    // DeclNames of each declaration, in order
	types, state    []string    // as xrefDecls.declare records them
	consts          [][2]string // string constants in order: name, value
	setenv          []setenvFact
	graph           []graphFact // what each declaration mentions, for PkgXref.graph
	size            int
}

// graphFact is one top-level name a declaration gives a body or an
// initializer, as PkgXref.mentionsOf records it: a function or method (a
// body, unless written in assembly), or a variable or constant (each of its
// spec's values).
type graphFact struct {
	name   string
	fn     bool
	nodes  int    // its bodies or initializers
	idents string // the identifiers they mention, each followed by a NUL
}

// graphFactsOf reads what a file's (or a chunk's) declarations mention.
func graphFactsOf(decls []ast.Decl) []graphFact {
	var out []graphFact
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			g := graphFact{name: d.Name.Name, fn: true}
			if d.Body != nil {
				g.nodes, g.idents = 1, identsOf(d.Body)
			}
			out = append(out, g)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				s, ok := s.(*ast.ValueSpec)
				if !ok {
					continue
				}
				var idents string
				if len(s.Values) > 0 {
					nodes := make([]ast.Node, len(s.Values))
					for i, v := range s.Values {
						nodes[i] = v
					}
					idents = identsOf(nodes...)
				}
				for _, n := range s.Names {
					out = append(out, graphFact{name: n.Name, nodes: len(s.Values), idents: idents})
				}
			}
		}
	}
	return out
}

// identsOf lists the identifiers the nodes mention, once each.
func identsOf(nodes ...ast.Node) string {
	seen := map[string]bool{}
	var b []byte
	for _, n := range nodes {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && !seen[id.Name] {
				seen[id.Name] = true
				b = append(append(b, id.Name...), 0)
			}
			return true
		})
	}
	return string(b)
}

// setenvFact is a call X.Setenv("K", v) of a TestMain, an init or a
// package-level variable, for findSetenv, whose X is the file's name for
// package os. line counts from the chunk's first line (0).
type setenvFact struct {
	recv, key, value, owner string
	line                    int
}

// chunkPrefix is what a chunk is parsed after: one line.
const chunkPrefix = "package p\n"

// parseChunk reads the facts of a chunk's text, or nil when it does not
// parse cleanly.
func parseChunk(text string) *chunkFacts {
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, "", chunkPrefix+text, parser.SkipObjectResolution)
	if err != nil || af == nil {
		return nil
	}
	tf := fset.File(af.Pos())
	return chunkFactsOf(af.Decls, func(p token.Pos) int { return tf.Line(p) - 2 })
}

// chunkFactsOf reads the facts of a chunk's declarations; line gives the
// line of a position counted from the chunk's first (0). Nil when an
// import follows another declaration.
func chunkFactsOf(decls []ast.Decl, line func(token.Pos) int) *chunkFacts {
	cf := &chunkFacts{}
	for _, d := range decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			if cf.others {
				return nil // the parser says so too; to be safe
			}
			cf.imports = true
			for _, s := range gd.Specs {
				is := s.(*ast.ImportSpec)
				name := ""
				if is.Name != nil {
					name = is.Name.Name
				}
				cf.specs = append(cf.specs, [2]string{name, is.Path.Value})
			}
			continue
		}
		cf.others = true
		cf.declared = append(cf.declared, DeclNames(d)...)
	}
	// As xrefDecls.declare, for every file (fileFacts keeps them for
	// non-test files).
	eachDeclared(decls, declaredTo{
		typ:   func(name string) { cf.types = append(cf.types, name) },
		state: func(name string) { cf.state = append(cf.state, name) },
		konst: func(name, value string) { cf.consts = append(cf.consts, [2]string{name, value}) },
	})
	// As xrefDecls.findSetenv, for whatever name the file gives package os.
	look := func(owner string, n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			if recv, name := CallName(call); name == "Setenv" {
				if v := StringArg(call, 0); v != "" {
					cf.setenv = append(cf.setenv, setenvFact{recv: recv, key: v, value: StringArg(call, 1), owner: owner, line: line(call.Pos())})
				}
			}
			return true
		})
	}
	packageWide(decls, look)
	cf.graph = graphFactsOf(decls)
	cf.size = 96
	for _, g := range cf.graph {
		cf.size += 48 + len(g.name) + len(g.idents)
	}
	for _, ss := range [][]string{cf.declared, cf.types, cf.state} {
		for _, s := range ss {
			cf.size += 16 + len(s)
		}
	}
	for _, p := range append(cf.specs, cf.consts...) {
		cf.size += 32 + len(p[0]) + len(p[1])
	}
	for _, s := range cf.setenv {
		cf.size += 80 + len(s.recv) + len(s.key) + len(s.value) + len(s.owner)
	}
	return cf
}

// headerParses reports whether a file's header (what comes before its
// first chunk) parses cleanly and declares nothing.
func headerParses(header []byte) bool {
	af, err := parser.ParseFile(token.NewFileSet(), "", header, parser.SkipObjectResolution)
	return err == nil && af != nil && len(af.Decls) == 0
}

// chunkSeeds seed the two 64-bit hashes that name a chunk's text in the
// cache: 128 bits with its length, for texts of one process.
var chunkSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// chunkKey names a chunk's text in the cache.
func chunkKey(text string) string {
	var b [24]byte
	binary.LittleEndian.PutUint64(b[:], maphash.String(chunkSeeds[0], text))
	binary.LittleEndian.PutUint64(b[8:], maphash.String(chunkSeeds[1], text))
	binary.LittleEndian.PutUint64(b[16:], uint64(len(text)))
	return string(b[:])
}

// chunksOf returns the facts of a Go text's chunks, with the chunks,
// parsing those the cache has not seen; nil when a whole parse must read
// the text (see above).
func (c *Cache) chunksOf(src []byte, maxFresh int) ([]*chunkFacts, []chunk) {
	if directed(src) {
		return nil, nil
	}
	header, cs := chunks(view(src))
	if !headerParses(src[:header]) {
		return nil, nil
	}
	facts := make([]*chunkFacts, len(cs))
	fresh := 0
	for i, ch := range cs {
		if facts[i], _ = c.chunks.Get(chunkKey(ch.text)); facts[i] == nil {
			if fresh += len(ch.text); fresh > maxFresh {
				return nil, nil
			}
		}
	}
	others := false
	for i, ch := range cs {
		cf := facts[i]
		if cf == nil {
			k := chunkKey(ch.text)
			if cf = parseChunk(ch.text); cf == nil {
				return nil, nil
			}
			c.chunks.Put(k, cf, cf.size+len(k))
			facts[i] = cf
		}
		if cf.imports && others {
			return nil, nil // an import after another declaration: the whole parse says so
		}
		others = others || cf.others
	}
	return facts, cs
}

// directed reports whether a Go text may carry //line directives, which
// move the lines a fact records.
func directed(src []byte) bool {
	return bytes.Contains(src, []byte("//line ")) || bytes.Contains(src, []byte("/*line "))
}

// seedChunks records the facts of the chunks of a file parsed whole and
// cleanly, read off its tree, so that the file's next version parses only
// its new declarations. A file whose header declares something, or with a
// declaration across two chunks or a chunk without one (text a gofmt'd
// file does not have), seeds nothing: each chunk it seeds holds whole
// declarations only, and so parses alone as it parses in the file.
func (c *Cache) seedChunks(sf *SrcFile) {
	if c == nil || sf.AST == nil || sf.Err != nil || directed(sf.Src) {
		return
	}
	tf := sf.Fset.File(sf.AST.Package)
	if tf == nil || tf.Size() != len(sf.Src) {
		return
	}
	header, cs := chunks(view(sf.Src))
	decls := sf.AST.Decls
	per := make([][]ast.Decl, len(cs))
	i := 0
	for _, d := range decls {
		start, end := tf.Offset(d.Pos()), tf.Offset(d.End())
		for i < len(cs) && start >= cs[i].end {
			i++
		}
		if start < header || i == len(cs) || start < cs[i].start || end > cs[i].end {
			return
		}
		per[i] = append(per[i], d)
	}
	for i, ch := range cs {
		if len(per[i]) == 0 {
			return
		}
		first := tf.Line(tf.Pos(ch.start))
		if _, ok := c.chunks.Get(chunkKey(ch.text)); ok {
			continue
		}
		cf := chunkFactsOf(per[i], func(p token.Pos) int { return tf.Line(p) - first })
		if cf == nil {
			return
		}
		k := chunkKey(ch.text)
		c.chunks.Put(k, cf, cf.size+len(k))
	}
}

// factsFromChunks reads the facts of a hand-written Go file (not generated,
// not skipped) from its chunks, parsing only those the cache has not seen;
// nil when a whole parse must read them (see above). A file path's test
// and ignored-folder marks decide which facts count, as in factsOf.
func (c *Cache) factsFromChunks(path string, src []byte) *fileFacts {
	return c.factsFromChunksFresh(path, src, len(src))
}

// factsFromChunksFresh is factsFromChunks parsing at most maxFresh bytes of
// chunks the cache has not seen (nil past it).
func (c *Cache) factsFromChunksFresh(path string, src []byte, maxFresh int) *fileFacts {
	facts, cs := c.chunksOf(src, maxFresh)
	if facts == nil {
		return nil
	}
	test, ignored := IsTestFile(path), IgnoredDir(path)
	ff := &fileFacts{parsed: true, gen: isGenerated(src)}
	d := &xrefDecls{types: map[string]bool{}, state: map[string]bool{}, consts: map[string]string{}, envSet: map[string]*TestLit{}}
	ff.decls = d
	// ImportName(file, "os"): the first import of "os".
	osName := ""
	for _, cf := range facts {
		for _, s := range cf.specs {
			if p, err := strconv.Unquote(s[1]); err == nil && p == "os" && osName == "" {
				osName = s[0]
				if osName == "" {
					osName = "os"
				}
			}
		}
	}
	line := 1 // the line each chunk starts on
	for i, cf := range facts {
		if i > 0 {
			line += bytes.Count(src[cs[i-1].start:cs[i].start], []byte("\n"))
		} else {
			line += bytes.Count(src[:cs[0].start], []byte("\n"))
		}
		if !test {
			ff.declared = append(ff.declared, cf.declared...)
		}
		if ignored {
			continue
		}
		if !test {
			for _, t := range cf.types {
				d.types[t] = true
			}
			for _, s := range cf.state {
				d.state[s] = true
			}
			for _, kv := range cf.consts {
				d.consts[kv[0]] = kv[1]
			}
		} else if osName != "" {
			for _, s := range cf.setenv {
				if s.recv == osName {
					d.envSet[s.key] = &TestLit{Value: s.value, file: path, line: line + s.line, Owner: s.owner}
				}
			}
		}
	}
	ff.size = 64 + len(path) + d.estimate()
	for _, n := range ff.declared {
		ff.size += 16 + len(n)
	}
	return ff
}
