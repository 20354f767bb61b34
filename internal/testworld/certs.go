package testworld

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"
)

// What certs-expired leaves in cluster3's certificate Secrets, in every
// era (before v0.24 they are the only place that shows it): the 1-year
// client certificates ran out stuckSince ago (the kubeconfig's and, with
// etcdadm, the API server's etcd client), the etcd CA expires in
// certExpiringIn, the cluster CA is valid. Generated at seed time, each
// with a fresh key of its own.

// certExpiringIn is how long the etcd CA has left.
const certExpiringIn = 12*24*time.Hour + time.Hour

// expireSecretCertificates rewrites a copy of one of cluster3's Secrets
// with the certificates above; the other Secrets are left as they are.
func expireSecretCertificates(o *unstructured.Unstructured, now time.Time) {
	expired := now.Add(-stuckSince)
	switch o.GetName() {
	case SeedClusterName + "-apiserver-etcd-client":
		cert, key := certificateEnding(SeedClusterName+"-apiserver-etcd-client", expired, false)
		setData(o, "tls.crt", cert)
		setData(o, "tls.key", key)
	case SeedClusterName + "-etcd":
		cert, key := certificateEnding(SeedClusterName+"-etcd", now.Add(certExpiringIn), true)
		setData(o, "tls.crt", cert)
		setData(o, "tls.key", key)
	case SeedClusterName + "-kubeconfig":
		data, _, _ := unstructured.NestedString(o.Object, "data", "value")
		raw, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			panic(fmt.Sprintf("testworld: decoding Secret %s: %v", o.GetName(), err))
		}
		cfg, err := clientcmd.Load(raw)
		if err != nil {
			panic(fmt.Sprintf("testworld: loading the kubeconfig of Secret %s: %v", o.GetName(), err))
		}
		cert, key := certificateEnding("kubernetes-admin", expired, false)
		for _, u := range cfg.AuthInfos {
			u.ClientCertificateData, u.ClientKeyData = cert, key
		}
		out, err := clientcmd.Write(*cfg)
		if err != nil {
			panic(fmt.Sprintf("testworld: writing the kubeconfig of Secret %s: %v", o.GetName(), err))
		}
		setData(o, "value", out)
	}
}

func setData(o *unstructured.Unstructured, key string, v []byte) { set(o, base64Std(v), "data", key) }

// certificateEnding makes a self-signed ECDSA certificate, valid for a
// year (ten for a CA) up to notAfter, and its key. Like set, it panics on
// what cannot fail short of a broken crypto/rand.
func certificateEnding(cn string, notAfter time.Time, isCA bool) (certPEM, keyPEM []byte) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(fmt.Sprintf("testworld: generating a key: %v", err))
	}
	life := 365 * 24 * time.Hour
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if isCA {
		life *= 10
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
		tmpl.ExtKeyUsage = nil
	}
	tmpl.NotBefore = notAfter.Add(-life)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(fmt.Sprintf("testworld: creating certificate %s: %v", cn, err))
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		panic(fmt.Sprintf("testworld: encoding the key of %s: %v", cn, err))
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}
