package testworld

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// clusterSecrets renders the Secrets CAPI and etcdadm keep for a cluster,
// with freshly generated key material: the CAs and the kubeconfig owned by the
// KubeadmControlPlane, the etcd CA and client cert owned by the
// EtcdadmCluster, and the vSphere credentials EKS-A labels for move.
func (b *ClusterBuilder) clusterSecrets(c *Cluster, kcp, etcd *unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	add := func(name, secretType string, data map[string][]byte, owner *unstructured.Unstructured, extraLabels ...string) {
		u := newObject("v1", "Secret", eksa.Namespace, name, b.labels(extraLabels...))
		set(u, secretType, "type")
		set(u, encodeData(data), "data")
		if owner != nil {
			ownedBy(u, owner, true)
		}
		c.Secrets[name] = data
		out = append(out, u)
	}

	etcdOwner := etcd
	if etcd == nil {
		etcdOwner = kcp // stacked etcd: kubeadm's control plane owns its CA
	}
	cas := map[string]*unstructured.Unstructured{"ca": kcp, "proxy": kcp, "sa": kcp, "etcd": etcdOwner}
	for _, purpose := range []string{"ca", "etcd", "proxy", "sa"} {
		cert, key, err := selfSignedCA(b.name + "-" + purpose)
		if err != nil {
			return nil, err
		}
		add(b.name+"-"+purpose, "cluster.x-k8s.io/secret", map[string][]byte{"tls.crt": cert, "tls.key": key}, cas[purpose])
	}
	if etcd != nil {
		clientCert, clientKey, err := selfSignedCA(b.name + "-apiserver-etcd-client")
		if err != nil {
			return nil, err
		}
		add(b.name+"-apiserver-etcd-client", "kubernetes.io/tls",
			map[string][]byte{"tls.crt": clientCert, "tls.key": clientKey}, etcd)
	}

	adminCert, adminKey, err := selfSignedCA("kubernetes-admin")
	if err != nil {
		return nil, err
	}
	add(b.name+"-kubeconfig", "cluster.x-k8s.io/secret",
		map[string][]byte{"value": kubeconfigWithCert(b.name, b.controlPlaneIP, adminCert, adminKey)}, kcp)

	if b.provider != VSphere {
		return out, nil // the provider's credentials: providerObjects
	}
	// Not owned by anything: EKS-A labels it so clusterctl moves it along.
	add(b.name+"-vsphere-credentials", "Opaque", map[string][]byte{
		"username": []byte("administrator@vsphere.local"),
		"password": []byte("world-secret-" + stableSuffix(b.name+"/password")),
	}, nil, eksa.LabelMove, "")
	return out, nil
}

// bootstrapDataSecret is the cloud-init a bootstrap provider renders for one
// Machine; it holds a join token, so it is secret too.
func bootstrapDataSecret(cluster, machine string) *unstructured.Unstructured {
	u := newObject("v1", "Secret", eksa.Namespace, machine, map[string]string{eksa.LabelClusterName: cluster})
	set(u, "cluster.x-k8s.io/secret", "type")
	set(u, encodeData(map[string][]byte{
		"format": []byte("cloud-config"),
		"value":  []byte("#cloud-config\nbootcmd: []\n# token " + stableSuffix(machine+"/token") + ".world0token0\n"),
	}), "data")
	return u
}

func encodeData(data map[string][]byte) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = base64Std(v)
	}
	return out
}

func kubeconfigWithCert(cluster, host string, cert, key []byte) []byte {
	return fmt.Appendf(nil, `apiVersion: v1
kind: Config
clusters:
- name: %[1]s
  cluster:
    server: https://%[2]s:6443
contexts:
- name: %[1]s-admin@%[1]s
  context: {cluster: %[1]s, user: %[1]s-admin}
current-context: %[1]s-admin@%[1]s
users:
- name: %[1]s-admin
  user:
    client-certificate-data: %[3]s
    client-key-data: %[4]s
`, cluster, host, base64Std(cert), base64Std(key))
}

// selfSignedCA makes a small ECDSA CA: real PEM key material, cheap enough to
// generate for many clusters.
func selfSignedCA(cn string) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}
