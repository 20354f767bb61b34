package testworld

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// The provider's infrastructure objects: the cluster, the machine templates
// and each Machine's infrastructure machine, in the shape EKS-A renders them
// (kinds, names, fields) plus what the provider's controller writes (status,
// providerID). vSphere's are in topology.go and machines.go.

func (b *ClusterBuilder) infraAPIVersion() string { return b.provider.InfraAPIVersion(b.flavour) }

// infraCluster renders the provider's cluster object, named as the Cluster.
func (b *ClusterBuilder) infraCluster(now time.Time) *unstructured.Unstructured {
	if b.provider == VSphere {
		return b.vsphereCluster(now)
	}
	endpoint := map[string]any{"host": b.controlPlaneIP, "port": 6443}
	u := newObject(b.infraAPIVersion(), b.provider.info().clusterKind, eksa.Namespace, b.name, b.labels())
	var spec map[string]any
	switch b.provider {
	case CloudStack:
		spec = map[string]any{"controlPlaneEndpoint": endpoint, "failureDomains": []any{b.cloudStackFailureDomainSpec()}}
	case Nutanix:
		spec = map[string]any{
			"controlPlaneEndpoint": endpoint,
			"prismCentral": map[string]any{
				"address": "prism.nutanix.example", "port": 9440, "insecure": false,
				"credentialRef": map[string]any{"kind": "Secret", "name": "capx-" + b.name},
			},
		}
		if b.flavour == V1Beta2 { // CAPX v1.1.3 (the KinD era) has no failure domains
			spec["failureDomains"] = []any{}
		}
	case Tinkerbell:
		spec = map[string]any{
			"controlPlaneEndpoint":    endpoint,
			"imageLookupFormat":       "--kube-v1.23.17-eks-1-23-19.raw.gz",
			"imageLookupBaseRegistry": "/",
		}
	case Snow:
		spec = map[string]any{
			"controlPlaneEndpoint": endpoint, "region": "snow",
			"identityRef": map[string]any{"kind": "Secret", "name": b.name + "-snow-credentials"},
		}
	case Docker:
		spec = map[string]any{
			"controlPlaneEndpoint": endpoint,
			"loadBalancer": map[string]any{
				"imageRepository": "public.ecr.aws/eks-anywhere/kubernetes-sigs/kind", "imageTag": "v0.11.1-eks-a-v0.16.5-haproxy",
			},
		}
	}
	set(u, spec, "spec")
	set(u, b.infraReadyStatus(now, "Ready"), "status")
	return u
}

// infraReadyStatus is a provider object's "ready" status: v1beta1 providers
// write ready and v1beta1 conditions, CAPD v1beta2 the initialization field.
func (b *ClusterBuilder) infraReadyStatus(now time.Time, conditions ...string) map[string]any {
	switch {
	case b.provider == Docker && b.flavour == V1Beta2:
		return map[string]any{
			"initialization": map[string]any{"provisioned": true},
			"conditions":     V1Beta2.conditions(now, conditions...),
		}
	case b.provider == CloudStack, b.provider == Snow, b.provider == Tinkerbell:
		// Their status carries no conditions (CAPC's v1beta3 has none).
		return map[string]any{"ready": true}
	}
	return map[string]any{"ready": true, "conditions": V1Beta1.conditions(now, conditions...)}
}

// machineTemplate names templates as EKS-A does: <cluster>-<role>-<unix millis>.
func (b *ClusterBuilder) machineTemplate(role string) *unstructured.Unstructured {
	u := newObject(b.infraAPIVersion(), b.provider.info().templateKind, eksa.Namespace,
		b.name+"-"+role+"-1681571234567", b.labels())
	set(u, map[string]any{"template": map[string]any{"spec": b.machineSpec(role, Machine{})}}, "spec")
	return u
}

