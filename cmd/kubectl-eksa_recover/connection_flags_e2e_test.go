package main_test

import (
	"encoding/json"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// clustersJSON is status -o json's view of the clusters.
type clustersJSON struct {
	State    string `json:"state"`
	Clusters []struct {
		Role           string `json:"role"`
		Kubeconfig     string `json:"kubeconfig"`
		KubeconfigFrom string `json:"kubeconfigFrom"`
		Server         string `json:"server"`
		Reachable      bool   `json:"reachable"`
	} `json:"clusters"`
	NextSteps []struct {
		Command string `json:"command"`
	} `json:"nextSteps"`
}

// TestConnectionFlags_Honoured: each of kubectl's connection flags, and
// $KUBECONFIG, changes what the plugin does, on the world's real API servers
// (RBAC on): every case below reads the stranded cluster only if its flag
// is honoured, or is refused only if it is. An ignored flag fails its case.
func TestConnectionFlags_Honoured(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	dir := t.TempDir()
	admin := w.Management.Config
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	caFile, certFile, keyFile := file("ca.crt", admin.CAData), file("admin.crt", admin.CertData), file("admin.key", admin.KeyData)
	kubeconfig := func(name string, c *clientcmdapi.Config) string {
		data, err := clientcmd.Write(*c)
		if err != nil {
			t.Fatal(err)
		}
		return file(name, data)
	}
	good := &clientcmdapi.Cluster{Server: admin.Host, CertificateAuthorityData: admin.CAData}
	adminUser := &clientcmdapi.AuthInfo{ClientCertificateData: admin.CertData, ClientKeyData: admin.KeyData}
	intruderData, err := w.Management.KubeconfigFor("intruder")
	if err != nil {
		t.Fatal(err)
	}
	intruderCfg, err := clientcmd.Load(intruderData)
	if err != nil {
		t.Fatal(err)
	}
	var intruderUser *clientcmdapi.AuthInfo
	for _, u := range intruderCfg.AuthInfos {
		intruderUser = u
	}
	cfg := func(clusters map[string]*clientcmdapi.Cluster, users map[string]*clientcmdapi.AuthInfo, cluster, user string) *clientcmdapi.Config {
		c := clientcmdapi.NewConfig()
		c.Clusters, c.AuthInfos = clusters, users
		c.Contexts["ctx"] = &clientcmdapi.Context{Cluster: cluster, AuthInfo: user}
		c.CurrentContext = "ctx"
		return c
	}
	// No credentials: only a flag that is used gets in.
	anonymous := kubeconfig("anonymous.kubeconfig", cfg(map[string]*clientcmdapi.Cluster{"c": good}, nil, "c", ""))
	// The CA of the other API server: TLS fails unless a flag fixes it.
	wrongCA := kubeconfig("wrong-ca.kubeconfig", cfg(map[string]*clientcmdapi.Cluster{"c": {Server: admin.Host, CertificateAuthorityData: w.Bootstrap.Config.CAData}},
		map[string]*clientcmdapi.AuthInfo{"admin": adminUser}, "c", "admin"))
	// Its context names a server nobody listens on and the intruder.
	two := kubeconfig("two.kubeconfig", cfg(map[string]*clientcmdapi.Cluster{"good": good, "nowhere": {Server: "https://127.0.0.1:1", CertificateAuthorityData: admin.CAData}},
		map[string]*clientcmdapi.AuthInfo{"admin": adminUser, "intruder": intruderUser}, "nowhere", "intruder"))
	// $KUBECONFIG's two files: the first has the context and the cluster,
	// the second the user; only merged do they reach the cluster.
	first := cfg(map[string]*clientcmdapi.Cluster{"c": good}, nil, "c", "split-user")
	second := clientcmdapi.NewConfig()
	second.AuthInfos["split-user"] = adminUser
	envFirst, envSecond := kubeconfig("first.kubeconfig", first), kubeconfig("second.kubeconfig", second)
	token := viewerToken(t, admin)
	api, err := url.Parse(admin.Host)
	if err != nil {
		t.Fatal(err)
	}
	proxy, dialed := countingProxy(t, api.Host)

	const stranded = "StrandedInBootstrap"
	tests := []struct {
		name string
		env  []string
		args []string
		// want: the state read (exit 2), or else a word of the one line (exit 1)
		state, refused string
	}{
		{name: "as the kubeconfig's admin", state: stranded},
		{name: "--as a user without rights", args: []string{"--as", "intruder"}, refused: "needs read access"},
		{name: "--as with --as-group system:masters", args: []string{"--as", "intruder", "--as-group", "system:masters"}, state: stranded},
		{name: "--token", args: []string{"--kubeconfig", anonymous, "--token", token}, state: stranded},
		{name: "no credentials", args: []string{"--kubeconfig", anonymous}, refused: "needs read access"},
		// The API server would take the admin's certificate over the token.
		{name: "--token beside a client certificate", args: []string{"--token", token}, refused: "also has a client certificate, which the API server would use instead"},
		{name: "--client-certificate and --client-key", args: []string{"--kubeconfig", anonymous, "--client-certificate", certFile, "--client-key", keyFile}, state: stranded},
		{name: "wrong CA", args: []string{"--kubeconfig", wrongCA}, state: "ManagementUnreachable"},
		{name: "--certificate-authority", args: []string{"--kubeconfig", wrongCA, "--certificate-authority", caFile}, state: stranded},
		{name: "--insecure-skip-tls-verify", args: []string{"--kubeconfig", wrongCA, "--insecure-skip-tls-verify"}, state: stranded},
		{name: "--cluster and --user", args: []string{"--kubeconfig", two, "--cluster", "good", "--user", "admin"}, state: stranded},
		{name: "--cluster alone", args: []string{"--kubeconfig", two, "--cluster", "good"}, refused: "needs read access"},
		{name: "--user alone", args: []string{"--kubeconfig", two, "--user", "admin"}, state: "ManagementUnreachable"},
		{name: "--server elsewhere", args: []string{"--server", "https://" + proxy}, state: stranded},
		{name: "--tls-server-name wrong", args: []string{"--server", "https://" + proxy, "--tls-server-name", "wrong.example"}, state: "ManagementUnreachable"},
		{name: "$KUBECONFIG merged", env: []string{"KUBECONFIG=" + envFirst + string(os.PathListSeparator) + envSecond}, state: stranded},
		{name: "$KUBECONFIG's first file alone", env: []string{"KUBECONFIG=" + envFirst}, refused: `names user "split-user"`},
		{name: "--bootstrap-as a user without rights", args: []string{"--bootstrap-as", "intruder"}, refused: "needs read access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := dialed.Load()
			res := runEnv(t, w.Dir, tt.env, append([]string{"status", "--vsphere=false", "-o", "json"}, tt.args...)...)
			if tt.refused != "" {
				if res.code != 1 || !strings.Contains(res.stderr, tt.refused) || strings.Count(strings.TrimSpace(res.stderr), "\n") > 0 {
					t.Fatalf("status %v = exit %d, stderr %q; want exit 1 and one line with %q", tt.args, res.code, res.stderr, tt.refused)
				}
				return
			}
			var got clustersJSON
			if err := json.Unmarshal([]byte(res.stdout), &got); err != nil || got.State != tt.state {
				t.Fatalf("status %v = exit %d, state %q (%v); want %s\nstderr: %s", tt.args, res.code, got.State, err, tt.state, tail(res.stderr, 1500))
			}
			if strings.Contains(tt.name, "--server") && (dialed.Load() == before || got.Clusters[0].Server != "https://"+proxy) {
				t.Errorf("status %v: the proxy saw %d connections and the management server is %q; want it reached through %s",
					tt.args, dialed.Load()-before, got.Clusters[0].Server, proxy)
			}
			if strings.HasPrefix(tt.name, "$KUBECONFIG") && got.Clusters[0].KubeconfigFrom != "$KUBECONFIG" {
				t.Errorf("status with %v: management kubeconfig from %q, want $KUBECONFIG", tt.env, got.Clusters[0].KubeconfigFrom)
			}
		})
	}
}

