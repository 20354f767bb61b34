package objgraph

import (
	"reflect"
	"sort"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// node builds a Node from a whole object: apiVersion, kind, name, labels,
// owners ("apiVersion/Kind/name") and spec fields.
func node(apiVersion, kind, name string, labels map[string]string, spec map[string]any, owners ...[3]string) Node {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetNamespace("eksa-system")
	u.SetName(name)
	u.SetLabels(labels)
	var refs []metav1.OwnerReference
	for _, o := range owners {
		refs = append(refs, metav1.OwnerReference{APIVersion: o[0], Kind: o[1], Name: o[2]})
	}
	u.SetOwnerReferences(refs)
	return NodeOf(u)
}

func names(m map[Key]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k.String())
	}
	sort.Strings(out)
	return out
}

const capi = "cluster.x-k8s.io/v1beta1"

func TestMembers(t *testing.T) {
	cluster := node(capi, "Cluster", "c1", nil, nil)
	kcp := node("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", "c1", nil, nil, [3]string{capi, "Cluster", "c1"})
	machine := node(capi, "Machine", "c1-cp-x", map[string]string{"cluster.x-k8s.io/cluster-name": "c1"}, nil,
		[3]string{"controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", "c1"})
	// Applied before any controller set owners: names its cluster in spec only.
	md := node(capi, "MachineDeployment", "c1-md-0", nil, map[string]any{"clusterName": "c1"})
	kubeconfig := NodeOfMeta("v1", "Secret", &metav1.ObjectMeta{Name: "c1-kubeconfig"})
	cm := NodeOfMeta("v1", "ConfigMap", &metav1.ObjectMeta{Name: "c1-cpi-manifests"})
	// An owner of the same kind and name in another group is not the owner.
	foreign := node("infrastructure.cluster.x-k8s.io/v1beta1", "VSphereMachineTemplate", "t", nil, nil,
		[3]string{"other.example.com/v1", "Cluster", "c1"})
	other := node(capi, "Cluster", "c2", nil, nil)
	otherSecret := NodeOfMeta("v1", "Secret", &metav1.ObjectMeta{Name: "c2-ca"})
	all := []Node{cluster, kcp, machine, md, kubeconfig, cm, foreign, other, otherSecret}

	tests := []struct {
		name    string
		cluster string
		want    []string
	}{
		{"one cluster: owners, label, spec.clusterName, <cluster>-* core objects", "c1", []string{
			"Cluster.cluster.x-k8s.io/c1", "ConfigMap/c1-cpi-manifests", "KubeadmControlPlane.controlplane.cluster.x-k8s.io/c1",
			"Machine.cluster.x-k8s.io/c1-cp-x", "MachineDeployment.cluster.x-k8s.io/c1-md-0", "Secret/c1-kubeconfig"}},
		{"another cluster: its own only", "c2", []string{"Cluster.cluster.x-k8s.io/c2", "Secret/c2-ca"}},
		{"the whole namespace: the roots' trees (the soft-owned Secrets with them)", "", []string{
			"Cluster.cluster.x-k8s.io/c1", "Cluster.cluster.x-k8s.io/c2", "KubeadmControlPlane.controlplane.cluster.x-k8s.io/c1",
			"Machine.cluster.x-k8s.io/c1-cp-x", "Secret/c1-kubeconfig", "Secret/c2-ca"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := names(Members(all, Kinds{}, tt.cluster)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Members(%q) = %q, want %q", tt.cluster, got, tt.want)
			}
		})
	}
}

func TestClusterOf(t *testing.T) {
	all := []Node{
		node(capi, "Cluster", "c1", nil, nil),
		node(capi, "Machine", "c1-m", nil, nil, [3]string{capi, "Cluster", "c1"}),
		node(capi, "Cluster", "w01", nil, nil),
		NodeOfMeta("v1", "Secret", &metav1.ObjectMeta{Name: "w01-kubeconfig"}),
		NodeOfMeta("v1", "Secret", &metav1.ObjectMeta{Name: "unrelated"}),
	}
	got := ClusterOf(all, Kinds{})
	want := map[Key]string{
		ClusterKey("c1"): "c1",
		{Group: "cluster.x-k8s.io", Kind: "Machine", Name: "c1-m"}: "c1",
		ClusterKey("w01"):                        "w01",
		{Kind: "Secret", Name: "w01-kubeconfig"}: "w01",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ClusterOf = %v, want %v", got, want)
	}
}

func TestGroupsAndMissingOwners(t *testing.T) {
	cluster := node(capi, "Cluster", "c1", nil, nil)
	md := node(capi, "MachineDeployment", "c1-md", nil, nil, [3]string{capi, "Cluster", "c1"})
	ms := node(capi, "MachineSet", "c1-ms", nil, nil, [3]string{capi, "MachineDeployment", "c1-md"})
	secret := NodeOfMeta("v1", "Secret", &metav1.ObjectMeta{Name: "c1-kubeconfig"})
	all := []Node{ms, secret, md, cluster}
	members := Members(all, Kinds{}, "c1")
	groups, err := Groups(all, members)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, g := range groups {
		got = append(got, KeyStrings(g))
	}
	want := [][]string{{"Cluster.cluster.x-k8s.io/c1"}, {"MachineDeployment.cluster.x-k8s.io/c1-md", "Secret/c1-kubeconfig"}, {"MachineSet.cluster.x-k8s.io/c1-ms"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Groups = %q, want %q", got, want)
	}
	delete(members, md.Key)
	if missing := MissingOwners(all, members); !reflect.DeepEqual(missing, []string{"MachineDeployment.cluster.x-k8s.io/c1-md (owner of MachineSet.cluster.x-k8s.io/c1-ms)"}) {
		t.Errorf("MissingOwners without the MachineDeployment = %q", missing)
	}
	cycle := []Node{
		node(capi, "Machine", "a", nil, nil, [3]string{capi, "Machine", "b"}),
		node(capi, "Machine", "b", nil, nil, [3]string{capi, "Machine", "a"}),
	}
	if _, err := Groups(cycle, map[Key]bool{cycle[0].Key: true, cycle[1].Key: true}); err == nil {
		t.Error("Groups of an owner cycle: no error")
	}
}
