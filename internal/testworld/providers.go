package testworld

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// inventoryProvider is one entry of clusterctl's provider inventory.
type inventoryProvider struct {
	namespace, name, providerName, providerType, version string
}

// inventory lists the providers eksctl installs, by flavour: the CAPI
// release whose CRDs the world serves, and the EKS-A-era provider versions.
// EKS-A installs the etcdadm providers with every infrastructure provider,
// Tinkerbell's stacked clusters included.
func inventory(f Flavour, p Provider) []inventoryProvider {
	capi := f.CAPIVersion()
	etcdadmBootstrap, etcdadmController := etcdadmVersions(f)
	infra := p.info()
	return []inventoryProvider{
		{"capi-system", "cluster-api", "cluster-api", "CoreProvider", capi},
		{"capi-kubeadm-bootstrap-system", "bootstrap-kubeadm", "kubeadm", "BootstrapProvider", capi},
		{"capi-kubeadm-control-plane-system", "control-plane-kubeadm", "kubeadm", "ControlPlaneProvider", capi},
		{"etcdadm-bootstrap-provider-system", "bootstrap-etcdadm-bootstrap", "etcdadm-bootstrap", "BootstrapProvider", etcdadmBootstrap},
		{"etcdadm-controller-system", "bootstrap-etcdadm-controller", "etcdadm-controller", "BootstrapProvider", etcdadmController},
		{infra.namespace, infra.inventoryName, infra.providerName, "InfrastructureProvider", infra.versions[f]},
	}
}

// ProviderNamespaces are the namespaces the inventory of a vSphere world
// lives in; see ProviderNamespacesFor for the others.
func ProviderNamespaces(f Flavour) []string { return ProviderNamespacesFor(f, VSphere) }

// ProviderNamespacesFor are the namespaces the inventory lives in.
func ProviderNamespacesFor(f Flavour, p Provider) []string {
	var out []string
	for _, p := range inventory(f, p) {
		out = append(out, p.namespace)
	}
	return out
}

func inventoryObjects(f Flavour, provider Provider) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, p := range inventory(f, provider) {
		u := newObject("clusterctl.cluster.x-k8s.io/v1alpha3", "Provider", p.namespace, p.name, map[string]string{
			eksa.LabelClusterctl: "", "clusterctl.cluster.x-k8s.io/core": "inventory", eksa.LabelProvider: p.name,
		})
		u.Object["providerName"] = p.providerName
		u.Object["type"] = p.providerType
		u.Object["version"] = p.version
		out = append(out, u)
	}
	return out
}
