package pause

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// world is a snapshot built from plain structs: cluster3 home on management
// with a workload cluster w01, nothing paused, no KinD.
type world struct{ snap snapshot.Snapshot }

func newWorld() *world {
	capi := func(group, kind, name, cluster string) snapshot.Object {
		return snapshot.Object{Group: group, Version: "v1beta1", Kind: kind, Namespace: "eksa-system", Name: name, ClusterName: cluster}
	}
	eksaObj := func(kind, name string) snapshot.Object {
		return snapshot.Object{Group: eksa.GroupEKSA, Version: "v1alpha1", Kind: kind, Namespace: "default", Name: name}
	}
	w := &world{}
	m := &w.snap.Management
	m.Role, m.Configured, m.Reachable, m.Kubeconfig = snapshot.Management, true, true, "/w/cluster3/cluster3-eks-a-cluster.kubeconfig"
	for _, c := range []string{"cluster3", "w01"} {
		m.Objects = append(m.Objects,
			capi(eksa.GroupCAPI, "Cluster", c, c),
			capi(eksa.GroupControlPlane, "KubeadmControlPlane", c, c),
			capi(eksa.GroupEtcdCluster, "EtcdadmCluster", c+"-etcd", c),
			capi(eksa.GroupCAPI, "MachineDeployment", c+"-md-0", c))
		m.EKSA = append(m.EKSA, eksaObj("Cluster", c), eksaObj("VSphereDatacenterConfig", c), eksaObj("VSphereMachineConfig", c+"-cp"))
	}
	m.EKSA = append(m.EKSA, eksaObj("Bundles", "bundles-71"))
	w.snap.Bootstrap.Role = snapshot.Bootstrap
	return w
}

// annotate sets an annotation on every object of kind (in group) named name.
func (w *world) annotate(group, kind, name, key, value string) *world {
	for _, objs := range [][]snapshot.Object{w.snap.Management.Objects, w.snap.Management.EKSA} {
		for i := range objs {
			if o := &objs[i]; o.Group == group && o.Kind == kind && o.Name == name {
				if o.Annotations == nil {
					o.Annotations = map[string]string{}
				}
				o.Annotations[key] = value
			}
		}
	}
	return w
}

// eksctlPaused is what eksctl's pause leaves on one cluster's EKS-A objects.
func (w *world) eksctlPaused(cluster string) *world {
	for _, kind := range []string{"Cluster", "VSphereDatacenterConfig"} {
		w.annotate(eksa.GroupEKSA, kind, cluster, eksa.AnnotationEKSAPaused, "true")
	}
	w.annotate(eksa.GroupEKSA, "VSphereMachineConfig", cluster+"-cp", eksa.AnnotationEKSAPaused, "true")
	return w.annotate(eksa.GroupEKSA, "Cluster", cluster, eksa.AnnotationManagedByCLI, "true")
}

func (w *world) capiPaused(cluster string) *world {
	for i, o := range w.snap.Management.Objects {
		if o.Kind == "Cluster" && o.Name == cluster {
			w.snap.Management.Objects[i].Paused = true
		}
	}
	return w
}

// kind adds a KinD cluster holding objects of the named clusters.
func (w *world) kind(clusters ...string) *world {
	b := &w.snap.Bootstrap
	b.Configured, b.Reachable, b.Kubeconfig = true, true, "/w/cluster3/generated/cluster3.kind.kubeconfig"
	for _, c := range clusters {
		b.Objects = append(b.Objects, snapshot.Object{Group: eksa.GroupCAPI, Kind: "Machine", Name: c + "-m", ClusterName: c})
	}
	return w
}

func (w *world) with(f func(s *snapshot.Snapshot)) *world { f(&w.snap); return w }

func lines(c *Changes) (changes, held []string) {
	for _, ch := range c.Objects {
		changes = append(changes, ch.Object.Kind+"/"+ch.Object.Name+": "+strings.Join(ch.Markers(), ", "))
	}
	for _, h := range c.Held {
		held = append(held, h.Object.Kind+"/"+h.Object.Name+": "+h.Marker)
	}
	return changes, held
}

const (
	eksaPausedMarker = "annotation " + eksa.AnnotationEKSAPaused
	cliMarker        = "annotation " + eksa.AnnotationManagedByCLI
	fluxMarker       = "annotation " + eksa.AnnotationFluxReconcile
	capiPausedMarker = "annotation " + eksa.AnnotationCAPIPaused
)

