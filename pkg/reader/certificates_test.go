package reader_test

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// TestRead_SecretCertificates: on a v1beta1-era world (no
// clusterCertificateInfo) whose certificates ran out, the read keeps each
// certificate Secret's subject and NotAfter, the kubeconfig's client
// certificate included; a Secret the cluster lacks (stacked etcd has no
// etcd client) is no error, and costs the same requests.
func TestRead_SecretCertificates(t *testing.T) {
	w := startWorld(t, testworld.Options{Scenario: testworld.CertsExpired, EKSAVersion: "v0.22.0"})
	s := read(t, w)
	if !s.Management.Reachable {
		t.Fatalf("management unreachable: %s", s.Management.Error)
	}
	for _, o := range s.Management.EKSA {
		if len(o.Certificates) > 0 {
			t.Errorf("%s %s clusterCertificateInfo = %+v, want none before v0.24", o.Kind, o.Name, o.Certificates)
		}
	}
	expired, expiring := w.Now.Add(-2*time.Hour).Truncate(time.Second), w.Now.Add(12*24*time.Hour+time.Hour).Truncate(time.Second)
	want := map[string]snapshot.SecretCertificate{
		"cluster3-ca/tls.crt":                    {Subject: "cluster3-ca"},
		"cluster3-etcd/tls.crt":                  {Subject: "cluster3-etcd", NotAfter: expiring},
		"cluster3-apiserver-etcd-client/tls.crt": {Subject: "cluster3-apiserver-etcd-client", NotAfter: expired},
		"cluster3-kubeconfig/value":              {Subject: "kubernetes-admin", NotAfter: expired},
	}
	check := func(s *snapshot.Snapshot, want map[string]snapshot.SecretCertificate) {
		t.Helper()
		got := map[string]snapshot.SecretCertificate{}
		for _, c := range s.Management.SecretCertificates {
			got[c.Secret[len(eksa.Namespace)+1:]+"/"+c.Key] = c
		}
		if len(got) != len(want) {
			t.Errorf("certificates = %+v, want %d", s.Management.SecretCertificates, len(want))
		}
		for k, w := range want {
			c, ok := got[k]
			if !ok || c.Subject != w.Subject || c.NotAfter.IsZero() || (!w.NotAfter.IsZero() && !c.NotAfter.Equal(w.NotAfter)) {
				t.Errorf("certificate %s = %+v, want subject %s, NotAfter %s", k, c, w.Subject, w.NotAfter)
			}
		}
	}
	check(s, want)

	dyn, err := dynamic.NewForConfig(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	if err := dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}).Namespace(eksa.Namespace).
		Delete(t.Context(), "cluster3-apiserver-etcd-client", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	without := read(t, w)
	if !without.Management.Reachable || without.Management.Error != "" {
		t.Fatalf("without the etcd client Secret: reachable %v, error %q, want read", without.Management.Reachable, without.Management.Error)
	}
	delete(want, "cluster3-apiserver-etcd-client/tls.crt")
	check(without, want)
	if without.Management.Requests != s.Management.Requests {
		t.Errorf("requests = %d with every Secret, %d with one missing, want the same", s.Management.Requests, without.Management.Requests)
	}
}
