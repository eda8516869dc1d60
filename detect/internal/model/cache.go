package model

import "github.com/goodhart-dev/goodhart/internal/lru"

// Cache keeps, across the analyses of a scan, what the files of the
// repository declare (their top-level declarations cut from the text, by
// blob and path), so that a package most commits leave alone is read and
// cut once rather than once a commit; and the syntax trees of whole files
// parsed for a package view, so that the next commit to change the same
// package (whose base is the last one's head, most of the time) does not
// parse its unchanged files again; and what each file version
// declares (fileFacts), the small part of a file most analyses need of a
// package's unchanged files. Each part drops its least recently used
// entries beyond its share of the size. It is safe for concurrent use: the
// trees are read, never changed. The zero of *Cache (nil) keeps nothing.
type Cache struct {
	decls  *lru.Cache[*fileDecls]
	trees  *lru.Cache[*SrcFile]
	xrefs  *lru.Cache[*xrefDecls]
	facts  *lru.Cache[*fileFacts]
	chunks *lru.Cache[*chunkFacts] // what each declaration's text declares, by its hash (chunkfacts.go)
}

// NewCache returns a cache that holds about maxBytes: three eighths of it
// for declarations, five sixteenths for syntax trees, an eighth for what
// each file version declares (fileFacts), a sixteenth for what each
// declaration's text declares (chunkFacts) and the rest for the tests'
// cross-references of packages (PkgXref).
func NewCache(maxBytes int) *Cache {
	d, t, f, c := maxBytes*3/8, maxBytes*5/16, maxBytes/8, maxBytes/16
	return &Cache{lru.New[*fileDecls](d), lru.New[*SrcFile](t), lru.New[*xrefDecls](maxBytes - d - t - f - c), lru.New[*fileFacts](f), lru.New[*chunkFacts](c)}
}

func (c *Cache) fileFacts(key string) *fileFacts {
	if c == nil {
		return nil
	}
	f, _ := c.facts.Get(key)
	return f
}

func (c *Cache) putFileFacts(key string, f *fileFacts) {
	if c != nil {
		c.facts.Put(key, f, f.size+len(key))
	}
}

func (c *Cache) xref(key string) *xrefDecls {
	if c == nil {
		return nil
	}
	x, _ := c.xrefs.Get(key)
	return x
}

func (c *Cache) putXref(key string, x *xrefDecls) {
	if c != nil {
		c.xrefs.Put(key, x, x.size+len(key))
	}
}

// treeCost estimates the memory of a file's syntax tree from its source:
// go/ast takes about twenty bytes for each byte of Go.
func treeCost(src []byte) int { return 20 * len(src) }

func (c *Cache) tree(key string) *SrcFile {
	if c == nil {
		return nil
	}
	f, _ := c.trees.Get(key)
	return f
}

func (c *Cache) putTree(key string, f *SrcFile) {
	if c != nil {
		c.trees.Put(key, f, treeCost(f.Src)+len(key))
	}
}

func (c *Cache) get(key string) *fileDecls {
	if c == nil {
		return nil
	}
	d, _ := c.decls.Get(key)
	return d
}

func (c *Cache) put(key string, d *fileDecls) {
	if c != nil {
		c.decls.Put(key, d, d.size()+len(key))
	}
}
