package watch

import (
	"context"
	"time"
)

// Pacing bounds the re-reads: a burst of events (a rollout touches every
// Machine, MachineSet and Node) is one re-read, at most one per
// MinInterval, and at least one per Fallback when no event arrives (a
// cluster that came back, a watch that missed something).
type Pacing struct {
	// Settle is how long to wait after an event for the rest of its burst.
	Settle time.Duration
	// MinInterval is the least time between two reads.
	MinInterval time.Duration
	// Fallback re-reads when no event came for this long.
	Fallback time.Duration
}

// DefaultPacing: a burst settles in half a second, at most one read every
// 2 seconds, and one a minute while idle.
var DefaultPacing = Pacing{Settle: 500 * time.Millisecond, MinInterval: 2 * time.Second, Fallback: time.Minute}

// Loop reads once, then again after each coalesced burst on changed or
// after Fallback, handing each result to seen until seen says done. It
// returns nil when done, ctx's error when stopped, or read's error.
func Loop[R any](ctx context.Context, p Pacing, changed <-chan struct{}, read func(context.Context) (R, error), seen func(R) (done bool, err error)) error {
	last := time.Time{}
	for {
		if wait := p.MinInterval - time.Since(last); !last.IsZero() && wait > 0 && !sleep(ctx, wait) {
			return ctx.Err()
		}
		drain(changed) // the read below covers what is pending
		last = time.Now()
		r, err := read(ctx)
		if ctx.Err() != nil {
			// Stopped mid-read: what was read is the stop, not the clusters.
			return ctx.Err()
		}
		if err != nil {
			return err
		}
		done, err := seen(r)
		if done || err != nil {
			return err
		}
		fallback := time.NewTimer(p.Fallback)
		select {
		case <-ctx.Done():
			fallback.Stop()
			return ctx.Err()
		case <-changed:
			fallback.Stop()
			if !sleep(ctx, p.Settle) {
				return ctx.Err()
			}
		case <-fallback.C:
		}
	}
}

func drain(c <-chan struct{}) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}