func TestPlan(t *testing.T) {
	tests := []struct {
		name         string
		in           *world
		wantChanges  []string // in patch order
		wantHeld     []string
		wantClusters []string
		wantErr      string
	}{
		{name: "nothing paused: nothing to resume", in: newWorld()},
		{name: "paused in place (v0.19): w01's spec.paused and eksctl's annotations on both clusters, EKS-A Clusters last",
			in: newWorld().eksctlPaused("cluster3").eksctlPaused("w01").capiPaused("w01"),
			wantChanges: []string{
				"Cluster/w01: " + MarkerSpecPaused,
				"VSphereDatacenterConfig/cluster3: " + eksaPausedMarker,
				"VSphereDatacenterConfig/w01: " + eksaPausedMarker,
				"VSphereMachineConfig/cluster3-cp: " + eksaPausedMarker,
				"VSphereMachineConfig/w01-cp: " + eksaPausedMarker,
				"Cluster/cluster3: " + eksaPausedMarker + ", " + cliMarker,
				"Cluster/w01: " + eksaPausedMarker + ", " + cliMarker,
			},
			wantClusters: []string{"cluster3", "w01"}},
		{name: "GitOps pause cleared; an annotation set to another value is no marker",
			in: newWorld().annotate(eksa.GroupEKSA, "Cluster", "cluster3", eksa.AnnotationFluxReconcile, "disabled").
				annotate(eksa.GroupEKSA, "Cluster", "w01", eksa.AnnotationFluxReconcile, "enabled").
				annotate(eksa.GroupEKSA, "VSphereDatacenterConfig", "w01", eksa.AnnotationEKSAPaused, "false"),
			wantChanges: []string{"Cluster/cluster3: " + fluxMarker}, wantClusters: []string{"cluster3"}},
		{name: "control plane paused while etcd upgrades: held",
			in: newWorld().annotate(eksa.GroupControlPlane, "KubeadmControlPlane", "cluster3", eksa.AnnotationCAPIPaused, "").
				annotate(eksa.GroupEtcdCluster, "EtcdadmCluster", "cluster3-etcd", eksa.AnnotationEtcdUpgrading, "true"),
			wantHeld: []string{"KubeadmControlPlane/cluster3: " + capiPausedMarker}},
		{name: "control plane paused while its etcd is not ready (no upgrading marker): held",
			in: newWorld().annotate(eksa.GroupControlPlane, "KubeadmControlPlane", "cluster3", eksa.AnnotationCAPIPaused, "").
				with(func(s *snapshot.Snapshot) { s.Management.Objects[2].Fields = map[string]string{"ready": "false"} }),
			wantHeld: []string{"KubeadmControlPlane/cluster3: " + capiPausedMarker}},
		{name: "control plane paused, its etcd ready: cleared",
			in: newWorld().annotate(eksa.GroupControlPlane, "KubeadmControlPlane", "cluster3", eksa.AnnotationCAPIPaused, "").
				with(func(s *snapshot.Snapshot) { s.Management.Objects[2].Fields = map[string]string{"ready": "true"} }),
			wantChanges: []string{"KubeadmControlPlane/cluster3: " + capiPausedMarker}, wantClusters: []string{"cluster3"}},
		{name: "control plane paused, another cluster's etcd upgrading: cleared",
			in: newWorld().annotate(eksa.GroupControlPlane, "KubeadmControlPlane", "cluster3", eksa.AnnotationCAPIPaused, "").
				annotate(eksa.GroupEtcdCluster, "EtcdadmCluster", "w01-etcd", eksa.AnnotationEtcdUpgrading, "true"),
			wantChanges: []string{"KubeadmControlPlane/cluster3: " + capiPausedMarker}, wantClusters: []string{"cluster3"}},
		{name: "control plane of an unknown cluster while some etcd upgrades: held",
			in: newWorld().with(func(s *snapshot.Snapshot) {
				s.Management.Objects = append(s.Management.Objects, snapshot.Object{Group: eksa.GroupControlPlane, Kind: "KubeadmControlPlane",
					Namespace: "eksa-system", Name: "orphan", Annotations: map[string]string{eksa.AnnotationCAPIPaused: ""}})
			}).annotate(eksa.GroupEtcdCluster, "EtcdadmCluster", "w01-etcd", eksa.AnnotationEtcdUpgrading, "true"),
			wantHeld: []string{"KubeadmControlPlane/orphan: " + capiPausedMarker}},
		{name: "paused annotation where eksctl never sets it: held",
			in: newWorld().annotate(eksa.GroupCAPI, "MachineDeployment", "w01-md-0", eksa.AnnotationCAPIPaused, "").
				annotate(eksa.GroupEKSA, "Bundles", "bundles-71", eksa.AnnotationEKSAPaused, "true"),
			wantHeld: []string{"Bundles/bundles-71: " + eksaPausedMarker, "MachineDeployment/w01-md-0: " + capiPausedMarker}},
		{name: "after a move, an empty KinD left: allowed",
			in: newWorld().eksctlPaused("cluster3").kind(),
			wantChanges: []string{
				"VSphereDatacenterConfig/cluster3: " + eksaPausedMarker,
				"VSphereMachineConfig/cluster3-cp: " + eksaPausedMarker,
				"Cluster/cluster3: " + eksaPausedMarker + ", " + cliMarker,
			}, wantClusters: []string{"cluster3"}},
		{name: "KinD holds another, unknown cluster's objects: allowed", in: newWorld().capiPaused("cluster3").kind("new1"),
			wantChanges: []string{"Cluster/cluster3: " + MarkerSpecPaused}, wantClusters: []string{"cluster3"}},
		{name: "stranded: refused", in: newWorld().eksctlPaused("cluster3").kind("cluster3"),
			wantErr: "still holds 1 Cluster API objects of cluster3: run `kubectl eksa-recover move` first"},
		{name: "a workload cluster's objects in KinD: refused", in: newWorld().capiPaused("w01").kind("w01"),
			wantErr: "of w01: run `kubectl eksa-recover move --all` first"},
		{name: "KinD down: refused", in: newWorld().capiPaused("w01").kind().with(func(s *snapshot.Snapshot) {
			s.Bootstrap.Reachable, s.Bootstrap.Error = false, "connection refused"
		}), wantErr: "could not be read (connection refused) and may still hold"},
		{name: "management down: refused", in: newWorld().capiPaused("w01").with(func(s *snapshot.Snapshot) {
			s.Management.Reachable, s.Management.Server, s.Management.Error = false, "https://10.0.0.10:6443", "i/o timeout"
		}), wantErr: "the management cluster https://10.0.0.10:6443 did not answer (i/o timeout)"},
		{name: "management forbidden: refused", in: newWorld().with(func(s *snapshot.Snapshot) {
			s.Management.Forbidden, s.Management.Error = true, "forbidden"
		}), wantErr: "reading the management cluster with /w/cluster3/cluster3-eks-a-cluster.kubeconfig: forbidden"},
		{name: "no management kubeconfig: refused", in: newWorld().with(func(s *snapshot.Snapshot) { s.Management.Configured = false }),
			wantErr: "pass --kubeconfig"},
		{name: "cluster3's objects nowhere: refused, the EKS-A controller would recreate them",
			in:      newWorld().eksctlPaused("cluster3").with(func(s *snapshot.Snapshot) { s.Management.Objects = s.Management.Objects[4:] }),
			wantErr: "does not hold Cluster cluster3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Plan(Input{Snapshot: &tt.in.snap, ClusterName: "cluster3"})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("Plan(...) error = %v, want one line containing %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "nothing") {
					t.Errorf("Plan(...) error = %q, want it to say nothing changes", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Plan(...) error = %v", err)
			}
			changes, held := lines(got)
			if !reflect.DeepEqual(changes, tt.wantChanges) {
				t.Errorf("Plan(...) changes =\n  %s\nwant\n  %s", strings.Join(changes, "\n  "), strings.Join(tt.wantChanges, "\n  "))
			}
			if !reflect.DeepEqual(held, tt.wantHeld) {
				t.Errorf("Plan(...) held = %q, want %q", held, tt.wantHeld)
			}
			if !reflect.DeepEqual(got.Clusters, tt.wantClusters) {
				t.Errorf("Plan(...) clusters = %q, want %q", got.Clusters, tt.wantClusters)
			}
			if got.Empty() != (len(tt.wantChanges) == 0) {
				t.Errorf("Plan(...).Empty() = %t with %d changes", got.Empty(), len(tt.wantChanges))
			}
		})
	}
}

