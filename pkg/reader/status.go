package reader

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// conditions reads every status condition, in either contract: the
// contract's own, then v1beta2's deprecated v1beta1 copy for the types the
// first lacks (Ready, with its reason, lives only there in v1beta2). Where
// both lists carry a type and only the copy is not green, the copy is
// kept: a red signal in either list is a red signal.
func conditions(u *unstructured.Unstructured) []snapshot.Condition {
	var out []snapshot.Condition
	at := map[string]int{}
	for _, p := range [][]string{{"status", "conditions"}, {"status", "deprecated", "v1beta1", "conditions"}} {
		field, _, _ := unstructured.NestedFieldNoCopy(u.Object, p...)
		list, _ := field.([]any)
		for _, c := range list {
			m, ok := c.(map[string]any)
			if !ok {
				continue
			}
			cond := snapshot.Condition{Type: str(m["type"]), Status: str(m["status"]), Severity: str(m["severity"]),
				Reason: str(m["reason"]), Message: str(m["message"])}
			if ts := str(m["lastTransitionTime"]); ts != "" {
				cond.LastTransitionTime, _ = time.Parse(time.RFC3339, ts)
			}
			if i, seen := at[cond.Type]; seen {
				if out[i].Green() && !cond.Green() {
					out[i] = cond
				}
				continue
			}
			at[cond.Type] = len(out)
			out = append(out, cond)
		}
	}
	return out
}

// countNames are the integer status fields diagnosis reads, in both
// contracts; v1beta2 keeps the old ones (updatedReplicas) under
// status.deprecated.v1beta1, read when the top level lacks them.
var countNames = []string{
	"replicas", "updatedReplicas", "upToDateReplicas", "readyReplicas", "availableReplicas",
	"unavailableReplicas", "expectedMachines", "currentHealthy", "remediationsAllowed",
	"requireUpgrade", "upgraded",
}

// counts reads the status counts and spec.replicas; nil when none.
func counts(u *unstructured.Unstructured) map[string]int64 {
	out := map[string]int64{}
	for _, p := range [][]string{{"status", "deprecated", "v1beta1"}, {"status"}} {
		field, _, _ := unstructured.NestedFieldNoCopy(u.Object, p...)
		m, _ := field.(map[string]any)
		for _, name := range countNames {
			if v, ok := asInt(m[name]); ok {
				out[name] = v
			}
		}
	}
	if v, ok := asInt(nested(u, "spec", "replicas")); ok {
		out["spec.replicas"] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// certificates reads an EKS-A Cluster's status.clusterCertificateInfo.
func certificates(u *unstructured.Unstructured) []snapshot.CertificateInfo {
	list, _ := nested(u, "status", "clusterCertificateInfo").([]any)
	var out []snapshot.CertificateInfo
	for _, c := range list {
		m, _ := c.(map[string]any)
		days, ok := asInt(m["expiresInDays"])
		if ok {
			out = append(out, snapshot.CertificateInfo{Machine: str(m["machine"]), ExpiresInDays: days})
		}
	}
	return out
}

// upgradeFields reads an in-place upgrade object: what it upgrades and
// whether it finished.
func upgradeFields(u *unstructured.Unstructured, f map[string]string) {
	set(f, "kubernetesVersion", u, "spec", "kubernetesVersion")
	set(f, "controlPlane", u, "spec", "controlPlane", "name")
	set(f, "machineDeployment", u, "spec", "machineDeployment", "name")
	set(f, "machine", u, "spec", "machine", "name")
	for _, name := range []string{"ready", "completed"} {
		if b, ok := nested(u, "status", name).(bool); ok {
			f[name] = map[bool]string{true: "true", false: "false"}[b]
		}
	}
}

func nested(u *unstructured.Unstructured, path ...string) any {
	v, _, _ := unstructured.NestedFieldNoCopy(u.Object, path...)
	return v
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}

func str(v any) string { s, _ := v.(string); return s }
