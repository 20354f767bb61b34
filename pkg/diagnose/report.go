// Package diagnose turns a snapshot of both clusters and what eksctl left in
// its workspace into a verdict: the state, the findings and the exact next
// commands. It is a pure function, table-tested: no clients, no clock.
package diagnose

import "time"

// State is the verdict, the JSON field `state`.
type State string

// The states, exactly these names.
const (
	Healthy               State = "Healthy"
	UpgradeIncomplete     State = "UpgradeIncomplete"
	ValidationFailed      State = "ValidationFailed"
	PausedAfterFailure    State = "PausedAfterFailure"
	StrandedInBootstrap   State = "StrandedInBootstrap"
	SplitMove             State = "SplitMove"
	BootstrapUnreachable  State = "BootstrapUnreachable"
	ManagementUnreachable State = "ManagementUnreachable"
	Missing               State = "Missing"
	PartlyMissing         State = "PartlyMissing" // on management, but what its objects reference is in neither cluster
	Unknown               State = "Unknown"
	// The in-place era's (v0.18+): everything is home and nothing paused,
	// but something stops any upgrade (UpgradeBlocked: a webhook nothing
	// serves, the EKS-A controller down, expired certificates, management
	// components half upgraded), or the rollout has not converged for
	// longer than stuckAfter (RolloutStuck).
	UpgradeBlocked State = "UpgradeBlocked"
	RolloutStuck   State = "RolloutStuck"
	// NotReady: nothing above matched, but a readiness signal is red (a
	// condition, a controller, a Node, the CNI): the finding names it in its
	// own words. Healthy needs every signal green.
	NotReady State = "NotReady"
)

// Report is the whole diagnosis; its JSON form is the documented schema of
// `status -o json` (apiVersion eksa-recover/v1alpha1, kind StatusReport).
type Report struct {
	Cluster string `json:"cluster"`
	State   State  `json:"state"`
	// Summary is the headline: the state in words.
	Summary string `json:"summary"`
	// Reasons explain an Unknown state: what could not be read.
	Reasons []string `json:"reasons,omitempty"`

	EKSAVersion       string `json:"eksaVersion,omitempty"`
	EKSAVersionSource string `json:"eksaVersionSource,omitempty"`
	// Provider is the infrastructure the cluster runs on; nil when none of
	// its objects was read.
	Provider *ProviderReport `json:"provider,omitempty"`

	Clusters   []ClusterReport `json:"clusters"`
	Objects    Objects         `json:"objects"`
	Machines   []MachineReport `json:"machines"`
	Nodes      []NodeReport    `json:"nodes"`
	Findings   []Finding       `json:"findings"`
	Checkpoint *Checkpoint     `json:"checkpoint,omitempty"`
	Backups    []BackupReport  `json:"backups"`
	NextSteps  []Step          `json:"nextSteps"`
	// Tree is the cluster's condition tree, as `clusterctl describe cluster`
	// shows it, from the side holding its Cluster; nil when neither does.
	Tree *TreeNode `json:"tree,omitempty"`
	// VCenter says what the vCenter check covered; its findings are in
	// Findings. Nil when vCenter was not checked.
	VCenter *VCenterReport `json:"vcenter,omitempty"`
}

// TreeNode is one line of the condition tree: an object and its Ready
// condition, or a grouping (Workers, Other) that has no Kind.
type TreeNode struct {
	Kind string `json:"kind,omitempty"`
	Name string `json:"name"`
	// Role says what the node is to its Cluster, for the printer's
	// "ClusterInfrastructure - VSphereCluster/c" labels: ClusterInfrastructure,
	// ControlPlane, Etcd, Workers or Other; empty for the rest.
	Role     string      `json:"role,omitempty"`
	Ready    string      `json:"ready,omitempty"` // True | False | Unknown | "" (no condition)
	Severity string      `json:"severity,omitempty"`
	Reason   string      `json:"reason,omitempty"`
	Message  string      `json:"message,omitempty"`
	Since    time.Time   `json:"since,omitzero"`
	Children []*TreeNode `json:"children,omitempty"`
	// VM is a Machine's VM as vCenter showed it: its power state
	// (poweredOn, poweredOff, suspended) or "missing"; empty when vCenter
	// was not checked.
	VM string `json:"vm,omitempty"`
}

// ClusterReport is one cluster's reachability.
type ClusterReport struct {
	Role       string `json:"role"` // management | bootstrap
	Kubeconfig string `json:"kubeconfig,omitempty"`
	// KubeconfigFrom says where Kubeconfig came from: --kubeconfig,
	// $KUBECONFIG, --bootstrap-kubeconfig or the workspace.
	KubeconfigFrom string `json:"kubeconfigFrom,omitempty"`
	Context        string `json:"context,omitempty"`
	Server         string `json:"server,omitempty"`
	Configured     bool   `json:"configured"`
	Reachable      bool   `json:"reachable"`
	Error          string `json:"error,omitempty"`
}

// Objects lists the cluster's CAPI objects by where they are, as Kind/name.
type Objects struct {
	Management []string `json:"management"`
	Bootstrap  []string `json:"bootstrap"`
}

// MachineReport is one Machine as `kubectl get machines` shows it, plus where it is.
type MachineReport struct {
	Name       string    `json:"name"`
	Cluster    string    `json:"cluster"`
	Location   string    `json:"location"` // management | bootstrap
	Role       string    `json:"role"`
	NodeName   string    `json:"nodeName,omitempty"`
	ProviderID string    `json:"providerID,omitempty"`
	Phase      string    `json:"phase,omitempty"`
	Version    string    `json:"version,omitempty"`
	Created    time.Time `json:"created"`
}

// NodeReport is one Node of the management cluster.
type NodeReport struct {
	Name    string   `json:"name"`
	Ready   bool     `json:"ready"`
	Roles   []string `json:"roles,omitempty"`
	Version string   `json:"version"`
}

// Severity grades a finding.
type Severity string

// Severities.
const (
	Info    Severity = "info"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Finding is one observation beside the state, with a stable code for scripts.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	// Object names what the finding is about, as Kind/namespace/name, when
	// it is about one object; Location says on which cluster it is.
	Object   string `json:"object,omitempty"`
	Location string `json:"location,omitempty"`
	// Evidence is what a finding about a stuck object rests on; nil for
	// the others.
	Evidence *Evidence `json:"evidence,omitempty"`
}

// Checkpoint is what eksctl's checkpoint file says.
type Checkpoint struct {
	Path           string   `json:"path"`
	CompletedTasks []string `json:"completedTasks"`
	FailedTask     string   `json:"failedTask,omitempty"`
	Phase          string   `json:"phase,omitempty"` // validation | upgrade
}

// BackupReport is one backup folder found.
type BackupReport struct {
	Path    string    `json:"path"`
	Source  string    `json:"source"`
	Time    time.Time `json:"time"`
	Age     string    `json:"age"`
	Objects int       `json:"objects"`
}

// Step is one next command and why it is the next one.
type Step struct {
	Command string `json:"command"`
	Why     string `json:"why"`
	// Backup is the backup folder a restore step restores from, as data
	// for recover (which never reads it back out of Command); "" for
	// every other step. Not in the JSON: the command names it.
	Backup string `json:"-"`
}
