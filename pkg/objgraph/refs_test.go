package objgraph

import (
	"reflect"
	"sort"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

const (
	infra    = "infrastructure.cluster.x-k8s.io/v1beta1"
	kcpGV    = "controlplane.cluster.x-k8s.io/v1beta1"
	bootGV   = "bootstrap.cluster.x-k8s.io/v1beta1"
	etcdGV   = "etcdcluster.cluster.x-k8s.io/v1beta1"
	addonsGV = "addons.cluster.x-k8s.io/v1beta1"
)

// ref renders a reference in a contract's shape: v1beta1 {apiVersion, kind,
// name, namespace}, v1beta2 {apiGroup, kind, name}.
func ref(shape, apiVersion, kind, name string) map[string]any {
	if shape == "v1beta2" {
		gv, _ := schema.ParseGroupVersion(apiVersion)
		return map[string]any{"apiGroup": gv.Group, "kind": kind, "name": name}
	}
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "name": name, "namespace": "eksa-system"}
}

// rendered is cluster c1 as EKS-A applies it, before any controller set an
// owner reference: only the Cluster, the MachineDeployment and the
// ClusterResourceSet name c1; everything else is reached by reference.
func rendered(shape string) []Node {
	kcpTemplate := map[string]any{"infrastructureRef": ref(shape, infra, "VSphereMachineTemplate", "cp-tmpl")}
	if shape == "v1beta2" {
		kcpTemplate = map[string]any{"spec": kcpTemplate}
	}
	return []Node{
		node(capi, "Cluster", "c1", map[string]string{"cluster.x-k8s.io/cluster-name": "c1"}, map[string]any{
			"infrastructureRef":      ref(shape, infra, "VSphereCluster", "c1"),
			"controlPlaneRef":        ref(shape, kcpGV, "KubeadmControlPlane", "c1"),
			"managedExternalEtcdRef": ref("v1beta1", etcdGV, "EtcdadmCluster", "c1-etcd"),
		}),
		node(infra, "VSphereCluster", "c1", nil, map[string]any{
			"identityRef": map[string]any{"kind": "Secret", "name": "vsphere-creds"}}),
		node(kcpGV, "KubeadmControlPlane", "c1", nil, map[string]any{"machineTemplate": kcpTemplate}),
		node(infra, "VSphereMachineTemplate", "cp-tmpl", nil, nil),
		node(etcdGV, "EtcdadmCluster", "c1-etcd", nil, map[string]any{
			"infrastructureTemplate": ref("v1beta1", infra, "VSphereMachineTemplate", "etcd-tmpl")}),
		node(infra, "VSphereMachineTemplate", "etcd-tmpl", nil, nil),
		node(capi, "MachineDeployment", "md-0", nil, map[string]any{"clusterName": "c1", "template": map[string]any{
			"spec": map[string]any{
				"bootstrap":         map[string]any{"configRef": ref(shape, bootGV, "KubeadmConfigTemplate", "md-0-cfg")},
				"infrastructureRef": ref(shape, infra, "VSphereMachineTemplate", "md-0-tmpl"),
			}}}),
		node(bootGV, "KubeadmConfigTemplate", "md-0-cfg", nil, nil),
		node(infra, "VSphereMachineTemplate", "md-0-tmpl", nil, nil),
		node(capi, "MachineHealthCheck", "kcp-unhealthy", nil, map[string]any{"clusterName": "c1"}),
		node(addonsGV, "ClusterResourceSet", "cpi", nil, map[string]any{
			"clusterSelector": map[string]any{"matchLabels": map[string]any{"cluster.x-k8s.io/cluster-name": "c1"}},
			"resources":       []any{map[string]any{"kind": "Secret", "name": "cpi-secret"}, map[string]any{"kind": "ConfigMap", "name": "cpi-manifests"}},
		}),
		node(addonsGV, "ClusterResourceSetBinding", "binding", nil, map[string]any{
			"clusterName": "c2", "bindings": []any{map[string]any{"clusterResourceSetName": "csi"}}}),
		node(addonsGV, "ClusterResourceSet", "csi", nil, nil),
		NodeOfMeta("v1", "Secret", &metav1.ObjectMeta{Name: "vsphere-creds"}),
		NodeOfMeta("v1", "Secret", &metav1.ObjectMeta{Name: "cpi-secret"}),
		NodeOfMeta("v1", "ConfigMap", &metav1.ObjectMeta{Name: "cpi-manifests"}),
		// Nobody's: a template no object names, a Secret of no cluster.
		node(infra, "VSphereMachineTemplate", "stray", nil, nil),
		NodeOfMeta("v1", "Secret", &metav1.ObjectMeta{Name: "unrelated"}),
	}
}

