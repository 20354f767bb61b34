package cmdutil

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation"
)

// ValidateClusterName refuses a --cluster-name that is not a Kubernetes
// object name (DNS-1123 subdomain, as EKS-A's Cluster is named): the name
// becomes a folder and file names under the workspace, and "../x" or "a/b"
// would take them outside it.
func ValidateClusterName(name string) error {
	if name == "" {
		return nil
	}
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return fmt.Errorf("--cluster-name %q is not a cluster name (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit): pass the EKS-A cluster's name as in its spec, e.g. cluster3", name)
	}
	return nil
}
