package model

import "github.com/goodhart-dev/goodhart/internal/lru"

// Cache keeps, across the analyses of a scan, what the files of the
// repository declare (their top-level declarations cut from the text, by
// blob and path), so that a package most commits leave alone is read and
// cut once rather than once a commit. It holds no source text and no
// syntax trees; it drops the least recently used entries beyond its size.
// It is safe for concurrent use. The zero of *Cache (nil) keeps nothing.
type Cache struct {
	decls *lru.Cache[*fileDecls]
}

// NewCache returns a cache that holds about maxBytes.
func NewCache(maxBytes int) *Cache {
	return &Cache{lru.New[*fileDecls](maxBytes)}
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
