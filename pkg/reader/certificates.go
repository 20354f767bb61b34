package reader

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// certificateSecrets are the Secrets of a cluster whose certificates stop
// it when they expire, with the key that holds each: the cluster's CA, the
// etcd CA (kubeadm's stacked etcd and etcdadm's alike), the API server's
// etcd client (etcdadm), and the kubeconfig (its client certificate).
// One GET each, whatever the number of Machines.
var certificateSecrets = []struct{ suffix, key string }{
	{"-ca", "tls.crt"},
	{"-etcd", "tls.crt"},
	{"-apiserver-etcd-client", "tls.crt"},
	{"-kubeconfig", "value"},
}

// secretCertificates reads the certificates' expiry from the cluster's
// certificate Secrets: a GET each (a Secret missing reads as none, one
// forbidden as none and unread). Only each certificate's subject and NotAfter are kept: the
// Secrets' data, keys above all, is dropped as soon as it is parsed, and
// never logged.
func (r *reader) secretCertificates(ctx context.Context, cluster string) ([]snapshot.SecretCertificate, error) {
	var out []snapshot.SecretCertificate
	for _, s := range certificateSecrets {
		name := cluster + s.suffix
		var secret corev1.Secret
		err := r.rest.Get().AbsPath("/api/v1/namespaces", eksa.Namespace, "secrets", name).
			SetHeader("Accept", acceptJSON).Do(ctx).Into(&secret)
		switch {
		case apierrors.IsForbidden(err):
			r.unread("get", "secrets", eksa.Namespace, err)
			continue
		case apierrors.IsNotFound(err):
			klog.V(4).Infof("not reading the certificate of Secret %s/%s: %s", eksa.Namespace, name, apierrors.ReasonForError(err))
			continue
		case err != nil:
			return nil, fmt.Errorf("reading Secret %s/%s: %w", eksa.Namespace, name, err)
		}
		certs := certificatesIn(s.key, secret.Data[s.key])
		klog.V(4).Infof("read %d certificates in Secret %s/%s key %s", len(certs), eksa.Namespace, name, s.key)
		for _, c := range certs {
			c.Secret = eksa.Namespace + "/" + name
			out = append(out, c)
		}
	}
	return out, nil
}

// certificatesIn parses the certificates a Secret's key holds: the first
// PEM certificate of a tls.crt (the leaf, or the CA), or the client
// certificate of each user of a kubeconfig. Unparsable data reads as none.
func certificatesIn(key string, data []byte) []snapshot.SecretCertificate {
	if len(data) == 0 {
		return nil
	}
	if key != "value" {
		if c, ok := firstCertificate(data); ok {
			return []snapshot.SecretCertificate{{Key: key, Subject: c.Subject.CommonName, NotAfter: c.NotAfter.UTC()}}
		}
		return nil
	}
	cfg, err := clientcmd.Load(data)
	if err != nil {
		return nil // never the error: it may quote the data
	}
	users := make([]string, 0, len(cfg.AuthInfos))
	for u := range cfg.AuthInfos {
		users = append(users, u)
	}
	sort.Strings(users)
	var out []snapshot.SecretCertificate
	for _, u := range users {
		if c, ok := firstCertificate(cfg.AuthInfos[u].ClientCertificateData); ok {
			out = append(out, snapshot.SecretCertificate{Key: key, Subject: c.Subject.CommonName, NotAfter: c.NotAfter.UTC()})
		}
	}
	return out
}

func firstCertificate(data []byte) (*x509.Certificate, bool) {
	for len(data) > 0 {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, false
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		return c, err == nil
	}
	return nil, false
}
