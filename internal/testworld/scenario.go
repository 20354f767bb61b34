package testworld

import (
	"fmt"
	"sort"
	"strings"
)

// Scenario names a state a failed eksctl run leaves behind.
type Scenario string

// The world's scenarios; see scenarios for what each seeds.
const (
	Healthy          Scenario = "healthy"
	ValidationFailed Scenario = "validation-failed"
	Stranded         Scenario = "stranded"
	Split            Scenario = "split"
	BootstrapDown    Scenario = "bootstrap-down"
	ManagementDown   Scenario = "management-down"
	Missing          Scenario = "missing"
	PausedInPlace    Scenario = "paused-inplace"
	Empty            Scenario = "empty"
	CreateStranded   Scenario = "create-stranded"
	CreateManifests  Scenario = "create-manifests"
	// Today's in-place failures (v0.18+), cluster3 home and not paused.
	RolloutStuck           Scenario = Scenario(causeRolloutStuck)
	MachineVMDeleted       Scenario = Scenario(causeMachineVMDeleted)
	MHCBlocked             Scenario = Scenario(causeMHCBlocked)
	InPlaceStuck           Scenario = Scenario(causeInPlaceStuck)
	CertsExpired           Scenario = Scenario(causeCertsExpired)
	ComponentsHalfUpgraded Scenario = Scenario(causeComponentsHalf)
	WebhookDown            Scenario = Scenario(causeWebhookDown)
	// Readiness signals gone red (signalcauses.go).
	EtcdNotReady     Scenario = Scenario(causeEtcdNotReady)
	ControllerCrash  Scenario = Scenario(causeControllerCrash)
	HardwareShort    Scenario = Scenario(causeHardwareShort)
	ComponentsAhead  Scenario = Scenario(causeComponentsAhead)
	WorkloadRefused  Scenario = Scenario(causeWorkloadRefused)
	CNINotReady      Scenario = Scenario(causeCNINotReady)
	MHCPausedInPlace Scenario = Scenario(causeMHCPausedInPlace)
	DrainBlocked     Scenario = Scenario(causeDrainBlocked)
)

// Where the management cluster's own CAPI objects are.
type placement int

const (
	onManagement placement = iota
	inBootstrap
	splitAcross
	nowhere
	notSeeded // empty: CRDs and providers only
)

// scenario is one row of the table below.
type scenario struct {
	objects          placement
	bootstrap        bool   // a KinD cluster exists (its kubeconfig is on disk)
	upgraded         bool   // workers reached the control plane's version
	preUpgrade       bool   // nothing upgraded yet: everything on the old version
	capiPaused       bool   // cluster3's CAPI Cluster has spec.paused
	eksaPaused       bool   // eksctl's pause annotations on the EKS-A objects
	workloadsPaused  bool   // workload CAPI Clusters paused (in-place era)
	stop             string // "bootstrap" or "management": that server is stopped after seeding
	failedAt         string // the task the run failed at: the checkpoint holds those before it
	backups          []string
	eksaVersion      string
	defaultWorkloads int
	// create: eksctl anywhere create cluster, not upgrade. The management
	// cluster is new: CAPI's providers installed on it, but not yet EKS-A's
	// components, objects or Bundles (eksctl installs those after the move).
	create bool
	// manifestsOnly: KinD holds only what EKS-A rendered, as applied,
	// before any controller ran (see Cluster.ManifestsOnly).
	manifestsOnly bool
	cause         cause // an in-place failure seeded on top (inplace.go)
	// provider, workers and etcdMembers shape cluster3 where the failure
	// needs it (default: the options', one worker, one etcd member).
	provider    Provider
	workers     int
	etcdMembers int
}

