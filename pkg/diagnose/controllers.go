package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// CodeControllerDown: a controller the upgrade needs (Cluster API, a
// provider, etcdadm, cert-manager) is not available; whatever it
// reconciles stands still (EKS-A's troubleshooting guide, #5131, #5268).
// EKS-A's own controller keeps its code (CodeControllerUnavailable).
const CodeControllerDown = "ControllerUnavailable"

// controllersDown: one hit per controller Deployment not available, with
// its pod's reason (CrashLoopBackOff, OOMKilled) and restarts.
func controllersDown(f *facts) []hit {
	var out []hit
	k := f.kubectl()
	for _, w := range f.mgmt.Controllers {
		if !w.Down() || (w.Namespace == eksa.Namespace && w.Name == eksa.ControllerDeployment) {
			continue
		}
		ref := "Deployment/" + w.Namespace + "/" + w.Name
		msg := fmt.Sprintf("Deployment %s/%s has %d of %d replicas available: nothing reconciles what it manages", w.Namespace, w.Name, w.Available, w.Desired)
		if p := podText(w.Pods); p != "" {
			msg += "; " + p
		}
		if t := conditionText(f.in.Now, w.Conditions); t != "" {
			msg += "; " + t
		}
		logs := fmt.Sprintf("%s -n %s logs deployment/%s --previous", k, w.Namespace, w.Name)
		h := hit{clause: "controller " + w.Namespace + "/" + w.Name + " is not available", objects: []string{ref},
			findings: []Finding{{Severity: Error, Code: CodeControllerDown, Object: ref, Location: string(snapshot.Management),
				Message: msg, Evidence: evidenceOf(f.in.Now, w.Conditions, nil)}},
			steps: []Step{{Command: logs, Why: fmt.Sprintf(
				"controller %s/%s is down (%s): its last crash's log says why. Fix that first (an OOMKilled controller needs a higher memory limit "+
					"on its Deployment); nothing it reconciles moves until it runs", w.Namespace, w.Name, orWords(podText(w.Pods), "no pod of it is ready"))}}}
		out = append(out, h)
	}
	return out
}
