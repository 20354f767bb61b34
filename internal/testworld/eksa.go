package testworld

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// DefaultEKSAVersion is the seed's era: a KinD round trip, --force-cleanup.
const DefaultEKSAVersion = "v0.16.5"

// EKSASpec describes the EKS-A objects of one cluster on management.
type EKSASpec struct {
	Name              string
	ManagementCluster string // itself for the management cluster
	EKSAVersion       string
	KubernetesVersion string // "1.23"
	Workers           int
	Paused            bool // eksctl's paused annotations (and managed-by-cli)
	VCenter           VCenter
	Provider          Provider // empty: vSphere
	// Now stamps the status the EKS-A controller writes (eksastatus.go) in
	// Flavour's era; zero: no status, as in a backup or a manifest.
	Now     time.Time
	Flavour Flavour
}

// eksaObjects renders the EKS-A Cluster, its VSphereDatacenterConfig and
// VSphereMachineConfigs in `default`, where eksctl applies them.
func eksaObjects(s EKSASpec) []*unstructured.Unstructured {
	const ns = "default"
	pause := func(u *unstructured.Unstructured) {
		if s.Paused {
			a := u.GetAnnotations()
			if a == nil {
				a = map[string]string{}
			}
			a[eksa.AnnotationEKSAPaused] = "true"
			u.SetAnnotations(a)
		}
	}
	p := s.Provider
	if p == "" {
		p = VSphere
	}
	info := p.info()
	groupRef := func(name string) map[string]any {
		if info.machineConfigKind == "" {
			return nil // Docker: no machine configs
		}
		return map[string]any{"kind": info.machineConfigKind, "name": name}
	}
	cluster := newObject(EKSAAPIVersion, "Cluster", ns, s.Name, nil)
	spec := map[string]any{
		"kubernetesVersion": s.KubernetesVersion,
		"clusterNetwork": map[string]any{
			"cniConfig": map[string]any{"cilium": map[string]any{}},
			"pods":      map[string]any{"cidrBlocks": []string{"192.168.0.0/16"}},
			"services":  map[string]any{"cidrBlocks": []string{"10.96.0.0/12"}},
		},
		"controlPlaneConfiguration": map[string]any{
			"count": 1, "endpoint": map[string]any{"host": "10.0.0.10"},
			"machineGroupRef": groupRef(s.Name + "-cp"),
		},
		"externalEtcdConfiguration": map[string]any{
			"count": 1, "machineGroupRef": groupRef(s.Name + "-etcd"),
		},
		"workerNodeGroupConfigurations": []any{map[string]any{
			"name": "md-0", "count": s.Workers,
			"machineGroupRef": groupRef(s.Name),
		}},
		"datacenterRef":     map[string]any{"kind": info.datacenterKind, "name": s.Name},
		"managementCluster": map[string]any{"name": s.ManagementCluster},
	}
	if !p.ExternalEtcd() {
		delete(spec, "externalEtcdConfiguration")
	}
	if info.machineConfigKind == "" {
		for _, path := range [][]string{{"controlPlaneConfiguration"}, {"externalEtcdConfiguration"}} {
			if m, ok := spec[path[0]].(map[string]any); ok {
				delete(m, "machineGroupRef")
			}
		}
		delete(spec["workerNodeGroupConfigurations"].([]any)[0].(map[string]any), "machineGroupRef")
	}
	if eraAtLeast(s.EKSAVersion, "v0.18") {
		spec["eksaVersion"] = s.EKSAVersion
	} else {
		spec["bundlesRef"] = map[string]any{"apiVersion": EKSAAPIVersion, "name": bundlesName(s.EKSAVersion), "namespace": ns}
	}
	set(cluster, spec, "spec")
	setEKSAClusterStatus(cluster, s)
	pause(cluster)
	if s.Paused {
		a := cluster.GetAnnotations()
		a[eksa.AnnotationManagedByCLI] = "true"
		cluster.SetAnnotations(a)
	}

	if p != VSphere {
		out := []*unstructured.Unstructured{cluster}
		for _, u := range providerEKSAObjects(p, s) {
			pause(u)
			out = append(out, u)
		}
		return out
	}
	dc := newObject(EKSAAPIVersion, "VSphereDatacenterConfig", ns, s.Name, nil)
	set(dc, map[string]any{
		"server": s.VCenter.Server, "thumbprint": s.VCenter.Thumbprint, "datacenter": s.VCenter.Datacenter,
		"network": s.VCenter.Network, "insecure": false,
	}, "spec")
	pause(dc)
	out := []*unstructured.Unstructured{cluster, dc}
	for _, name := range []string{s.Name + "-cp", s.Name + "-etcd", s.Name} {
		mc := newObject(EKSAAPIVersion, "VSphereMachineConfig", ns, name, nil)
		set(mc, map[string]any{
			"datastore": s.VCenter.Datastore, "folder": s.VCenter.Folder, "resourcePool": s.VCenter.ResourcePool,
			"template": "/DC0/vm/bottlerocket-vmware-k8s-" + s.KubernetesVersion + "-x86_64",
			"numCPUs":  2, "memoryMiB": 8192, "diskGiB": 25, "osFamily": "bottlerocket",
		}, "spec")
		pause(mc)
		out = append(out, mc)
	}
	return out
}

