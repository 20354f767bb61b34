package diagnose

import (
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// healthyInPlace: cluster3 home on v0.24.0, every signal green: its
// controllers available, kube-system's DaemonSets converged, Nodes Ready.
func healthyInPlace() *snapBuilder {
	b := newSnap().eksa("v0.24.0").home(newK8s)
	m := &b.snap.Management
	m.Providers = []snapshot.Provider{{Namespace: "capv-system", Name: "infrastructure-vsphere", ProviderName: "vsphere", Type: "InfrastructureProvider"}}
	m.Controllers = []snapshot.Workload{
		{Namespace: "capv-system", Name: "capv-controller-manager", Desired: 1, Available: 1,
			Conditions: []snapshot.Condition{cond("Available", "True", "MinimumReplicasAvailable", "", 2*time.Hour)}},
		{Namespace: eksa.Namespace, Name: eksa.ControllerDeployment, Desired: 1, Available: 1},
	}
	m.DaemonSets = []snapshot.DaemonSet{{Namespace: "kube-system", Name: "cilium", Desired: 2, Ready: 2, Updated: 2, Available: 2}}
	for i := range m.Nodes {
		m.Nodes[i].ReadyCondition = cond("Ready", "True", "KubeletReady", "kubelet is posting ready status", time.Hour)
	}
	return b
}

// signalTests turn one readiness signal of the green world red each.
var signalTests = []struct {
	name      string
	turnRed   func(b *snapBuilder)
	wantState State
	wantCode  string
	wantObj   string
	wantWords []string // in the finding's message, verbatim
	wantStep  string   // in the first step's command
}{
	{"a control plane condition no rule knows", func(b *snapBuilder) {
		b.objectNamed("KubeadmControlPlane", "cluster3").Conditions = []snapshot.Condition{
			cond("CertificatesAvailable", "False", "CertificatesGenerationFailed", "secret cluster3-sa is malformed", 2*time.Hour)}
	}, NotReady, CodeNotReady, "KubeadmControlPlane/eksa-system/cluster3",
		[]string{"CertificatesAvailable False since 120m", "CertificatesGenerationFailed: secret cluster3-sa is malformed"},
		"describe kubeadmcontrolplanes.controlplane.cluster.x-k8s.io cluster3"},
	{"a v1beta2 negative condition True", func(b *snapBuilder) {
		b.objectNamed("MachineDeployment", "cluster3-md-0").Conditions = []snapshot.Condition{cond("Remediating", "True", "RemediationInProgress", "1 Machine remediating", time.Hour)}
	}, NotReady, CodeNotReady, "MachineDeployment/eksa-system/cluster3-md-0", []string{"Remediating True", "1 Machine remediating"}, "describe machinedeployments.cluster.x-k8s.io"},
	{"the EKS-A Cluster's condition", func(b *snapBuilder) {
		b.eksaCluster().Conditions = []snapshot.Condition{cond("DefaultCNIConfigured", "False", "SkipUpgradesForDefaultCNIConfigured", "Configured to skip default Cilium CNI upgrades", 90*time.Minute)}
	}, NotReady, CodeEKSAClusterNotReady, "Cluster/default/cluster3", []string{"DefaultCNIConfigured False since 90m", "Configured to skip default Cilium CNI upgrades"}, "describe clusters.anywhere.eks.amazonaws.com cluster3"},
	{"the EKS-A Cluster's latest spec not reconciled, its conditions still green", func(b *snapBuilder) {
		b.eksaCluster().Generation, b.eksaCluster().ObservedGeneration = 3, 2
	}, NotReady, CodeNotReady, "Cluster/default/cluster3",
		[]string{"status.observedGeneration 2", "generation 3 and observedGeneration 2 differ", "its conditions describe an older one"},
		"describe clusters.anywhere.eks.amazonaws.com cluster3"},
	{"a MachineDeployment's latest spec not reconciled", func(b *snapBuilder) {
		md := b.objectNamed("MachineDeployment", "cluster3-md-0")
		md.Generation, md.ObservedGeneration = 5, 4
	}, NotReady, CodeNotReady, "MachineDeployment/eksa-system/cluster3-md-0", []string{"generation 5 and observedGeneration 4 differ"},
		"describe machinedeployments.cluster.x-k8s.io cluster3-md-0"},
	{"a provider's controller crash-looping", func(b *snapBuilder) {
		w := b.controller("capv-system", "capv-controller-manager")
		w.Available = 0
		w.Conditions = []snapshot.Condition{cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", time.Hour)}
		w.Pods = []snapshot.Pod{{Name: "capv-controller-manager-7d9-x", Waiting: "manager: CrashLoopBackOff back-off 5m0s", Restarts: 40, LastTerminated: "OOMKilled"}}
	}, UpgradeBlocked, CodeControllerDown, "Deployment/capv-system/capv-controller-manager",
		[]string{"0 of 1 replicas available", "CrashLoopBackOff", "40 restarts", "last terminated OOMKilled"}, "-n capv-system logs deployment/capv-controller-manager --previous"},
	{"the EKS-A controller crash-looping", func(b *snapBuilder) {
		c := b.controller(eksa.Namespace, eksa.ControllerDeployment)
		c.Available = 0
		c.Pods = []snapshot.Pod{{Name: "eksa-controller-manager-6c9-x", Waiting: "manager: CrashLoopBackOff back-off 5m0s", Restarts: 17, LastTerminated: "Error"}}
		b.snap.Management.Controller = c
	}, UpgradeBlocked, CodeControllerUnavailable, "Deployment/eksa-system/eksa-controller-manager",
		[]string{"0 of 1 replicas available", "CrashLoopBackOff", "17 restarts"}, "-n eksa-system describe deployment eksa-controller-manager"},
	{"a provider whose namespace runs nothing", func(b *snapBuilder) { b.withoutController("capv-system", "capv-controller-manager") },
		NotReady, CodeNotReady, "Namespace/capv-system", []string{"infrastructure-vsphere", "runs no Deployment"}, "-n capv-system get deployments,pods"},
	{"kube-proxy not converged", func(b *snapBuilder) {
		b.snap.Management.DaemonSets = append(b.snap.Management.DaemonSets, snapshot.DaemonSet{Namespace: "kube-system", Name: "kube-proxy", Desired: 2, Ready: 1, Updated: 2, Available: 1})
	}, NotReady, CodeNotReady, "DaemonSet/kube-system/kube-proxy", []string{"1 of 2 ready"}, "rollout status daemonset/kube-proxy"},
	{"the CNI not initialized on a Node", func(b *snapBuilder) {
		n := b.node(workerMachine)
		n.Ready = false
		n.ReadyCondition = cond("Ready", "False", "KubeletNotReady", "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized", 2*time.Hour)
		b.daemonSet("cilium").Ready = 1
	}, UpgradeBlocked, CodeCNINotReady, "Node/cluster3-md-0-854976576-tw6hr", []string{"KubeletNotReady", "cni plugin not initialized", "cilium has 1 of 2 pods ready"}, "get pods -l k8s-app=cilium"},
	{"external etcd not ready", func(b *snapBuilder) {
		e := b.objectNamed("EtcdadmCluster", "cluster3-etcd")
		e.Fields = map[string]string{"ready": "false"}
		e.Counts = map[string]int64{"replicas": 2, "spec.replicas": 3}
	}, UpgradeBlocked, CodeEtcdNotReady, "EtcdadmCluster/eksa-system/cluster3-etcd", []string{"2 of 3 members ready", "fix etcd first"}, "-l cluster.x-k8s.io/etcd-cluster=cluster3-etcd"},
	{"ManagedEtcdReady False on the CAPI Cluster", func(b *snapBuilder) {
		b.objectNamed("Cluster", "cluster3").Conditions = []snapshot.Condition{cond(eksa.ConditionManagedEtcdReady, "False", "EtcdMachinesNotReady", "1 of 3 etcd machines unhealthy", time.Hour)}
	}, UpgradeBlocked, CodeEtcdNotReady, "EtcdadmCluster/eksa-system/cluster3-etcd", []string{"ManagedEtcdReady False since 60m", "1 of 3 etcd machines unhealthy"}, "get machines.cluster.x-k8s.io"},
	{"bare metal short of hardware", func(b *snapBuilder) {
		b.eksaCluster().Fields["failureMessage"] = "minimum hardware requirements not met for rolling upgrade: need 1 spare, have 0 available"
		b.eksaCluster().Fields["failureReason"] = "HardwareInvalid"
	}, UpgradeBlocked, CodeEKSAClusterFailure, "Cluster/default/cluster3", []string{"minimum hardware requirements not met", "(HardwareInvalid)"}, "get hardware.tinkerbell.org"},
	{"a refused read", func(b *snapBuilder) {
		b.snap.Management.Unread = []snapshot.Unread{{Verb: "list", Resource: "deployments.apps", Error: `deployments.apps is forbidden: User "viewer" cannot list`}}
	}, Unknown, CodeUnread, "", []string{"could not list deployments.apps in every namespace", "cannot be Healthy"}, "auth can-i --list"},
	{"a group discovery cannot list, no APIService saying why", func(b *snapBuilder) {
		b.snap.Management.Unread = []snapshot.Unread{{Verb: snapshot.VerbDiscover, Resource: "metrics.k8s.io/v1beta1", Error: "the API server cannot serve metrics.k8s.io/v1beta1: stale GroupVersion discovery"}}
	}, Unknown, CodeUnread, "", []string{"could not discover metrics.k8s.io/v1beta1 (the API server cannot serve", "cannot be Healthy"}, "get apiservices"},
	{"CoreDNS down", func(b *snapBuilder) {
		b.snap.Management.SystemDeployments = []snapshot.Workload{{Namespace: "kube-system", Name: "coredns", Desired: 2, Available: 0,
			Conditions: []snapshot.Condition{cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", time.Hour)},
			Pods:       []snapshot.Pod{{Name: "coredns-5d78c9869d-x", Waiting: "coredns: CrashLoopBackOff", Restarts: 12}}}}
	}, NotReady, CodeNotReady, "Deployment/kube-system/coredns", []string{"Available False since 60m", "0 of 2 replicas available", "CrashLoopBackOff"},
		"-n kube-system logs deployment/coredns --previous"},
	{"a Ready Node under disk pressure", func(b *snapBuilder) {
		n := b.node(cpMachine)
		n.Problems = []snapshot.Condition{cond("DiskPressure", "True", "KubeletHasDiskPressure", "kubelet has disk pressure", 40*time.Minute)}
	}, NotReady, CodeNotReady, "Node/cluster3-2snw8", []string{"DiskPressure True since 40m", "KubeletHasDiskPressure: kubelet has disk pressure"}, "describe node cluster3-2snw8"},
	{"a workload cluster's control plane, its EKS-A Cluster still green", func(b *snapBuilder) {
		b.snap.Management.Objects = append(b.snap.Management.Objects, snapshot.Object{Group: eksa.GroupControlPlane, Kind: "KubeadmControlPlane",
			Namespace: eksa.Namespace, Name: "w01", ClusterName: "w01", Conditions: []snapshot.Condition{
				cond("CertificatesAvailable", "False", "CertificatesGenerationFailed", "secret w01-ca is malformed", time.Hour)}})
	}, NotReady, CodeNotReady, "KubeadmControlPlane/eksa-system/w01", []string{"CertificatesAvailable False since 60m", "secret w01-ca is malformed"},
		"describe kubeadmcontrolplanes.controlplane.cluster.x-k8s.io w01"},
	{"an aggregated API discovery cannot reach", func(b *snapBuilder) {
		b.snap.Management.APIServices = []snapshot.Object{{Group: "apiregistration.k8s.io", Kind: "APIService", Name: "v1beta1.metrics.k8s.io",
			Conditions: []snapshot.Condition{cond("Available", "False", "ServiceNotFound", `service/metrics-server in "kube-system" is not present`, 3*time.Hour)}}}
	}, NotReady, CodeNotReady, "APIService/v1beta1.metrics.k8s.io", []string{"Available False since 3h", `ServiceNotFound: service/metrics-server in "kube-system" is not present`},
		"describe apiservices.apiregistration.k8s.io v1beta1.metrics.k8s.io"},
	{"a workload cluster refused: management is older", func(b *snapBuilder) {
		b.snap.Management.EKSA = append(b.snap.Management.EKSA, snapshot.Object{Group: eksa.GroupEKSA, Kind: "Cluster", Namespace: "default", Name: "w1",
			Fields: map[string]string{"eksaVersion": "v0.25.0", "managementCluster": "cluster3"}})
	}, NotReady, CodeWorkloadRefused, "Cluster/default/w1", []string{"asks for EKS-A v0.25.0", "runs v0.24.0"}, "eksctl anywhere upgrade cluster -f"},
}

func TestDiagnose_HealthyIsEarned(t *testing.T) {
	if r := Diagnose(healthyInPlace().build()); r.State != Healthy {
		t.Fatalf("the green world: state = %s (%s), want Healthy; findings %+v", r.State, r.Summary, r.Findings)
	}
	tests := signalTests
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := healthyInPlace()
			tt.turnRed(b)
			r := Diagnose(b.build())
			if r.State != tt.wantState {
				t.Fatalf("state = %s (%s), want %s", r.State, r.Summary, tt.wantState)
			}
			var found *Finding
			for i, fd := range r.Findings {
				if fd.Code == tt.wantCode && fd.Object == tt.wantObj {
					found = &r.Findings[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s finding on %q in %+v", tt.wantCode, tt.wantObj, r.Findings)
			}
			for _, w := range tt.wantWords {
				if !strings.Contains(found.Message, w) {
					t.Errorf("finding %q lacks %q", found.Message, w)
				}
			}
			if len(r.NextSteps) == 0 || !strings.Contains(r.NextSteps[0].Command, tt.wantStep) {
				t.Errorf("first step = %+v, want one with %q", r.NextSteps, tt.wantStep)
			}
			for _, s := range r.NextSteps {
				if strings.Contains(s.Command, "--force-cleanup") || strings.Contains(s.Command, "kind delete") {
					t.Errorf("step %q destroys", s.Command)
				}
			}
		})
	}
}

// TestDiagnose_ObservedGenerationUnpublishedIsGreen: an observedGeneration
// not published (0: controllers that write none, an object just moved) or
// caught up is no signal.
func TestDiagnose_ObservedGenerationUnpublishedIsGreen(t *testing.T) {
	for _, observed := range []int64{0, 3} {
		b := healthyInPlace()
		b.eksaCluster().Generation, b.eksaCluster().ObservedGeneration = 3, observed
		md := b.objectNamed("MachineDeployment", "cluster3-md-0")
		md.Generation, md.ObservedGeneration = 3, observed
		if r := Diagnose(b.build()); r.State != Healthy {
			t.Errorf("generation 3, observedGeneration %d: state = %s (%s), want Healthy", observed, r.State, r.Summary)
		}
	}
}

// TestDiagnose_RefusedSpecNamedByItsCause: EKS-A refuses a workload
// cluster's eksaVersion newer than management's with an error, so it never
// writes that generation's observedGeneration; the known cause names the
// object, not the generic rule.
func TestDiagnose_RefusedSpecNamedByItsCause(t *testing.T) {
	b := healthyInPlace()
	b.snap.Management.EKSA = append(b.snap.Management.EKSA, snapshot.Object{Group: eksa.GroupEKSA, Kind: "Cluster", Namespace: "default", Name: "w1",
		Fields: map[string]string{"eksaVersion": "v0.25.0", "managementCluster": "cluster3"}, Generation: 2, ObservedGeneration: 1})
	r := Diagnose(b.build())
	for _, fd := range r.Findings {
		if fd.Object == "Cluster/default/w1" && fd.Code != CodeWorkloadRefused {
			t.Errorf("finding %s on %s: %s; want only %s", fd.Code, fd.Object, fd.Message, CodeWorkloadRefused)
		}
	}
	if !strings.Contains(r.NextSteps[0].Command, "eksctl anywhere upgrade cluster -f") {
		t.Errorf("first step = %+v, want the refused cause's", r.NextSteps[0])
	}
}

func TestDiagnose_KnownCausesKeepPrecedence(t *testing.T) {
	b := newSnap().eksa("v0.24.0").stranded()
	b.snap.Management.DaemonSets = []snapshot.DaemonSet{{Namespace: "kube-system", Name: "cilium", Desired: 2, Ready: 0}}
	if r := Diagnose(b.build()); r.State != StrandedInBootstrap {
		t.Errorf("stranded with a red signal: state = %s, want StrandedInBootstrap", r.State)
	}
}

func TestDiagnose_ComponentsOneMinorAheadIsHealthy(t *testing.T) {
	tests := []struct {
		components string
		want       State
	}{
		{"v0.25.1", Healthy},        // upgrade management-components, on purpose
		{"v0.24.0", Healthy},        // the same
		{"v0.23.2", UpgradeBlocked}, // behind: cut off
		{"v0.26.0", UpgradeBlocked}, // two minors ahead: not what EKS-A allows
	}
	for _, tt := range tests {
		b := healthyInPlace()
		b.eksaCluster().Annotations = map[string]string{eksa.AnnotationManagementComponentsVersion: tt.components}
		if r := Diagnose(b.build()); r.State != tt.want {
			t.Errorf("components %s on a v0.24.0 cluster: state = %s (%s), want %s", tt.components, r.State, r.Summary, tt.want)
		}
	}
}

func TestDiagnose_EKSAOwnPausesAreNotLeftByAFailure(t *testing.T) {
	b := healthyInPlace()
	m := &b.snap.Management
	m.Objects = append(m.Objects, snapshot.Object{Group: eksa.GroupCAPI, Kind: "MachineHealthCheck", Namespace: eksa.Namespace,
		Name: "cluster3-md-0-worker-unhealthy", ClusterName: "cluster3", Annotations: map[string]string{eksa.AnnotationCAPIPaused: ""}})
	m.EKSA = append(m.EKSA, snapshot.Object{Group: eksa.GroupEKSA, Kind: eksa.KindMachineDeploymentUpgrade, Namespace: eksa.Namespace,
		Name: "cluster3-md-0-upgrade", Fields: map[string]string{"completed": "false"}, Created: testNow.Add(-5 * time.Minute)})
	r := Diagnose(b.build())
	if r.State == PausedAfterFailure {
		t.Fatalf("EKS-A's own MachineHealthCheck pause mid in-place upgrade read as left by a failure: %s", r.Summary)
	}
	for _, s := range r.NextSteps {
		if strings.Contains(s.Command, " resume") {
			t.Errorf("step %q would clear EKS-A's own pause", s.Command)
		}
	}
	var said bool
	for _, fd := range r.Findings {
		said = said || (fd.Code == CodePauseMarker && strings.Contains(fd.Message, "set by the EKS-A controller for the in-place upgrade"))
	}
	if !said {
		t.Errorf("no finding names the pause as EKS-A's: %+v", r.Findings)
	}
}

func TestDiagnose_DrainBlockedByBudget(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    snapshot.Condition
	}{
		{"v1beta1", cond("DrainingSucceeded", "False", "Draining", "Drain not completed yet (started at 2024-04-15T10:00:00Z):\n* Pods with eviction failed:\n  * Cannot evict pod as it would violate the pod's disruption budget. The disruption budget web-pdb needs 2 healthy pods and has 2 currently", 2*time.Hour)},
		{"v1beta2", cond("Deleting", "True", "DrainingNode", "Drain not completed yet (started at 2024-04-15T10:00:00Z):\n* Pod default/web-0: cannot evict pod as it would violate the pod's disruption budget. The disruption budget web-pdb needs 2 healthy pods and has 2 currently", 2*time.Hour)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := healthyInPlace()
			m := b.machine(workerMachine)
			m.Deleting = testNow.Add(-2 * time.Hour)
			m.Phase = "Deleting"
			m.Conditions = []snapshot.Condition{tt.c}
			r := Diagnose(b.build())
			if r.State != RolloutStuck {
				t.Fatalf("state = %s (%s), want RolloutStuck", r.State, r.Summary)
			}
			var msg string
			for _, fd := range r.Findings {
				if fd.Code == CodeDrainBlocked {
					msg = fd.Message
				}
			}
			if !strings.Contains(msg, "PodDisruptionBudget web-pdb") || !strings.Contains(msg, "for 120m") {
				t.Errorf("DrainBlocked finding = %q, want the budget and the time", msg)
			}
			if !strings.Contains(r.NextSteps[0].Command, "get poddisruptionbudgets") {
				t.Errorf("first step = %+v", r.NextSteps[0])
			}
		})
	}
}

