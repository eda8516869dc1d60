package detect

import (
	"container/list"
	"sync"
)

// Cache keeps, across the analyses of a scan, what the files of the
// repository declare (their top-level declarations cut from the text, by
// blob and path), so that a package most commits leave alone is read and
// cut once rather than once a commit. It holds no source text and no
// syntax trees; it drops the least recently used entries beyond its size.
// It is safe for concurrent use. The zero of *Cache (nil) keeps nothing.
type Cache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // of *cacheEntry, most recent first
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key   string
	decls *fileDecls
	size  int
}

// NewCache returns a cache that holds about maxBytes.
func NewCache(maxBytes int) *Cache {
	return &Cache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *Cache) get(key string) *fileDecls {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).decls
}

func (c *Cache) put(key string, d *fileDecls) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; ok {
		return
	}
	n := d.size() + len(key)
	c.byKey[key] = c.order.PushFront(&cacheEntry{key, d, n})
	c.size += n
	for c.size > c.max && c.order.Len() > 1 {
		e := c.order.Remove(c.order.Back()).(*cacheEntry)
		delete(c.byKey, e.key)
		c.size -= e.size
	}
}
