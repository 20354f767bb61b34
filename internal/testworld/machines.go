package testworld

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// machineObjects renders one Machine and what hangs off it, owners first:
// Machine, its bootstrap config and data Secret, the infrastructure machine
// (and for vSphere its VSphereVM). owner is the Machine's controller
// (KubeadmControlPlane, EtcdadmCluster or MachineSet); template the machine
// template it was cloned from.
func (b *ClusterBuilder) machineObjects(now time.Time, m Machine, owner, template *unstructured.Unstructured) []*unstructured.Unstructured {
	f := b.flavour
	labels := b.labels()
	switch m.Role {
	case RoleControlPlane:
		labels[eksa.LabelControlPlane] = ""
		labels[eksa.LabelControlPlaneName] = b.name
	case RoleEtcd:
		labels[eksa.LabelEtcdCluster] = owner.GetName()
	case RoleWorker:
		for k, v := range owner.GetLabels() {
			labels[k] = v
		}
	}

	configAPIVersion, configKind := f.APIVersion(eksa.GroupBootstrap), "KubeadmConfig"
	if m.Role == RoleEtcd {
		configAPIVersion, configKind = EtcdadmConfigAPIVersion, "EtcdadmConfig"
	}

	machine := newObject(f.APIVersion(eksa.GroupCAPI), "Machine", eksa.Namespace, m.Name, labels)
	spec := map[string]any{
		"clusterName": b.name,
		"providerID":  m.ProviderID(),
		"bootstrap": map[string]any{
			"configRef":      f.ref(configAPIVersion, configKind, m.Name, eksa.Namespace),
			"dataSecretName": m.Name,
		},
		"infrastructureRef": f.ref(b.infraAPIVersion(), b.provider.info().machineKind, m.Name, eksa.Namespace),
	}
	if m.Version != "" {
		spec["version"] = m.Version
	}
	set(machine, spec, "spec")
	set(machine, b.machineStatus(now, m), "status")
	ownedBy(machine, owner, true)

	config := newObject(configAPIVersion, configKind, eksa.Namespace, m.Name, labels)
	set(config, map[string]any{"format": "cloud-config"}, "spec")
	if m.Role == RoleEtcd {
		set(config, map[string]any{"etcdadmBuiltin": true, "format": "cloud-config"}, "spec")
	}
	configStatus := map[string]any{"ready": true, "dataSecretName": m.Name}
	if f == V1Beta2 && m.Role != RoleEtcd {
		configStatus = map[string]any{
			"initialization": map[string]any{"dataSecretCreated": true},
			"dataSecretName": m.Name,
			"conditions":     f.conditions(now, "Ready", "DataSecretAvailable"),
		}
	}
	set(config, configStatus, "status")
	ownedBy(config, machine, true)

	data := bootstrapDataSecret(b.name, m.Name)
	ownedBy(data, config, true)

	infraMachine := b.infraMachine(now, m, machine, template, labels)
	if b.provider != VSphere {
		return []*unstructured.Unstructured{machine, config, data, infraMachine}
	}
	vm := newObject(InfraAPIVersion, "VSphereVM", eksa.Namespace, m.Name, labels)
	vmSpec := b.vsphereMachineSpec("")
	vmSpec["biosUUID"] = m.UUID
	set(vm, vmSpec, "spec")
	vmStatus := map[string]any{
		"ready":      true,
		"addresses":  []string{ipFor(m.Name)},
		"conditions": V1Beta1.conditions(now, "Ready", "VMProvisioned"),
	}
	if b.flavour == V1Beta2 { // CAPV v1.3.1 (the KinD era) has no vmRef
		vmStatus["vmRef"] = "vm-" + m.UUID[:8]
	}
	set(vm, vmStatus, "status")
	ownedBy(vm, infraMachine, true)

	return []*unstructured.Unstructured{machine, config, data, infraMachine, vm}
}

func (b *ClusterBuilder) machineStatus(now time.Time, m Machine) map[string]any {
	f := b.flavour
	s := map[string]any{
		"phase":     "Running",
		"addresses": []any{map[string]any{"type": "InternalIP", "address": ipFor(m.Name)}},
	}
	withNode := m.NodeName != ""
	if withNode {
		s["nodeInfo"] = nodeInfo(m)
	}
	if f == V1Beta2 {
		s["initialization"] = map[string]any{"bootstrapDataSecretCreated": true, "infrastructureProvisioned": true}
		types := []string{"Available", "Ready", "UpToDate", "BootstrapConfigReady", "InfrastructureReady"}
		old := []string{"Ready", "BootstrapReady", "InfrastructureReady"}
		if withNode {
			s["nodeRef"] = map[string]any{"name": m.NodeName}
			types = append(types, "NodeReady", "NodeHealthy")
			old = append(old, "NodeHealthy")
		}
		s["conditions"] = f.conditions(now, types...)
		s["deprecated"] = map[string]any{"v1beta1": map[string]any{"conditions": V1Beta1.conditions(now, old...)}}
		return s
	}
	s["bootstrapReady"] = true
	s["infrastructureReady"] = true
	types := []string{"Ready", "BootstrapReady", "InfrastructureReady"}
	if withNode {
		s["nodeRef"] = map[string]any{"apiVersion": "v1", "kind": "Node", "name": m.NodeName}
		types = append(types, "NodeHealthy")
	}
	s["conditions"] = f.conditions(now, types...)
	return s
}

// ipFor gives each Machine a stable address in 10.0.0.0/16.
func ipFor(name string) string {
	u := stableUUID(name)
	return fmt.Sprintf("10.0.%d.%d", int(u[4])%200+1, int(u[5])%250+2)
}