func TestMembers_References(t *testing.T) {
	want := []string{
		"Cluster.cluster.x-k8s.io/c1", "ClusterResourceSet.addons.cluster.x-k8s.io/cpi", "ConfigMap/cpi-manifests",
		"EtcdadmCluster.etcdcluster.cluster.x-k8s.io/c1-etcd", "KubeadmConfigTemplate.bootstrap.cluster.x-k8s.io/md-0-cfg",
		"KubeadmControlPlane.controlplane.cluster.x-k8s.io/c1", "MachineDeployment.cluster.x-k8s.io/md-0",
		"MachineHealthCheck.cluster.x-k8s.io/kcp-unhealthy", "Secret/cpi-secret", "Secret/vsphere-creds",
		"VSphereCluster.infrastructure.cluster.x-k8s.io/c1",
		"VSphereMachineTemplate.infrastructure.cluster.x-k8s.io/cp-tmpl",
		"VSphereMachineTemplate.infrastructure.cluster.x-k8s.io/etcd-tmpl",
		"VSphereMachineTemplate.infrastructure.cluster.x-k8s.io/md-0-tmpl",
	}
	for _, shape := range []string{"v1beta1", "v1beta2"} {
		t.Run(shape, func(t *testing.T) {
			nodes := rendered(shape)
			if got := names(Members(nodes, Kinds{}, "c1")); !reflect.DeepEqual(got, want) {
				t.Errorf("Members(c1) = %q, want %q", got, want)
			}
			// A binding's sets come with the cluster it names.
			wantC2 := []string{"ClusterResourceSet.addons.cluster.x-k8s.io/csi", "ClusterResourceSetBinding.addons.cluster.x-k8s.io/binding"}
			if got := names(Members(nodes, Kinds{}, "c2")); !reflect.DeepEqual(got, wantC2) {
				t.Errorf("Members(c2) = %q, want %q", got, wantC2)
			}
		})
	}
}

func TestSpecRefs(t *testing.T) {
	tests := []struct {
		name string
		node Node
		want []Ref
	}{
		{"CloudStack v1beta3: each failure domain's endpoint Secret", node("infrastructure.cluster.x-k8s.io/v1beta3", "CloudStackCluster", "c", nil, map[string]any{
			"failureDomains": []any{map[string]any{"name": "fd", "acsEndpoint": map[string]any{"name": "global", "namespace": "eksa-system"}}}}),
			[]Ref{{Field: "spec.failureDomains[0].acsEndpoint", To: Key{Kind: "Secret", Name: "global"}}}},
		{"a reference to another namespace names nothing the graph holds", node(infra, "VSphereCluster", "c", nil, map[string]any{
			"identityRef": map[string]any{"kind": "Secret", "name": "creds", "namespace": "default"}}), nil},
		{"Nutanix: the credentials Secret", node("infrastructure.cluster.x-k8s.io/v1beta1", "NutanixCluster", "c", nil, map[string]any{
			"prismCentral": map[string]any{"credentialRef": map[string]any{"kind": "Secret", "name": "capx-c"}}}),
			[]Ref{{Field: "spec.prismCentral.credentialRef", To: Key{Kind: "Secret", Name: "capx-c"}}}},
		{"CAPV's identity kind without a group is the holder's", node(infra, "VSphereCluster", "c", nil, map[string]any{
			"identityRef": map[string]any{"kind": "VSphereClusterIdentity", "name": "id"}}),
			[]Ref{{Field: "spec.identityRef", To: Key{Group: "infrastructure.cluster.x-k8s.io", Kind: "VSphereClusterIdentity", Name: "id"}}}},
		{"a Machine's references are not read (owned from the start)", node(capi, "Machine", "m", nil, map[string]any{
			"infrastructureRef": ref("v1beta1", infra, "VSphereMachine", "m")}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.node.Refs, tt.want) {
				t.Errorf("Refs = %v, want %v", tt.node.Refs, tt.want)
			}
		})
	}
}

