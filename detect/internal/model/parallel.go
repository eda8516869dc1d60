package model

import (
	"runtime"
	"sync"
)

// Each calls f(0), …, f(n-1) on up to GOMAXPROCS goroutines and returns
// when all have returned; with fewer than minEach calls, or one core, it
// calls them in turn. f must be safe to call concurrently: the loader's
// reads and parses are, and so are the rules' process-wide caches. It is
// for work a check would do anyway, one item after another, that does not
// depend on the order.
func Each(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/2)
	if n < minEach || workers < 2 {
		for i := range n {
			f(i)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// minEach is the fewest calls Each spreads over goroutines.
const minEach = 4
