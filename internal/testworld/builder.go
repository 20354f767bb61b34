package testworld

import (
	"crypto/sha1" //nolint:gosec // naming only
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// The seed's cluster: cluster3, cut off mid-upgrade with its control plane on
// v1.23 and its worker still on v1.22 (RECOVERY-PROCEDURE.md, step 3).
const (
	SeedClusterName         = "cluster3"
	SeedControlPlaneVersion = "v1.23.17-eks-1-23-19"
	SeedWorkerVersion       = "v1.22.17-eks-1-22-24"
)

// seedMachines pins the names and BIOS UUIDs of the seed's three Machines.
var seedMachines = map[Role]struct{ name, uuid string }{
	RoleControlPlane: {"cluster3-2snw8", "4230efe1-e1f5-c8e5-9bff-12eca320f5db"},
	RoleEtcd:         {"cluster3-etcd-chkc5", "4230826c-b25d-937a-4728-3e607e6af579"},
	RoleWorker:       {"cluster3-md-0-854976576-tw6hr", "4230f2e5-0a4b-374c-f06b-41ac1f80e41f"},
}

// Role is what a Machine does in its cluster.
type Role string

// The three roles of an EKS-A vSphere cluster with external etcd.
const (
	RoleControlPlane Role = "control-plane"
	RoleEtcd         Role = "etcd"
	RoleWorker       Role = "worker"
)

// Machine describes one seeded Machine, for tests and for vcsim's VMs.
type Machine struct {
	Provider Provider // empty: vSphere
	Name     string
	Role     Role
	Version  string // spec.version; empty for etcd Machines, as in the seed
	UUID     string // BIOS UUID: providerID is vsphere://UUID
	NodeName string // empty for etcd Machines, which never get a Node
}

// ProviderID is the Machine's spec.providerID.
func (m Machine) ProviderID() string { return m.Provider.providerID(m) }

// VCenter is where the cluster's VMs live, as its VSphere objects name it.
type VCenter struct {
	Server, Thumbprint, Datacenter, Datastore, Network, Folder, ResourcePool string
}

// ClusterBuilder builds one EKS-A cluster's CAPI objects as CAPI's
// controllers leave them: owner references, labels and status included.
type ClusterBuilder struct {
	flavour  Flavour
	provider Provider
	// complete adds what a real cluster carries beyond the seed's objects:
	// MachineHealthChecks, ClusterResourceSets, the provider's extra objects.
	complete       bool
	name           string
	cpVersion      string
	workerVersion  string
	workers        int
	etcdMembers    int // external etcd Machines (default 1)
	paused         bool
	vcenter        VCenter
	controlPlaneIP string
}

// NewCluster starts a builder for cluster name with the seed's defaults: one
// control-plane, one etcd and one worker Machine, mid-upgrade.
func NewCluster(f Flavour, name string) *ClusterBuilder {
	return &ClusterBuilder{
		flavour: f, name: name, provider: VSphere,
		cpVersion: SeedControlPlaneVersion, workerVersion: SeedWorkerVersion,
		workers: 1,
		vcenter: VCenter{
			Server: "127.0.0.1", Datacenter: "DC0", Datastore: "/DC0/datastore/LocalDS_0",
			Network: "/DC0/network/VM Network", Folder: "/DC0/vm", ResourcePool: "/DC0/host/DC0_C0/Resources",
		},
		controlPlaneIP: "10.0.0.10",
	}
}

// WithVersions sets the control plane's and the workers' Kubernetes versions.
func (b *ClusterBuilder) WithVersions(controlPlane, workers string) *ClusterBuilder {
	b.cpVersion, b.workerVersion = controlPlane, workers
	return b
}

// WithWorkers sets the number of worker Machines (1,000 and more for benchmarks).
func (b *ClusterBuilder) WithWorkers(n int) *ClusterBuilder { b.workers = n; return b }

// WithEtcdMembers sets the number of external etcd Machines (default 1).
func (b *ClusterBuilder) WithEtcdMembers(n int) *ClusterBuilder { b.etcdMembers = n; return b }

// WithPaused sets the Cluster's spec.paused, as eksctl and clusterctl move do.
func (b *ClusterBuilder) WithPaused(p bool) *ClusterBuilder { b.paused = p; return b }

// WithProvider builds the cluster for provider p, complete with what a real
// cluster of that provider carries (MachineHealthChecks, ClusterResourceSets,
// credentials, Hardware, IP pools, failure domains). Without it the builder
// renders the seed's vSphere cluster as RECOVERY-PROCEDURE.md recorded it.
func (b *ClusterBuilder) WithProvider(p Provider) *ClusterBuilder {
	b.provider, b.complete = p, true
	return b
}

// WithVCenter points the vSphere objects at a vCenter (the world's vcsim).
func (b *ClusterBuilder) WithVCenter(v VCenter) *ClusterBuilder { b.vcenter = v; return b }

// Cluster is a built cluster: its objects in owner order (owners first, the
// order a move creates them in) and the Machines it holds.
type Cluster struct {
	Name     string
	Objects  []*unstructured.Unstructured
	Machines []Machine
	// Secrets are the cluster's key material, by Secret name, so tests can
	// look for it in output that must never show it.
	Secrets map[string]map[string][]byte
}

// Build renders the objects; now stamps conditions.
func (b *ClusterBuilder) Build(now time.Time) (*Cluster, error) {
	c := &Cluster{Name: b.name, Secrets: map[string]map[string][]byte{}}
	add := func(objs ...*unstructured.Unstructured) { c.Objects = append(c.Objects, objs...) }

	cluster := b.cluster(now)
	infraCluster := b.infraCluster(now)
	ownedBy(infraCluster, cluster, true)
	kcp := b.controlPlane(now)
	ownedBy(kcp, cluster, true)
	cpTemplate := b.machineTemplate("control-plane-template")
	mdTemplate := b.machineTemplate("md-0")
	configTemplate := b.kubeadmConfigTemplate()
	for _, t := range []*unstructured.Unstructured{cpTemplate, mdTemplate, configTemplate} {
		ownedBy(t, cluster, false)
	}
	set(kcp, b.flavour.ref(cpTemplate.GetAPIVersion(), cpTemplate.GetKind(), cpTemplate.GetName(), eksa.Namespace),
		kcpInfraRefPath(b.flavour)...)
	add(cluster, infraCluster, kcp)

	var etcd, etcdTemplate *unstructured.Unstructured
	if b.provider.ExternalEtcd() {
		etcd = b.etcdCluster(now)
		ownedBy(etcd, cluster, true)
		etcdTemplate = b.machineTemplate("etcd-template")
		ownedBy(etcdTemplate, cluster, false)
		set(etcd, map[string]any{"apiVersion": etcdTemplate.GetAPIVersion(), "kind": etcdTemplate.GetKind(),
			"name": etcdTemplate.GetName(), "namespace": eksa.Namespace}, "spec", "infrastructureTemplate")
		add(etcd, cpTemplate, etcdTemplate)
	} else {
		add(cpTemplate)
	}

	md, ms := b.machineDeployment(now, mdTemplate, configTemplate)
	ownedBy(md, cluster, false)
	ownedBy(ms, md, true)
	add(mdTemplate, configTemplate, md, ms)

	secrets, err := b.clusterSecrets(c, kcp, etcd)
	if err != nil {
		return nil, err
	}
	add(secrets...)

	cp := b.machine(RoleControlPlane, 0)
	add(b.machineObjects(now, cp, kcp, cpTemplate)...)
	c.Machines = append(c.Machines, cp)
	if etcd != nil {
		for i := range max(1, b.etcdMembers) {
			add(b.machineObjects(now, b.machine(RoleEtcd, i), etcd, etcdTemplate)...)
			c.Machines = append(c.Machines, b.machine(RoleEtcd, i))
		}
	}
	for i := range b.workers {
		w := b.machine(RoleWorker, i)
		add(b.machineObjects(now, w, ms, mdTemplate)...)
		c.Machines = append(c.Machines, w)
	}
	if b.complete {
		extra, err := b.providerObjects(now, c, cluster, infraCluster)
		if err != nil {
			return nil, err
		}
		add(extra...)
	}
	addControllerFinalizers(c)
	addNegativeConditions(c, b.flavour, now)
	return c, nil
}

// machine names a Machine as CAPI would; cluster3's first ones are the seed's.
func (b *ClusterBuilder) machine(role Role, i int) Machine {
	var m Machine
	if seed, ok := seedMachines[role]; ok && b.name == SeedClusterName && i == 0 {
		m = Machine{Name: seed.name, UUID: seed.uuid}
	} else {
		prefix := map[Role]string{
			RoleControlPlane: b.name,
			RoleEtcd:         b.name + "-etcd",
			RoleWorker:       b.name + "-md-0-" + b.machineSetHash(),
		}[role]
		name := fmt.Sprintf("%s-%s", prefix, stableSuffix(fmt.Sprintf("%s/%s/%d", b.name, role, i)))
		m = Machine{Name: name, UUID: stableUUID(name)}
	}
	m.Role = role
	if b.provider != VSphere {
		m.Provider = b.provider
	}
	switch role {
	case RoleControlPlane:
		m.Version, m.NodeName = b.cpVersion, m.Name
	case RoleWorker:
		m.Version, m.NodeName = b.workerVersion, m.Name
	}
	return m
}

// machineSetHash is the MachineSet's template hash; the seed's is 854976576.
func (b *ClusterBuilder) machineSetHash() string {
	if b.name == SeedClusterName {
		return "854976576"
	}
	h := sha1.Sum([]byte(b.name)) //nolint:gosec // naming only
	return fmt.Sprintf("%d", 100000000+binary.BigEndian.Uint32(h[:4])%900000000)
}

func (b *ClusterBuilder) labels(extra ...string) map[string]string {
	l := map[string]string{eksa.LabelClusterName: b.name}
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}

func kcpInfraRefPath(f Flavour) []string {
	if f == V1Beta2 {
		return []string{"spec", "machineTemplate", "spec", "infrastructureRef"}
	}
	return []string{"spec", "machineTemplate", "infrastructureRef"}
}

// KubeletVersion is the Node's kubelet version for a Machine version: EKS-D
// builds report their own suffix (v1.23.17-eks-1-23-19 -> v1.23.17-eks-a51510b).
func KubeletVersion(machineVersion string) string {
	if i := strings.Index(machineVersion, "-eks-"); i > 0 {
		return machineVersion[:i] + "-eks-a51510b"
	}
	return machineVersion
}