func TestAcrossAndUnresolved(t *testing.T) {
	kinds := Kinds{
		{Group: "cluster.x-k8s.io", Kind: "Cluster"}:                               {},
		{Group: "controlplane.cluster.x-k8s.io", Kind: "KubeadmControlPlane"}:      {},
		{Group: "infrastructure.cluster.x-k8s.io", Kind: "VSphereCluster"}:         {},
		{Group: "infrastructure.cluster.x-k8s.io", Kind: "VSphereMachineTemplate"}: {},
	}
	// A move that followed owner references alone: the Cluster went to
	// management, what it references stayed in KinD, and the
	// VSphereCluster is in neither.
	mgmt := []Node{
		node(capi, "Cluster", "c1", nil, map[string]any{
			"infrastructureRef": ref("v1beta2", infra, "VSphereCluster", "c1"),
			"controlPlaneRef":   ref("v1beta2", kcpGV, "KubeadmControlPlane", "c1"),
			// Not a kind either side serves as moveable: not judged.
			"managedExternalEtcdRef": ref("v1beta1", etcdGV, "EtcdadmCluster", "c1-etcd"),
		}),
		NodeOfMeta("v1", "Secret", &metav1.ObjectMeta{Name: "c1-kubeconfig"}),
	}
	kind := []Node{
		node(kcpGV, "KubeadmControlPlane", "c1", nil, map[string]any{"machineTemplate": map[string]any{
			"infrastructureRef": ref("v1beta1", infra, "VSphereMachineTemplate", "cp-tmpl")}}),
		node(infra, "VSphereMachineTemplate", "cp-tmpl", nil, nil),
		node(infra, "VSphereMachineTemplate", "stray", nil, nil),
	}
	sides := []Side{{Nodes: mgmt, Kinds: kinds}, {Nodes: kind, Kinds: kinds}}
	members, dangling := AcrossResolved(sides, "c1")
	if got, want := names(members[0]), []string{"Cluster.cluster.x-k8s.io/c1", "Secret/c1-kubeconfig"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Across: management = %q, want %q", got, want)
	}
	wantKinD := []string{"KubeadmControlPlane.controlplane.cluster.x-k8s.io/c1", "VSphereMachineTemplate.infrastructure.cluster.x-k8s.io/cp-tmpl"}
	if got := names(members[1]); !reflect.DeepEqual(got, wantKinD) {
		t.Errorf("Across: KinD = %q, want %q", got, wantKinD)
	}
	if got := names(Members(kind, kinds, "c1")); got != nil {
		t.Errorf("Members of KinD alone = %q, want none: nothing there names c1", got)
	}

	var got []string
	for _, d := range dangling {
		got = append(got, d.String()+" @"+[]string{"nowhere", "management", "kind"}[d.Elsewhere+1])
	}
	want := []string{
		"Cluster.cluster.x-k8s.io/c1 spec.controlPlaneRef -> KubeadmControlPlane.controlplane.cluster.x-k8s.io/c1 @kind",
		"Cluster.cluster.x-k8s.io/c1 spec.infrastructureRef -> VSphereCluster.infrastructure.cluster.x-k8s.io/c1 @nowhere",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Unresolved = %q, want %q", got, want)
	}
}

