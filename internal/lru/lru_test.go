package lru

import "testing"

// The cache keeps what fits, drops the least recently used first, and
// keeps a key's first value.
func TestCacheKeepsTheRecent(t *testing.T) {
	c := New[string](300)
	for _, k := range []string{"a", "b", "c"} {
		c.Put(k, k, 100)
	}
	c.Get("a") // b is now the least recently used
	c.Put("d", "d", 100)
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if _, ok := c.Get(k); ok != want {
			t.Errorf("Get(%s) found %v, want %v", k, ok, want)
		}
	}
	c.Put("a", "other", 100)
	if v, _ := c.Get("a"); v != "a" || c.Size() != 300 {
		t.Errorf("Get(a) = %q and size %d after a second Put", v, c.Size())
	}
	c.Put("big", "big", 1000) // larger than the cache: kept alone
	if _, ok := c.Get("big"); !ok || c.Size() != 1000 {
		t.Errorf("a value larger than the cache: kept %v, size %d", ok, c.Size())
	}
}
