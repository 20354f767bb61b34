package diagnose

import (
	"fmt"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// CodeEKSAClusterFailure: the EKS-A Cluster's status.failureMessage is set.
const CodeEKSAClusterFailure = "EKSAClusterFailure"

// clusterFailure: the EKS-A Cluster's status.failureMessage. The CLI stops
// at once on it ("cluster has a validation error that doesn't seem
// transient"): nothing proceeds until the cause is fixed.
func clusterFailure(f *facts) []hit {
	c, ok := f.eksaCluster()
	if !ok || c.Fields["failureMessage"] == "" {
		return nil
	}
	ref := objectRef(c)
	msg := text.OneLine(c.Fields["failureMessage"])
	finding := Finding{Severity: Error, Code: CodeEKSAClusterFailure, Object: ref, Location: string(snapshot.Management),
		Message:  strings.TrimSpace(fmt.Sprintf("status.failureMessage: %s %s", msg, parens(c.Fields["failureReason"]))),
		Evidence: failureEvidence(f, c)}
	steps := []Step{{Command: f.kubectl() + " -n " + orDefault(c.Namespace) + " get clusters.anywhere.eks.amazonaws.com " + c.Name + " -o yaml",
		Why: "the EKS-A controller stopped on a failure it does not retry (status.failureMessage: " + msg + "): fix its cause in the cluster spec or the infrastructure, then apply the spec again"}}
	if hardwareShort(msg) {
		steps = []Step{{
			Command: f.kubectl() + " get hardware.tinkerbell.org -A -L " + eksa.LabelTinkerbellOwnerName,
			Why: "the bare-metal upgrade needs spare Hardware it does not have (status.failureMessage: " + msg + "): " +
				"a rolling upgrade needs one spare machine per control-plane and worker group being rolled (maxSurge). " +
				"Add Hardware (generate it from your hardware CSV and apply it), or set upgradeRolloutStrategy.rollingUpdate.maxSurge: 0 " +
				"in the cluster spec to roll in place of an existing machine, then rerun the upgrade",
		}}
	}
	return []hit{{clause: "the EKS-A Cluster reports a failure: " + msg, findings: []Finding{finding}, steps: steps, objects: []string{ref}}}
}

// hardwareShort: the failure is bare metal's "not enough hardware".
func hardwareShort(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "hardware") &&
		(strings.Contains(m, "not enough") || strings.Contains(m, "insufficient") || strings.Contains(m, "minimum") || strings.Contains(m, "available"))
}

func oneLineText(s string) string { return text.OneLine(s) }

func orDefault(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

// failureEvidence: an EKS-A Cluster's failureMessage and failureReason, and
// its conditions not as they should be.
func failureEvidence(f *facts, c snapshot.Object) *Evidence {
	e := evidenceOf(f.in.Now, c.Conditions, nil)
	if msg := c.Fields["failureMessage"]; msg != "" {
		e.Conditions = append([]EvidenceCondition{{Type: "status.failureMessage", Status: "set", Reason: c.Fields["failureReason"],
			Message: oneLineText(msg)}}, e.Conditions...)
	}
	return e
}

func parens(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}