// signalStateCases give the never-destroy sweep and the state table each
// red signal, alone and with a KinD left behind that holds nothing.
func signalStateCases() []stateCase {
	var out []stateCase
	for _, tt := range signalTests {
		out = append(out, stateCase{"signal: " + tt.name, func() *snapBuilder { b := healthyInPlace(); tt.turnRed(b); return b }, tt.wantState})
		if tt.wantState != Unknown {
			out = append(out, stateCase{"signal: " + tt.name + ", KinD left behind", func() *snapBuilder {
				b := healthyInPlace().kind()
				tt.turnRed(b)
				return b
			}, tt.wantState})
		}
	}
	return out
}

// TestDiagnose_StuckDeletingNamesTightBudgets: Cluster API v1.4's fork
// keeps the eviction's refusal out of the condition; a budget that allows
// no disruption is named beside the Machine stuck Deleting, and its step
// comes first.
func TestDiagnose_StuckDeletingNamesTightBudgets(t *testing.T) {
	b := healthyInPlace()
	m := b.machine(workerMachine)
	m.Deleting, m.Phase = testNow.Add(-2*time.Hour), "Deleting"
	m.Conditions = []snapshot.Condition{cond("DrainingSucceeded", "False", "Draining", "Draining the node before deletion", 2*time.Hour)}
	b.snap.Management.TightBudgets = []snapshot.DisruptionBudget{{Namespace: "default", Name: "web-pdb", Expected: 1}}
	r := Diagnose(b.build())
	if r.State != RolloutStuck || !strings.Contains(r.NextSteps[0].Command, "get poddisruptionbudgets") ||
		!strings.Contains(r.NextSteps[0].Why, "default/web-pdb") {
		t.Errorf("state %s, first step %+v; want RolloutStuck and the budget's step", r.State, r.NextSteps[0])
	}
	b.snap.Management.TightBudgets = nil
	if r := Diagnose(b.build()); strings.Contains(r.NextSteps[0].Command, "poddisruptionbudgets") {
		t.Errorf("no tight budget, yet the first step is %q", r.NextSteps[0].Command)
	}
}
