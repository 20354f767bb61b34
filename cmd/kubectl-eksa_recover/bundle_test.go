package main_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// TestBundle_Redacted seeds recognisable secret material where a support
// bundle would pick it up (Secret data, a kubeconfig's client key and
// token inside a last-applied-configuration annotation, a private key in
// an annotation of a CAPI object, the vCenter password and a token in the
// eksctl log and the generated spec, the workspace kubeconfigs' keys), runs
// bundle, and opens the archive with tar: none of it is in any file, raw or
// in base64, while the Secrets' names and keys are; the README lists every
// file; the clusters are unchanged.
func TestBundle_Redacted(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	values := seedSecretValues(t, w)
	var needles []needle
	for name, v := range values {
		needles = append(needles, needlesOf(name, v)...)
	}
	for _, m := range secretMaterial(t, w) { // the workspace kubeconfigs' keys and the vCenter password
		needles = append(needles, needle{"kubeconfig or vCenter secret", m})
	}
	needles = append(needles, needlesOf("vCenter password", []byte(w.VCSim.Password))...)
	needles = append(needles, seedAnnotations(t, w)...)
	needles = append(needles, seedWorkspaceFiles(t, w)...)

	before := w.StateForTest(t)
	res := runEnv(t, w.Dir, credentials(w, w.VCSim.Password), "bundle", "--since", "24h")
	if res.code != 0 {
		t.Fatalf("bundle = exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	testworld.CheckUnchanged(t, "bundle", before, w.StateForTest(t))
	found, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), "eksa-recover-bundle-*.tar.gz"))
	if len(found) != 1 {
		t.Fatalf("bundle wrote %v, want one eksa-recover-bundle-<time>.tar.gz in %s", found, w.Layout.Dir())
	}
	archive := found[0]
	if !strings.Contains(res.stdout, "Wrote "+archive+": ") || !strings.Contains(res.stdout, "KiB") {
		t.Errorf("bundle stdout = %q, want the archive's path and size", res.stdout)
	}
	if fi, err := os.Stat(archive); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("archive mode = %v (%v), want 0600", fi.Mode().Perm(), err)
	}

	files := untar(t, archive)
	checkNoNeedles(t, files, needles)
	checkBundleContents(t, files)

	// Bad input: one line, exit 1, no archive.
	bad := run(t, w.Dir, "bundle", "--to", archive)
	if bad.code != 1 || !strings.Contains(bad.stderr, "exists") || strings.Count(strings.TrimSpace(bad.stderr), "\n") != 0 {
		t.Errorf("bundle --to <existing> = exit %d, stderr %q; want 1 and one line naming the fix", bad.code, bad.stderr)
	}
}

// untar opens the archive with tar, as support would, and returns each
// file by its path under the archive's root folder.
func untar(t *testing.T, archive string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("tar", "-xzf", archive, "-C", dir).CombinedOutput(); err != nil {
		t.Fatalf("tar -xzf %s: %v\n%s", archive, err, out)
	}
	root := filepath.Join(dir, strings.TrimSuffix(filepath.Base(archive), ".tar.gz"))
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("%s is outside the archive's root folder", p)
		}
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func checkNoNeedles(t *testing.T, files map[string]string, needles []needle) {
	t.Helper()
	if len(needles) < 30 {
		t.Fatalf("only %d needles: the search would prove little", len(needles))
	}
	for name, data := range files {
		for _, n := range needles {
			if strings.Contains(data, n.text) {
				t.Errorf("%s holds %s (%.10s...)", name, n.what, n.text)
			}
		}
	}
}

