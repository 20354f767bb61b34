package diagnose

import (
	"slices"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// A fluent builder of hand-made inputs: cluster3 as the knowledge-center
// article shows it (one control-plane, one etcd, one worker Machine).

var testNow = time.Date(2024, 4, 15, 12, 0, 0, 0, time.UTC)

const (
	testPlugin = "kubectl eksa-recover --workspace /w --cluster-name cluster3"
	testSpec   = "/w/cluster3/cluster3-eks-a-cluster.yaml"
	newK8s     = "v1.23.17-eks-1-23-19"
	oldK8s     = "v1.22.17-eks-1-22-24"

	cpMachine     = "cluster3-2snw8"                // cluster3's control-plane Machine, and its Node
	workerMachine = "cluster3-md-0-854976576-tw6hr" // cluster3's worker Machine, and its Node
)

type snapBuilder struct {
	snap    snapshot.Snapshot
	ws      workspace.Workspace
	flagVer string
	vc      *VCenterFacts
}

// newSnap: a reachable management cluster holding only the EKS-A Cluster
// (v0.16.5), no KinD, an empty workspace.
func newSnap() *snapBuilder {
	b := &snapBuilder{}
	b.snap.Management = snapshot.ClusterState{
		Role: snapshot.Management, Configured: true, Reachable: true,
		Kubeconfig: "/w/cluster3/cluster3-eks-a-cluster.kubeconfig", Server: "https://10.0.0.10:6443",
		EKSA: []snapshot.Object{{Group: eksa.GroupEKSA, Kind: "Cluster", Namespace: "default", Name: "cluster3",
			Fields: map[string]string{"eksaVersion": "v0.16.5"}}},
	}
	b.snap.Bootstrap = snapshot.ClusterState{Role: snapshot.Bootstrap}
	b.ws = workspace.Workspace{Dir: "/w", ClusterName: "cluster3", ClusterSpec: testSpec, LogsDir: "/w/cluster3/logs"}
	return b
}

func (b *snapBuilder) build() Input {
	snap, ws := b.snap, b.ws
	return Input{Snapshot: &snap, Workspace: &ws, ClusterName: "cluster3", EKSAVersion: b.flagVer, Now: testNow, Plugin: testPlugin, VCenter: b.vc}
}

// eksa sets the EKS-A Cluster's spec.eksaVersion ("" removes it).
func (b *snapBuilder) eksa(v string) *snapBuilder {
	b.eksaCluster().Fields = map[string]string{"eksaVersion": v}
	return b
}

func (b *snapBuilder) flag(v string) *snapBuilder { b.flagVer = v; return b }

// home puts cluster3 on management; its workers on workerVersion.
func (b *snapBuilder) home(workerVersion string) *snapBuilder {
	objs, ms := cluster3(workerVersion)
	b.snap.Management.Objects = append(b.snap.Management.Objects, objs...)
	b.snap.Management.Machines = append(b.snap.Management.Machines, ms...)
	for _, m := range ms {
		if m.NodeName != "" {
			b.snap.Management.Nodes = append(b.snap.Management.Nodes, snapshot.Node{Name: m.NodeName, Ready: true,
				KubeletVersion: m.Version, ControlPlane: m.Role == snapshot.RoleControlPlane})
		}
	}
	return b
}

// stranded puts cluster3 (skewed) in a reachable KinD.
func (b *snapBuilder) stranded() *snapBuilder {
	objs, ms := cluster3(oldK8s)
	b.kind()
	b.snap.Bootstrap.Objects, b.snap.Bootstrap.Machines = objs, ms
	return b
}

// split leaves the Cluster and its infrastructure on management, the rest in KinD.
func (b *snapBuilder) split() *snapBuilder {
	objs, ms := cluster3(oldK8s)
	b.kind()
	b.snap.Management.Objects = append(b.snap.Management.Objects, objs[:2]...)
	b.snap.Bootstrap.Objects, b.snap.Bootstrap.Machines = objs[2:], ms
	return b
}

func (b *snapBuilder) kind() *snapBuilder {
	b.snap.Bootstrap.Configured, b.snap.Bootstrap.Reachable = true, true
	b.snap.Bootstrap.Kubeconfig = "/w/cluster3/generated/cluster3.kind.kubeconfig"
	return b
}

func (b *snapBuilder) kindDown() *snapBuilder {
	b.snap.Bootstrap.Reachable, b.snap.Bootstrap.Error = false, "connection refused"
	b.snap.Bootstrap.Objects, b.snap.Bootstrap.Machines = nil, nil
	return b
}

func (b *snapBuilder) kindForbidden() *snapBuilder {
	b.snap.Bootstrap.Forbidden, b.snap.Bootstrap.Error = true, "clusters is forbidden"
	b.snap.Bootstrap.Objects, b.snap.Bootstrap.Machines = nil, nil
	return b
}

func (b *snapBuilder) mgmtDown() *snapBuilder {
	m := &b.snap.Management
	m.Reachable, m.Error, m.Objects, m.Machines, m.Nodes, m.EKSA = false, "i/o timeout", nil, nil, nil, nil
	return b
}

func (b *snapBuilder) mgmtForbidden() *snapBuilder {
	b.snap.Management.Forbidden, b.snap.Management.Error = true, "machines is forbidden"
	return b
}

func (b *snapBuilder) noMgmt() *snapBuilder {
	b.snap.Management = snapshot.ClusterState{Role: snapshot.Management}
	return b
}

// eksaPaused sets eksctl's pause annotations on the EKS-A Cluster.
func (b *snapBuilder) eksaPaused() *snapBuilder {
	return b.annotate(eksa.AnnotationEKSAPaused, "true").annotate(eksa.AnnotationManagedByCLI, "true")
}

func (b *snapBuilder) annotate(k, v string) *snapBuilder {
	o := b.eksaCluster()
	if o.Annotations == nil {
		o.Annotations = map[string]string{}
	}
	o.Annotations[k] = v
	return b
}

// capiPaused sets spec.paused on cluster3's CAPI Cluster on management.
func (b *snapBuilder) capiPaused() *snapBuilder {
	for i, o := range b.snap.Management.Objects {
		if o.Kind == "Cluster" {
			b.snap.Management.Objects[i].Paused = true
		}
	}
	return b
}

// workloadPaused adds a paused workload cluster w1 (the in-place era's marker).
func (b *snapBuilder) workloadPaused() *snapBuilder {
	b.snap.Management.Objects = append(b.snap.Management.Objects, snapshot.Object{Group: eksa.GroupCAPI, Kind: "Cluster",
		Namespace: "eksa-system", Name: "w1", ClusterName: "w1", Paused: true})
	return b
}

func (b *snapBuilder) mgmtMachine(m snapshot.Machine) *snapBuilder {
	b.snap.Management.Machines = append(b.snap.Management.Machines, m)
	return b
}

func (b *snapBuilder) checkpoint(failedAt string, completed ...string) *snapBuilder {
	b.ws.Checkpoint = &workspace.Checkpoint{Path: "/w/cluster3/generated/cluster3-checkpoint.yaml", Completed: completed, FailedAt: failedAt}
	return b
}

func (b *snapBuilder) backup(path string, age time.Duration, objects int) *snapBuilder {
	b.ws.Backups = append(b.ws.Backups, workspace.Backup{Path: path, Source: workspace.BackupBootstrap,
		Time: testNow.Add(-age), Objects: objects})
	return b
}

// Tests address what they change by name, never by position, so that a
// test adding an object cannot shift what another addresses. Each accessor
// points into management's snapshot and panics when the object is absent.

// eksaCluster is cluster3's EKS-A Cluster.
func (b *snapBuilder) eksaCluster() *snapshot.Object {
	return mustFind("EKS-A Cluster cluster3", b.snap.Management.EKSA, func(o snapshot.Object) bool {
		return o.Kind == "Cluster" && o.Name == "cluster3"
	})
}

// objectNamed is the CAPI-side object of that kind and name.
func (b *snapBuilder) objectNamed(kind, name string) *snapshot.Object {
	return mustFind(kind+" "+name, b.snap.Management.Objects, func(o snapshot.Object) bool {
		return o.Kind == kind && o.Name == name
	})
}

func (b *snapBuilder) machine(name string) *snapshot.Machine {
	return mustFind("Machine "+name, b.snap.Management.Machines, func(m snapshot.Machine) bool { return m.Name == name })
}

func (b *snapBuilder) node(name string) *snapshot.Node {
	return mustFind("Node "+name, b.snap.Management.Nodes, func(n snapshot.Node) bool { return n.Name == name })
}

// controller is a provider's controller Deployment.
func (b *snapBuilder) controller(namespace, name string) *snapshot.Workload {
	return mustFind("controller "+namespace+"/"+name, b.snap.Management.Controllers, workloadIs(namespace, name))
}

// withoutController removes a provider's controller Deployment.
func (b *snapBuilder) withoutController(namespace, name string) *snapBuilder {
	b.controller(namespace, name) // panics if absent
	b.snap.Management.Controllers = slices.DeleteFunc(b.snap.Management.Controllers, workloadIs(namespace, name))
	return b
}

func workloadIs(namespace, name string) func(snapshot.Workload) bool {
	return func(w snapshot.Workload) bool { return w.Namespace == namespace && w.Name == name }
}

// daemonSet is a kube-system DaemonSet.
func (b *snapBuilder) daemonSet(name string) *snapshot.DaemonSet {
	return mustFind("DaemonSet kube-system/"+name, b.snap.Management.DaemonSets, func(d snapshot.DaemonSet) bool {
		return d.Namespace == "kube-system" && d.Name == name
	})
}

// mustFind points at the first item that matches; a test that names what
// is not there is wrong, so it panics.
func mustFind[T any](what string, items []T, match func(T) bool) *T {
	for i := range items {
		if match(items[i]) {
			return &items[i]
		}
	}
	panic("snapBuilder: no " + what + " on management")
}

// cluster3 returns its CAPI objects (Cluster and infrastructure first, for
// split) and its Machines, the control plane on newK8s.
func cluster3(workerVersion string) ([]snapshot.Object, []snapshot.Machine) {
	obj := func(group, kind, name string, owners ...objgraph.Key) snapshot.Object {
		return snapshot.Object{Group: group, Version: "v1beta1", Kind: kind, Namespace: "eksa-system", Name: name,
			ClusterName: "cluster3", Owners: owners,
			Ready: &snapshot.Condition{Type: "Ready", Status: "True", LastTransitionTime: testNow.Add(-time.Hour)}}
	}
	cl := objgraph.Key{Kind: "Cluster", Name: "cluster3"}
	etcd := obj(eksa.GroupCAPI, "Machine", "cluster3-etcd-chkc5", objgraph.Key{Kind: "EtcdadmCluster", Name: "cluster3-etcd"})
	etcd.Labels = map[string]string{eksa.LabelEtcdCluster: "cluster3-etcd"}
	cp := obj(eksa.GroupCAPI, "Machine", cpMachine, objgraph.Key{Kind: "KubeadmControlPlane", Name: "cluster3"})
	worker := obj(eksa.GroupCAPI, "Machine", workerMachine, objgraph.Key{Kind: "MachineSet", Name: "cluster3-md-0-854976576"})
	objs := []snapshot.Object{
		obj(eksa.GroupCAPI, "Cluster", "cluster3"),
		obj(eksa.GroupInfrastructure, "VSphereCluster", "cluster3", cl),
		obj(eksa.GroupControlPlane, "KubeadmControlPlane", "cluster3", cl),
		obj(eksa.GroupEtcdCluster, "EtcdadmCluster", "cluster3-etcd", cl),
		obj(eksa.GroupCAPI, "MachineDeployment", "cluster3-md-0", cl),
		obj(eksa.GroupCAPI, "MachineSet", "cluster3-md-0-854976576", objgraph.Key{Kind: "MachineDeployment", Name: "cluster3-md-0"}),
		obj(eksa.GroupInfrastructure, "VSphereMachineTemplate", "cluster3-control-plane-1"),
		cp,
		etcd,
		worker,
	}
	ready := &snapshot.Condition{Type: "Ready", Status: "True", LastTransitionTime: testNow.Add(-3 * time.Minute)}
	ms := []snapshot.Machine{
		{Name: cpMachine, ClusterName: "cluster3", Role: snapshot.RoleControlPlane, Version: newK8s,
			NodeName: cpMachine, Phase: "Running", Ready: ready, Owners: cp.Owners},
		{Name: "cluster3-etcd-chkc5", ClusterName: "cluster3", Role: snapshot.RoleEtcd, Phase: "Running",
			Ready: ready, Owners: etcd.Owners},
		{Name: workerMachine, ClusterName: "cluster3", Role: snapshot.RoleWorker, Version: workerVersion,
			NodeName: workerMachine, Phase: "Running", Ready: ready, Owners: worker.Owners},
	}
	return objs, ms
}
