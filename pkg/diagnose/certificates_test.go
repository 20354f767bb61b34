package diagnose

import (
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// secretCert adds a certificate of one of the Secrets' to the snapshot,
// expiring at testNow plus left (negative: expired).
func (b *snapBuilder) secretCert(secret, key, cn string, left time.Duration) *snapBuilder {
	b.snap.Management.SecretCertificates = append(b.snap.Management.SecretCertificates,
		snapshot.SecretCertificate{Secret: "eksa-system/" + secret, Key: key, Subject: cn, NotAfter: testNow.Add(left)})
	return b
}

// validSecretCerts: the four Secrets as a healthy cluster holds them.
func (b *snapBuilder) validSecretCerts() *snapBuilder {
	year := 365 * 24 * time.Hour
	return b.secretCert("cluster3-ca", "tls.crt", "kubernetes", 9*year).
		secretCert("cluster3-etcd", "tls.crt", "etcd-ca", 9*year).
		secretCert("cluster3-apiserver-etcd-client", "tls.crt", "cluster3-apiserver-etcd-client", year/2).
		secretCert("cluster3-kubeconfig", "value", "kubernetes-admin", year/2)
}

// TestDiagnose_SecretCertificates: the certificates of the cluster's
// Secrets count as clusterCertificateInfo does (same codes, same 30
// days), in every era, each finding on its Secret with the key, subject
// and NotAfter as evidence.
func TestDiagnose_SecretCertificates(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name     string
		in       *snapBuilder
		state    State
		code     string // "": no certificate finding
		object   string
		msg      []string
		step     string // the first next step contains it
		blockers string // the headline says it
	}{
		{"v0.22, none expired", newSnap().eksa("v0.22.0").home(newK8s).validSecretCerts(), Healthy, "", "", nil, "", ""},
		{"v0.22, kubeconfig expired", newSnap().eksa("v0.22.0").home(newK8s).validSecretCerts().
			secretCert("cluster3-kubeconfig", "value", "kubernetes-admin", -2*time.Hour),
			UpgradeBlocked, CodeCertificatesExpired, "Secret/eksa-system/cluster3-kubeconfig",
			[]string{"CN=kubernetes-admin", "Secret eksa-system/cluster3-kubeconfig (key value)", "expired 120m ago", "2024-04-15T10:00:00Z"},
			"sudo kubeadm certs renew all", "certificates expired on 1 Secret"},
		{"expires now: expired", newSnap().eksa("v0.22.0").home(newK8s).secretCert("cluster3-apiserver-etcd-client", "tls.crt", "etcd-client", 0),
			UpgradeBlocked, CodeCertificatesExpired, "Secret/eksa-system/cluster3-apiserver-etcd-client",
			[]string{"(key tls.crt)", "2024-04-15T12:00:00Z"}, "sudo kubeadm certs renew all", "certificates expired on 1 Secret"},
		{"v0.20, etcd CA expiring: a warning, not a blocker", newSnap().eksa("v0.20.4").home(newK8s).secretCert("cluster3-etcd", "tls.crt", "etcd-ca", 12*day+time.Hour),
			Healthy, CodeCertificatesExpiring, "Secret/eksa-system/cluster3-etcd", []string{"expires in 12 days", "CN=etcd-ca"}, "", ""},
		{"31 days: nothing", newSnap().eksa("v0.20.4").home(newK8s).secretCert("cluster3-etcd", "tls.crt", "etcd-ca", 31*day),
			Healthy, "", "", nil, "", ""},
		{"another cluster's Secret: not this one's", newSnap().eksa("v0.22.0").home(newK8s).secretCert("cluster4-ca", "tls.crt", "kubernetes", -day),
			Healthy, "", "", nil, "", ""},
		{"v0.24: both sources", newSnap().eksa("v0.24.6").home(newK8s).certsExpired().secretCert("cluster3-ca", "tls.crt", "kubernetes", -day),
			UpgradeBlocked, CodeCertificatesExpired, "Secret/eksa-system/cluster3-ca", []string{"expired 24h ago"},
			"eksctl anywhere renew certificates -f", "certificates expired on 1 machine and 1 Secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(tt.in.build())
			if r.State != tt.state {
				t.Errorf("Diagnose(...) state = %s, want %s (findings %+v)", r.State, tt.state, r.Findings)
			}
			var got *Finding
			for i, fd := range r.Findings {
				if strings.HasPrefix(fd.Object, "Secret/") && (fd.Code == CodeCertificatesExpired || fd.Code == CodeCertificatesExpiring) {
					if got != nil || tt.code == "" {
						t.Errorf("Diagnose(...) certificate finding %+v, want only %q", fd, tt.code)
					}
					got = &r.Findings[i]
				}
			}
			if tt.code == "" {
				return
			}
			if got == nil || got.Code != tt.code || got.Object != tt.object {
				t.Fatalf("Diagnose(...) findings = %+v, want %s on %s", r.Findings, tt.code, tt.object)
			}
			for _, m := range tt.msg {
				if !strings.Contains(got.Message, m) {
					t.Errorf("finding %s message = %q, want it to say %q", got.Code, got.Message, m)
				}
			}
			secret := strings.TrimPrefix(tt.object, "Secret/")
			if e := got.Evidence; e == nil || len(e.Certificates) != 1 || e.Certificates[0].Secret != secret ||
				e.Certificates[0].Key == "" || e.Certificates[0].NotAfter.IsZero() {
				t.Errorf("finding %s evidence = %+v, want the Secret %s, its key and NotAfter", got.Code, got.Evidence, secret)
			}
			if tt.step != "" && (len(r.NextSteps) == 0 || !strings.Contains(r.NextSteps[0].Command, tt.step)) {
				t.Errorf("Diagnose(...) next steps = %+v, want the first to contain %q", r.NextSteps, tt.step)
			}
			if tt.blockers != "" && !strings.Contains(r.Summary, tt.blockers) {
				t.Errorf("Diagnose(...) summary = %q, want it to say %q", r.Summary, tt.blockers)
			}
		})
	}
}
