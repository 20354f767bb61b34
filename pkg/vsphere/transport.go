package vsphere

import (
	"net/http"
	"sync/atomic"
	"time"

	"k8s.io/klog/v2"
)

// countingTransport counts SOAP calls: each is one HTTP POST. It logs the
// SOAP action and status, never a body: the login's body holds the password.
type countingTransport struct {
	rt http.RoundTripper
	n  atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	start := time.Now()
	resp, err := c.rt.RoundTrip(req)
	if resp != nil {
		klog.V(5).Infof("vCenter %s %s %d in %s", req.Method, req.URL.Host, resp.StatusCode, time.Since(start).Round(time.Millisecond))
	}
	return resp, err
}

func (c *countingTransport) calls() int { return int(c.n.Load()) }
