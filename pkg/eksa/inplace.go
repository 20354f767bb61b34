package eksa

// The names of what today's (v0.18+) in-place upgrades leave behind: the
// upgrade objects, the upgrader pods and the annotations diagnosis reads.

// The in-place upgrade kinds (group GroupEKSA, v1alpha1, in Namespace): the
// EKS-A controller makes one ControlPlaneUpgrade per KubeadmControlPlane and
// one MachineDeploymentUpgrade per MachineDeployment, and those one
// NodeUpgrade per Machine, which runs the upgrader pod on the node.
const (
	KindControlPlaneUpgrade        = "ControlPlaneUpgrade"
	KindMachineDeploymentUpgrade   = "MachineDeploymentUpgrade"
	KindNodeUpgrade                = "NodeUpgrade"
	UpgraderPodSuffix              = "-node-upgrader"
	ControllerDeployment           = "eksa-controller-manager"
	AnnotationInPlaceUpgradeNeeded = "controlplane.clusters.x-k8s.io/in-place-upgrade-needed"
	// AnnotationMDInPlaceUpgradeNeeded is the MachineDeployment's.
	AnnotationMDInPlaceUpgradeNeeded = "machinedeployment.clusters.x-k8s.io/in-place-upgrade-needed"
	// AnnotationManagementComponentsVersion on the EKS-A Cluster (v0.19+):
	// the release whose management components run; an upgrade of them cut
	// off leaves it behind spec.eksaVersion.
	AnnotationManagementComponentsVersion = "anywhere.eks.amazonaws.com/management-components-version"
)

// UpgraderPod is the in-place upgrader pod EKS-A runs for a node.
func UpgraderPod(node string) string { return node + UpgraderPodSuffix }
