package rights

import (
	"errors"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestReadRefused(t *testing.T) {
	forbidden := func(cluster string) error {
		return errors.New("listing Secret in the " + cluster + " cluster: " +
			apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, "", errors.New("no")).Error())
	}
	wrapped := func(cluster string) error {
		return &wrapErr{forbidden(cluster).Error(), apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, "", errors.New("no"))}
	}
	got := ReadRefused("verify", errors.Join(wrapped("management"), wrapped("KinD")))
	if got == nil || strings.Contains(got.Error(), "\n") || !strings.HasPrefix(got.Error(), "verify could not read what it needs: listing Secret in the management cluster") ||
		!strings.Contains(got.Error(), "; listing Secret in the KinD cluster") || !strings.HasSuffix(got.Error(), BindReader) {
		t.Errorf("ReadRefused of two refusals = %q; want one line naming both and the role", got)
	}
	other := errors.New("connection refused\nagain")
	if got := ReadRefused("verify", other); got != other {
		t.Errorf("ReadRefused of an error that is no refusal = %q, want it unchanged", got)
	}
}

type wrapErr struct {
	msg string
	err error
}

func (e *wrapErr) Error() string { return e.msg }
func (e *wrapErr) Unwrap() error { return e.err }