// TestMove_AsUserWithoutRights: move --as a user who may not read or write
// is refused and changes nothing on either cluster; before, it wrote with
// the kubeconfig's admin identity.
func TestMove_AsUserWithoutRights(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	before := w.StateForTest(t)
	res := run(t, w.Dir, "move", "--as", "intruder", "--yes")
	if res.code != 1 || strings.Count(strings.TrimSpace(res.stderr), "\n") > 0 || !strings.Contains(res.stderr, "intruder") {
		t.Errorf("move --as intruder --yes = exit %d, stderr %q; want exit 1 and one line naming the user\nstdout: %s", res.code, res.stderr, res.stdout)
	}
	testworld.CheckUnchanged(t, "move --as intruder", before, w.StateForTest(t))
	if found, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), "eksa-recover-backup-*")); len(found) > 0 {
		t.Errorf("move --as intruder wrote %v", found)
	}
	if res := run(t, w.Dir, "move", "--yes"); res.code != 0 {
		t.Errorf("move --yes as the admin = exit %d, want 0 (the refusal above must be the flag's)\nstderr: %s", res.code, tail(res.stderr, 1500))
	}
}

// TestConnectionFlags_TokenNeverPrinted: a token given by --token, or a
// key by --client-key, is never printed at -v=9 (with --as-uid and
// --disable-compression beside it too), nor in the commands status
// suggests, which say to give the token again and repeat the identity.
func TestConnectionFlags_TokenNeverPrinted(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	admin := w.Management.Config
	token := viewerToken(t, admin)
	c := clientcmdapi.NewConfig()
	c.Clusters["c"] = &clientcmdapi.Cluster{Server: admin.Host, CertificateAuthorityData: admin.CAData}
	c.Contexts["c"] = &clientcmdapi.Context{Cluster: "c"}
	c.CurrentContext = "c"
	anonymous := filepath.Join(t.TempDir(), "anonymous.kubeconfig")
	if err := clientcmd.WriteToFile(*c, anonymous); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "admin.key")
	certFile := filepath.Join(t.TempDir(), "admin.crt")
	if err := os.WriteFile(keyFile, admin.KeyData, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, admin.CertData, 0o600); err != nil {
		t.Fatal(err)
	}
	needles := append(needlesOf("--token", []byte(token)), needlesOf("--client-key", admin.KeyData)...)
	for _, args := range [][]string{
		{"status", "--vsphere=false", "--client-certificate", certFile, "--client-key", keyFile, "--as", "intruder", "--as-group", "system:masters", "-v=9"},
		{"status", "--vsphere=false", "--token", token, "-v=9"},
		{"status", "--vsphere=false", "--token", token, "-o", "json", "-v=9"},
		{"status", "--vsphere=false", "--token", token, "--as", "system:admin", "--as-group", "system:masters", "--as-uid", "uid-1", "--disable-compression", "-v=9"},
		{"move", "--dry-run", "--token", token, "--as", "system:admin", "--as-group", "system:masters", "-v=9"},
		{"verify", "--token=" + token, "-v=9"},
	} {
		res := run(t, w.Dir, append([]string{"--kubeconfig", anonymous}, args...)...)
		if !strings.Contains(res.stderr, "GET") {
			t.Errorf("%v: stderr shows no request at -v=9; the search would prove nothing", args[:2])
		}
		for _, n := range needles {
			if strings.Contains(res.stdout+res.stderr, n.text) {
				t.Errorf("%v printed %s", args[:2], n.what)
			}
		}
		if args[0] == "status" && slices.Contains(args, "--token") && !strings.Contains(res.stdout, "--token") {
			t.Errorf("%v: the suggested commands do not say to give --token again:\n%s", args[:4], res.stdout)
		}
		if slices.Contains(args, "--as-uid") && (!strings.Contains(res.stdout, "--as-uid uid-1") || !strings.Contains(res.stdout, "--disable-compression")) {
			t.Errorf("%v: the suggested commands do not repeat --as-uid and --disable-compression:\n%s", args[:4], res.stdout)
		}
	}
}

// viewerToken is a token of a ServiceAccount bound to cluster-admin, from
// the API server's TokenRequest.
func viewerToken(t *testing.T, admin *rest.Config) string {
	t.Helper()
	cs, err := kubernetes.NewForConfig(admin)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "operator", Namespace: "default"}}
	if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "operator"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "operator", Namespace: "default"}}}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tr, err := cs.CoreV1().ServiceAccounts("default").CreateToken(ctx, "operator", &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Status.Token
}

// countingProxy forwards TCP connections on 127.0.0.1 to target (TLS
// passes through untouched) and counts them.
func countingProxy(t *testing.T, target string) (string, *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	var n atomic.Int64
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			go func() {
				defer c.Close()
				up, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer up.Close()
				go func() { _, _ = io.Copy(up, c) }()
				_, _ = io.Copy(c, up)
			}()
		}
	}()
	return l.Addr().String(), &n
}
