package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// CodeControllerUnavailable: the EKS-A controller's Deployment is not
// available, so nothing applies the cluster's spec. It keeps a code of its
// own, older than controllersDown's (CodeControllerDown), which skips this
// Deployment so that the two never name the same one.
const CodeControllerUnavailable = "EKSAControllerUnavailable"

// eksaControllerDown: the EKS-A controller (snapshot's Controller) has
// fewer replicas available than desired; named, as every controller is,
// with its pod's reason (CrashLoopBackOff, OOMKilled) and restarts.
func eksaControllerDown(f *facts) []hit {
	c := f.mgmt.Controller
	if c == nil || c.Desired == 0 || c.Available >= c.Desired {
		return nil
	}
	ref := "Deployment/" + c.Namespace + "/" + c.Name
	msg := fmt.Sprintf("Deployment %s/%s has %d of %d replicas available: nothing reconciles the EKS-A objects", c.Namespace, c.Name, c.Available, c.Desired)
	pods := podText(c.Pods)
	if pods != "" {
		msg += "; " + pods
	}
	if t := conditionText(f.in.Now, c.Conditions); t != "" {
		msg += "; " + t
	}
	k := f.kubectl()
	return []hit{{clause: "the EKS-A controller is not available", objects: []string{ref},
		findings: []Finding{{Severity: Error, Code: CodeControllerUnavailable, Object: ref,
			Location: string(snapshot.Management), Message: msg, Evidence: evidenceOf(f.in.Now, c.Conditions, nil)}},
		steps: []Step{{Command: fmt.Sprintf("%s -n %s describe deployment %s", k, c.Namespace, c.Name), Why: fmt.Sprintf(
			"the EKS-A controller has %d of %d replicas available (%s): nothing applies the cluster's spec until it runs; "+
				"its events say why (and its last crash's log: `%s -n %s logs deployment/%s --previous`)",
			c.Available, c.Desired, orWords(pods, "no pod of it is ready"), k, c.Namespace, c.Name)}}}}
}
