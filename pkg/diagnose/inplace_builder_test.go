package diagnose

import (
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere/vcresult"
)

// Builders of what today's (v0.18+) failed upgrades leave, on cluster3 as
// home() puts it.

// contract is the CAPI storage version an EKS-A release writes: v1beta2
// from v0.24.
func contract(eksaVersion string) string {
	if e, ok := parseEra(eksaVersion); ok && e.atLeast(24) {
		return "v1beta2"
	}
	return "v1beta1"
}

func cond(typ, status, reason, msg string, age time.Duration) snapshot.Condition {
	return snapshot.Condition{Type: typ, Status: status, Reason: reason, Message: msg, LastTransitionTime: testNow.Add(-age)}
}

// kcpScalingUp: the control plane stopped scaling up, 3 wanted, 2 there
// (aws/eks-anywhere#10782), for age, as each contract reports it.
func (b *snapBuilder) kcpScalingUp(version string, age time.Duration) *snapBuilder {
	b.eksa(version)
	o := b.objectNamed("KubeadmControlPlane", "cluster3")
	o.Version = contract(version)
	msg := "Scaling up control plane nodes, 3 expected (2 actual)"
	if o.Version == "v1beta2" {
		o.Counts = map[string]int64{"spec.replicas": 3, "replicas": 2, "upToDateReplicas": 2, "readyReplicas": 2, "availableReplicas": 2}
		o.Conditions = []snapshot.Condition{cond("Available", "True", "Available", "", 5*time.Hour),
			cond("ScalingUp", "True", "ScalingUp", "Scaling up from 2 to 3 replicas", age),
			cond("Ready", "False", "ScalingUp", msg, age)}
	} else {
		o.Counts = map[string]int64{"spec.replicas": 3, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2}
		o.Conditions = []snapshot.Condition{cond("Ready", "False", "ScalingUp", msg, age),
			cond("Resized", "False", "ScalingUp", msg, age), cond("Available", "True", "", "", 5*time.Hour)}
	}
	return b
}

// mdRolling: a MachineDeployment at 3 rolling (0 up to date) (#7899).
func (b *snapBuilder) mdRolling(version string, age time.Duration) *snapBuilder {
	b.eksa(version)
	o := b.objectNamed("MachineDeployment", "cluster3-md-0")
	o.Version = contract(version)
	o.Counts = map[string]int64{"spec.replicas": 3, "replicas": 3, "updatedReplicas": 0, "readyReplicas": 3}
	o.Conditions = []snapshot.Condition{cond("Ready", "False", "WaitingForAvailableMachines", "3 rolling (0 up to date)", age)}
	return b
}

// machineDeleting marks the worker Machine deleting for age, its
// VSphereMachine named in spec.infrastructureRef.
func (b *snapBuilder) machineDeleting(age time.Duration) *snapBuilder {
	m := b.machine(workerMachine)
	m.Deleting, m.Phase = testNow.Add(-age), "Deleting"
	m.ProviderID = "vsphere://4230f2e5-0a4b-374c-f06b-41ac1f80e41f"
	m.Infra = objgraph.Key{Group: eksa.GroupInfrastructure, Kind: "VSphereMachine", Name: "cluster3-md-0-tw6hr"}
	m.Conditions = []snapshot.Condition{cond("Ready", "False", "Deleting", "", age),
		cond("InfrastructureReady", "False", "DeletionFailed", "VM deletion in progress", age)}
	return b
}

// vmGone: vCenter was asked and has no VM for the worker Machine.
func (b *snapBuilder) vmGone() *snapBuilder {
	b.vc = &VCenterFacts{Result: vcresult.Result{Server: "vcenter.example:443", Datacenter: "DC0", Checked: 3,
		MachinesWithoutVM: []string{b.machine(workerMachine).Name}}}
	return b
}

