package testworld

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// What a real cluster carries beyond its Machines, for every provider: the
// MachineHealthChecks the EKS-A controller adds, the provider's credentials
// Secret, its ClusterResourceSets, and what the provider keeps next to the
// cluster (failure domains, IP pools, Hardware).

// providerObjects renders them, owners first; key material goes into c.Secrets.
func (b *ClusterBuilder) providerObjects(now time.Time, c *Cluster, cluster, infraCluster *unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	out := b.machineHealthChecks(now, cluster)
	secret := func(name, secretType string, data map[string][]byte, labels ...string) *unstructured.Unstructured {
		l := map[string]string{}
		for i := 0; i+1 < len(labels); i += 2 {
			l[labels[i]] = labels[i+1]
		}
		u := newObject("v1", "Secret", eksa.Namespace, name, l)
		set(u, secretType, "type")
		set(u, encodeData(data), "data")
		c.Secrets[name] = data
		return u
	}
	password := func(what string) []byte { return []byte("world-secret-" + stableSuffix(b.name+"/"+what)) }

	switch b.provider {
	case VSphere:
		// The credentials Secret is in clusterSecrets, as in the seed.
		out = append(out, b.vsphereResourceSets(cluster, secret)...)
	case CloudStack:
		// EKS-A writes the CloudStack credentials as the Secret the failure
		// domain's acsEndpoint names, labelled for move.
		out = append(out, secret("global", "Opaque", map[string][]byte{
			"api-key": password("api-key"), "secret-key": password("secret-key"),
			"api-url": []byte("https://cloudstack.example:8080/client/api"), "verify-ssl": []byte("true"),
		}, eksa.LabelMove, "true"))
		fd := newObject(b.infraAPIVersion(), "CloudStackFailureDomain", eksa.Namespace,
			cloudStackFailureDomainName("default-az-0", b.name), b.labels())
		set(fd, b.cloudStackFailureDomainSpec(), "spec")
		set(fd, map[string]any{"ready": true}, "status")
		fd.SetFinalizers([]string{"cloudstackfailuredomain.infrastructure.cluster.x-k8s.io"})
		ownedBy(fd, infraCluster, true)
		out = append(out, fd)
	case Nutanix:
		creds := secret("capx-"+b.name, "Opaque", map[string][]byte{
			"credentials": []byte(`[{"type":"basic_auth","data":{"prismCentral":{"username":"admin","password":"` + string(password("prism")) + `"}}}]`),
		})
		// CAPX takes ownership of the credentials its NutanixCluster names.
		ownedBy(creds, infraCluster, false)
		out = append(out, creds)
		out = append(out, b.resourceSet(cluster, "nutanix-ccm-crs", []resource{
			{"ConfigMap", b.name + "-nutanix-ccm", nil},
			{"Secret", b.name + "-nutanix-ccm-secret", map[string][]byte{
				"nutanix-ccm-secret.yaml": []byte("apiVersion: v1\nkind: Secret\nmetadata: {name: nutanix-creds, namespace: kube-system}\nstringData:\n  credentials: " + string(password("prism")) + "\n"),
			}},
		}, secret)...)
	case Snow:
		out = append(out, secret(b.name+"-snow-credentials", "Opaque", map[string][]byte{
			"credentials": []byte("[10.0.255.1]\naws_access_key_id = AKIA" + stableSuffix(b.name+"/id") + "\naws_secret_access_key = " + string(password("snow")) + "\nregion = snow\n"),
			"ca-bundle":   []byte("-----BEGIN CERTIFICATE-----\nworld\n-----END CERTIFICATE-----\n"),
		}, eksa.LabelMove, "true"))
		pool := newObject(b.infraAPIVersion(), "AWSSnowIPPool", eksa.Namespace, b.name+"-ippool", nil)
		set(pool, map[string]any{"pools": []any{map[string]any{
			"ipStart": "10.0.200.10", "ipEnd": "10.0.200.50", "subnet": "10.0.200.0/24", "gateway": "10.0.200.1",
		}}}, "spec")
		out = append(out, pool)
	case Tinkerbell:
		out = append(out, b.tinkerbellHardware(c, secret)...)
	}
	return out, nil
}

// machineHealthCheckSpec is the spec EKS-A renders for a MachineHealthCheck,
// in the contract's shape: v1beta1 requires unhealthyConditions, v1beta2
// moved them under checks and maxUnhealthy under remediation.
func machineHealthCheckSpec(f Flavour, cluster, maxUnhealthy string, selector map[string]any) map[string]any {
	if f == V1Beta2 {
		return map[string]any{
			"clusterName": cluster,
			"selector":    map[string]any{"matchLabels": selector},
			"checks": map[string]any{"nodeStartupTimeoutSeconds": 1200, "unhealthyNodeConditions": []any{
				map[string]any{"type": "Ready", "status": "Unknown", "timeoutSeconds": 300},
				map[string]any{"type": "Ready", "status": "False", "timeoutSeconds": 300},
			}},
			"remediation": map[string]any{"triggerIf": map[string]any{"unhealthyLessThanOrEqualTo": maxUnhealthy}},
		}
	}
	return map[string]any{
		"clusterName": cluster, "maxUnhealthy": maxUnhealthy, "nodeStartupTimeout": "20m0s",
		"selector": map[string]any{"matchLabels": selector},
		"unhealthyConditions": []any{
			map[string]any{"type": "Ready", "status": "Unknown", "timeout": "5m0s"},
			map[string]any{"type": "Ready", "status": "False", "timeout": "5m0s"},
		},
	}
}

// machineHealthChecks are the two the EKS-A controller creates per cluster
// (<c>-kcp-unhealthy, <md>-worker-unhealthy), owned by the Cluster as CAPI's
// MachineHealthCheck controller leaves them.
func (b *ClusterBuilder) machineHealthChecks(now time.Time, cluster *unstructured.Unstructured) []*unstructured.Unstructured {
	f := b.flavour
	mhc := func(name, maxUnhealthy string, selector map[string]string, expected int) *unstructured.Unstructured {
		u := newObject(f.APIVersion(eksa.GroupCAPI), "MachineHealthCheck", eksa.Namespace, name, b.labels())
		match := map[string]any{}
		for k, v := range selector {
			match[k] = v
		}
		set(u, machineHealthCheckSpec(f, b.name, maxUnhealthy, match), "spec")
		set(u, map[string]any{
			"expectedMachines": expected, "currentHealthy": expected, "remediationsAllowed": expected,
			"conditions": f.conditions(now, "RemediationAllowed"),
		}, "status")
		ownedBy(u, cluster, false)
		return u
	}
	return []*unstructured.Unstructured{
		mhc(b.name+"-kcp-unhealthy", "100%", map[string]string{eksa.LabelClusterName: b.name, eksa.LabelControlPlane: ""}, 1),
		mhc(b.name+"-md-0-worker-unhealthy", "40%", map[string]string{eksa.LabelClusterName: b.name, eksa.LabelDeploymentName: b.name + "-md-0"}, b.workers),
	}
}
