package testworld

import (
	"context"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Stacked-etcd clusters: the graph upstream clusterctl's move accepts, so
// its library can serve as the mover's test oracle. EKS-A's vSphere clusters
// run external etcd, whose Machines never get a NodeRef, and upstream's move
// refuses those ("still provisioning the node"); kubeadm's stacked etcd runs
// on the control-plane Machines instead.

// WithoutExternalEtcd returns a copy of the cluster with etcd stacked on the
// control plane: no EtcdadmCluster, etcd template or etcd Machine (nor what
// hangs off it), no managedExternalEtcdRef, and the etcd CA owned by the
// KubeadmControlPlane, as kubeadm's control plane provider leaves it.
func (c *Cluster) WithoutExternalEtcd() *Cluster {
	drop := map[string]bool{c.Name + "-apiserver-etcd-client": true}
	var etcdMachine string
	for _, m := range c.Machines {
		if m.Role == RoleEtcd {
			etcdMachine = m.Name
		}
	}
	out := &Cluster{Name: c.Name, Secrets: map[string]map[string][]byte{}}
	var kcp *unstructured.Unstructured
	for _, o := range c.Objects {
		if o.GetKind() == "KubeadmControlPlane" {
			kcp = o
		}
	}
	for _, o := range c.Objects {
		switch {
		case o.GetKind() == "EtcdadmCluster", o.GetName() == etcdMachine, drop[o.GetName()],
			o.GetKind() == "VSphereMachineTemplate" && strings.HasPrefix(o.GetName(), c.Name+"-etcd-template"):
			continue
		}
		o = o.DeepCopy()
		switch {
		case o.GetKind() == "Cluster":
			unstructured.RemoveNestedField(o.Object, "spec", "managedExternalEtcdRef")
		case o.GetKind() == "Secret" && o.GetName() == c.Name+"-etcd":
			o.SetOwnerReferences(nil)
			ownedBy(o, kcp, true)
		}
		out.Objects = append(out.Objects, o)
	}
	for _, m := range c.Machines {
		if m.Role != RoleEtcd {
			out.Machines = append(out.Machines, m)
		}
	}
	for name, data := range c.Secrets {
		if !drop[name] {
			out.Secrets[name] = data
		}
	}
	return out
}

// StackedOptions shape the clusters BuildStacked renders.
type StackedOptions struct {
	// Clusters is how many clusters (default 1): cluster3, then w01, w02, ...
	Clusters int
	// Workers is each cluster's number of worker Machines (default 1); each
	// cluster also has one control-plane Machine.
	Workers int
}

// BuildStacked renders stacked-etcd, unpaused, fully provisioned clusters
// (control plane and workers on one version, every Machine with a NodeRef).
// They point at a fixed vCenter address, not a world's vcsim, so that two
// worlds seeded with the same clusters hold the same objects.
func BuildStacked(f Flavour, now time.Time, o StackedOptions) ([]*Cluster, error) {
	if o.Clusters <= 0 {
		o.Clusters = 1
	}
	if o.Workers <= 0 {
		o.Workers = 1
	}
	var out []*Cluster
	for i := range o.Clusters {
		name := SeedClusterName
		if i > 0 {
			name = fmt.Sprintf("w%02d", i)
		}
		c, err := NewCluster(f, name).WithWorkers(o.Workers).
			WithVersions(SeedControlPlaneVersion, SeedControlPlaneVersion).Build(now)
		if err != nil {
			return nil, err
		}
		out = append(out, c.WithoutExternalEtcd())
	}
	return out, nil
}

// controllerFinalizers are the finalizers the controllers put on their
// objects as they first reconcile them (Cluster API and CAPV v1.14, CAPC
// v0.4.9, CAPX v1.3.2, CAPD v1.14.2, etcdadm-controller v1.0.28, CAPT,
// CAPAS): a move must clear them before deleting the source copy, or the
// delete would wait for a controller and, paused or not, never finish.
var controllerFinalizers = map[string]string{
	"EtcdadmCluster":      "etcdcluster.cluster.x-k8s.io",
	"CloudStackCluster":   "cloudstackcluster.infrastructure.cluster.x-k8s.io",
	"CloudStackMachine":   "cloudstackmachine.infrastructure.cluster.x-k8s.io",
	"NutanixCluster":      "nutanixcluster.infrastructure.cluster.x-k8s.io",
	"NutanixMachine":      "nutanixmachine.infrastructure.cluster.x-k8s.io",
	"DockerCluster":       "dockercluster.infrastructure.cluster.x-k8s.io",
	"DockerMachine":       "dockermachine.infrastructure.cluster.x-k8s.io",
	"TinkerbellCluster":   "tinkerbellcluster.infrastructure.cluster.x-k8s.io",
	"TinkerbellMachine":   "tinkerbellmachine.infrastructure.cluster.x-k8s.io",
	"AWSSnowCluster":      "awssnowcluster.infrastructure.cluster.x-k8s.io",
	"AWSSnowMachine":      "awssnowmachine.infrastructure.cluster.x-k8s.io",
	"Cluster":             "cluster.cluster.x-k8s.io",
	"Machine":             "machine.cluster.x-k8s.io",
	"MachineSet":          "cluster.x-k8s.io/machineset",
	"MachineDeployment":   "cluster.x-k8s.io/machinedeployment",
	"KubeadmControlPlane": "kubeadm.controlplane.cluster.x-k8s.io",
	"ClusterResourceSet":  "addons.cluster.x-k8s.io",
	"VSphereCluster":      "vspherecluster.infrastructure.cluster.x-k8s.io",
	"VSphereMachine":      "vspheremachine.infrastructure.cluster.x-k8s.io",
	"VSphereVM":           "vspherevm.infrastructure.cluster.x-k8s.io",
}

// addControllerFinalizers sets them on c's objects, as a provisioned
// cluster holds them (ManifestsOnly takes them off again).
func addControllerFinalizers(c *Cluster) {
	for _, o := range c.Objects {
		if f, ok := controllerFinalizers[o.GetKind()]; ok {
			o.SetFinalizers([]string{f})
		}
	}
}

// SeedStacked seeds copies of clusters into the bootstrap cluster, as a KinD
// cluster holds them mid-move. Start the world with the Empty scenario: it
// has both servers, the CRDs and the provider inventory, and nothing else.
// The clusters replace w.Clusters.
func (w *World) SeedStacked(ctx context.Context, clusters []*Cluster) error {
	if w.Bootstrap == nil {
		return fmt.Errorf("testworld: SeedStacked needs a bootstrap server (scenario %s has none)", w.Scenario)
	}
	seeder, err := NewSeeder(w.Bootstrap.Config)
	if err != nil {
		return err
	}
	var objs []*unstructured.Unstructured
	for _, c := range clusters {
		for _, o := range c.Objects {
			objs = append(objs, o.DeepCopy()) // the seeder records UIDs in what it is given
		}
	}
	w.Logf("seeding %d stacked-etcd clusters (%d objects) into the bootstrap cluster", len(clusters), len(objs))
	if err := seeder.Apply(ctx, objs); err != nil {
		return fmt.Errorf("seeding stacked clusters: %w", err)
	}
	w.Clusters = clusters
	return nil
}

// RestoreStatus writes the clusters' status onto their objects on s, as
// the controllers would after a move (a move never carries status, and
// clusterctl refuses to move a Cluster whose status is not provisioned):
// benchmarks move the same clusters back and forth from the same state.
func RestoreStatus(ctx context.Context, s *Server, clusters []*Cluster) error {
	seeder, err := NewSeeder(s.Config)
	if err != nil {
		return err
	}
	var objs []*unstructured.Unstructured
	for _, c := range clusters {
		for _, o := range c.Objects {
			if _, ok := o.Object["status"]; ok {
				objs = append(objs, o)
			}
		}
	}
	return firstError(writeEach(objs, func(o *unstructured.Unstructured) error {
		ri, err := seeder.resource(o)
		if err == nil {
			var live *unstructured.Unstructured
			if live, err = ri.Get(ctx, o.GetName(), metav1.GetOptions{}); err == nil {
				live.Object["status"] = o.Object["status"]
				_, err = ri.UpdateStatus(ctx, live, metav1.UpdateOptions{})
			}
		}
		if err != nil {
			return fmt.Errorf("restoring the status of %s %s on %s: %w", o.GetKind(), o.GetName(), s.Name, err)
		}
		return nil
	}))
}
