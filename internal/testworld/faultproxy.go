package testworld

import (
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// FaultProxy is a loopback HTTPS reverse proxy in front of one API server
// that lets a set number of requests through and then breaks the
// connection of every later one, as a network cut or a dying laptop does to
// a move. It terminates TLS with its own certificate (the API server's key
// is not ours to serve) and talks to the server with the world's admin
// credentials, so a client needs only to trust the proxy.
type FaultProxy struct {
	// Config reaches the server through the proxy: a copy of the server's
	// with the proxy's address and CA (the credentials stay, unused).
	Config *rest.Config

	srv   *httptest.Server
	limit atomic.Int64 // requests let through; negative: no limit
	count atomic.Int64 // requests seen since the last CutAfter
	// throttled counts 429 answers: a young API server sends them while its
	// priority levels settle, and client-go repeats the request, so a
	// count with any is not the move's own.
	throttled atomic.Int64
	cutOnce   sync.Once
	upstream  *rest.Config

	// hold, when set, matches requests the proxy holds without an answer
	// until it closes (see HoldWhen).
	hold atomic.Pointer[func(*http.Request) bool]
	// mode is what happens past the limit: cut (default), lose the
	// answer of the first request past it, or an outage of outage
	// requests after which traffic passes again.
	mode     atomic.Int32
	outage   atomic.Int64
	mu       sync.Mutex
	when     atomic.Pointer[func(*http.Request) bool] // sets the limit at the first match
	log      []string                                 // method and path of every request, in order
	headers  []http.Header                            // the headers of each, as the client sent them
	faults   []string                                 // "n METHOD path (what)" of each request faulted
	held     chan struct{}
	heldOnce sync.Once
	// forwarding counts the requests passed to the server and not yet
	// answered, watches aside (see WaitAnswered).
	forwarding atomic.Int64
	closed     chan struct{}
}

// NewFaultProxy starts a proxy in front of the server upstream points at,
// with no limit until CutAfter.
func NewFaultProxy(upstream *rest.Config) (*FaultProxy, error) {
	target, err := url.Parse(upstream.Host)
	if err != nil {
		return nil, fmt.Errorf("fault proxy: upstream %q: %w", upstream.Host, err)
	}
	transport, err := rest.TransportFor(upstream)
	if err != nil {
		return nil, fmt.Errorf("fault proxy: %w", err)
	}
	p := &FaultProxy{upstream: upstream, held: make(chan struct{}), closed: make(chan struct{})}
	forward := func(r *http.Request) {
		out := r.Clone(r.Context())
		out.URL.Scheme, out.URL.Host, out.Host, out.RequestURI = target.Scheme, target.Host, target.Host, ""
		if resp, err := transport.RoundTrip(out); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
	}
	p.limit.Store(-1)
	rp := &httputil.ReverseProxy{
		Rewrite:       func(r *httputil.ProxyRequest) { r.SetURL(target) },
		Transport:     transport,
		FlushInterval: -1, // watches stream
		// A client that gives up mid-request is what the tests cause.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	rp.ModifyResponse = func(r *http.Response) error {
		if r.StatusCode == http.StatusTooManyRequests {
			p.throttled.Add(1)
		}
		return nil
	}
	// httptest serves HTTP/1.1 only unless told otherwise: Hijack works.
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if match := p.hold.Load(); match != nil && (*match)(r) {
			p.heldOnce.Do(func() { close(p.held) })
			select { // the client waits for an answer that never comes
			case <-r.Context().Done():
			case <-p.closed:
			}
			p.breakConnection(w)
			return
		}
		n := p.count.Add(1)
		if when := p.when.Load(); when != nil && p.limit.Load() < 0 && (*when)(r) {
			p.limit.CompareAndSwap(-1, n-1)
		}
		limit := p.limit.Load()
		p.mu.Lock()
		p.log = append(p.log, r.Method+" "+r.URL.Path)
		p.headers = append(p.headers, r.Header.Clone())
		p.mu.Unlock()
		if limit >= 0 && n > limit {
			what := "cut before the server"
			switch faultMode(p.mode.Load()) {
			case loseAnswer:
				if n == limit+1 {
					done := p.track(r)
					forward(r) // the server applies it; its answer is lost
					done()
					what = "applied, answer lost"
				}
			case outage:
				if n > limit+p.outage.Load() {
					defer p.track(r)()
					rp.ServeHTTP(w, r) // the outage is over
					return
				}
				what = "outage"
				p.mu.Lock()
				p.faults = append(p.faults, fmt.Sprintf("%d %s %s (%s)", n, r.Method, r.URL.Path, what))
				p.mu.Unlock()
				p.resetConnection(w)
				return
			}
			p.mu.Lock()
			p.faults = append(p.faults, fmt.Sprintf("%d %s %s (%s)", n, r.Method, r.URL.Path, what))
			p.mu.Unlock()
			p.breakConnection(w)
			return
		}
		defer p.track(r)()
		rp.ServeHTTP(w, r)
	}))
	p.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	p.srv.StartTLS()
	cfg := rest.CopyConfig(upstream)
	cfg.Host = p.srv.URL
	cfg.CAFile = ""
	cfg.CAData = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.srv.Certificate().Raw})
	cfg.ServerName = ""
	p.Config = cfg
	return p, nil
}

