package main_test

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// klogLine is a klog header: client-go's own notes, not the command's words.
var klogLine = regexp.MustCompile(`^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ `)

// TestRequestTimeout_EveryCommand: --request-timeout bounds how long every
// command that connects waits for a management cluster that accepts the
// connection and never answers. 1s gives up in about a second, both when
// nothing answers at all (a black-holing firewall; client-go gives the TLS
// handshake 10s of its own, whatever the flag) and when the TLS handshake
// completes but no HTTP answer comes (a hung API server); 20s waits past the
// 15s the plugin defaults to, for a server that is slow, not gone. Each
// ends with exit 1 and one line naming the management cluster (status: exit
// 2 and the state ManagementUnreachable).
func TestRequestTimeout_EveryCommand(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	silent, hung := silentKubeconfig(t, t.TempDir()), hungKubeconfig(t, t.TempDir())
	backups := worldBackups(t, w)
	commands := []struct {
		args []string
		code int
		want string // what the one line names
	}{
		{[]string{"status", "-o", "jsonpath={.state}"}, 2, "ManagementUnreachable"},
		{[]string{"backup", "--to", filepath.Join(t.TempDir(), "b")}, 1, "the management cluster"},
		{[]string{"verify", "--from", backups[0]}, 1, "the management cluster"},
		{[]string{"move", "--yes"}, 1, "the management cluster"},
		{[]string{"restore", "--yes", "--from", backups[0]}, 1, "the management cluster"},
		{[]string{"resume", "--yes"}, 1, "the management cluster"},
	}
	timeouts := []struct {
		name, flag, kubeconfig string
		min, max               time.Duration
	}{
		{"silent-1s", "1s", silent, 0, 8 * time.Second},
		{"hung-1s", "1s", hung, 0, 8 * time.Second},
		// Longer than DefaultTimeout (15s): the flag, not the default, decides.
		{"hung-20s", "20s", hung, 19 * time.Second, 35 * time.Second},
	}
	for _, to := range timeouts {
		for _, c := range commands {
			t.Run(to.name+"/"+c.args[0], func(t *testing.T) {
				t.Parallel()
				args := append([]string{"--kubeconfig", to.kubeconfig, "--request-timeout=" + to.flag}, c.args...)
				start := time.Now()
				res := run(t, w.Dir, args...)
				took := time.Since(start)
				if took < to.min || took > to.max {
					t.Errorf("%v took %s, want between %s and %s", args, took.Round(100*time.Millisecond), to.min, to.max)
				}
				var lines []string
				for _, l := range strings.Split(strings.TrimSpace(res.stdout+"\n"+res.stderr), "\n") {
					if l != "" && !klogLine.MatchString(l) && !strings.HasSuffix(l, "its files are used unchecked") {
						lines = append(lines, l)
					}
				}
				if res.code != c.code || len(lines) != 1 || !strings.Contains(lines[0], c.want) {
					t.Errorf("%v = exit %d, lines %q; want exit %d and one line naming %q", args, res.code, lines, c.code, c.want)
				}
			})
		}
	}
}

// silentKubeconfig is a kubeconfig for a server on 127.0.0.1 that accepts
// every connection and never answers, not even the TLS handshake.
func silentKubeconfig(t *testing.T, dir string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return writeKubeconfig(t, filepath.Join(dir, "silent.kubeconfig"), "https://"+l.Addr().String())
}

// hungKubeconfig is a kubeconfig for an HTTPS server on 127.0.0.1 that
// completes the TLS handshake and never answers a request.
func hungKubeconfig(t *testing.T, dir string) string {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // clients that give up are the point
	srv.StartTLS()
	t.Cleanup(func() {
		close(done)
		srv.CloseClientConnections()
		srv.Close()
	})
	return writeKubeconfig(t, filepath.Join(dir, "hung.kubeconfig"), srv.URL)
}

func writeKubeconfig(t *testing.T, path, server string) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["hung"] = &clientcmdapi.Cluster{Server: server, InsecureSkipTLSVerify: true}
	cfg.AuthInfos["hung"] = &clientcmdapi.AuthInfo{Token: "unused"}
	cfg.Contexts["hung"] = &clientcmdapi.Context{Cluster: "hung", AuthInfo: "hung"}
	cfg.CurrentContext = "hung"
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRequestTimeout_LongerThanDefault: a management cluster that answers,
// but takes 17s to list its CRDs (an API server under load), is read
// whole when --request-timeout=25s gives it the time: no command gives up
// at the 15s the plugin defaults to. Every command is run so that it
// changes nothing (move and restore with --dry-run; restore then refuses,
// as KinD still holds the objects, after it has read both clusters).
func TestRequestTimeout_LongerThanDefault(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	const delay = 17 * time.Second
	slow := slowCRDsKubeconfig(t, w.Management.Config, delay, t.TempDir())
	backups := worldBackups(t, w)
	commands := []struct {
		args []string
		code int
		want string // in stdout or stderr: the command read the clusters
	}{
		{[]string{"status", "-o", "jsonpath={.state}"}, 2, "StrandedInBootstrap"},
		{[]string{"backup", "--to", filepath.Join(t.TempDir(), "b")}, 0, "Backed up 32 objects of cluster3"},
		{[]string{"verify", "--from", backups[0]}, 2, "still on the bootstrap cluster"},
		{[]string{"move", "--dry-run"}, 0, "Dry run: nothing was changed"},
		{[]string{"restore", "--dry-run", "--from", backups[0]}, 1, "the KinD cluster still holds 32 of cluster3's objects"},
		{[]string{"resume", "--dry-run"}, 1, "KinD"},
	}
	for _, c := range commands {
		t.Run(c.args[0], func(t *testing.T) {
			t.Parallel()
			args := append([]string{"--kubeconfig", slow, "--request-timeout=25s"}, c.args...)
			start := time.Now()
			res := run(t, w.Dir, args...)
			took := time.Since(start)
			out := res.stdout + res.stderr
			if res.code != c.code || !strings.Contains(out, c.want) || strings.Contains(out, "answer") || took < delay {
				t.Errorf("%v = exit %d after %s; want exit %d, %q, after the %s the CRD list takes\nstdout: %s\nstderr: %s",
					args, res.code, took.Round(100*time.Millisecond), c.code, c.want, delay, res.stdout, res.stderr)
			}
		})
	}
}

// slowCRDsKubeconfig is a kubeconfig for a proxy in front of the API server
// upstream reaches that holds every CRD list for delay; all else passes at
// once. The proxy authenticates as upstream does.
func slowCRDsKubeconfig(t *testing.T, upstream *rest.Config, delay time.Duration, dir string) string {
	t.Helper()
	target, err := url.Parse(upstream.Host)
	if err != nil {
		t.Fatal(err)
	}
	transport, err := rest.TransportFor(upstream)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Header.Del("Authorization") // the client's placeholder; the transport authenticates
		},
		Transport: transport,
		ErrorLog:  log.New(io.Discard, "", 0),
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/customresourcedefinitions") {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return writeKubeconfig(t, filepath.Join(dir, "slow.kubeconfig"), srv.URL)
}

// worldBackups are the backup folders the stranded world wrote, for verify
// and restore to read.
func worldBackups(t *testing.T, w *testworld.World) []string {
	t.Helper()
	backups, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), "*backup-*[0-9]"))
	if len(backups) == 0 {
		t.Fatal("the stranded world wrote no backup for verify and restore")
	}
	return backups
}