// TestChanges_Describe pins what the user reads before confirming.
func TestChanges_Describe(t *testing.T) {
	in := newWorld().capiPaused("w01").annotate(eksa.GroupEKSA, "Cluster", "w01", eksa.AnnotationEKSAPaused, "true").
		annotate(eksa.GroupControlPlane, "KubeadmControlPlane", "cluster3", eksa.AnnotationCAPIPaused, "").
		annotate(eksa.GroupEtcdCluster, "EtcdadmCluster", "cluster3-etcd", eksa.AnnotationEtcdUpgrading, "true")
	c, err := Plan(Input{Snapshot: &in.snap, ClusterName: "cluster3"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	c.Describe(&b)
	want := `Resume plan: clear 2 pause markers on 2 objects of cluster w01, on the management cluster:
  Cluster.cluster.x-k8s.io/w01 in eksa-system: spec.paused
  Cluster.anywhere.eks.amazonaws.com/w01 in default: annotation anywhere.eks.amazonaws.com/paused
Left set (1):
  KubeadmControlPlane.controlplane.cluster.x-k8s.io/cluster3 in eksa-system: annotation cluster.x-k8s.io/paused: EtcdadmCluster cluster3-etcd is still upgrading etcd`
	if got := b.String(); !strings.HasPrefix(got, want) {
		t.Errorf("Describe() =\n%s\nwant it to start with\n%s", got, want)
	}
}
