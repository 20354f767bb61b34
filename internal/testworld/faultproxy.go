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
	hold     atomic.Pointer[func(*http.Request) bool]
	held     chan struct{}
	heldOnce sync.Once
	closed   chan struct{}
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
		if n, limit := p.count.Add(1), p.limit.Load(); limit >= 0 && n > limit {
			p.breakConnection(w)
			return
		}
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
	p.count.Store(0)
	p.throttled.Store(0)
	p.limit.Store(int64(n))
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
