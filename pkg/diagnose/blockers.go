package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// What stops any upgrade, whatever the Machines do: UpgradeBlocked.
const (
	CodeWebhookUnavailable         = "WebhookUnavailable"
	CodeControllerUnavailable      = "EKSAControllerUnavailable"
	CodeCertificatesExpired        = "CertificatesExpired"
	CodeCertificatesExpiring       = "CertificatesExpiring"
	CodeManagementComponentsBehind = "ManagementComponentsBehind"
	CodeManagementComponentsAhead  = "ManagementComponentsAhead"
	// Beside them, what the EKS-A Cluster itself says.
	CodeEKSAClusterFailure  = "EKSAClusterFailure"
	CodeEKSAClusterNotReady = "EKSAClusterNotReady"
	CodeEtcdUpgradeStuck    = "EtcdUpgradeStuck"
)

// eksaCluster is the EKS-A Cluster of the cluster on management.
func (f *facts) eksaCluster() (snapshot.Object, bool) {
	for _, o := range f.mgmt.EKSA {
		if o.Group == eksa.GroupEKSA && o.Kind == "Cluster" && o.Name == f.name {
			return o, true
		}
	}
	return snapshot.Object{}, false
}

// deadWebhooks: failurePolicy Fail and no ready endpoint behind the
// Service, so the API server refuses every write the webhook matches.
func (f *facts) deadWebhooks() []snapshot.Webhook {
	var out []snapshot.Webhook
	for _, w := range f.mgmt.Webhooks {
		if w.FailurePolicy == "Fail" && w.Service != "" && w.ReadyEndpoints == 0 {
			out = append(out, w)
		}
	}
	return out
}

func (f *facts) controllerDown() bool {
	c := f.mgmt.Controller
	return c != nil && c.Desired > 0 && c.Available < c.Desired
}

// componentsBehind gives the management components' version when it
// breaks EKS-A's rule (pkg/validations): they may run at most one minor
// version ahead of the cluster's spec.eksaVersion, which is what
// `eksctl anywhere upgrade management-components` leaves on purpose (v0.19+
// writes the annotation). Behind, or further ahead, is a cut-off upgrade.
func (f *facts) componentsBehind() (string, bool) {
	have, want, ok := f.componentsVersions()
	if !ok || have.version == want.version || componentsAheadAllowed(have, want) {
		return "", false
	}
	return have.version, true
}

// componentsAheadAllowed: the components run a newer release, at most one
// minor version ahead of the cluster's.
func componentsAheadAllowed(have, want era) bool {
	return have.newer(want) && have.major == want.major && have.minor-want.minor <= 1
}

func (f *facts) componentsVersions() (have, want era, ok bool) {
	c, found := f.eksaCluster()
	if !found {
		return era{}, era{}, false
	}
	have, okHave := parseEra(c.Annotations[eksa.AnnotationManagementComponentsVersion])
	want, okWant := parseEra(c.Fields["eksaVersion"])
	return have, want, okHave && okWant
}

// blockers says in words what stops any upgrade; none: nothing does.
func (f *facts) blockers() []string {
	var out []string
	if n := len(f.deadWebhooks()); n > 0 {
		out = append(out, text.Plural(n, "admission webhook")+" with failurePolicy Fail and no ready endpoint")
	}
	if f.controllerDown() {
		out = append(out, "the EKS-A controller is not available")
	}
	if where := f.expiredText(); where != "" {
		out = append(out, "certificates expired on "+where)
	}
	if v, ok := f.componentsBehind(); ok {
		out = append(out, "management components on "+v+", not "+f.era.version)
	}
	return append(out, f.familyClauses(true)...)
}

func blockerFindings(f *facts) []Finding {
	var out []Finding
	for _, w := range f.deadWebhooks() {
		out = append(out, Finding{Severity: Error, Code: CodeWebhookUnavailable, Object: w.Kind + "/" + w.Configuration,
			Location: string(snapshot.Management), Message: fmt.Sprintf(
				"webhook %s (failurePolicy Fail) calls Service %s, which has no ready endpoint: the API server refuses every write it matches",
				w.Name, w.Service)})
	}
	if c := f.mgmt.Controller; f.controllerDown() {
		msg := fmt.Sprintf("Deployment %s/%s has %d of %d replicas available: nothing reconciles the EKS-A objects", c.Namespace, c.Name, c.Available, c.Desired)
		if t := conditionText(f.in.Now, c.Conditions); t != "" {
			msg += "; " + t
		}
		out = append(out, Finding{Severity: Error, Code: CodeControllerUnavailable, Object: "Deployment/" + c.Namespace + "/" + c.Name,
			Location: string(snapshot.Management), Message: msg, Evidence: evidenceOf(f.in.Now, c.Conditions, nil)})
	}
	out = append(out, secretCertificateFindings(f)...)
	cluster, ok := f.eksaCluster()
	if !ok {
		return out
	}
	ref := objectRef(cluster)
	out = append(out, machineCertificateFindings(cluster)...)
	if have, want, ok := f.componentsVersions(); ok && have.version != want.version && componentsAheadAllowed(have, want) {
		out = append(out, Finding{Severity: Info, Code: CodeManagementComponentsAhead, Object: ref, Location: string(snapshot.Management),
			Message: fmt.Sprintf("the management components run %s, ahead of the cluster's %s: EKS-A allows one minor version ahead, "+
				"as `eksctl anywhere upgrade management-components` leaves them; upgrade the cluster when ready", have.version, want.version)})
	}
	if v, ok := f.componentsBehind(); ok {
		out = append(out, Finding{Severity: Error, Code: CodeManagementComponentsBehind, Object: ref, Location: string(snapshot.Management),
			Message: fmt.Sprintf("annotation %s is %s but spec.eksaVersion is %s: an upgrade of the management components was cut off",
				eksa.AnnotationManagementComponentsVersion, v, f.era.version)})
	}
	if t := conditionText(f.in.Now, cluster.Conditions); t != "" {
		out = append(out, Finding{Severity: Warning, Code: CodeEKSAClusterNotReady, Object: ref, Location: string(snapshot.Management),
			Message: "the EKS-A Cluster reports " + t, Evidence: evidenceOf(f.in.Now, cluster.Conditions, nil)})
	}
	return append(out, etcdFindings(f)...)
}

// etcdFindings: an EtcdadmCluster that keeps its upgrading annotation (and
// so the control plane paused) without converging.
func etcdFindings(f *facts) []Finding {
	var out []Finding
	for _, o := range f.mgmtObjs {
		if o.Group != eksa.GroupEtcdCluster || o.Kind != "EtcdadmCluster" {
			continue
		}
		if _, ok := o.Annotations[eksa.AnnotationEtcdUpgrading]; !ok || !stuckFor(f.in.Now, lastChange(o.Conditions)) {
			continue
		}
		msg := fmt.Sprintf("EtcdadmCluster %s has carried %s for %s, which keeps the KubeadmControlPlane paused",
			o.Name, eksa.AnnotationEtcdUpgrading, ageText(f.in.Now, lastChange(o.Conditions)))
		if t := conditionText(f.in.Now, o.Conditions); t != "" {
			msg += "; " + t
		}
		out = append(out, Finding{Severity: Error, Code: CodeEtcdUpgradeStuck, Object: objectRef(o), Location: string(snapshot.Management),
			Message: msg, Evidence: evidenceOf(f.in.Now, o.Conditions, o.Counts)})
	}
	return out
}

func parens(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}
