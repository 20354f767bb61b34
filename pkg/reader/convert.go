package reader

import (
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// metaObject is an Object of what its metadata says: the whole of what is
// read of the kinds read as metadata only, and toObject's start.
func metaObject(apiVersion, kind string, m *metav1.ObjectMeta) snapshot.Object {
	o := snapshot.Object{
		Group: groupOf(apiVersion), Version: versionOf(apiVersion), Kind: kind,
		Namespace: m.Namespace, Name: m.Name,
		Labels: m.Labels, Annotations: m.Annotations,
		Created: m.CreationTimestamp.Time, Generation: m.Generation,
		Fields: map[string]string{},
	}
	o.ClusterName = o.Labels[eksa.LabelClusterName]
	for _, ref := range m.OwnerReferences {
		o.Owners = append(o.Owners, objgraph.OwnerKey(ref))
	}
	return o
}

// toObject reduces an object of either CAPI contract to plain values.
func toObject(u *unstructured.Unstructured) snapshot.Object {
	o := metaObject(u.GetAPIVersion(), u.GetKind(), &metav1.ObjectMeta{
		Namespace: u.GetNamespace(), Name: u.GetName(), Labels: u.GetLabels(), Annotations: u.GetAnnotations(),
		CreationTimestamp: u.GetCreationTimestamp(), OwnerReferences: u.GetOwnerReferences(), Generation: u.GetGeneration(),
	})
	o.ObservedGeneration, _ = asInt(nested(u, "status", "observedGeneration"))
	o.Ready = readyCondition(u)
	o.Conditions = conditions(u)
	o.Counts = counts(u)
	if ts := u.GetDeletionTimestamp(); ts != nil {
		o.Deleting = ts.Time
	}
	if o.ClusterName == "" {
		o.ClusterName, _, _ = unstructured.NestedString(u.Object, "spec", "clusterName")
	}
	if o.Group == eksa.GroupCAPI && o.Kind == "Cluster" {
		o.ClusterName = o.Name
	}
	o.Paused, _, _ = unstructured.NestedBool(u.Object, "spec", "paused")
	// status.ready: etcdadm-controller's word for an EtcdadmCluster (and
	// the providers' for their clusters).
	if ready, ok := nested(u, "status", "ready").(bool); ok {
		o.Fields["ready"] = map[bool]string{true: "true", false: "false"}[ready]
	}
	if v, ok, _ := unstructured.NestedString(u.Object, "spec", "version"); ok {
		o.Fields["version"] = v
	}
	if o.Group == eksa.GroupEKSA {
		eksaFields(u, o.Fields)
		if o.Kind == "Cluster" {
			o.Certificates = certificates(u)
		}
	}
	return o
}

// eksaFields reads where the EKS-A version is written down.
func eksaFields(u *unstructured.Unstructured, f map[string]string) {
	switch u.GetKind() {
	case "Cluster":
		set(f, "eksaVersion", u, "spec", "eksaVersion")
		set(f, "kubernetesVersion", u, "spec", "kubernetesVersion")
		set(f, "managementCluster", u, "spec", "managementCluster", "name")
		set(f, "bundlesRef", u, "spec", "bundlesRef", "name")
		set(f, "failureMessage", u, "status", "failureMessage")
		set(f, "failureReason", u, "status", "failureReason")
	case "Bundles":
		bundles, _, _ := unstructured.NestedSlice(u.Object, "spec", "versionsBundles")
		for _, b := range bundles {
			if m, ok := b.(map[string]any); ok {
				if v, _, _ := unstructured.NestedString(m, "eksa", "version"); v != "" {
					f["eksaVersion"] = v
					break
				}
			}
		}
		if f["eksaVersion"] == "" {
			set(f, "eksaVersion", u, "spec", "cliMaxVersion")
		}
	case eksa.KindControlPlaneUpgrade, eksa.KindMachineDeploymentUpgrade, eksa.KindNodeUpgrade:
		upgradeFields(u, f)
	case "VSphereDatacenterConfig":
		set(f, "server", u, "spec", "server")
		set(f, "thumbprint", u, "spec", "thumbprint")
		set(f, "datacenter", u, "spec", "datacenter")
	}
}

func set(f map[string]string, key string, u *unstructured.Unstructured, path ...string) {
	if v, ok, _ := unstructured.NestedString(u.Object, path...); ok && v != "" {
		f[key] = v
	}
}

func toMachine(u *unstructured.Unstructured) snapshot.Machine {
	labels := u.GetLabels()
	m := snapshot.Machine{
		Name: u.GetName(), ClusterName: labels[eksa.LabelClusterName],
		Created: u.GetCreationTimestamp().Time, Ready: readyCondition(u), Role: snapshot.RoleWorker,
	}
	if _, ok := labels[eksa.LabelControlPlane]; ok {
		m.Role = snapshot.RoleControlPlane
	}
	if _, ok := labels[eksa.LabelEtcdCluster]; ok {
		m.Role = snapshot.RoleEtcd
	}
	if m.ClusterName == "" {
		m.ClusterName, _, _ = unstructured.NestedString(u.Object, "spec", "clusterName")
	}
	m.Version, _, _ = unstructured.NestedString(u.Object, "spec", "version")
	m.ProviderID, _, _ = unstructured.NestedString(u.Object, "spec", "providerID")
	m.NodeName, _, _ = unstructured.NestedString(u.Object, "status", "nodeRef", "name")
	m.Phase, _, _ = unstructured.NestedString(u.Object, "status", "phase")
	m.Conditions = conditions(u)
	if ts := u.GetDeletionTimestamp(); ts != nil {
		m.Deleting = ts.Time
	}
	if ts, _, _ := unstructured.NestedString(u.Object, "status", "deletion", "nodeDrainStartTime"); ts != "" {
		m.DrainStart, _ = time.Parse(time.RFC3339, ts)
	}
	if ref, ok, _ := unstructured.NestedMap(u.Object, "spec", "infrastructureRef"); ok {
		kind, _ := ref["kind"].(string)
		name, _ := ref["name"].(string)
		m.Infra = objgraph.Key{Group: groupOf(str(ref["apiVersion"])), Kind: kind, Name: name}
		if g, _ := ref["apiGroup"].(string); g != "" { // v1beta2's contract reference
			m.Infra.Group = g
		}
	}
	for _, ref := range u.GetOwnerReferences() {
		m.Owners = append(m.Owners, objgraph.OwnerKey(ref))
	}
	return m
}

// readyCondition finds Ready (v1beta1 and most providers), else v1beta2's
// Available, else v1beta2's copy of the old conditions.
func readyCondition(u *unstructured.Unstructured) *snapshot.Condition {
	paths := [][]string{
		{"status", "conditions"},
		{"status", "deprecated", "v1beta1", "conditions"},
	}
	for _, want := range []string{"Ready", "Available"} {
		for _, p := range paths {
			// NoCopy: read only, and NestedSlice's deep copy is much of the
			// conversion's cost for thousands of objects.
			field, _, _ := unstructured.NestedFieldNoCopy(u.Object, p...)
			conds, _ := field.([]any)
			for _, c := range conds {
				m, ok := c.(map[string]any)
				if !ok || m["type"] != want {
					continue
				}
				cond := &snapshot.Condition{Type: want}
				cond.Status, _ = m["status"].(string)
				cond.Severity, _ = m["severity"].(string)
				cond.Reason, _ = m["reason"].(string)
				cond.Message, _ = m["message"].(string)
				if ts, _ := m["lastTransitionTime"].(string); ts != "" {
					cond.LastTransitionTime, _ = time.Parse(time.RFC3339, ts)
				}
				return cond
			}
		}
	}
	return nil
}

func toNode(k *corev1.Node) snapshot.Node {
	n := snapshot.Node{Name: k.Name, Created: k.CreationTimestamp.Time, KubeletVersion: k.Status.NodeInfo.KubeletVersion, ProviderID: k.Spec.ProviderID}
	for _, c := range k.Status.Conditions {
		sc := snapshot.Condition{Type: string(c.Type), Status: string(c.Status), Reason: c.Reason,
			Message: c.Message, LastTransitionTime: c.LastTransitionTime.Time}
		switch {
		case c.Type == corev1.NodeReady:
			n.Ready = c.Status == corev1.ConditionTrue
			n.ReadyCondition = sc
		case c.Status != corev1.ConditionFalse:
			n.Problems = append(n.Problems, sc)
		}
	}
	for l := range k.Labels {
		if role, ok := strings.CutPrefix(l, "node-role.kubernetes.io/"); ok {
			n.Roles = append(n.Roles, role)
			if role == "control-plane" || role == "master" {
				n.ControlPlane = true
			}
		}
	}
	sortStrings(n.Roles)
	return n
}

func groupOf(apiVersion string) string {
	if i := strings.LastIndex(apiVersion, "/"); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}

func versionOf(apiVersion string) string {
	return apiVersion[strings.LastIndex(apiVersion, "/")+1:]
}
