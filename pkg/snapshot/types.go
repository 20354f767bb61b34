// Package snapshot holds both clusters, the management cluster and the KinD
// bootstrap cluster, as read at one moment, in plain values: the diagnosis
// is a pure function of them. It is pure: it never reads a cluster (package
// reader fills it) and imports no client library.
package snapshot

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// Role names which cluster a ClusterState describes.
type Role string

// The two clusters of an eksctl run.
const (
	Management Role = "management"
	Bootstrap  Role = "bootstrap"
)

// Snapshot is both clusters as read at one moment.
type Snapshot struct {
	ReadAt     time.Time
	Management ClusterState
	Bootstrap  ClusterState
}

// Cluster returns the state of the cluster with the role.
func (s *Snapshot) Cluster(r Role) *ClusterState {
	if r == Bootstrap {
		return &s.Bootstrap
	}
	return &s.Management
}

// ClusterState is what one API server held, or why it could not be read.
type ClusterState struct {
	Role       Role
	Kubeconfig string // the file read; empty when none was found
	// KubeconfigFrom says which won: a flag, $KUBECONFIG or the workspace.
	KubeconfigFrom string
	Context        string
	// Configured: a kubeconfig was found for this cluster. A KinD cluster
	// without one was deleted (or never created).
	Configured bool
	// Reachable: the API server answered. When false, Error says why.
	Reachable bool
	Forbidden bool   // answered, but RBAC refused a read
	Error     string // one line, no credentials
	Server    string // the API server's URL, for messages

	// Objects are the CAPI objects in eksa-system: every object of a CRD
	// labelled clusterctl.cluster.x-k8s.io, in both contracts.
	Objects []Object
	// Core are the Secrets and ConfigMaps in eksa-system, read as metadata
	// only (never their data): a move carries those that belong to the
	// cluster, so status counts them too.
	Core []Object
	// Graph is Objects and Core as the membership rule reads them, and
	// Kinds the moveable kinds' CRD labels: Members counts by them.
	Graph    []objgraph.Node
	Kinds    objgraph.Kinds `json:"-"` // keyed by GroupKind, which JSON cannot key by
	Machines []Machine
	Nodes    []Node
	// EKSA are EKS-A's own objects (anywhere.eks.amazonaws.com) on this
	// cluster: Cluster, datacenter and machine configs, Bundles.
	EKSA      []Object
	Providers []Provider
	// ControllerImage is the EKS-A controller's image, when deployed.
	ControllerImage string
	// Controller is the EKS-A controller Deployment's availability; nil
	// when it is not deployed. It is also among Controllers.
	Controller *Workload
	// Controllers are the Deployments of the controller namespaces
	// (eksa.IsControllerNamespace): Cluster API, its providers, EKS-A and
	// cert-manager; a Deployment not available carries its pods.
	Controllers []Workload
	// SystemDeployments are kube-system's Deployments: CoreDNS and the
	// CNI's operator, with pods for those down, as Controllers.
	SystemDeployments []Workload
	// DaemonSets are those of kube-system: the CNI's and kube-proxy's.
	DaemonSets []DaemonSet
	// TightBudgets are the PodDisruptionBudgets that allow no disruption
	// now: a drain waits on any pod they cover.
	TightBudgets []DisruptionBudget
	// Unread are the reads that were refused or failed without costing the
	// whole read: what they would have shown is not known, so the verdict
	// cannot be Healthy.
	Unread []Unread
	// APIServices are the aggregated APIs (APIService objects) whose group
	// discovery could not reach and that do not report Available: read
	// only then, so a healthy cluster costs no request for them.
	APIServices []Object
	// Webhooks are the admission webhooks of the cluster (validating and
	// mutating), each with its Service's ready endpoints.
	Webhooks []Webhook
	// UpgraderPods are the in-place upgrader pods (<node>-node-upgrader) in
	// eksa-system.
	UpgraderPods []Pod
	// SecretCertificates are the certificates in the diagnosed cluster's
	// certificate Secrets (its CA, etcd CA, etcd client, kubeconfig), on
	// management only: their subject and expiry, never the Secrets' data.
	SecretCertificates []SecretCertificate

	// Raw keeps the CAPI objects read with their content, reduced to what
	// the plugin reads: metadata without managedFields, spec, and status'
	// phase, observedGeneration, nodeRef and conditions (Machines read
	// from their table: the columns' fields, and a Ready condition without
	// reason or time). The kinds read as metadata only (metadataOnly) are
	// in Objects alone. The vCenter check reads the VSphere kinds' specs
	// here.
	Raw []*unstructured.Unstructured
	// Requests counts the API requests the read made.
	Requests int
}

