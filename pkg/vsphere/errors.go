package vsphere

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/vmware/govmomi/fault"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// ErrorKind says what went wrong, so that the caller can name the fix: the
// flags that fix it are the command's to name, never this package's.
type ErrorKind int

// Error kinds.
const (
	ErrOther        ErrorKind = iota
	ErrLogin                  // vCenter refused the user name or password
	ErrUnreachable            // no connection: refused, no route, unknown host
	ErrTimeout                // no answer in time
	ErrUntrusted              // certificate not trusted and no thumbprint given
	ErrThumbprint             // certificate does not match the thumbprint given
	ErrNoDatacenter           // the datacenter is not in vCenter
	ErrBadServer              // the server given is no host name or URL: vCenter was not asked
)

// Error is a failed check, in one line, without the password.
type Error struct {
	Kind       ErrorKind
	Host       string // host:port; for ErrBadServer, the server as given
	User       string
	Thumbprint string
	Datacenter string
	Detail     string // the cause, one line
}

func (e *Error) Error() string {
	switch e.Kind {
	case ErrLogin:
		return fmt.Sprintf("vCenter %s rejected the login for %s", e.Host, e.User)
	case ErrUnreachable:
		return fmt.Sprintf("vCenter %s is unreachable (%s)", e.Host, e.Detail)
	case ErrTimeout:
		return fmt.Sprintf("vCenter %s did not answer in time", e.Host)
	case ErrUntrusted:
		return fmt.Sprintf("vCenter %s's certificate is not trusted (%s) and no thumbprint was given", e.Host, e.Detail)
	case ErrThumbprint:
		return fmt.Sprintf("vCenter %s's certificate is not trusted and does not match the thumbprint %s", e.Host, e.Thumbprint)
	case ErrNoDatacenter:
		return fmt.Sprintf("vCenter %s has no datacenter %q", e.Host, e.Datacenter)
	case ErrBadServer:
		if e.Host == "" {
			return "no vCenter server given"
		}
		return fmt.Sprintf("vCenter server %q is not a host name or URL", e.Host)
	}
	return fmt.Sprintf("vCenter %s: %s", e.Host, e.Detail)
}

// Answered: vCenter was asked and its answer (or its silence) is the
// error; false when the input was wrong before anything was sent.
func (e *Error) Answered() bool { return e.Kind != ErrBadServer }

// classify turns what govmomi returned into an Error.
func classify(err error, cfg Config, host string) *Error {
	e := &Error{Host: host, User: cfg.Username, Thumbprint: cfg.Thumbprint,
		Detail: scrub(text.OneLine(err.Error()), cfg.Password)}
	var netErr net.Error
	var dnsErr *net.DNSError
	var errno syscall.Errno
	switch {
	case fault.Is(err, &types.InvalidLogin{}):
		e.Kind = ErrLogin
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		e.Kind = ErrTimeout
	case strings.Contains(err.Error(), "thumbprint does not match"):
		e.Kind = ErrThumbprint
	case soap.IsCertificateUntrusted(err):
		e.Kind, e.Detail = ErrUntrusted, lastPart(e.Detail)
	case errors.As(err, &dnsErr):
		e.Kind, e.Detail = ErrUnreachable, dnsErr.Err
	case errors.As(err, &errno):
		e.Kind, e.Detail = ErrUnreachable, errno.Error()
	case errors.As(err, new(*net.OpError)):
		e.Kind, e.Detail = ErrUnreachable, lastPart(e.Detail)
	}
	return e
}

// scrub removes the password, should anything ever echo it.
func scrub(s, password string) string {
	if password == "" {
		return s
	}
	return strings.ReplaceAll(s, password, "<redacted>")
}

// lastPart keeps the cause of a chain such as `Post "...": dial tcp ...: x`.
func lastPart(s string) string {
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}
