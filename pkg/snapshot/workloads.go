package snapshot

import "time"

// Workload is a Deployment's availability.
type Workload struct {
	Namespace, Name    string
	Desired, Available int64
	// Conditions are the Deployment's (Available, Progressing).
	Conditions []Condition
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
