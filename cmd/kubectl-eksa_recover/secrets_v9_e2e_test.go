package main_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// TestAllCommands_NoSecretsAtV9 seeds, with cluster3's Secrets, values
// of every length a user's cluster holds (an 18-byte password, a join
// token, a bearer token, a key, a certificate), each unique to this run,
// and a bearer token in both kubeconfigs (client-go sends it on every request),
// then runs every command that reads or writes them at -v=9: status (and
// status --watch, stopped), backup, bundle, move, verify, restore, resume,
// recover. No value may appear in stdout or stderr, or in the bundle's
// files, raw, in base64, in hex or as Go prints a byte slice, whole or (for
// long values) by a piece of its random body.
func TestAllCommands_NoSecretsAtV9(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	values := seedSecretValues(t, w)
	values["kubeconfig token"] = seedKubeconfigToken(t, w)
	var needles []needle
	for name, v := range values {
		needles = append(needles, needlesOf(name, v)...)
	}
	needles = append(needles, needlesOf("vCenter password", []byte(w.VCSim.Password))...)
	for _, m := range secretMaterial(t, w) {
		needles = append(needles, needle{"seeded key material", m})
	}
	env := credentials(w, w.VCSim.Password)
	backupDir := filepath.Join(t.TempDir(), "backup")

	// status --watch first, while KinD holds the cluster (not Healthy, so
	// it keeps watching until stopped).
	watch := watchAtV9(t, w.Dir)
	for _, l := range []string{"GET", "watch=true"} {
		if !strings.Contains(watch.stderr, l) {
			t.Errorf("status --watch: stderr shows no %q at -v=9; the search would prove nothing", l)
		}
	}
	checkNoNeedlesIn(t, "status --watch -v=9", watch, needles)
	steps := []struct {
		args []string
		// logs: a request the step must show at -v=9, or the search proves nothing.
		logs []string
		// want, when set, must be on stdout, with exit 0: the restores
		// restore backups the binary made, move's and backup's.
		want string
	}{
		{[]string{"status", "-v=9"}, []string{"GET", "Bearer <masked>"}, ""},
		{[]string{"status", "-o", "json", "-v=9"}, []string{"GET"}, ""},
		{[]string{"backup", "--to", backupDir, "-v=9"}, []string{"GET", "/secrets"}, ""},
		{[]string{"bundle", "-v=9"}, []string{"GET", "/secrets"}, "Wrote "},
		{[]string{"move", "--yes", "-v=9"}, []string{"POST", "/secrets"}, ""},
		{[]string{"verify", "-v=9"}, []string{"GET", "/secrets"}, ""},
		{[]string{"restore", "--from", "{{move backup}}", "--force", "--yes", "-v=9"}, []string{"PUT", "/secrets"}, "Verified: the management cluster holds all"},
		{[]string{"restore", "--from", backupDir, "--force", "--yes", "-v=9"}, []string{"PUT", "/secrets"}, "Verified: the management cluster holds all"},
		{[]string{"resume", "--yes", "-v=9"}, []string{"GET"}, ""},
		// recover after all that reads both clusters and finds the cluster home.
		{[]string{"recover", "--yes", "-v=9"}, []string{"GET", "/secrets"}, ""},
	}
	for _, s := range steps {
		args := append([]string(nil), s.args...)
		for i, a := range args {
			if a == "{{move backup}}" {
				found, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), "eksa-recover-backup-*[0-9]"))
				if len(found) != 1 {
					t.Fatalf("move wrote %d backups, want 1", len(found))
				}
				args[i] = found[0]
			}
		}
		res := runEnv(t, w.Dir, env, args...)
		if s.want != "" && (res.code != 0 || !strings.Contains(res.stdout, s.want)) {
			t.Errorf("%v = exit %d, want 0 and %q\nstdout: %s\nstderr (last 2000 bytes): %s", s.args, res.code, s.want, res.stdout, tail(res.stderr, 2000))
		}
		if s.want != "" && s.args[0] == "restore" {
			testworld.CheckOwners(t, w.Management, 20)
		}
		if res.code != 0 && res.code != 2 {
			t.Errorf("%v = exit %d\nstdout: %s\nstderr (last 2000 bytes): %s", s.args, res.code, res.stdout, tail(res.stderr, 2000))
		}
		for _, l := range s.logs {
			if !strings.Contains(res.stderr, l) {
				t.Errorf("%v: stderr shows no %q at -v=9; the search would prove nothing", s.args, l)
			}
		}
		checkNoNeedlesIn(t, strings.Join(s.args, " "), res, needles)
	}
	// The bundle's files, as support opens them.
	checkNoNeedles(t, untar(t, theBundle(t, w)), needles)
}

