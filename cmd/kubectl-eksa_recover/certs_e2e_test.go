package main_test

import (
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// TestStatus_SecretCertificatesNoKeys: on a v0.22 world whose
// certificates ran out (no clusterCertificateInfo in that era), status
// reads the certificate Secrets on management (the -v=9 log shows the
// GETs), names each expired one with its Secret, key and NotAfter in -o
// json, and prints none of the Secrets' data, keys above all, at -v=9;
// bundle's archive holds none of it either.
func TestStatus_SecretCertificatesNoKeys(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.CertsExpired, EKSAVersion: "v0.22.0"})
	var needles []string
	secrets := dynamicForServer(t, w.Management).Resource(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}).Namespace(eksa.Namespace)
	for _, name := range []string{"cluster3-ca", "cluster3-etcd", "cluster3-apiserver-etcd-client", "cluster3-kubeconfig"} {
		s, err := secrets.Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := s.Object["data"].(map[string]any)
		for _, v := range data {
			raw, err := base64.StdEncoding.DecodeString(v.(string))
			if err != nil {
				t.Fatal(err)
			}
			needles = append(needles, keyMaterial(raw)...)
		}
	}
	if len(needles) < 20 {
		t.Fatalf("only %d pieces of the Secrets' data to look for", len(needles))
	}
	env := credentials(w, w.VCSim.Password)
	check := func(what, out string) {
		t.Helper()
		for _, n := range needles {
			if strings.Contains(out, n) {
				t.Errorf("%s holds the data of a certificate Secret (%.12s...)", what, n)
			}
		}
	}

	text := runEnv(t, w.Dir, env, "status", "-v=9")
	if text.code != 2 || !strings.HasPrefix(text.stdout, "Cluster cluster3: UpgradeBlocked") {
		t.Errorf("status = exit %d, %q; want 2 and UpgradeBlocked", text.code, firstLine(text.stdout))
	}
	for _, name := range []string{"cluster3-ca", "cluster3-apiserver-etcd-client", "cluster3-kubeconfig"} {
		if !strings.Contains(text.stderr, "/namespaces/eksa-system/secrets/"+name) {
			t.Errorf("status -v=9 shows no GET of Secret %s; the search would prove nothing", name)
			t.Log(tail(text.stderr, 3000))
		}
	}
	check("status -v=9 stdout", text.stdout)
	check("status -v=9 stderr", text.stderr)

	res := runEnv(t, w.Dir, env, "status", "-o", "json", "-v=9")
	check("status -o json -v=9 stdout", res.stdout)
	check("status -o json -v=9 stderr", res.stderr)
	var got struct {
		Findings []struct {
			Code, Object, Message string
			Evidence              struct {
				Certificates []struct{ Secret, Key, Subject, NotAfter string }
			}
		}
	}
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("status -o json: %v\n%s", err, res.stdout)
	}
	want := map[string]string{ // object: code
		"Secret/eksa-system/cluster3-kubeconfig":            "CertificatesExpired",
		"Secret/eksa-system/cluster3-apiserver-etcd-client": "CertificatesExpired",
		"Secret/eksa-system/cluster3-etcd":                  "CertificatesExpiring",
	}
	for _, f := range got.Findings {
		if !strings.HasPrefix(f.Object, "Secret/") {
			continue
		}
		if want[f.Object] != f.Code {
			t.Errorf("finding %s on %s, want %q", f.Code, f.Object, want[f.Object])
			continue
		}
		delete(want, f.Object)
		if c := f.Evidence.Certificates; len(c) != 1 || "Secret/"+c[0].Secret != f.Object || c[0].Key == "" || c[0].NotAfter == "" {
			t.Errorf("finding %s on %s evidence = %+v, want its Secret, key and NotAfter", f.Code, f.Object, f.Evidence)
		}
	}
	if len(want) > 0 {
		t.Errorf("findings = %+v, missing %v", got.Findings, want)
	}

	bundle := runEnv(t, w.Dir, env, "bundle")
	if bundle.code != 0 {
		t.Fatalf("bundle = exit %d\nstderr: %s", bundle.code, bundle.stderr)
	}
	found, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), "eksa-recover-bundle-*.tar.gz"))
	if len(found) != 1 {
		t.Fatalf("bundle wrote %v, want one archive", found)
	}
	files := untar(t, found[0])
	for name, data := range files {
		check("bundle's "+name, data)
	}
	if f := files["clusters/management/Secret/eksa-system_cluster3-kubeconfig.yaml"]; !strings.Contains(f, "cluster3-kubeconfig") {
		t.Errorf("the bundle lists no Secret cluster3-kubeconfig (names and keys stay):\n%s", f)
	}
}
