// Package redact keeps secrets out of what the plugin writes: the klog
// filter that hides request and response bodies which may hold Secret data,
// and the redaction of objects and text the support bundle carries. It
// holds no secrets itself and never reads a cluster or a file.
package redact

import (
	"fmt"
	"strings"
)

// SecretSafeLogs is klog's filter for the plugin: from -v=8 client-go logs
// every request and response body, and the mover reads and writes the
// cluster's Secrets (CA keys, kubeconfigs, vCenter credentials). A body
// that holds a Secret, or any object's data, or that client-go dumps as hex
// (unreadable, so uncheckable) is replaced by a note; every other line,
// the requests' methods and URLs included, is logged as client-go writes it.
type SecretSafeLogs struct{}

// hiddenBody replaces a body that may hold Secret data.
const hiddenBody = "<hidden by kubectl-eksa_recover: may hold Secret data>"

// Filter passes klog's printf-less calls through.
func (SecretSafeLogs) Filter(args []any) []any {
	for i, a := range args {
		if s, ok := a.(string); ok && secretBearing(s) {
			args[i] = hiddenBody
		}
	}
	return args
}

// FilterF checks printf-style calls by their arguments.
func (f SecretSafeLogs) FilterF(format string, args []any) (string, []any) {
	if secretBearing(fmt.Sprintf(format, args...)) {
		return "%s", []any{hiddenBody}
	}
	return format, args
}

// FilterS hides the body of client-go's "Request Body" and "Response Body"
// lines (key "body") when it may hold Secret data.
func (SecretSafeLogs) FilterS(msg string, kv []any) (string, []any) {
	for i := 1; i < len(kv); i += 2 {
		if s, ok := kv[i].(string); ok && secretBearing(s) {
			kv[i] = hiddenBody
		}
	}
	return msg, kv
}

// secretBearing says whether logged text may carry a Secret's data. The
// markers survive client-go's truncation of long bodies at -v=8: an object
// encoded by the mover starts with apiVersion and data, one from the
// server with its kind.
func secretBearing(s string) bool {
	return strings.Contains(s, `"kind":"Secret`) || strings.Contains(s, `"data":{`) ||
		strings.HasPrefix(s, "00000000  ") // client-go's hex dump of a binary body
}