type needle struct{ what, text string }

// needlesOf is how v could show: raw, base64, hex, a Go byte slice. Short
// values are searched whole; long ones by pieces of their random body
// (never a PEM's BEGIN/END lines, which every PEM shares). Base64 pieces
// start at multiples of 3 bytes, so they match v's own encoding.
func needlesOf(name string, v []byte) []needle {
	b64, hx := base64.StdEncoding.EncodeToString(v), hex.EncodeToString(v)
	dec := decimalBytes(v)
	if len(v) <= 48 {
		return []needle{{name + " (raw)", string(v)}, {name + " (base64)", b64}, {name + " (hex)", hx}, {name + " (bytes)", dec}}
	}
	var out []needle
	for _, line := range strings.Split(string(v), "\n") {
		if len(line) >= 16 && !strings.HasPrefix(line, "-----") {
			out = append(out, needle{name + " (raw line)", line})
		}
	}
	// From the middle of the value: past any PEM header.
	mid := len(v) / 2 / 3 * 3
	out = append(out,
		needle{name + " (base64)", b64[mid/3*4 : mid/3*4+32]},
		needle{name + " (hex)", hx[2*mid : 2*mid+32]},
		needle{name + " (bytes)", decimalBytes(v[mid : mid+12])},
	)
	return out
}

// seedSecretValues adds to KinD, with cluster3's objects (so every command
// reads it and move and restore write it), a Secret of fresh values.
func seedSecretValues(t *testing.T, w *testworld.World) map[string][]byte {
	t.Helper()
	random := func(n int) string {
		const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
		b := make([]byte, n)
		for i := range b {
			x, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
			if err != nil {
				t.Fatal(err)
			}
			b[i] = alphabet[x.Int64()]
		}
		return string(b)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "seeded-" + random(12)},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string][]byte{
		"password":   []byte(random(18)), // the length of the vSphere credentials' password
		"join-token": []byte(strings.ToLower(random(6)) + "." + strings.ToLower(random(16))),
		"token":      []byte(random(40)),
		"short":      []byte(random(8)),
		"tls.key":    pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}),
		"tls.crt":    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert}),
		"cloud-init": []byte("#cloud-config\nruncmd: [kubeadm join --token " + random(6) + "." + random(16) + "]\n"),
	}
	data := map[string]any{}
	for k, v := range values {
		data[k] = base64.StdEncoding.EncodeToString(v)
	}
	secret := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": "cluster3-seeded-values", "namespace": eksa.Namespace,
			"labels": map[string]any{"cluster.x-k8s.io/cluster-name": "cluster3"}},
		"type": "Opaque", "data": data,
	}}
	if _, err := dynamicForServer(t, w.Bootstrap).Resource(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}).
		Namespace(eksa.Namespace).Create(t.Context(), secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return values
}

// seedKubeconfigToken adds a fresh bearer token to every user of both
// kubeconfigs, as an IAM-authenticator or service-account kubeconfig holds
// one. The client certificates still authenticate (the API server tries them
// first); the token rides on every request, where -v=9 logs headers.
func seedKubeconfigToken(t *testing.T, w *testworld.World) []byte {
	t.Helper()
	token := make([]byte, 24)
	if _, err := rand.Read(token); err != nil {
		t.Fatal(err)
	}
	value := "eksa-token-" + hex.EncodeToString(token)
	for _, path := range []string{w.Layout.ManagementKubeconfig(), w.Layout.BootstrapKubeconfig()} {
		cfg, err := clientcmd.LoadFromFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range cfg.AuthInfos {
			u.Token = value
		}
		if err := clientcmd.WriteToFile(*cfg, path); err != nil {
			t.Fatal(err)
		}
	}
	return []byte(value)
}

func dynamicForServer(t *testing.T, s *testworld.Server) dynamic.Interface {
	t.Helper()
	dyn, err := dynamic.NewForConfig(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	return dyn
}

// decimalBytes is how a %v of a []byte prints it, brackets aside: "104 105".
func decimalBytes(v []byte) string {
	parts := make([]string, len(v))
	for i, b := range v {
		parts[i] = strconv.Itoa(int(b))
	}
	return strings.Join(parts, " ")
}
