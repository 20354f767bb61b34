package reader

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// classify turns a read error into reachability: an API server that
// answered "forbidden" or "unauthorized" is reachable but unreadable; a
// network error or timeout means it is not reachable.
func classify(err error) (reachable, forbidden bool, msg string) {
	msg = oneLine(err)
	switch {
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err):
		return true, true, msg
	case apierrors.IsTimeout(err), apierrors.IsServerTimeout(err):
		return false, false, msg
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return false, false, msg
	}
	if strings.Contains(msg, "connection refused") || strings.Contains(msg, "deadline exceeded") ||
		strings.Contains(msg, "no such host") || strings.Contains(msg, "i/o timeout") {
		return false, false, msg
	}
	return true, false, msg
}

// forbiddenFix says what a refused read needs. An API server that refuses
// the impersonation --as, --as-group or --as-uid (or their --bootstrap-*
// twins) asked for has read nothing yet: more read rights would not help.
func forbiddenFix(msg string) string {
	if strings.Contains(msg, "cannot impersonate") {
		return ": the kubeconfig's user may not impersonate the user, group or UID asked for (RBAC's impersonate verb on users, groups or uids)"
	}
	return ": the kubeconfig's user needs read access to CRDs, nodes and eksa-system"
}

// oneLine keeps an error to one line for reports.
func oneLine(err error) string { return text.OneLine(err.Error()) }

func sortStrings(s []string) { slices.Sort(s) }
