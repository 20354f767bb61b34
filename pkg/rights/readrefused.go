package rights

import (
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// BindReader is the fix a reading command names when a read is refused.
var BindReader = fmt.Sprintf("bind the user to the ClusterRole %s (deploy/rbac/%s.yaml) on both clusters", ReaderRole, ReaderRole)

// ReadRefused turns err, when any read in it was refused (403), into the
// one line a refusal is: op, each refused read as the API server named it
// (the verb, resource, namespace and user), and the role to bind. Both
// clusters' errors arrive joined by newlines; they stay, on one line. Any
// other error is returned as it is.
func ReadRefused(op string, err error) error {
	if err == nil || !apierrors.IsForbidden(err) {
		return err
	}
	reads := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
	return fmt.Errorf("%s could not read what it needs: %s; %s", op, reads, BindReader)
}
