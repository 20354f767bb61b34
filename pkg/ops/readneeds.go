package ops

import (
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/rights"
)

// readNeeds are the reads reader.Read makes (status, and what verify and
// bundle read), for the role a reading command is bound to (Roles): capi
// are the Cluster API kinds it lists in eksa-system (the provider's, which
// vary), then what pkg/reader reads beside them. A read refused is recorded, never fatal (snapshot.Unread):
// status as a user bound to the role reads with no refusal, which is the
// binary test that keeps this list true.
func readNeeds(capi []rights.Resource) []rights.Need {
	out := rights.Needs(rights.Read, "", // everywhere: listed cluster-wide
		rights.Resource{Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions"},
		rights.Resource{Group: "", Resource: "nodes"},
		rights.Resource{Group: "", Resource: "pods"}, // of the controllers' Deployments, in theirs
		rights.Resource{Group: "apps", Resource: "deployments"},
		rights.Resource{Group: "policy", Resource: "poddisruptionbudgets"}, // those that block a drain
		rights.Resource{Group: "admissionregistration.k8s.io", Resource: "validatingwebhookconfigurations"},
		rights.Resource{Group: "admissionregistration.k8s.io", Resource: "mutatingwebhookconfigurations"},
		rights.Resource{Group: "discovery.k8s.io", Resource: "endpointslices"},
		rights.Resource{Group: "apiregistration.k8s.io", Resource: "apiservices"}, // why an API discovery cannot reach is down
		rights.Resource{Group: eksa.GroupClusterctl, Resource: "providers"},
		rights.Resource{Group: eksa.GroupEKSA, Resource: "*"}, // the EKS-A Cluster's namespace is the user's
	)
	out = append(out, rights.Needs(rights.Read, eksa.CNINamespace, rights.Resource{Group: "apps", Resource: "daemonsets"})...)
	return append(out, rights.Needs(rights.Read, eksa.Namespace, append(capi,
		rights.Resource{Group: "", Resource: "secrets"}, // the certificates' expiry; a move's Secrets
		rights.Resource{Group: "", Resource: "configmaps"},
	)...)...)
}
