package diagnose

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// Certificates expired stop any upgrade; expiring within certExpiringDays
// is a note.
const (
	CodeCertificatesExpired  = "CertificatesExpired"
	CodeCertificatesExpiring = "CertificatesExpiring"
)

// certExpiringDays: EKS-A's own monitoring warns 30 days ahead.
const certExpiringDays = 30

// Certificates come from two places, read with the same thresholds: the
// EKS-A Cluster's status.clusterCertificateInfo (per machine, v0.24+), and
// the certificates of the cluster's own Secrets (its CA, etcd CA, etcd
// client and kubeconfig; every era), which the reader reduces to their
// subject and NotAfter.

// EvidenceCertificate is one certificate of a Secret: which, whose, and
// when it expires. Never the Secret's data.
type EvidenceCertificate struct {
	Secret   string    `json:"secret"` // namespace/name
	Key      string    `json:"key"`
	Subject  string    `json:"subject,omitempty"` // the common name
	NotAfter time.Time `json:"notAfter"`
}

// certificatesExpired: one hit for what has expired (one clause and one
// renewal step for all), and a note for what expires soon.
func certificatesExpired(f *facts) []hit {
	all := secretCertificateFindings(f)
	if cluster, ok := f.eksaCluster(); ok {
		all = append(all, machineCertificateFindings(cluster)...)
	}
	var expired, expiring []Finding
	for _, fd := range all {
		if fd.Code == CodeCertificatesExpired {
			expired = append(expired, fd)
		} else {
			expiring = append(expiring, fd)
		}
	}
	var out []hit
	if where := f.expiredText(); where != "" {
		h := hit{clause: "certificates expired on " + where, findings: expired, steps: []Step{f.renewCertificatesStep()}}
		for _, fd := range expired {
			h.objects = append(h.objects, fd.Object)
		}
		out = append(out, h)
	}
	if len(expiring) > 0 {
		out = append(out, hit{findings: expiring})
	}
	return out
}

// expiredCertificates counts what has expired: the machines
// clusterCertificateInfo reports, and the Secrets' certificates.
func (f *facts) expiredCertificates() (machines, secrets int) {
	if c, ok := f.eksaCluster(); ok {
		for _, ci := range c.Certificates {
			if ci.ExpiresInDays <= 0 {
				machines++
			}
		}
	}
	for _, sc := range f.secretCertificates() {
		if !f.in.Now.Before(sc.NotAfter) {
			secrets++
		}
	}
	return machines, secrets
}

// expiredText says where certificates expired, e.g. "1 machine and 2
// Secrets"; "" when none did.
func (f *facts) expiredText() string {
	machines, secrets := f.expiredCertificates()
	var parts []string
	if machines > 0 {
		parts = append(parts, text.Plural(machines, "machine"))
	}
	if secrets > 0 {
		parts = append(parts, text.Plural(secrets, "Secret"))
	}
	return strings.Join(parts, " and ")
}

// secretCertificates are the certificates of the diagnosed cluster's
// Secrets, soonest to expire first; none without a clock to compare with.
func (f *facts) secretCertificates() []snapshot.SecretCertificate {
	var out []snapshot.SecretCertificate
	if f.in.Now.IsZero() {
		return nil
	}
	for _, sc := range f.mgmt.SecretCertificates {
		if _, name, _ := strings.Cut(sc.Secret, "/"); strings.HasPrefix(name, f.name+"-") {
			out = append(out, sc)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].NotAfter.Before(out[j].NotAfter) })
	return out
}

// machineCertificateFindings: status.clusterCertificateInfo, one finding
// per code on the EKS-A Cluster.
func machineCertificateFindings(cluster snapshot.Object) []Finding {
	ref := objectRef(cluster)
	certs := append([]snapshot.CertificateInfo(nil), cluster.Certificates...)
	sort.SliceStable(certs, func(i, j int) bool { return certs[i].ExpiresInDays < certs[j].ExpiresInDays })
	var expired, expiring []string
	for _, c := range certs {
		switch {
		case c.ExpiresInDays <= 0:
			expired = append(expired, c.Machine)
		case c.ExpiresInDays <= certExpiringDays:
			expiring = append(expiring, fmt.Sprintf("%s in %d days", c.Machine, c.ExpiresInDays))
		}
	}
	var out []Finding
	if len(expired) > 0 {
		out = append(out, Finding{Severity: Error, Code: CodeCertificatesExpired, Object: ref, Location: string(snapshot.Management),
			Message: "the certificates of " + strings.Join(expired, ", ") + " have expired (status.clusterCertificateInfo)"})
	}
	if len(expiring) > 0 {
		out = append(out, Finding{Severity: Warning, Code: CodeCertificatesExpiring, Object: ref, Location: string(snapshot.Management),
			Message: "certificates expire soon: " + strings.Join(expiring, ", ") + " (status.clusterCertificateInfo)"})
	}
	return out
}

// secretCertificateFindings: one finding per certificate of the cluster's
// Secrets that has expired or expires within certExpiringDays, on its
// Secret, with the Secret, key, subject and NotAfter as evidence.
func secretCertificateFindings(f *facts) []Finding {
	var out []Finding
	for _, sc := range f.secretCertificates() {
		left := sc.NotAfter.Sub(f.in.Now)
		what := fmt.Sprintf("the certificate %s in Secret %s (key %s)", subjectText(sc.Subject), sc.Secret, sc.Key)
		fd := Finding{Object: "Secret/" + sc.Secret, Location: string(snapshot.Management),
			Evidence: &Evidence{Certificates: []EvidenceCertificate{{Secret: sc.Secret, Key: sc.Key, Subject: sc.Subject, NotAfter: sc.NotAfter}}}}
		switch {
		case left <= 0:
			fd.Severity, fd.Code = Error, CodeCertificatesExpired
			fd.Message = fmt.Sprintf("%s expired %s ago, at %s (NotAfter)", what, ageText(f.in.Now, sc.NotAfter), sc.NotAfter.UTC().Format(time.RFC3339))
		case left <= certExpiringDays*24*time.Hour:
			fd.Severity, fd.Code = Warning, CodeCertificatesExpiring
			fd.Message = fmt.Sprintf("%s expires in %d days, at %s (NotAfter)", what, int64(left/(24*time.Hour)), sc.NotAfter.UTC().Format(time.RFC3339))
		default:
			continue
		}
		out = append(out, fd)
	}
	return out
}

func subjectText(cn string) string {
	if cn == "" {
		return "(no common name)"
	}
	return "CN=" + cn
}

// renewCertificatesStep: eksctl renews certificates from v0.23.1; before,
// kubeadm does it on each control-plane node.
func (f *facts) renewCertificatesStep() Step {
	if f.era.atLeast(24) || (f.era.atLeast(23) && f.era.major == 0 && f.era.minor == 23 && f.era.patch >= 1) {
		return Step{Command: "eksctl anywhere renew certificates -f cert-renewal-config.yaml -v 9", Why: fmt.Sprintf(
			"certificates of %s have expired: write cert-renewal-config.yaml (clusterName: %s, os, and the SSH key and user of "+
				"the control-plane and etcd nodes, as EKS-A's \"Renew certificates using eksctl anywhere\" shows), then renew",
			f.expiredText(), f.name)}
	}
	return Step{Command: "sudo kubeadm certs renew all", Why: fmt.Sprintf(
		"certificates of %s have expired and EKS-A %s has no `eksctl anywhere renew certificates` (v0.23.1+): run this over SSH "+
			"on each control-plane node, then restart its static pods, as EKS-A's manual certificate renewal guide shows",
		f.expiredText(), orUnknown(f.era.version))}
}
