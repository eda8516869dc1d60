// Package lru is a cache bounded by the total size of what it holds,
// dropping the least recently used entries first. It is safe for
// concurrent use. goodhart keeps blobs (gitutil) and what files declare
// (detect) in one across the commits of a scan.
package lru

import (
	"container/list"
	"sync"
)

// Cache holds values by key up to a total size.
type Cache[V any] struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // of *entry[V], most recent first
	byKey map[string]*list.Element
}

type entry[V any] struct {
	key  string
	val  V
	size int
}

// New returns a cache that holds values whose sizes add up to max at most
// (one value larger than max is kept alone until the next one comes).
func New[V any](max int) *Cache[V] {
	return &Cache[V]{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// Get returns the value of key and makes it the most recent.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*entry[V]).val, true
}

// Put adds a value of the given size, unless key is already there, and
// drops the least recently used values until the rest fit.
func (c *Cache[V]) Put(key string, val V, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = c.order.PushFront(&entry[V]{key, val, size})
	c.size += size
	for c.size > c.max && c.order.Len() > 1 {
		e := c.order.Remove(c.order.Back()).(*entry[V])
		delete(c.byKey, e.key)
		c.size -= e.size
	}
}

// Size returns the total size of what the cache holds.
func (c *Cache[V]) Size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}
