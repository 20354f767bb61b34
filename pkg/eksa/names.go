package eksa

// The names EKS Anywhere and Cluster API give things: the namespace, API
// groups, labels and annotations. Every package reads them from here, so a
// name is spelled once.

// Namespace is where EKS-A keeps every Cluster API object of its clusters.
const Namespace = "eksa-system"

// API groups.
const (
	GroupCAPI           = "cluster.x-k8s.io"
	GroupBootstrap      = "bootstrap.cluster.x-k8s.io"
	GroupControlPlane   = "controlplane.cluster.x-k8s.io"
	GroupInfrastructure = "infrastructure.cluster.x-k8s.io"
	GroupEtcdCluster    = "etcdcluster.cluster.x-k8s.io"
	GroupAddons         = "addons.cluster.x-k8s.io"
	GroupClusterctl     = "clusterctl.cluster.x-k8s.io"
	// GroupEKSA is EKS-A's own (Cluster, datacenter and machine configs,
	// Bundles): those objects stay on the management cluster, never moved.
	GroupEKSA = "anywhere.eks.amazonaws.com"
)

// Labels.
const (
	// LabelClusterctl marks the CRDs whose objects clusterctl moves
	// (`clusterctl init` sets it on every provider CRD).
	LabelClusterctl = "clusterctl.cluster.x-k8s.io"
	// LabelMove on a CRD or an object: move it on its own.
	LabelMove = "clusterctl.cluster.x-k8s.io/move"
	// LabelTinkerbellOwnerName is the TinkerbellMachine a Hardware is
	// allocated to, set by CAPT (v1alpha1.tinkerbell.org/ownerName).
	LabelTinkerbellOwnerName = "v1alpha1.tinkerbell.org/ownerName"
	// LabelTinkerbellOwnerNamespace is that TinkerbellMachine's namespace.
	LabelTinkerbellOwnerNamespace = "v1alpha1.tinkerbell.org/ownerNamespace"
	// LabelMoveHierarchy on a CRD or an object: move it with everything it owns.
	LabelMoveHierarchy = "clusterctl.cluster.x-k8s.io/move-hierarchy"
	// LabelClusterName names the CAPI Cluster an object belongs to.
	LabelClusterName  = "cluster.x-k8s.io/cluster-name"
	LabelControlPlane = "cluster.x-k8s.io/control-plane"
	// The labels CAPI's controllers set on the Machines they make.
	LabelControlPlaneName = "cluster.x-k8s.io/control-plane-name"
	LabelDeploymentName   = "cluster.x-k8s.io/deployment-name"
	LabelSetName          = "cluster.x-k8s.io/set-name"
	// LabelProvider: `clusterctl init` names each CRD's provider with it
	// (infrastructure-vsphere, ...).
	LabelProvider = "cluster.x-k8s.io/provider"
	// LabelEtcdCluster is on external etcd Machines (they never get a NodeRef).
	LabelEtcdCluster = "cluster.x-k8s.io/etcd-cluster"
)

// Annotations.
const (
	// AnnotationBlockMove: clusterctl waits while an object carries it.
	AnnotationBlockMove = "clusterctl.cluster.x-k8s.io/block-move"
	// AnnotationDeleteForMove tells the source's controllers that a delete is
	// a move's, so they leave the infrastructure (the VMs) alone.
	AnnotationDeleteForMove = "clusterctl.cluster.x-k8s.io/delete-for-move"

	// The pause markers a failed upgrade leaves (see package pause for
	// what each pauses and who clears it).
	AnnotationEKSAPaused    = "anywhere.eks.amazonaws.com/paused"
	AnnotationManagedByCLI  = "anywhere.eks.amazonaws.com/managed-by-cli"
	AnnotationFluxReconcile = "kustomize.toolkit.fluxcd.io/reconcile"
	AnnotationCAPIPaused    = "cluster.x-k8s.io/paused"
	// AnnotationEtcdUpgrading on an EtcdadmCluster: the EKS-A controller
	// keeps the KubeadmControlPlane paused while it is set.
	AnnotationEtcdUpgrading = "etcdcluster.cluster.x-k8s.io/upgrading"
)

// AlwaysMoved are the kinds (plural.group) that move on their own whatever
// their CRDs' labels: the Tinkerbell stack's Hardware and BMC machines.
// EKS-A's KinD-era upgrade applies the hardware catalogue to KinD, and the
// Hardware in use reaches it with the move; deleting KinD with them in it
// loses the bare-metal inventory. tink v0.12 labels Hardware for clusterctl
// move, the releases EKS-A deployed in the KinD era (tink v0.8, rufio v0.3)
// label neither.
var AlwaysMoved = map[string]bool{
	"hardware.tinkerbell.org":     true,
	"machines.bmc.tinkerbell.org": true,
}

// Providers names EKS-A's infrastructure providers as users know them, by
// the kind of their infrastructure cluster object or of the EKS-A
// datacenter config that describes it.
var Providers = map[string]string{
	"VSphereDatacenterConfig":    "vSphere",
	"CloudStackDatacenterConfig": "CloudStack",
	"NutanixDatacenterConfig":    "Nutanix",
	"TinkerbellDatacenterConfig": "Tinkerbell (bare metal)",
	"SnowDatacenterConfig":       "Snow",
	"DockerDatacenterConfig":     "Docker",
	"VSphereCluster":             "vSphere",
	"CloudStackCluster":          "CloudStack",
	"NutanixCluster":             "Nutanix",
	"TinkerbellCluster":          "Tinkerbell (bare metal)",
	"AWSSnowCluster":             "Snow",
	"DockerCluster":              "Docker",
}
