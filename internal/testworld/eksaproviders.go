package testworld

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// providerEKSAObjects renders the EKS-A datacenter config and machine configs
// of a non-vSphere cluster (names as eksctl's generated spec has them:
// <c>, <c>-cp, <c>-etcd), with the fields EKS-A's examples set.
func providerEKSAObjects(p Provider, s EKSASpec) []*unstructured.Unstructured {
	const ns = "default"
	info := p.info()
	dc := newObject(EKSAAPIVersion, info.datacenterKind, ns, s.Name, nil)
	var dcSpec, mcSpec map[string]any
	switch p {
	case CloudStack:
		dcSpec = map[string]any{"availabilityZones": []any{map[string]any{
			"name": "default-az-0", "credentialsRef": "global", "domain": "domain1", "account": "admin",
			"managementApiEndpoint": "https://cloudstack.example:8080/client/api",
			"zone":                  map[string]any{"name": "zone1", "network": map[string]any{"name": "net1"}},
		}}}
		mcSpec = map[string]any{"computeOffering": map[string]any{"name": "m4-large"},
			"template": map[string]any{"name": "kubernetes_1_23"}, "users": []any{map[string]any{"name": "capc", "sshAuthorizedKeys": []string{"ssh-rsa AAAA"}}}}
	case Nutanix:
		dcSpec = map[string]any{"endpoint": "prism.nutanix.example", "port": 9440,
			"credentialRef": map[string]any{"kind": "Secret", "name": "nutanix-credentials"}}
		mcSpec = map[string]any{"osFamily": "ubuntu", "vcpusPerSocket": 1, "vcpuSockets": 4, "memorySize": "8Gi", "systemDiskSize": "40Gi",
			"image":   map[string]any{"type": "name", "name": "eksa-ubuntu-1-23"},
			"cluster": map[string]any{"type": "name", "name": "prism-cluster"},
			"subnet":  map[string]any{"type": "name", "name": "prism-subnet"}}
	case Tinkerbell:
		dcSpec = map[string]any{"tinkerbellIP": "10.0.0.5"}
		mcSpec = map[string]any{"osFamily": "bottlerocket", "hardwareSelector": map[string]any{"type": "cp"}}
	case Snow:
		dcSpec = map[string]any{"identityRef": map[string]any{"kind": "Secret", "name": s.Name + "-snow-credentials"}}
		mcSpec = map[string]any{"amiID": "eks-d-v1-23-17-ubuntu-ami-02833ca9a8f29c2ea", "instanceType": "sbe-c.large",
			"osFamily": "ubuntu", "devices": []string{"10.0.255.1", "10.0.255.2"},
			"network": map[string]any{"directNetworkInterfaces": []any{map[string]any{
				"index": 1, "primary": true, "ipPoolRef": map[string]any{"kind": "SnowIPPool", "name": s.Name + "-ippool"},
			}}}}
	case Docker:
		dcSpec = map[string]any{}
	}
	set(dc, dcSpec, "spec")
	out := []*unstructured.Unstructured{dc}
	if p == Snow {
		pool := newObject(EKSAAPIVersion, "SnowIPPool", ns, s.Name+"-ippool", nil)
		set(pool, map[string]any{"pools": []any{map[string]any{
			"ipStart": "10.0.200.10", "ipEnd": "10.0.200.50", "subnet": "10.0.200.0/24", "gateway": "10.0.200.1",
		}}}, "spec")
		out = append(out, pool)
	}
	if info.machineConfigKind == "" {
		return out
	}
	names := []string{s.Name + "-cp", s.Name}
	if p.ExternalEtcd() {
		names = []string{s.Name + "-cp", s.Name + "-etcd", s.Name}
	}
	for _, name := range names {
		mc := newObject(EKSAAPIVersion, info.machineConfigKind, ns, name, nil)
		set(mc, mcSpec, "spec")
		out = append(out, mc)
	}
	return out
}
