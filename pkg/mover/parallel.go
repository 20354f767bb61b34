package mover

import "sync"

// inParallel calls f with each item and its index, at most n at once, and
// returns once every call has: the Lists of a read, the writes of one
// owner depth, the Clusters' pauses. A goroutine starts only when a slot
// is free, so a group of thousands of objects never holds thousands of
// goroutines waiting for a slot, and the items are taken in their order.
func inParallel[T any](n int, items []T, f func(int, T)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, n)
	for i, it := range items {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			f(i, it)
		})
	}
	wg.Wait()
}
