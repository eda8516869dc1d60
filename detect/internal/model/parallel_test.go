package model

import (
	"sync/atomic"
	"testing"
)

// Each calls f once for every index, below and above the count it spreads
// over goroutines, and returns only when all calls have.
func TestEachCallsEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, minEach - 1, minEach, 100} {
		calls := make([]atomic.Int32, n)
		var done atomic.Int32
		Each(n, func(i int) {
			calls[i].Add(1)
			done.Add(1)
		})
		if int(done.Load()) != n {
			t.Errorf("n=%d: Each returned after %d calls", n, done.Load())
		}
		for i := range calls {
			if c := calls[i].Load(); c != 1 {
				t.Errorf("n=%d: f(%d) called %d times", n, i, c)
			}
		}
	}
}