// TestMembers_TinkerbellAndSnow: a Tinkerbell cluster's bare-metal inventory
// and a Snow cluster's IP pool belong to it. In KinD (a side that holds one
// cluster) an unallocated Hardware, marked move by its kind, is the cluster's
// too; on management, which holds many clusters, it claims none.
func TestMembers_TinkerbellAndSnow(t *testing.T) {
	const hwGV, bmcGV = "tinkerbell.org/v1alpha1", "bmc.tinkerbell.org/v1alpha1"
	kinds := Kinds{
		{Group: "tinkerbell.org", Kind: "Hardware"}:    {Move: true},
		{Group: "bmc.tinkerbell.org", Kind: "Machine"}: {Move: true},
	}
	hardware := func(name, owner string) Node {
		labels := map[string]string{}
		if owner != "" {
			labels["v1alpha1.tinkerbell.org/ownerName"] = owner
		}
		return node(hwGV, "Hardware", name, labels, map[string]any{
			"bmcRef": map[string]any{"apiGroup": "bmc.tinkerbell.org", "kind": "Machine", "name": "bmc-" + name}})
	}
	bmc := func(name string) Node {
		return node(bmcGV, "Machine", "bmc-"+name, nil, map[string]any{"connection": map[string]any{
			"authSecretRef": map[string]any{"name": "bmc-" + name + "-auth", "namespace": "eksa-system"}}})
	}
	nodes := []Node{
		node(capi, "Cluster", "c1", nil, map[string]any{"infrastructureRef": ref("v1beta1", infra, "TinkerbellCluster", "c1")}),
		node(infra, "TinkerbellCluster", "c1", nil, nil, [3]string{capi, "Cluster", "c1"}),
		node(capi, "Machine", "c1-cp", map[string]string{"cluster.x-k8s.io/cluster-name": "c1"}, nil),
		node(infra, "TinkerbellMachine", "c1-cp", nil, nil, [3]string{capi, "Machine", "c1-cp"}),
		hardware("hw-used", "c1-cp"), bmc("hw-used"), NodeOfMeta("v1", "Secret", &metav1.ObjectMeta{Name: "bmc-hw-used-auth"}),
		hardware("hw-spare", ""), bmc("hw-spare"), NodeOfMeta("v1", "Secret", &metav1.ObjectMeta{Name: "bmc-hw-spare-auth"}),
		node(infra, "AWSSnowMachineTemplate", "c1-md-0", nil, map[string]any{"template": map[string]any{"spec": map[string]any{
			"network": map[string]any{"directNetworkInterfaces": []any{map[string]any{
				"index": int64(1), "ipPool": map[string]any{"kind": "AWSSnowIPPool", "name": "c1-ippool"}}}}}}},
			[3]string{capi, "Cluster", "c1"}),
		node(infra, "AWSSnowIPPool", "c1-ippool", nil, nil),
	}
	inUse := []string{
		"AWSSnowIPPool.infrastructure.cluster.x-k8s.io/c1-ippool",
		"AWSSnowMachineTemplate.infrastructure.cluster.x-k8s.io/c1-md-0",
		"Cluster.cluster.x-k8s.io/c1",
		"Hardware.tinkerbell.org/hw-used",
		"Machine.bmc.tinkerbell.org/bmc-hw-used",
		"Machine.cluster.x-k8s.io/c1-cp",
		"Secret/bmc-hw-used-auth",
		"TinkerbellCluster.infrastructure.cluster.x-k8s.io/c1",
		"TinkerbellMachine.infrastructure.cluster.x-k8s.io/c1-cp",
	}
	if got := names(Across([]Side{{Nodes: nodes, Kinds: kinds}}, "c1")[0]); !reflect.DeepEqual(got, inUse) {
		t.Errorf("on management: %q, want %q", got, inUse)
	}
	inKinD := append(append([]string{}, inUse...), "Hardware.tinkerbell.org/hw-spare", "Machine.bmc.tinkerbell.org/bmc-hw-spare", "Secret/bmc-hw-spare-auth")
	sort.Strings(inKinD)
	if got := names(Across([]Side{{Nodes: nodes, Kinds: kinds, OneCluster: true}}, "c1")[0]); !reflect.DeepEqual(got, inKinD) {
		t.Errorf("in KinD: %q, want %q", got, inKinD)
	}
}
