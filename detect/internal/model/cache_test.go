package model

import (
	"fmt"
	"testing"
)

// The cache keeps what fits, drops the least recently used first, and a
// nil cache keeps nothing.
func TestCacheKeepsTheRecent(t *testing.T) {
	d := cutDecls([]byte("package p\n\nfunc A() {}\n\nvar b, c = 1, 2\n"), false)
	if got := fmt.Sprint(d.names[0].names, d.names[1].names); got != "[A] [b c]" {
		t.Fatalf("names = %s", got)
	}
	c := NewCache(3 * (d.size() + len("k0")))
	for i := range 4 {
		c.put(fmt.Sprintf("k%d", i), d)
		if i == 2 {
			c.get("k0") // k1 is now the least recently used
		}
	}
	for key, want := range map[string]bool{"k0": true, "k1": false, "k2": true, "k3": true} {
		if got := c.get(key) != nil; got != want {
			t.Errorf("get(%s) found %v, want %v", key, got, want)
		}
	}
	var none *Cache
	none.put("k", d)
	if none.get("k") != nil {
		t.Error("a nil cache kept something")
	}
}
