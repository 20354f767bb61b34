package main_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// TestProviderCredentials_NoSecretsAtV9: on each provider but vSphere
// (TestAllCommands_NoSecretsAtV9's), the credential Secrets EKS-A writes
// carry fresh values of this run, in EKS-A's own shapes: Nutanix's JSON
// credentials (and the CCM Secret that embeds them), CloudStack's
// api-key/secret-key, Tinkerbell's BMC basic-auth Secrets, Snow's ini
// credentials and CA bundle. A -v=9 move carries them to management and a
// -v=9 bundle reads them there: no value shows on either's output or in the
// bundle's files.
func TestProviderCredentials_NoSecretsAtV9(t *testing.T) {
	for _, p := range []testworld.Provider{testworld.CloudStack, testworld.Nutanix, testworld.Snow, testworld.Tinkerbell} {
		t.Run(string(p), func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Provider: p})
			values := seedProviderCredentials(t, w, p)
			var needles []needle
			for name, v := range values {
				needles = append(needles, needlesOf(name, v)...)
			}
			move := run(t, w.Dir, "move", "--yes", "-v=9")
			if move.code != 0 || !strings.Contains(move.stdout, "Verified") {
				t.Fatalf("move --yes -v=9 = exit %d\nstdout: %s\nstderr (last 2000 bytes): %s", move.code, move.stdout, tail(move.stderr, 2000))
			}
			bundle := run(t, w.Dir, "bundle", "-v=9")
			if bundle.code != 0 || !strings.Contains(bundle.stdout, "Wrote ") {
				t.Fatalf("bundle -v=9 = exit %d\nstdout: %s\nstderr (last 2000 bytes): %s", bundle.code, bundle.stdout, tail(bundle.stderr, 2000))
			}
			for what, res := range map[string]result{"move --yes -v=9": move, "bundle -v=9": bundle} {
				if !strings.Contains(res.stderr, "/secrets") {
					t.Errorf("%s: stderr shows no request for /secrets at -v=9; the search would prove nothing", what)
				}
				checkNoNeedlesIn(t, what, res, needles)
			}
			for name, data := range untar(t, theBundle(t, w)) {
				for _, n := range needles {
					if strings.Contains(data, n.text) {
						t.Errorf("the bundle's %s holds %s (%.10s...)", name, n.what, n.text)
					}
				}
			}
		})
	}
}

var secretsGVR = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// seedProviderCredentials rewrites, in KinD, the data of the provider's
// credential Secrets the world built (their names, types, labels and
// owners stay) with fresh values in the shape EKS-A's templates render,
// and returns each value by name.
func seedProviderCredentials(t *testing.T, w *testworld.World, p testworld.Provider) map[string][]byte {
	t.Helper()
	ri := dynamicForServer(t, w.Bootstrap).Resource(secretsGVR).Namespace(eksa.Namespace)
	values := map[string][]byte{}
	rewrite := func(name string, data map[string][]byte) {
		t.Helper()
		s, err := ri.Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("the %s world has no credentials Secret %s: %v", p, name, err)
		}
		encoded := map[string]any{}
		for k, v := range data {
			encoded[k] = base64.StdEncoding.EncodeToString(v)
		}
		s.Object["data"] = encoded
		if _, err := ri.Update(t.Context(), s, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	fresh := func(what string, n int) string {
		v := randomText(t, n)
		values[what] = []byte(v)
		return v
	}
	switch p {
	case testworld.Nutanix:
		// Prism Central's password in CAPX's credentials JSON, and again in
		// the CCM Secret a ClusterResourceSet applies to the workload cluster.
		user, password := "admin-"+fresh("Prism user", 8), fresh("Prism password", 18)
		creds := `[{"type":"basic_auth","data":{"prismCentral":{"username":"` + user + `","password":"` + password + `"},"prismElements":null}}]`
		values["Nutanix credentials JSON"] = []byte(creds)
		rewrite("capx-cluster3", map[string][]byte{"credentials": []byte(creds)})
		ccm := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: nutanix-creds\n  namespace: kube-system\nstringData:\n  credentials: |-\n    " + creds + "\n"
		values["Nutanix CCM Secret"] = []byte(ccm)
		rewrite("cluster3-nutanix-ccm-secret", map[string][]byte{"nutanix-ccm-secret.yaml": []byte(ccm)})
	case testworld.CloudStack:
		rewrite("global", map[string][]byte{
			"api-key": []byte(fresh("CloudStack api-key", 86)), "secret-key": []byte(fresh("CloudStack secret-key", 86)),
			"api-url": []byte("https://cloudstack.example:8080/client/api"), "verify-ssl": []byte("true"),
		})
	case testworld.Snow:
		ini := "[10.0.255.1]\naws_access_key_id = " + fresh("Snow access key id", 20) +
			"\naws_secret_access_key = " + fresh("Snow secret access key", 40) + "\nregion = snow\n"
		values["Snow credentials ini"] = []byte(ini)
		cert := freshCertPEM(t, "snow-device-"+randomText(t, 8))
		values["Snow CA bundle"] = cert
		rewrite("cluster3-snow-credentials", map[string][]byte{"credentials": []byte(ini), "ca-bundle": cert})
	case testworld.Tinkerbell:
		list, err := ri.List(t.Context(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list.Items {
			if name := s.GetName(); strings.HasPrefix(name, "bmc-") && strings.HasSuffix(name, "-auth") {
				rewrite(name, map[string][]byte{"username": []byte("root"), "password": []byte(fresh(name+" password", 16))})
			}
		}
	}
	if len(values) < 2 {
		t.Fatalf("seeded %d credential values on %s; the search would prove little", len(values), p)
	}
	return values
}

// freshCertPEM is a self-signed certificate made for this run, as the
// Snow device's CA bundle holds one.
func freshCertPEM(t *testing.T, cn string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