func checkBundleContents(t *testing.T, files map[string]string) {
	t.Helper()
	readme := files["README.txt"]
	if readme == "" {
		t.Fatal("the archive has no README.txt")
	}
	for name := range files {
		if !strings.Contains(readme, "  "+name+"\n") {
			t.Errorf("README.txt does not list %s", name)
		}
	}
	var status struct{ State string }
	if err := json.Unmarshal([]byte(files["status.json"]), &status); err != nil || status.State != "StrandedInBootstrap" {
		t.Errorf("status.json state = %q (%v), want StrandedInBootstrap", status.State, err)
	}
	secret := files["clusters/bootstrap/Secret/eksa-system_cluster3-seeded-values.yaml"]
	for _, key := range []string{"- password", "- join-token", "- tls.key", "cluster3-seeded-values"} {
		if !strings.Contains(secret, key) {
			t.Errorf("the seeded Secret's file lacks %q (names and keys stay):\n%s", key, secret)
		}
	}
	for _, want := range []string{
		"clusters/bootstrap/Cluster/eksa-system_cluster3.yaml", "clusters/bootstrap/Machine/",
		"clusters/management/Node/", "workspace/cluster3-eks-a-cluster.yaml", "workspace/generated/cluster3-eks-a-cluster.yaml",
		"workspace/logs/recent.log", "workspace/backups.txt", "versions.txt",
	} {
		if !hasPrefixKey(files, want) {
			t.Errorf("the archive has no %s", want)
		}
	}
	if hasPrefixKey(files, "workspace/logs/old.log") {
		t.Error("the archive holds a log older than --since 24h")
	}
	if !strings.Contains(files["versions.txt"], "management cluster: Kubernetes v") {
		t.Errorf("versions.txt = %q, want the management cluster's Kubernetes version", files["versions.txt"])
	}
}

func hasPrefixKey(m map[string]string, prefix string) bool {
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// seedAnnotations puts a fresh private key in an annotation of the CAPI
// Cluster in KinD, and a Secret whose last-applied-configuration embeds a
// kubeconfig with a client key and a token.
func seedAnnotations(t *testing.T, w *testworld.World) []needle {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalECPrivateKey(key)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	dyn := dynamicForServer(t, w.Bootstrap)
	clusters := dyn.Resource(schema.GroupVersionResource{Group: eksa.GroupCAPI, Version: string(w.Flavour), Resource: "clusters"}).Namespace(eksa.Namespace)
	c, err := clusters.Get(t.Context(), "cluster3", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ann := c.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann["example.com/debug-key"] = string(keyPEM)
	c.SetAnnotations(ann)
	if _, err := clusters.Update(t.Context(), c, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	clientKey, token := randomText(t, 48), randomText(t, 40)
	kubeconfig := "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: " +
		base64.StdEncoding.EncodeToString([]byte(clientKey)) + "\n    token: " + token + "\n"
	applied, _ := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "Secret",
		"metadata":   map[string]any{"name": "cluster3-applied", "namespace": eksa.Namespace},
		"data":       map[string]any{"value": base64.StdEncoding.EncodeToString([]byte(kubeconfig))},
		"stringData": map[string]any{"kubeconfig": kubeconfig}})
	secret := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": "cluster3-applied", "namespace": eksa.Namespace,
			"annotations": map[string]any{"kubectl.kubernetes.io/last-applied-configuration": string(applied)}},
		"data": map[string]any{"value": base64.StdEncoding.EncodeToString([]byte(kubeconfig))},
	}}
	if _, err := dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}).Namespace(eksa.Namespace).
		Create(t.Context(), secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	out := needlesOf("private key in an annotation", keyPEM)
	out = append(out, needlesOf("kubeconfig client key", []byte(clientKey))...)
	out = append(out, needlesOf("kubeconfig token", []byte(token))...)
	return append(out, needlesOf("kubeconfig in a Secret", []byte(kubeconfig))...)
}

// seedWorkspaceFiles writes what eksctl leaves with secrets in it: a log
// with a token and the vCenter password (and one older than --since), and
// a generated CAPI spec holding the vCenter credentials Secret.
func seedWorkspaceFiles(t *testing.T, w *testworld.World) []needle {
	t.Helper()
	token := randomText(t, 32)
	logs := filepath.Join(w.Layout.Dir(), "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	recent := "2026-11-27T19:12:34Z V6 Executing command {\"cmd\": \"kubectl --token " + token + "\"}\n" +
		"2026-11-27T19:12:35Z V4 vsphere credentials password: " + w.VCSim.Password + "\n"
	write(t, filepath.Join(logs, "recent.log"), recent)
	old := filepath.Join(logs, "old.log")
	write(t, old, "an old run\n")
	past := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	spec := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: vsphere-credentials\n  namespace: eksa-system\nstringData:\n  password: " +
		w.VCSim.Password + "\n---\napiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata:\n  name: cluster3\n"
	write(t, filepath.Join(w.Layout.GeneratedDir(), "cluster3-eks-a-cluster.yaml"), spec)
	return needlesOf("token in an eksctl log", []byte(token))
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func randomText(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}
