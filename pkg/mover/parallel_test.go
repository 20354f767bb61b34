package mover

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A move's delete group can hold thousands of objects: at most n calls run
// at once, each item is called once with its own index, and no more than
// about n goroutines exist for the group at any moment.
func TestInParallel_BoundsCallsAndGoroutines(t *testing.T) {
	const n, items = 4, 2000
	before := runtime.NumGoroutine()
	var (
		running, most, extra atomic.Int64
		mu                   sync.Mutex
		seen                 = make([]int, items)
	)
	in := make([]int, items)
	for i := range in {
		in[i] = i * 10
	}
	inParallel(n, in, func(i, v int) {
		now := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
		}
		time.Sleep(100 * time.Microsecond) // long enough for the loop to run ahead if it could
		if g := int64(runtime.NumGoroutine() - before); g > extra.Load() {
			extra.Store(g)
		}
		mu.Lock()
		defer mu.Unlock()
		if v != i*10 {
			t.Errorf("item %d called with %d, want %d", i, v, i*10)
		}
		seen[i]++
	})
	if most.Load() > n {
		t.Errorf("%d calls ran at once, want at most %d", most.Load(), n)
	}
	// A call that has just freed its slot may not have exited yet: twice
	// n leaves room for that, and is far below one goroutine per item.
	if extra.Load() > 2*n {
		t.Errorf("%d goroutines were alive for %d items, want at most %d", extra.Load(), items, 2*n)
	}
	for i, c := range seen {
		if c != 1 {
			t.Errorf("item %d called %d times, want once", i, c)
		}
	}
}
