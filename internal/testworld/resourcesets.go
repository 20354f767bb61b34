package testworld

import (
	"crypto/md5" //nolint:gosec // naming only, as CAPC does
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// resource is one Secret or ConfigMap a ClusterResourceSet applies.
type resource struct {
	kind, name string
	data       map[string][]byte // Secrets only
}

type secretFunc func(name, secretType string, data map[string][]byte, labels ...string) *unstructured.Unstructured

// vsphereResourceSets are the CSI and CPI sets EKS-A renders for vSphere
// (<c>-csi, <c>-cpi, with the resources of its v0.16.5 expected output).
func (b *ClusterBuilder) vsphereResourceSets(cluster *unstructured.Unstructured, secret secretFunc) []*unstructured.Unstructured {
	n := b.name
	csi := []resource{
		{"Secret", n + "-vsphere-csi-controller", map[string][]byte{"data": []byte("apiVersion: v1\nkind: ServiceAccount\n")}},
		{"ConfigMap", n + "-vsphere-csi-controller-role", nil},
		{"ConfigMap", n + "-vsphere-csi-controller-binding", nil},
		{"Secret", n + "-csi-vsphere-config", map[string][]byte{"data": []byte("[Global]\npassword = \"" + "world-secret-" + stableSuffix(n+"/csi") + "\"\n")}},
		{"ConfigMap", n + "-csi.vsphere.vmware.com", nil},
		{"ConfigMap", n + "-vsphere-csi-node", nil},
		{"ConfigMap", n + "-vsphere-csi-controller", nil},
	}
	cpi := []resource{
		{"Secret", n + "-cloud-controller-manager", map[string][]byte{"data": []byte("apiVersion: v1\nkind: ServiceAccount\n")}},
		{"Secret", n + "-cloud-provider-vsphere-credentials", map[string][]byte{"data": []byte("password: world-secret-" + stableSuffix(n+"/cpi") + "\n")}},
		{"ConfigMap", n + "-cpi-manifests", nil},
	}
	return b.resourceSets(cluster, secret, map[string][]resource{"csi": csi, "cpi": cpi}, "csi", "cpi")
}

// resourceSet is one ClusterResourceSet named <c>-<suffix>, with its binding.
func (b *ClusterBuilder) resourceSet(cluster *unstructured.Unstructured, suffix string, resources []resource, secret secretFunc) []*unstructured.Unstructured {
	return b.resourceSets(cluster, secret, map[string][]resource{suffix: resources}, suffix)
}

// resourceSets renders the sets in order, their resources (owned by the set,
// as CAPI's ClusterResourceSet controller leaves them once applied) and the
// cluster's ClusterResourceSetBinding recording each.
func (b *ClusterBuilder) resourceSets(cluster *unstructured.Unstructured, secret secretFunc, sets map[string][]resource, order ...string) []*unstructured.Unstructured {
	f := b.flavour
	var out, owned []*unstructured.Unstructured
	binding := newObject(f.APIVersion(eksa.GroupAddons), "ClusterResourceSetBinding", eksa.Namespace, b.name, b.labels())
	var bindings []any
	for _, suffix := range order {
		crs := newObject(f.APIVersion(eksa.GroupAddons), "ClusterResourceSet", eksa.Namespace, b.name+"-"+suffix, b.labels())
		var refs, applied []any
		for _, r := range sets[suffix] {
			refs = append(refs, map[string]any{"kind": r.kind, "name": r.name})
			applied = append(applied, map[string]any{
				"kind": r.kind, "name": r.name, "applied": true,
				"hash":            fmt.Sprintf("sha256:%x", md5.Sum([]byte(r.name))), //nolint:gosec // a stand-in hash
				"lastAppliedTime": "2023-04-15T15:07:14Z",
			})
			var u *unstructured.Unstructured
			if r.kind == "Secret" {
				u = secret(r.name, "addons.cluster.x-k8s.io/resource-set", r.data)
			} else {
				u = newObject("v1", "ConfigMap", eksa.Namespace, r.name, nil)
				set(u, map[string]any{"data": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + r.name + ", namespace: kube-system}\n"}, "data")
			}
			ownedBy(u, crs, false)
			owned = append(owned, u)
		}
		set(crs, map[string]any{
			"strategy":        "Reconcile",
			"clusterSelector": map[string]any{"matchLabels": map[string]any{eksa.LabelClusterName: b.name}},
			"resources":       refs,
		}, "spec")
		ownedBy(binding, crs, false)
		bindings = append(bindings, map[string]any{"clusterResourceSetName": crs.GetName(), "resources": applied})
		out = append(out, crs)
	}
	set(binding, map[string]any{"clusterName": b.name, "bindings": bindings}, "spec")
	ownedBy(binding, cluster, false)
	return append(append(out, owned...), binding)
}

// cloudStackFailureDomainSpec is the failure domain EKS-A renders into the
// CloudStackCluster (and CAPC copies into a CloudStackFailureDomain).
func (b *ClusterBuilder) cloudStackFailureDomainSpec() map[string]any {
	return map[string]any{
		"name":        "default-az-0",
		"zone":        map[string]any{"name": "zone1", "network": map[string]any{"name": "net1"}},
		"domain":      "domain1",
		"account":     "admin",
		"acsEndpoint": map[string]any{"name": "global", "namespace": eksa.Namespace},
	}
}

// cloudStackFailureDomainName is CAPC's FailureDomainHashedMetaName.
func cloudStackFailureDomainName(fd, cluster string) string {
	return fmt.Sprintf("%x", md5.Sum([]byte(fd+cluster))) //nolint:gosec // see import
}