// machineSpec is a machine template's spec.template.spec (m empty) or an
// infrastructure machine's spec (the template's plus what the controller adds).
func (b *ClusterBuilder) machineSpec(role string, m Machine) map[string]any {
	var spec map[string]any
	switch b.provider {
	case VSphere:
		id := ""
		if m.Name != "" {
			id = m.ProviderID()
		}
		return b.vsphereMachineSpec(id)
	case CloudStack:
		affinity := map[string]string{"control-plane-template": "control-plane-anti-affinity", "etcd-template": "etcd-affinity"}[role]
		spec = map[string]any{
			"offering": map[string]any{"name": "m4-large"}, "template": map[string]any{"name": "kubernetes_1_23"},
			"sshKey": "",
		}
		if affinity != "" {
			spec["affinityGroupIDs"] = []string{affinity}
		}
		if m.Name != "" {
			spec["instanceID"] = m.UUID
			spec["failureDomainName"] = "default-az-0"
		}
	case Nutanix:
		spec = map[string]any{
			"vcpusPerSocket": 1, "vcpuSockets": 4, "memorySize": "8Gi", "systemDiskSize": "40Gi",
			"image":   map[string]any{"type": "name", "name": "eksa-ubuntu-1-23"},
			"cluster": map[string]any{"type": "name", "name": "prism-cluster"},
			"subnet":  []any{map[string]any{"type": "name", "name": "prism-subnet"}},
			// EKS-A renders a placeholder providerID into the template; CAPX's
			// schema requires one.
			"providerID": "nutanix://" + b.name + "-m1",
		}
	case Tinkerbell:
		selector := map[string]string{"control-plane-template": "cp", "md-0": "worker"}[role]
		spec = map[string]any{
			"hardwareAffinity": map[string]any{"required": []any{map[string]any{
				"labelSelector": map[string]any{"matchLabels": map[string]any{"type": selector}},
			}}},
			"templateOverride": "global_timeout: 6000\nname: " + b.name + "\ntasks: []\nversion: \"0.1\"\n",
		}
		if m.Name != "" {
			spec["hardwareName"] = hardwareName(m)
		}
	case Snow:
		spec = map[string]any{
			"ami":                          map[string]any{"id": "eks-d-v1-23-17-ubuntu-ami-02833ca9a8f29c2ea"},
			"cloudInit":                    map[string]any{"insecureSkipSecretsManager": true},
			"devices":                      []string{"10.0.255.1", "10.0.255.2"},
			"iamInstanceProfile":           "control-plane.cluster-api-provider-aws.sigs.k8s.io",
			"instanceType":                 "sbe-c.large",
			"osFamily":                     "ubuntu",
			"physicalNetworkConnectorType": "SFP_PLUS",
			"sshKeyName":                   "default",
			"network": map[string]any{"directNetworkInterfaces": []any{map[string]any{
				"index": 1, "primary": true,
				"ipPool": map[string]any{"kind": "AWSSnowIPPool", "name": b.name + "-ippool"},
			}}},
		}
		if m.Name != "" {
			spec["instanceID"] = snowInstanceID(m)
		}
	case Docker:
		spec = map[string]any{
			"extraMounts": []any{map[string]any{"containerPath": "/var/run/docker.sock", "hostPath": "/var/run/docker.sock"}},
			"customImage": "public.ecr.aws/eks-anywhere/kubernetes-sigs/kind/node:v1.23.17-eks-d-1-23-19-eks-a-47",
		}
	}
	if m.Name != "" {
		spec["providerID"] = m.ProviderID()
	}
	return spec
}

// infraMachine renders a Machine's infrastructure machine, owned by it.
func (b *ClusterBuilder) infraMachine(now time.Time, m Machine, machine, template *unstructured.Unstructured, labels map[string]string) *unstructured.Unstructured {
	u := newObject(b.infraAPIVersion(), b.provider.info().machineKind, eksa.Namespace, m.Name, labels)
	set(u, b.machineSpec(templateRole(b.name, template.GetName()), m), "spec")
	status := b.infraReadyStatus(now, "Ready")
	status["addresses"] = []any{map[string]any{"type": "InternalIP", "address": ipFor(m.Name)}}
	switch b.provider {
	case VSphere:
		status = map[string]any{
			"ready":      true,
			"addresses":  []any{map[string]any{"type": "InternalIP", "address": ipFor(m.Name)}},
			"conditions": V1Beta1.conditions(now, "Ready", "VMProvisioned"),
		}
	case CloudStack:
		status["instanceState"] = "Running"
		status["status"] = "Ready"
	case Nutanix:
		status["vmUUID"] = m.UUID
	case Tinkerbell:
		status["instanceStatus"] = 4 // CAPT's InstanceProvisioned
	}
	set(u, status, "status")
	ownedBy(u, machine, true)
	// CAPI records the template an infrastructure machine was cloned from.
	u.SetAnnotations(map[string]string{
		"cluster.x-k8s.io/cloned-from-name":      template.GetName(),
		"cluster.x-k8s.io/cloned-from-groupkind": template.GetKind() + "." + eksa.GroupInfrastructure,
	})
	return u
}

// templateRole recovers the role part of a template name (<c>-<role>-<millis>).
func templateRole(cluster, template string) string {
	role := template[len(cluster)+1:]
	if i := len(role) - len("-1681571234567"); i > 0 {
		return role[:i]
	}
	return role
}
