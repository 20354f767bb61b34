package cmdutil

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// kubeconfig writes a kubeconfig with one context per name, each with its
// own cluster (server https://<name>.example:6443) and user (token
// "tok-<name>"), the first current.
func kubeconfig(t *testing.T, path string, contexts ...string) {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	for _, n := range contexts {
		cfg.Clusters[n] = &clientcmdapi.Cluster{Server: "https://" + n + ".example:6443"}
		cfg.AuthInfos[n] = &clientcmdapi.AuthInfo{Token: "tok-" + n}
		cfg.Contexts[n] = &clientcmdapi.Context{Cluster: n, AuthInfo: n}
	}
	cfg.CurrentContext = contexts[0]
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
}

// newWorkspace is an eksctl folder for cluster3 with both kubeconfigs
// (contexts "mgmt" and "kind"), and no $KUBECONFIG.
func newWorkspace(t *testing.T) eksa.Layout {
	t.Helper()
	t.Setenv(clientcmd.RecommendedConfigPathEnvVar, "")
	l := eksa.Layout{Workspace: t.TempDir(), Cluster: "cluster3"}
	kubeconfig(t, l.ManagementKubeconfig(), "mgmt")
	kubeconfig(t, l.BootstrapKubeconfig(), "kind")
	return l
}

// resolveArgs parses args as the root command's flags and resolves them.
func resolveArgs(t *testing.T, l eksa.Layout, args ...string) (*Resolved, *Global, error) {
	t.Helper()
	g := NewGlobal()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	g.AddFlags(fs)
	if err := fs.Parse(append([]string{"--workspace", l.Workspace}, args...)); err != nil {
		t.Fatalf("parsing %v: %v", args, err)
	}
	r, err := Resolve(g)
	return r, g, err
}

func TestResolve_KubeconfigSource(t *testing.T) {
	l := newWorkspace(t)
	own := filepath.Join(t.TempDir(), "own.kubeconfig")
	kubeconfig(t, own, "own")
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	kubeconfig(t, a, "a")
	kubeconfig(t, b, "b")
	tests := []struct {
		name, env  string
		args       []string
		wantServer string
		wantFrom   string
		wantPath   string
	}{
		{"the workspace's by default", "", nil, "https://mgmt.example:6443", FromWorkspace, l.ManagementKubeconfig()},
		{"--kubeconfig", "", []string{"--kubeconfig", own}, "https://own.example:6443", FromFlag, own},
		{"$KUBECONFIG", a, nil, "https://a.example:6443", FromEnv, a},
		// Merged as kubectl merges them: the first file's current context,
		// a context of the second file by --context.
		{"$KUBECONFIG merged", a + ":" + b, []string{"--context", "b"}, "https://b.example:6443", FromEnv, a + ":" + b},
		{"--kubeconfig wins over $KUBECONFIG", a, []string{"--kubeconfig", own}, "https://own.example:6443", FromFlag, own},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(clientcmd.RecommendedConfigPathEnvVar, tt.env)
			r, _, err := resolveArgs(t, l, tt.args...)
			if err != nil {
				t.Fatalf("Resolve(%v) = %v", tt.args, err)
			}
			m := r.Management
			if m.Config == nil || m.Config.Host != tt.wantServer || m.From != tt.wantFrom || m.Kubeconfig != tt.wantPath {
				t.Errorf("Resolve(%v): management %+v, want server %s from %s (%s)", tt.args, m, tt.wantServer, tt.wantFrom, tt.wantPath)
			}
			if r.Bootstrap.Config == nil || r.Bootstrap.Config.Host != "https://kind.example:6443" {
				t.Errorf("Resolve(%v): bootstrap %+v, want the workspace's KinD kubeconfig whatever $KUBECONFIG says", tt.args, r.Bootstrap)
			}
		})
	}
}

