package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// CodeRemediationBlocked: a MachineHealthCheck refuses to replace its
// unhealthy Machines ("Remediation is not allowed, the number of not
// started or unhealthy machines exceeds maxUnhealthy"), so a rollout
// waiting on them never ends.
const CodeRemediationBlocked = "RemediationBlocked"

// blockedHealthChecks are the cluster's MachineHealthChecks whose
// RemediationAllowed condition (both contracts name it so) is False.
func (f *facts) blockedHealthChecks() []snapshot.Object {
	var out []snapshot.Object
	for _, o := range f.mgmtObjs {
		if o.Group != eksa.GroupCAPI || o.Kind != "MachineHealthCheck" {
			continue
		}
		for _, c := range o.Conditions {
			if c.Type == "RemediationAllowed" && c.Status == "False" {
				out = append(out, o)
			}
		}
	}
	return out
}

// healthChecksBlocked: a hit per MachineHealthCheck holding remediation
// back.
func healthChecksBlocked(f *facts) []hit {
	var out []hit
	for _, o := range f.blockedHealthChecks() {
		expected, healthy := o.Counts["expectedMachines"], o.Counts["currentHealthy"]
		msg := fmt.Sprintf("MachineHealthCheck %s holds remediation back: %d of %d Machines unhealthy", o.Name, expected-healthy, expected)
		if c := conditionText(f.in.Now, o.Conditions); c != "" {
			msg += "; " + c
		}
		ref := objectRef(o)
		out = append(out, hit{clause: "MachineHealthCheck " + o.Name + " holds remediation back", objects: []string{ref},
			findings: []Finding{{Severity: Error, Code: CodeRemediationBlocked, Object: ref,
				Location: string(snapshot.Management), Message: msg, Evidence: evidenceOf(f.in.Now, o.Conditions, o.Counts)}},
			steps: []Step{{Command: f.kubectl() + " -n " + eksa.Namespace + " describe machinehealthchecks.cluster.x-k8s.io " + o.Name, Why: fmt.Sprintf(
				"MachineHealthCheck %s will not replace unhealthy Machines while more than maxUnhealthy are: bring the unhealthy Machines it lists back "+
					"(the findings above name the stuck ones) and remediation resumes", o.Name)}}})
	}
	return out
}
