package testworld

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// The cluster-level objects: Cluster, VSphereCluster, KubeadmControlPlane,
// EtcdadmCluster, templates, MachineDeployment and MachineSet.

func (b *ClusterBuilder) cluster(now time.Time) *unstructured.Unstructured {
	f := b.flavour
	u := newObject(f.APIVersion(eksa.GroupCAPI), "Cluster", eksa.Namespace, b.name, b.labels())
	set(u, map[string]any{
		"clusterNetwork": map[string]any{
			"pods":     map[string]any{"cidrBlocks": []string{"192.168.0.0/16"}},
			"services": map[string]any{"cidrBlocks": []string{"10.96.0.0/12"}},
		},
		"controlPlaneEndpoint": map[string]any{"host": b.controlPlaneIP, "port": 6443},
		"controlPlaneRef":      f.ref(f.APIVersion(eksa.GroupControlPlane), "KubeadmControlPlane", b.name, eksa.Namespace),
		"infrastructureRef":    f.ref(b.infraAPIVersion(), b.provider.info().clusterKind, b.name, eksa.Namespace),
	}, "spec")
	if b.provider.ExternalEtcd() {
		// EKS-A's CAPI fork: the external etcd cluster the control plane waits for.
		// A reference in the contract's shape like the others.
		set(u, f.ref(EtcdClusterAPIVersion, "EtcdadmCluster", b.name+"-etcd", eksa.Namespace),
			"spec", "managedExternalEtcdRef")
	}
	if b.paused {
		set(u, true, "spec", "paused")
	}
	// EKS-A's fork reports external etcd on the Cluster (etcd.go).
	etcd, etcdOld := etcdClusterConditions(f, b.provider.ExternalEtcd())
	if f == V1Beta2 {
		set(u, map[string]any{
			"phase":          "Provisioned",
			"initialization": map[string]any{"infrastructureProvisioned": true, "controlPlaneInitialized": true},
			"conditions": f.conditions(now, append([]string{"Available", "InfrastructureReady", "ControlPlaneInitialized",
				"ControlPlaneAvailable", "WorkersAvailable", "RemoteConnectionProbe"}, etcd...)...),
			"controlPlane": replicaCounts(1),
			"workers":      replicaCounts(b.workers),
			"deprecated": map[string]any{"v1beta1": map[string]any{
				"conditions": V1Beta1.conditions(now, append([]string{"Ready", "ControlPlaneInitialized", "ControlPlaneReady", "InfrastructureReady"}, etcdOld...)...),
			}},
		}, "status")
	} else {
		set(u, map[string]any{
			"phase":               "Provisioned",
			"infrastructureReady": true,
			"controlPlaneReady":   true,
			"conditions":          f.conditions(now, append([]string{"Ready", "ControlPlaneInitialized", "ControlPlaneReady", "InfrastructureReady"}, etcdOld...)...),
		}, "status")
	}
	if b.provider.ExternalEtcd() {
		set(u, true, "status", "managedExternalEtcdInitialized")
		set(u, true, "status", "managedExternalEtcdReady")
	}
	return u
}

func replicaCounts(n int) map[string]any {
	return map[string]any{"desiredReplicas": n, "replicas": n, "readyReplicas": n,
		"availableReplicas": n, "upToDateReplicas": n}
}

func (b *ClusterBuilder) vsphereCluster(now time.Time) *unstructured.Unstructured {
	u := newObject(InfraAPIVersion, "VSphereCluster", eksa.Namespace, b.name, b.labels())
	set(u, map[string]any{
		"server":               b.vcenter.Server,
		"thumbprint":           b.vcenter.Thumbprint,
		"controlPlaneEndpoint": map[string]any{"host": b.controlPlaneIP, "port": 6443},
		"identityRef":          map[string]any{"kind": "Secret", "name": b.name + "-vsphere-credentials"},
	}, "spec")
	set(u, map[string]any{"ready": true, "conditions": V1Beta1.conditions(now, "Ready", "VCenterAvailable")}, "status")
	return u
}

func (b *ClusterBuilder) controlPlane(now time.Time) *unstructured.Unstructured {
	f := b.flavour
	u := newObject(f.APIVersion(eksa.GroupControlPlane), "KubeadmControlPlane", eksa.Namespace, b.name, b.labels())
	set(u, map[string]any{
		"replicas":          1,
		"version":           b.cpVersion,
		"kubeadmConfigSpec": map[string]any{"format": "cloud-config"},
	}, "spec")
	selector := eksa.LabelClusterName + "=" + b.name + "," + eksa.LabelControlPlane
	if f == V1Beta2 {
		set(u, map[string]any{
			"initialization": map[string]any{"controlPlaneInitialized": true},
			"replicas":       1, "readyReplicas": 1, "availableReplicas": 1, "upToDateReplicas": 1,
			"version":    b.cpVersion,
			"selector":   selector,
			"conditions": f.conditions(now, "Available", "Initialized", "MachinesReady", "EtcdClusterHealthy"),
		}, "status")
	} else {
		set(u, map[string]any{
			"initialized": true, "ready": true,
			"replicas": 1, "readyReplicas": 1, "updatedReplicas": 1, "unavailableReplicas": 0,
			"version":    b.cpVersion,
			"selector":   selector,
			"conditions": f.conditions(now, "Ready", "Available", "CertificatesAvailable", "MachinesReady"),
		}, "status")
	}
	return u
}