// CutAfter restarts the count: the next n requests pass, every later one
// has its connection closed, and the proxy stops accepting connections.
// Negative n lifts the limit (to count a whole move). A proxy cuts once:
// start a new one for the next cut.
func (p *FaultProxy) CutAfter(n int) {
	p.when.Store(nil)
	p.mode.Store(int32(cut))
	p.count.Store(0)
	p.throttled.Store(0)
	p.limit.Store(int64(n))
}

type faultMode int32

const (
	cut faultMode = iota
	loseAnswer
	outage
)

// LoseAnswerAfter is CutAfter's other half: the next n requests pass, the
// one after reaches the server, which applies it, but its answer is lost
// (the connection breaks instead); every later one is cut.
func (p *FaultProxy) LoseAnswerAfter(n int) {
	p.CutAfter(n)
	p.mode.Store(int32(loseAnswer))
}

// OutageAfter lets n requests pass, breaks the connection of the next k
// (the listener stays open), then lets everything pass again: a short
// outage that recovers.
func (p *FaultProxy) OutageAfter(n, k int) {
	p.CutAfter(n)
	p.outage.Store(int64(k))
	p.mode.Store(int32(outage))
}

// LoseAnswerWhen is LoseAnswerAfter at the first request match accepts:
// that one is applied and its answer lost, every later one cut.
func (p *FaultProxy) LoseAnswerWhen(match func(*http.Request) bool) {
	p.LoseAnswerAfter(-1)
	p.when.Store(&match)
}

// OutageWhen is OutageAfter at the first request match accepts: it and the
// k-1 after it have their connections broken, then traffic passes.
func (p *FaultProxy) OutageWhen(match func(*http.Request) bool, k int) {
	p.OutageAfter(-1, k)
	p.when.Store(&match)
}

// Log is the method and path of every request the proxy saw, in order.
func (p *FaultProxy) Log() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.log...)
}

// Headers are the headers of every request the proxy saw, in Log's order,
// as the client sent them (before the proxy's own transport adds any): what
// a client's flags put on the wire, e.g. whether it asked for gzip.
func (p *FaultProxy) Headers() []http.Header {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]http.Header, len(p.headers))
	for i, h := range p.headers {
		out[i] = h.Clone()
	}
	return out
}

// Faults names each request the proxy faulted: its number, method, path
// and what happened to it.
func (p *FaultProxy) Faults() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.faults...)
}

// HoldWhen makes the proxy hold every request match accepts: it is never
// forwarded, and its client waits until it gives up or the proxy closes. The
// channel returned is closed when the first such request arrives, so that a
// test can kill the client at exactly that point (a process killed while it
// waits for its unpause, say).
func (p *FaultProxy) HoldWhen(match func(*http.Request) bool) <-chan struct{} {
	p.hold.Store(&match)
	return p.held
}

// track counts r as forwarded until the function it returns is called.
func (p *FaultProxy) track(r *http.Request) func() {
	if r.URL.Query().Get("watch") == "true" {
		return func() {}
	}
	p.forwarding.Add(1)
	return func() { p.forwarding.Add(-1) }
}

// WaitAnswered waits, up to timeout, until the server has answered every
// request the proxy forwarded to it, and says whether it did. A client
// killed while the proxy holds its n-th write has then had exactly n-1
// applied: killed at once, the writes still in flight would be cancelled
// with it, or not, as the machine's load decides.
func (p *FaultProxy) WaitAnswered(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for p.forwarding.Load() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// Requests is the number of requests seen since the last CutAfter (or start).
func (p *FaultProxy) Requests() int { return int(p.count.Load()) }

// Throttled is the number of 429 answers since the last CutAfter.
func (p *FaultProxy) Throttled() int { return int(p.throttled.Load()) }

// Cut says whether a request has been refused.
func (p *FaultProxy) Cut() bool {
	limit := p.limit.Load()
	return limit >= 0 && p.count.Load() > limit
}

// breakConnection drops the client's TCP connection without an answer
// (reset, not a clean close), and closes the listener so that client-go's
// retries of GETs meet a refused connection at once rather than another cut.
func (p *FaultProxy) breakConnection(w http.ResponseWriter) {
	p.cutOnce.Do(func() { _ = p.srv.Listener.Close() })
	p.resetConnection(w)
}

// resetConnection drops the client's TCP connection without an answer.
func (p *FaultProxy) resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tlsConn, ok := conn.(interface{ NetConn() net.Conn }); ok {
		if tcp, ok := tlsConn.NetConn().(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
	}
	_ = conn.Close()
}

// Kubeconfig renders a kubeconfig that reaches the server through the
// proxy with the world's admin credentials, for the binary.
func (p *FaultProxy) Kubeconfig(name string) ([]byte, error) {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{Server: p.Config.Host, CertificateAuthorityData: p.Config.CAData}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{
		ClientCertificateData: p.upstream.CertData,
		ClientKeyData:         p.upstream.KeyData,
		Token:                 p.upstream.BearerToken,
	}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	cfg.CurrentContext = name
	return clientcmd.Write(*cfg)
}

// Close stops the proxy and closes every connection through it.
func (p *FaultProxy) Close() {
	select {
	case <-p.closed:
	default:
		close(p.closed)
	}
	p.srv.CloseClientConnections()
	p.srv.Close()
}
