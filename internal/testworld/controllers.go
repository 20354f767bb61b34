package testworld

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// The controllers a management cluster runs, as Deployments the Deployment
// controller reports on: one per clusterctl provider (names from each
// provider's config/manager manifest with clusterctl's namePrefix, as
// EKS-A's components install them: capv-controller-manager in capv-system,
// ...) and cert-manager's three. envtest runs no Deployment controller, so
// the world writes their status as it reads for a running controller.

// CertManagerNamespace is where clusterctl init installs cert-manager.
const CertManagerNamespace = "cert-manager"

// Controller names one controller Deployment of the management cluster.
type Controller struct{ Namespace, Name string }

// controllerNames maps a clusterctl inventory entry to its Deployment.
var controllerNames = map[string]string{
	"cluster-api":                  "capi-controller-manager",
	"bootstrap-kubeadm":            "capi-kubeadm-bootstrap-controller-manager",
	"control-plane-kubeadm":        "capi-kubeadm-control-plane-controller-manager",
	"bootstrap-etcdadm-bootstrap":  "etcdadm-bootstrap-provider-controller-manager",
	"bootstrap-etcdadm-controller": "etcdadm-controller-controller-manager",
	"infrastructure-vsphere":       "capv-controller-manager",
	"infrastructure-cloudstack":    "capc-controller-manager",
	"infrastructure-nutanix":       "capx-controller-manager",
	"infrastructure-tinkerbell":    "capt-controller-manager",
	"infrastructure-snow":          "capas-controller-manager",
	"infrastructure-docker":        "capd-controller-manager",
}

// certManagerComponents are cert-manager's Deployments (the
// app.kubernetes.io/component label of each).
var certManagerComponents = map[string]string{
	"cert-manager": "controller", "cert-manager-cainjector": "cainjector", "cert-manager-webhook": "webhook",
}

// Controllers lists the provider and cert-manager Deployments of a world
// of flavour f and provider p (EKS-A's own, eksa-controller-manager in
// eksa-system, is seeded with the Bundles).
func Controllers(f Flavour, p Provider) []Controller {
	var out []Controller
	for _, inv := range inventory(f, p) {
		out = append(out, Controller{inv.namespace, controllerNames[inv.name]})
	}
	for _, name := range []string{"cert-manager", "cert-manager-cainjector", "cert-manager-webhook"} {
		out = append(out, Controller{CertManagerNamespace, name})
	}
	return out
}

// SystemDeployments are kube-system's Deployments on an EKS-A cluster:
// CoreDNS as EKS-D ships it and Cilium's operator (aws/eks-anywhere
// pkg/networking/cilium: DeploymentName "cilium-operator").
var SystemDeployments = []Controller{{"kube-system", "cilium-operator"}, {"kube-system", "coredns"}}

// systemDeploymentLabels and images are theirs as installed.
var (
	systemDeploymentLabels = map[string]map[string]string{
		"cilium-operator": {"io.cilium/app": "operator", "name": "cilium-operator"},
		"coredns":         {"k8s-app": "kube-dns"},
	}
	systemDeploymentImages = map[string]string{
		"cilium-operator": "public.ecr.aws/isovalent/operator-generic:v1.15.16-eksa.1",
		"coredns":         "public.ecr.aws/eks-distro/coredns/coredns:v1.8.7-eks-1-23-19",
	}
)

// everyDeployment is every Deployment the world runs on management: the
// controllers, EKS-A's and kube-system's.
func (w *World) everyDeployment() []Controller {
	out := append(Controllers(w.Flavour, w.provider()), Controller{eksa.Namespace, eksa.ControllerDeployment})
	return append(out, SystemDeployments...)
}

