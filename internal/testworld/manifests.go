package testworld

import (
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Kinds the controllers create, never EKS-A's manifests: CAPI's Machines and
// their bootstrap and infrastructure objects, the EKS-A controller's
// MachineHealthChecks, the ClusterResourceSet controller's bindings, CAPC's
// failure domains. Group-qualified: rufio's bmc Machine is EKS-A's.
var controllerKinds = []string{
	"cluster.x-k8s.io/Machine", "cluster.x-k8s.io/MachineSet", "cluster.x-k8s.io/MachineHealthCheck",
	"bootstrap.cluster.x-k8s.io/KubeadmConfig", "bootstrap.cluster.x-k8s.io/EtcdadmConfig",
	"addons.cluster.x-k8s.io/ClusterResourceSetBinding",
	"infrastructure.cluster.x-k8s.io/VSphereMachine", "infrastructure.cluster.x-k8s.io/VSphereVM",
	"infrastructure.cluster.x-k8s.io/CloudStackMachine", "infrastructure.cluster.x-k8s.io/CloudStackFailureDomain",
	"infrastructure.cluster.x-k8s.io/NutanixMachine", "infrastructure.cluster.x-k8s.io/TinkerbellMachine",
	"infrastructure.cluster.x-k8s.io/AWSSnowMachine", "infrastructure.cluster.x-k8s.io/DockerMachine",
}

// Owners of the Secrets CAPI, kubeadm and etcdadm generate (CAs, kubeconfig,
// bootstrap data): none of those is in EKS-A's manifests.
var generatingOwners = []string{"KubeadmControlPlane", "EtcdadmCluster", "KubeadmConfig", "EtcdadmConfig"}

// ManifestsOnly returns what EKS-A's manifests hold of the cluster, as
// `kubectl apply` leaves them before any controller runs: the same kinds,
// names, references, labels and specs, with no owner reference, finalizer
// or status; no Machine, no generated Secret. Machines is empty.
func (c *Cluster) ManifestsOnly() *Cluster {
	out := &Cluster{Name: c.Name, Secrets: map[string]map[string][]byte{}}
	for _, o := range c.Objects {
		if slices.Contains(controllerKinds, groupOf(o.GetAPIVersion())+"/"+o.GetKind()) {
			continue
		}
		generated := false
		for _, ref := range o.GetOwnerReferences() {
			generated = generated || slices.Contains(generatingOwners, ref.Kind)
		}
		if o.GetKind() == "Secret" && generated {
			continue
		}
		o = o.DeepCopy()
		o.SetOwnerReferences(nil)
		o.SetFinalizers(nil)
		unstructured.RemoveNestedField(o.Object, "status")
		out.Objects = append(out.Objects, o)
		if data, ok := c.Secrets[o.GetName()]; ok && o.GetKind() == "Secret" {
			out.Secrets[o.GetName()] = data
		}
	}
	return out
}