var scenarios = map[Scenario]scenario{
	// The upgrade finished: everything on v1.23, KinD deleted, nothing paused.
	Healthy: {objects: onManagement, upgraded: true},
	// Failed while creating KinD: objects untouched, eksctl's pauses left set.
	ValidationFailed: {objects: onManagement, bootstrap: true, preUpgrade: true, eksaPaused: true,
		failedAt: "install-capi"},
	// The seed: the rolling upgrade timed out with every object in KinD.
	Stranded: {objects: inBootstrap, bootstrap: true, capiPaused: true, eksaPaused: true,
		failedAt: "upgrade-workload-cluster", backups: []string{"management", "bootstrap"}},
	// The move back was cut off: part created on management, part deleted from KinD.
	Split: {objects: splitAcross, bootstrap: true, capiPaused: true, eksaPaused: true,
		failedAt: "capi-management-move-to-workload", backups: []string{"management", "bootstrap"}},
	// Stranded, then the KinD node container stopped (a reboot, docker restart).
	BootstrapDown: {objects: inBootstrap, bootstrap: true, capiPaused: true, eksaPaused: true,
		stop: "bootstrap", failedAt: "upgrade-workload-cluster", backups: []string{"management"}},
	// Stranded, and the management API server stopped answering.
	ManagementDown: {objects: inBootstrap, bootstrap: true, capiPaused: true, eksaPaused: true,
		stop: "management", failedAt: "upgrade-workload-cluster", backups: []string{"management"}},
	// A rerun with --force-cleanup deleted KinD with the objects in it; a backup remains.
	Missing: {objects: nowhere, eksaPaused: true, backups: []string{"bootstrap"}},
	// EKS-A >= v0.19 upgrades in place; a failure leaves workload clusters paused.
	PausedInPlace: {objects: onManagement, upgraded: true, eksaPaused: true, workloadsPaused: true,
		eksaVersion: "v0.19.8", defaultWorkloads: 1, backups: []string{"cluster"}},
	// `create cluster` died after the cluster came up and CAPI was installed
	// on it, before its move: every CAPI object in KinD, unpaused, with the
	// owner references the controllers had set while the cluster came up
	// (what nothing owns, e.g. credentials and ClusterResourceSets, has
	// none); nothing of the cluster on management but its Nodes.
	CreateStranded: {objects: inBootstrap, bootstrap: true, upgraded: true, create: true},
	// The issue-13 reproduction: EKS-A's manifests applied to KinD as
	// `create cluster` applies them, before any controller ran (no owner
	// reference, status, Machine or generated Secret), and a management
	// cluster with the providers installed to move them to.
	CreateManifests: {objects: inBootstrap, bootstrap: true, upgraded: true, create: true, manifestsOnly: true},
	// CRDs and provider inventory only, for tools that seed their own objects.
	Empty: {objects: notSeeded, bootstrap: true},
	// In-place failures, each on its era (v1beta2 from v0.24; see inplace.go).
	RolloutStuck:           {objects: onManagement, upgraded: true, eksaVersion: "v0.22.0", cause: causeRolloutStuck},
	MachineVMDeleted:       {objects: onManagement, upgraded: true, eksaVersion: "v0.22.0", cause: causeMachineVMDeleted},
	MHCBlocked:             {objects: onManagement, upgraded: true, eksaVersion: "v0.20.4", cause: causeMHCBlocked},
	InPlaceStuck:           {objects: onManagement, upgraded: true, eksaVersion: "v0.25.1", cause: causeInPlaceStuck},
	CertsExpired:           {objects: onManagement, upgraded: true, eksaVersion: "v0.24.6", cause: causeCertsExpired},
	ComponentsHalfUpgraded: {objects: onManagement, upgraded: true, eksaVersion: "v0.21.3", cause: causeComponentsHalf},
	WebhookDown:            {objects: onManagement, upgraded: true, eksaVersion: "v0.26.1", cause: causeWebhookDown},
	// Readiness signals red after an in-place-era upgrade (signalcauses.go);
	// v1beta1 by era, a test pins v1beta2 for the other contract.
	EtcdNotReady:     {objects: onManagement, upgraded: true, eksaVersion: "v0.22.0", cause: causeEtcdNotReady, etcdMembers: 3},
	ControllerCrash:  {objects: onManagement, upgraded: true, eksaVersion: "v0.22.0", cause: causeControllerCrash},
	HardwareShort:    {objects: onManagement, upgraded: true, eksaVersion: "v0.22.0", cause: causeHardwareShort, provider: Tinkerbell},
	ComponentsAhead:  {objects: onManagement, upgraded: true, eksaVersion: "v0.22.0", cause: causeComponentsAhead},
	WorkloadRefused:  {objects: onManagement, upgraded: true, eksaVersion: "v0.22.0", cause: causeWorkloadRefused, defaultWorkloads: 1},
	CNINotReady:      {objects: onManagement, upgraded: true, eksaVersion: "v0.22.0", cause: causeCNINotReady, workers: 2},
	MHCPausedInPlace: {objects: onManagement, upgraded: true, eksaVersion: "v0.25.1", cause: causeMHCPausedInPlace},
	DrainBlocked:     {objects: onManagement, upgraded: true, eksaVersion: "v0.22.0", cause: causeDrainBlocked},
}

// ParseScenario accepts a scenario name and lists the valid ones otherwise.
func ParseScenario(s string) (Scenario, error) {
	if _, ok := scenarios[Scenario(s)]; ok {
		return Scenario(s), nil
	}
	return "", fmt.Errorf("unknown scenario %q: use one of %s", s, strings.Join(ScenarioNames(), ", "))
}

// ScenarioNames lists every scenario, sorted.
func ScenarioNames() []string {
	out := make([]string, 0, len(scenarios))
	for s := range scenarios {
		out = append(out, string(s))
	}
	sort.Strings(out)
	return out
}