// controllerObjects renders the controllers of Controllers, and
// kube-system's Deployments, as running.
func controllerObjects(f Flavour, p Provider, now time.Time) []*unstructured.Unstructured {
	versions := map[string]string{}
	for _, inv := range inventory(f, p) {
		versions[inv.namespace] = inv.version
	}
	var out []*unstructured.Unstructured
	for _, c := range Controllers(f, p) {
		var labels map[string]string
		image := "public.ecr.aws/eks-anywhere/" + c.Name + ":" + versions[c.Namespace]
		if c.Namespace == CertManagerNamespace {
			labels = map[string]string{"app.kubernetes.io/name": c.Name, "app.kubernetes.io/instance": "cert-manager",
				"app.kubernetes.io/component": certManagerComponents[c.Name]}
			image = "public.ecr.aws/eks-anywhere/cert-manager/" + c.Name + ":v1.16.3-eks-a-1"
		} else {
			labels = map[string]string{"control-plane": "controller-manager"}
			for _, inv := range inventory(f, p) {
				if inv.namespace == c.Namespace {
					labels[eksa.LabelProvider] = inv.name
				}
			}
		}
		out = append(out, deployment(c.Namespace, c.Name, labels, image, now))
	}
	for _, c := range SystemDeployments {
		out = append(out, deployment(c.Namespace, c.Name, systemDeploymentLabels[c.Name], systemDeploymentImages[c.Name], now))
	}
	return out
}

// deployment renders one single-replica Deployment with the status the
// Deployment controller writes once its ReplicaSet is available.
func deployment(namespace, name string, labels map[string]string, image string, now time.Time) *unstructured.Unstructured {
	u := newObject("apps/v1", "Deployment", namespace, name, labels)
	set(u, map[string]any{
		"replicas": 1,
		"selector": map[string]any{"matchLabels": labels},
		"template": map[string]any{
			"metadata": map[string]any{"labels": labels},
			"spec": map[string]any{"containers": []any{map[string]any{
				"name": "manager", "image": image,
			}}},
		},
	}, "spec")
	set(u, DeploymentRunning(name, now), "status")
	return u
}

// DeploymentRunning is a one-replica Deployment's status as the Deployment
// controller leaves it once the controller runs: available, rolled out.
func DeploymentRunning(name string, now time.Time) map[string]any {
	ts := now.UTC().Format(time.RFC3339)
	return map[string]any{
		"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1,
		"conditions": []any{
			map[string]any{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
				"message": "Deployment has minimum availability.", "lastUpdateTime": ts, "lastTransitionTime": ts},
			map[string]any{"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
				"message":        fmt.Sprintf("ReplicaSet %q has successfully progressed.", name+"-"+podTemplateHash(name)),
				"lastUpdateTime": ts, "lastTransitionTime": ts},
		},
	}
}

// podTemplateHash is the ReplicaSet suffix of a Deployment's pods.
func podTemplateHash(name string) string { return "7d" + stableSuffix(name+"/rs") + "f4" }

// CNIDaemonSet is EKS-A's default CNI: Cilium's agent in kube-system
// (aws/eks-anywhere pkg/networking/cilium/installation.go DaemonSetName).
const CNIDaemonSet = "cilium"

// ciliumDaemonSet renders the Cilium agent on every Node, all ready.
func ciliumDaemonSet(nodes int) *unstructured.Unstructured {
	labels := map[string]string{"k8s-app": "cilium"}
	u := newObject("apps/v1", "DaemonSet", "kube-system", CNIDaemonSet, labels)
	set(u, map[string]any{
		"selector": map[string]any{"matchLabels": labels},
		"template": map[string]any{
			"metadata": map[string]any{"labels": labels},
			"spec": map[string]any{"hostNetwork": true, "containers": []any{map[string]any{
				"name": "cilium-agent", "image": "public.ecr.aws/isovalent/cilium:v1.15.16-eksa.1",
			}}},
		},
	}, "spec")
	set(u, daemonSetStatus(nodes, nodes), "status")
	return u
}

// daemonSetStatus is what the DaemonSet controller writes with ready of
// desired pods ready.
func daemonSetStatus(desired, ready int) map[string]any {
	s := map[string]any{
		"observedGeneration": 1, "desiredNumberScheduled": desired, "currentNumberScheduled": desired,
		"updatedNumberScheduled": desired, "numberMisscheduled": 0, "numberReady": ready, "numberAvailable": ready,
	}
	if ready < desired {
		s["numberUnavailable"] = desired - ready
	}
	return s
}

// nodeCount is how many Nodes cluster3's Machines became.
func (w *World) nodeCount() int {
	n := 0
	for _, m := range w.Cluster3().Machines {
		if m.NodeName != "" {
			n++
		}
	}
	return n
}