// Object is one Kubernetes object, reduced to what diagnosis reads.
type Object struct {
	Group, Version, Kind string
	Namespace, Name      string
	// ClusterName is the cluster the object is a member of, by the one
	// membership rule (objgraph.ClusterOf): owners, soft owners, its
	// cluster-name label or spec.clusterName; empty when none.
	ClusterName string
	Labels      map[string]string
	Annotations map[string]string
	Owners      []objgraph.Key
	Created     time.Time
	// Paused is spec.paused (CAPI Clusters).
	Paused bool
	// Ready is the object's Ready condition (Available in v1beta2 when it
	// has no Ready), nil when it reports none: status is not carried by a
	// move, so a moved object reports none until its controller runs.
	// Always nil for the kinds read as metadata only (metadataOnly); only
	// Status for Machines read from their table (every one Ready).
	Ready *Condition
	// Spec fields diagnosis reads, flattened: "version", "eksaVersion", ...
	Fields map[string]string
	// Deleting is metadata.deletionTimestamp; zero when not being deleted.
	Deleting time.Time
	// Conditions are every status condition the object reports: the
	// contract's own, then those of v1beta2's status.deprecated.v1beta1
	// copy whose type it lacks. Nil for the kinds read as metadata only.
	Conditions []Condition
	// Counts are the integer fields of the status diagnosis reads, by their
	// names (replicas, updatedReplicas, upToDateReplicas, readyReplicas,
	// availableReplicas, expectedMachines, currentHealthy, requireUpgrade,
	// upgraded, ...), and spec.replicas as "spec.replicas".
	Counts map[string]int64
	// Certificates is an EKS-A Cluster's status.clusterCertificateInfo (v0.24+).
	Certificates []CertificateInfo
	// Generation is metadata.generation, which the server bumps on every
	// change of the spec; ObservedGeneration is status.observedGeneration,
	// the generation its controller last reconciled: behind it, the status
	// describes an older spec. Zero when not published (older controllers,
	// an object just moved, the kinds read as metadata only).
	Generation, ObservedGeneration int64
}

// Condition is one status condition, in either contract's shape.
type Condition struct {
	Type, Status, Severity, Reason, Message string
	LastTransitionTime                      time.Time
}

// negativeTypes are the condition types for which True is the trouble
// (v1beta2's ScalingUp, RollingOut, ...): a rollout under way, not a goal
// reached.
var negativeTypes = map[string]bool{
	"ScalingUp": true, "ScalingDown": true, "RollingOut": true, "Remediating": true,
	"Deleting": true, "Paused": true,
}

// Green: the condition reads as it should: True, or False for the types
// where True is the trouble.
func (c Condition) Green() bool {
	if negativeTypes[c.Type] {
		return c.Status == "False"
	}
	return c.Status == "True"
}

// Machine is a CAPI Machine with what kubectl get machines shows.
type Machine struct {
	Name        string
	ClusterName string
	Role        MachineRole
	Version     string // spec.version; empty for etcd Machines
	ProviderID  string
	NodeName    string // status.nodeRef.name
	Phase       string // status.phase; empty when no controller wrote it yet
	Created     time.Time
	Ready       *Condition
	Owners      []objgraph.Key
	// Deleting is metadata.deletionTimestamp; zero when not being deleted.
	Deleting time.Time
	// Conditions as Object.Conditions; only Ready for Machines read from
	// their table (every one Ready).
	Conditions []Condition
	// Infra is spec.infrastructureRef (VSphereMachine, ...).
	Infra objgraph.Key
	// DrainStart is v1beta2's status.deletion.nodeDrainStartTime; zero
	// when not draining or not reported.
	DrainStart time.Time
}

// MachineRole is what a Machine does, from CAPI's and etcdadm's labels.
type MachineRole string

// Machine roles.
const (
	RoleControlPlane MachineRole = "control-plane"
	RoleEtcd         MachineRole = "etcd"
	RoleWorker       MachineRole = "worker"
)

// Node is a Kubernetes Node.
type Node struct {
	Name           string
	Ready          bool
	KubeletVersion string
	ControlPlane   bool
	ProviderID     string
	// ReadyCondition is the Ready condition as the kubelet wrote it (its
	// reason and message say why a Node is not Ready); zero when none.
	ReadyCondition Condition
	// Problems are the Node's other conditions that are not False: the
	// kubelet's MemoryPressure, DiskPressure, PIDPressure, the CNI's
	// NetworkUnavailable and node-problem-detector's, all of which say
	// trouble when True. A Node can be Ready with one of them True.
	Problems []Condition
	Created  time.Time
	Roles    []string
}

// Provider is one clusterctl inventory entry.
type Provider struct {
	Namespace, Name, ProviderName, Type, Version string
}

// Members lists the objects of cluster on this side, CAPI objects and the
// Secrets and ConfigMaps that go with them, by the one membership rule
// (objgraph.Members): what a move or a backup of the side carries.
func (cs *ClusterState) Members(cluster string) []objgraph.Key {
	m := objgraph.Members(cs.Graph, cs.Kinds, cluster)
	out := make([]objgraph.Key, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	objgraph.SortKeys(out)
	return out
}
