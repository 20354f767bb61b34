//go:build bench

package bench

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"k8s.io/client-go/rest"
)

// recorded is one request the plugin's read sent: what the floor replays.
type recorded struct {
	method, url, accept string
}

// recorder keeps every request a client sends, in order.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		r.mu.Lock()
		r.reqs = append(r.reqs, recorded{req.Method, req.URL.String(), req.Header.Get("Accept")})
		r.mu.Unlock()
		return rt.RoundTrip(req)
	})
}

func (r *recorder) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

// replay is the status floor: the plugin's read's own requests (the same
// URLs, in the same formats: table, protobuf metadata, JSON), sent all at
// once by a bare client on the same transport, each body read to its end
// and decoded not at all. The client and its connection are made before the
// clock starts. What the plugin takes beyond this is its own work: the
// order discovery imposes, decoding, building the snapshot.
func replay(ctx context.Context, cfg *rest.Config, reqs []recorded) (sample, error) {
	c, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return sample{}, err
	}
	defer c.CloseIdleConnections()
	if _, err := get(ctx, c, cfg.Host+"/version", "application/json"); err != nil { // connect, TLS
		return sample{}, err
	}
	var (
		wg    sync.WaitGroup
		errMu sync.Mutex
		first error
	)
	start := time.Now()
	for _, r := range reqs {
		if r.method != http.MethodGet {
			return sample{}, fmt.Errorf("status sent %s %s: it must only read", r.method, r.url)
		}
		wg.Go(func() {
			if _, err := get(ctx, c, r.url, r.accept); err != nil {
				errMu.Lock()
				first = cmp.Or(first, err)
				errMu.Unlock()
			}
		})
	}
	wg.Wait()
	return sample{requests: len(reqs), wall: time.Since(start)}, first
}

// get reads url to its end; a status the plugin also got (404 for a kind a
// server does not serve) is not an error.
func get(ctx context.Context, c *http.Client, url, accept string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	n, err := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 500 {
		return n, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return n, err
}
