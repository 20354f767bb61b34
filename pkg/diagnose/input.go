package diagnose

import (
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// Input is everything the diagnosis reads. Nothing else: no clients, no clock.
type Input struct {
	Snapshot  *snapshot.Snapshot
	Workspace *workspace.Workspace
	// ClusterName is the EKS-A management cluster being recovered.
	ClusterName string
	// EKSAVersion overrides what the management cluster says (--eksa-version).
	EKSAVersion string
	Now         time.Time
	// Plugin is how the user invokes the plugin, with the flags every next
	// command must repeat (e.g. "kubectl eksa-recover --workspace /abs/dir
	// --cluster-name cluster3"); commands are built on it so they paste as is.
	Plugin string
	// Kubectl and BootstrapKubectl are kubectl with the flags that reach
	// each cluster as the user the plugin read as (--context, --as, ...),
	// for the kubectl commands next steps suggest; "" is kubectl with the
	// cluster's kubeconfig alone.
	Kubectl, BootstrapKubectl string
	// VCenter is what vCenter showed of the cluster's VMs; nil when it was
	// not asked (not a vSphere cluster, no credentials, --vsphere=false).
	VCenter *VCenterFacts
	// PauseHistory is what a backup from before the failed run says of the
	// Clusters' pauses (unpause.History), so that the resume step says what
	// resume itself would hold; nil when not looked for.
	PauseHistory *pause.History
}
