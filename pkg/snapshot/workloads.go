package snapshot

import "time"

// Workload is a Deployment's availability.
type Workload struct {
	Namespace, Name    string
	Desired, Available int64
	// Conditions are the Deployment's (Available, Progressing).
	Conditions []Condition
	// Pods are the Deployment's pods, read only when it is not available.
	Pods []Pod
}

// Down: the Deployment wants replicas and has fewer available, or says
// it is not Available.
func (w Workload) Down() bool {
	if w.Desired > 0 && w.Available < w.Desired {
		return true
	}
	for _, c := range w.Conditions {
		if c.Type == "Available" && c.Status != "True" {
			return true
		}
	}
	return false
}

// DaemonSet is a DaemonSet's rollout as its status counts it.
type DaemonSet struct {
	Namespace, Name                    string
	Desired, Ready, Updated, Available int64
}

// Converged: every node it should run on runs it, ready and updated.
func (d DaemonSet) Converged() bool {
	return d.Ready >= d.Desired && d.Updated >= d.Desired && d.Available >= d.Desired
}

// DisruptionBudget is a PodDisruptionBudget's name and how many pods it
// expects and lets go now.
type DisruptionBudget struct {
	Namespace, Name   string
	Expected, Allowed int64
}

// VerbDiscover is an Unread's verb for an API group whose kinds discovery
// could not list (its Resource is the group/version).
const VerbDiscover = "discover"

// Unread is one read refused or failed: verb, resource and namespace
// ("" for every namespace), and why.
type Unread struct {
	Verb, Resource, Namespace string
	Error                     string
}

// Webhook is one admission webhook and whether anything serves it.
type Webhook struct {
	Kind          string // ValidatingWebhookConfiguration | MutatingWebhookConfiguration
	Configuration string // the configuration's name
	Name          string // the webhook's name within it
	FailurePolicy string // Fail | Ignore
	// Service is namespace/name of the Service it calls; empty for a URL.
	Service string
	// ReadyEndpoints counts the Service's ready endpoints, from its
	// EndpointSlices.
	ReadyEndpoints int
}

// Pod is a pod reduced to what says why it does not finish.
type Pod struct {
	Namespace, Name, NodeName string
	Phase                     string
	Created                   time.Time
	// Waiting names the first container (init containers first) not done,
	// with its state's reason and message, e.g. "containerd-upgrader:
	// CrashLoopBackOff"; empty when every container ran.
	Waiting string
	// Restarts is the most any of its containers restarted, and
	// LastTerminated that container's last termination reason (OOMKilled,
	// Error), for a pod that keeps crashing.
	Restarts       int64
	LastTerminated string
	// Ready: the pod's Ready condition is True.
	Ready bool
}

// CertificateInfo is one machine's certificate expiry as EKS-A reports it.
type CertificateInfo struct {
	Machine       string
	ExpiresInDays int64
}

// SecretCertificate is one certificate in a Secret, reduced to whose it is
// and when it expires: the Secret's data (the key above all) is never kept.
type SecretCertificate struct {
	Secret   string // namespace/name
	Key      string // the data key: tls.crt, or value (a kubeconfig's client certificate)
	Subject  string // the subject's common name
	NotAfter time.Time
}