// bundlesObjects renders the Bundles object and the EKS-A controller
// Deployment: the places a reader finds the management cluster's EKS-A version.
func bundlesObjects(eksaVersion string, now time.Time) []*unstructured.Unstructured {
	image := "public.ecr.aws/eks-anywhere/cluster-controller:" + eksaVersion + "-eks-a-" + bundleNumber(eksaVersion)
	bundles := newObject(EKSAAPIVersion, "Bundles", "default", bundlesName(eksaVersion), nil)
	set(bundles, map[string]any{
		"number":        bundleSerial(eksaVersion), // an integer in EKS-A's schema
		"cliMinVersion": eksaVersion,
		"cliMaxVersion": eksaVersion,
		"versionsBundles": []any{map[string]any{
			"kubeVersion": "1.23",
			"eksa":        map[string]any{"version": eksaVersion, "clusterController": map[string]any{"uri": image}},
		}},
	}, "spec")
	deploy := newObject("apps/v1", "Deployment", eksa.Namespace, "eksa-controller-manager", map[string]string{"control-plane": "controller-manager"})
	selector := map[string]any{"control-plane": "controller-manager"}
	set(deploy, map[string]any{
		"replicas": 1,
		"selector": map[string]any{"matchLabels": selector},
		"template": map[string]any{
			"metadata": map[string]any{"labels": selector},
			"spec": map[string]any{"containers": []any{map[string]any{
				"name": "manager", "image": image,
			}}},
		},
	}, "spec")
	// As the Deployment controller leaves a running controller: available.
	set(deploy, DeploymentRunning(deploy.GetName(), now), "status")
	return []*unstructured.Unstructured{bundles, deploy}
}

// bundleNumber is a stable bundle number for a version: v0.16.5 -> 47.
func bundleNumber(eksaVersion string) string {
	known := map[string]string{"v0.16.5": "47", "v0.17.6": "53", "v0.19.8": "71", "v0.21.3": "85"}
	if n, ok := known[eksaVersion]; ok {
		return n
	}
	return "1"
}

func bundleSerial(eksaVersion string) int64 {
	n, _ := strconv.ParseInt(bundleNumber(eksaVersion), 10, 64)
	return n
}

func bundlesName(eksaVersion string) string { return "bundles-" + bundleNumber(eksaVersion) }

// eraAtLeast compares EKS-A minor versions ("v0.19.8" >= "v0.18").
func eraAtLeast(version, minimum string) bool {
	return minorOf(version) >= minorOf(minimum)
}

func minorOf(v string) int {
	parts := strings.Split(strings.TrimPrefix(v, "v"), ".")
	if len(parts) < 2 {
		return 0
	}
	var n int
	_, _ = fmt.Sscanf(parts[1], "%d", &n)
	return n
}

// nodeObject renders the Node a Machine became on the management cluster,
// Ready and under no pressure, with the kubelet version EKS-D reports.
func nodeObject(m Machine, now time.Time) *unstructured.Unstructured {
	labels := map[string]string{"kubernetes.io/hostname": m.NodeName, "kubernetes.io/os": "linux"}
	if m.Role == RoleControlPlane {
		labels["node-role.kubernetes.io/control-plane"] = ""
		labels["node-role.kubernetes.io/master"] = ""
	}
	n := newObject("v1", "Node", "", m.NodeName, labels)
	set(n, map[string]any{"providerID": m.ProviderID()}, "spec")
	ts := now.UTC().Format(time.RFC3339)
	condition := func(t, status, reason, message string) any {
		return map[string]any{"type": t, "status": status, "reason": reason, "message": message,
			"lastHeartbeatTime": ts, "lastTransitionTime": ts}
	}
	set(n, map[string]any{
		// The kubelet's conditions in its order (k8s.io/kubernetes
		// pkg/kubelet/nodestatus/setters.go).
		"conditions": []any{
			condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
			condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
			condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
			condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
		},
		"addresses": []any{map[string]any{"type": "InternalIP", "address": ipFor(m.Name)}},
		"nodeInfo":  nodeInfo(m),
	}, "status")
	return n
}

// nodeInfo is what the kubelet reports; CAPI copies it into Machine status.
func nodeInfo(m Machine) map[string]any {
	return map[string]any{
		"kubeletVersion": KubeletVersion(m.Version), "kubeProxyVersion": KubeletVersion(m.Version),
		"osImage": "Bottlerocket OS 1.13.1 (vmware-k8s-1.23)", "containerRuntimeVersion": "containerd://1.6.19",
		"kernelVersion": "5.15.102", "operatingSystem": "linux", "architecture": "amd64",
		"machineID": m.UUID, "systemUUID": m.UUID, "bootID": m.UUID,
	}
}