func (b *snapBuilder) machineProvisioning(age time.Duration) *snapBuilder {
	m := b.machine(workerMachine)
	m.Phase, m.Created, m.NodeName = "Provisioning", testNow.Add(-age), ""
	m.Conditions = []snapshot.Condition{cond("InfrastructureReady", "False", "WaitingForIP", "0 of 1 IP addresses", age)}
	return b
}

// mhcBlocked adds the EKS-A controller's worker MachineHealthCheck, refusing
// to remediate.
func (b *snapBuilder) mhcBlocked() *snapBuilder {
	b.snap.Management.Objects = append(b.snap.Management.Objects, snapshot.Object{Group: eksa.GroupCAPI, Version: "v1beta1",
		Kind: "MachineHealthCheck", Namespace: eksa.Namespace, Name: "cluster3-md-0-worker-unhealthy", ClusterName: "cluster3",
		Counts: map[string]int64{"expectedMachines": 3, "currentHealthy": 1, "remediationsAllowed": 0},
		Conditions: []snapshot.Condition{cond("RemediationAllowed", "False", "TooManyUnhealthy",
			"Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: 3, unhealthy: 2, maxUnhealthy: 40%)",
			time.Hour)}})
	return b
}

// nodeUpgradeStuck: the control-plane Machine's NodeUpgrade stopped at the
// kubelet, its upgrader pod crash-looping.
func (b *snapBuilder) nodeUpgradeStuck(age time.Duration) *snapBuilder {
	m := *b.machine(cpMachine)
	b.snap.Management.EKSA = append(b.snap.Management.EKSA, snapshot.Object{Group: eksa.GroupEKSA, Kind: eksa.KindNodeUpgrade,
		Namespace: eksa.Namespace, Name: m.Name + "-node-upgrade", Created: testNow.Add(-age),
		Fields: map[string]string{"machine": m.Name, "completed": "false", "kubernetesVersion": "v1.30.4-eks-1-30-17"},
		Conditions: []snapshot.Condition{cond("UpgraderPodCreated", "True", "", "", age),
			cond("KubeletUpgraded", "False", "KubeletUpgradeFailed", "kubelet upgrade failed", age)}})
	b.snap.Management.UpgraderPods = append(b.snap.Management.UpgraderPods, snapshot.Pod{Namespace: eksa.Namespace,
		Name: m.NodeName + "-node-upgrader", NodeName: m.NodeName, Phase: "Pending",
		Waiting: "kubelet-kubectl-upgrader: CrashLoopBackOff"})
	return b
}

func (b *snapBuilder) certsExpired() *snapBuilder {
	b.eksaCluster().Certificates = []snapshot.CertificateInfo{
		{Machine: "cluster3-2snw8", ExpiresInDays: 0}, {Machine: "cluster3-etcd-chkc5", ExpiresInDays: 12}}
	return b
}

func (b *snapBuilder) componentsAt(v string) *snapBuilder {
	return b.annotate(eksa.AnnotationManagementComponentsVersion, v)
}

func (b *snapBuilder) webhookDown() *snapBuilder {
	b.snap.Management.Webhooks = append(b.snap.Management.Webhooks, snapshot.Webhook{Kind: "ValidatingWebhookConfiguration",
		Configuration: "capi-validating-webhook-configuration", Name: "validation.cluster.cluster.x-k8s.io",
		FailurePolicy: "Fail", Service: "capi-system/capi-webhook-service"},
		snapshot.Webhook{Kind: "ValidatingWebhookConfiguration", Configuration: "optional", Name: "optional.example.com",
			FailurePolicy: "Ignore", Service: "other/none"})
	return b
}

func (b *snapBuilder) controllerDown() *snapBuilder {
	b.snap.Management.Controller = &snapshot.Workload{Namespace: eksa.Namespace, Name: eksa.ControllerDeployment, Desired: 1,
		Conditions: []snapshot.Condition{cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", time.Hour)}}
	return b
}