// TestResolve_ConnectionFlags: each of kubectl's flags reaches the
// management cluster's client configuration, and none reaches KinD's.
func TestResolve_ConnectionFlags(t *testing.T) {
	l := newWorkspace(t)
	ca := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(ca, []byte("not read until a request"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, _, err := resolveArgs(t, l, "--as", "viewer", "--as-group", "g1", "--as-group", "g2", "--as-uid", "u-1",
		"--token", "s3cr3t", "--server", "https://elsewhere.example:443", "--tls-server-name", "api.example",
		"--certificate-authority", ca, "--disable-compression", "--request-timeout", "7s")
	if err != nil {
		t.Fatalf("Resolve = %v", err)
	}
	m := r.Management.Config
	got := []any{m.Impersonate.UserName, m.Impersonate.Groups, m.Impersonate.UID, m.BearerToken, m.Host, m.ServerName, m.CAFile, m.DisableCompression, m.Timeout}
	want := []any{"viewer", []string{"g1", "g2"}, "u-1", "s3cr3t", "https://elsewhere.example:443", "api.example", ca, true, 7 * time.Second}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("management config = %v, want %v", got, want)
	}
	b := r.Bootstrap.Config
	if b.Impersonate.UserName != "" || len(b.Impersonate.Groups) > 0 || b.BearerToken != "tok-kind" || b.Host != "https://kind.example:6443" || b.ServerName != "" || b.CAFile != "" {
		t.Errorf("bootstrap config inherited the management flags: impersonate %+v, token %q, host %s, server name %q, CA %q",
			b.Impersonate, b.BearerToken, b.Host, b.ServerName, b.CAFile)
	}
	if b.Timeout != 7*time.Second {
		t.Errorf("bootstrap timeout = %v, want --request-timeout's 7s", b.Timeout)
	}

	r, _, err = resolveArgs(t, l, "--bootstrap-as", "kind-viewer", "--bootstrap-as-group", "kg", "--bootstrap-as-uid", "ku")
	if err != nil {
		t.Fatalf("Resolve = %v", err)
	}
	if got := r.Bootstrap.Config.Impersonate; got.UserName != "kind-viewer" || !reflect.DeepEqual(got.Groups, []string{"kg"}) || got.UID != "ku" {
		t.Errorf("bootstrap impersonation = %+v, want kind-viewer, [kg], ku", got)
	}
	if got := r.Management.Config.Impersonate; got.UserName != "" || len(got.Groups) > 0 || got.UID != "" {
		t.Errorf("management impersonation = %+v from --bootstrap-as*, want none", got)
	}
}

func TestResolve_RequestTimeout(t *testing.T) {
	l := newWorkspace(t)
	for _, tt := range []struct {
		args []string
		want time.Duration
	}{
		{nil, 15 * time.Second},
		{[]string{"--request-timeout", "0"}, 0}, // as the help says: no timeout
		{[]string{"--request-timeout", "30"}, 30 * time.Second},
		{[]string{"--request-timeout", "2m"}, 2 * time.Minute},
	} {
		r, _, err := resolveArgs(t, l, tt.args...)
		if err != nil {
			t.Fatalf("Resolve(%v) = %v", tt.args, err)
		}
		if r.Timeout != tt.want || r.Management.Config.Timeout != tt.want || r.Bootstrap.Config.Timeout != tt.want {
			t.Errorf("Resolve(%v): timeout %v, management %v, bootstrap %v; want %v", tt.args, r.Timeout,
				r.Management.Config.Timeout, r.Bootstrap.Config.Timeout, tt.want)
		}
	}
}

// TestResolve_BadInput: one line naming the fix, never a client-go default.
func TestResolve_BadInput(t *testing.T) {
	l := newWorkspace(t)
	dangling := filepath.Join(t.TempDir(), "dangling.kubeconfig")
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: "https://c.example"}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "t"}
	cfg.Contexts["no-cluster"] = &clientcmdapi.Context{Cluster: "gone", AuthInfo: "u"}
	cfg.Contexts["no-user"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "nobody"}
	cfg.Contexts["ok"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	if err := clientcmd.WriteToFile(*cfg, dangling); err != nil {
		t.Fatal(err)
	}
	certWS := eksa.Layout{Workspace: t.TempDir(), Cluster: "cluster3"}
	withCert := clientcmdapi.NewConfig()
	withCert.Clusters["c"] = &clientcmdapi.Cluster{Server: "https://c.example"}
	withCert.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: []byte("cert"), ClientKeyData: []byte("key")}
	withCert.Contexts["admin"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "admin"}
	withCert.CurrentContext = "admin"
	if err := os.MkdirAll(certWS.Dir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := clientcmd.WriteToFile(*withCert, certWS.ManagementKubeconfig()); err != nil {
		t.Fatal(err)
	}
	noMgmt := eksa.Layout{Workspace: t.TempDir(), Cluster: "cluster3"}
	kubeconfig(t, noMgmt.BootstrapKubeconfig(), "kind")
	noKind := eksa.Layout{Workspace: t.TempDir(), Cluster: "cluster3"}
	kubeconfig(t, noKind.ManagementKubeconfig(), "mgmt")
	tests := []struct {
		name string
		l    eksa.Layout
		args []string
		want string
	}{
		{"context names a missing cluster", l, []string{"--kubeconfig", dangling, "--context", "no-cluster"}, `context "no-cluster" names cluster "gone", which it does not hold (it has: c); fix the kubeconfig or pass --cluster`},
		{"context names a missing user", l, []string{"--kubeconfig", dangling, "--context", "no-user"}, `context "no-user" names user "nobody", which it does not hold (it has: u); fix the kubeconfig or pass --user`},
		{"--cluster missing", l, []string{"--kubeconfig", dangling, "--context", "ok", "--cluster", "nope"}, `names cluster "nope"`},
		{"--user missing", l, []string{"--kubeconfig", dangling, "--context", "ok", "--user", "nope"}, `names user "nope"`},
		{"no current context", l, []string{"--kubeconfig", dangling}, "names no current context (it has: no-cluster, no-user, ok); pick one with --context"},
		{"unknown context", l, []string{"--context", "nope"}, `has no context "nope" (it has: mgmt); fix --context`},
		{"unknown bootstrap context", l, []string{"--bootstrap-context", "nope"}, `has no context "nope" (it has: kind); fix --bootstrap-context`},
		{"--server without a kubeconfig", noMgmt, []string{"--server", "https://x.example"}, "--server given, and there is no management kubeconfig to apply it to (none in the workspace): pass --kubeconfig"},
		{"bootstrap flag without KinD", noKind, []string{"--bootstrap-as", "x"}, "--bootstrap-as applies to the KinD cluster"},
		{"--as-group without --as", l, []string{"--as-group", "system:masters"}, "--as-group needs --as"},
		{"--bootstrap-as-uid without --bootstrap-as", l, []string{"--bootstrap-as-uid", "u"}, "--bootstrap-as-uid needs --bootstrap-as"},
		{"--token with a client certificate", certWS, []string{"--token", "t"}, "--token is given, and the user the context names also has a client certificate"},
		{"bad timeout", l, []string{"--request-timeout", "soon"}, `--request-timeout "soon" is not a duration`},
		{"negative timeout", l, []string{"--request-timeout", "-1s"}, `--request-timeout "-1s" is not a duration`},
		{"cluster name out of the workspace", l, []string{"--cluster-name", "../../etc"}, `--cluster-name "../../etc" is not a cluster name`},
		{"cluster name with a slash", l, []string{"--cluster-name", "a/b"}, `--cluster-name "a/b" is not a cluster name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := resolveArgs(t, tt.l, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Resolve(%v) = %v, want one line containing %q", tt.args, err, tt.want)
			}
		})
	}
}

// TestWithKubeconfig_CarriesEveryFlag: every flag field of ConfigFlags
// reaches the loader; one added by a new cli-runtime and not carried would
// be a flag accepted and ignored.
func TestWithKubeconfig_CarriesEveryFlag(t *testing.T) {
	f := genericclioptions.NewConfigFlags(false)
	got := reflect.ValueOf(withKubeconfig(f, "/x")).Elem()
	src := reflect.ValueOf(f).Elem()
	for i := range src.NumField() {
		field := src.Type().Field(i)
		if !field.IsExported() || field.Name == "KubeConfig" {
			continue
		}
		if field.Type.Kind() == reflect.Func {
			continue // WrapConfigFn: not a flag
		}
		if got.Field(i).Pointer() != src.Field(i).Pointer() {
			t.Errorf("withKubeconfig drops ConfigFlags.%s", field.Name)
		}
	}
}