func (b *ClusterBuilder) etcdCluster(now time.Time) *unstructured.Unstructured {
	u := newObject(EtcdClusterAPIVersion, "EtcdadmCluster", eksa.Namespace, b.name+"-etcd", b.labels())
	members := max(1, b.etcdMembers)
	set(u, map[string]any{
		"replicas":          members,
		"etcdadmConfigSpec": map[string]any{"etcdadmBuiltin": true, "format": "cloud-config"},
	}, "spec")
	var addresses []string
	for i := range members {
		addresses = append(addresses, ipFor(b.machine(RoleEtcd, i).Name))
	}
	set(u, etcdadmClusterStatus(now, b.name+"-etcd", addresses, members), "status")
	return u
}

func (b *ClusterBuilder) vsphereMachineSpec(providerID string) map[string]any {
	v := b.vcenter
	spec := map[string]any{
		"cloneMode": "linkedClone", "server": v.Server, "thumbprint": v.Thumbprint,
		"datacenter": v.Datacenter, "datastore": v.Datastore, "folder": v.Folder, "resourcePool": v.ResourcePool,
		"template": "/DC0/vm/bottlerocket-vmware-k8s-1.23-x86_64",
		"numCPUs":  2, "memoryMiB": 8192, "diskGiB": 25,
		"network": map[string]any{"devices": []any{map[string]any{"networkName": v.Network, "dhcp4": true}}},
	}
	if providerID != "" {
		spec["providerID"] = providerID
	}
	return spec
}

func (b *ClusterBuilder) kubeadmConfigTemplate() *unstructured.Unstructured {
	f := b.flavour
	u := newObject(f.APIVersion(eksa.GroupBootstrap), "KubeadmConfigTemplate", eksa.Namespace,
		b.name+"-md-0-template-1681571234567", b.labels())
	// EKS-A's fork also allows "bottlerocket"; upstream's schema does not.
	set(u, map[string]any{"template": map[string]any{"spec": map[string]any{"format": "cloud-config"}}}, "spec")
	return u
}

// machineDeployment returns the worker MachineDeployment and its MachineSet.
func (b *ClusterBuilder) machineDeployment(now time.Time, infra, config *unstructured.Unstructured) (md, ms *unstructured.Unstructured) {
	f := b.flavour
	mdName := b.name + "-md-0"
	msName := mdName + "-" + b.machineSetHash()
	template := func(extra ...string) map[string]any {
		return map[string]any{
			"metadata": map[string]any{"labels": b.labels(append([]string{eksa.LabelDeploymentName, mdName}, extra...)...)},
			"spec": map[string]any{
				"clusterName":       b.name,
				"version":           b.workerVersion,
				"bootstrap":         map[string]any{"configRef": f.ref(config.GetAPIVersion(), config.GetKind(), config.GetName(), eksa.Namespace)},
				"infrastructureRef": f.ref(infra.GetAPIVersion(), infra.GetKind(), infra.GetName(), eksa.Namespace),
			},
		}
	}
	status := func() map[string]any {
		s := map[string]any{"replicas": b.workers, "readyReplicas": b.workers, "availableReplicas": b.workers,
			"observedGeneration": 1}
		if f == V1Beta2 {
			s["upToDateReplicas"] = b.workers
			s["conditions"] = f.conditions(now, "Available", "MachinesReady", "MachinesUpToDate")
		} else {
			s["updatedReplicas"] = b.workers
			s["conditions"] = f.conditions(now, "Ready", "Available", "MachinesReady")
		}
		return s
	}

	md = newObject(f.APIVersion(eksa.GroupCAPI), "MachineDeployment", eksa.Namespace, mdName, b.labels())
	set(md, map[string]any{
		"clusterName": b.name, "replicas": b.workers,
		"selector": map[string]any{"matchLabels": b.labels(eksa.LabelDeploymentName, mdName)},
		"template": template(),
	}, "spec")
	mdStatus := status()
	mdStatus["phase"] = "Running"
	mdStatus["selector"] = eksa.LabelClusterName + "=" + b.name + "," + eksa.LabelDeploymentName + "=" + mdName
	set(md, mdStatus, "status")

	hashLabel := []string{"machine-template-hash", b.machineSetHash()}
	ms = newObject(f.APIVersion(eksa.GroupCAPI), "MachineSet", eksa.Namespace, msName,
		b.labels(append([]string{eksa.LabelDeploymentName, mdName}, hashLabel...)...))
	set(ms, map[string]any{
		"clusterName": b.name, "replicas": b.workers,
		"selector": map[string]any{"matchLabels": b.labels(append([]string{eksa.LabelDeploymentName, mdName}, hashLabel...)...)},
		"template": template(hashLabel...),
	}, "spec")
	msStatus := status()
	if f == V1Beta1 {
		// A v1beta1 MachineSet counts labelled, not updated, replicas.
		delete(msStatus, "updatedReplicas")
		msStatus["fullyLabeledReplicas"] = b.workers
	}
	msStatus["selector"] = eksa.LabelClusterName + "=" + b.name + "," + eksa.LabelDeploymentName + "=" + mdName
	set(ms, msStatus, "status")
	return md, ms
}
