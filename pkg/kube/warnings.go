package kube

import (
	"io"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
)

// NewWarningPrinter prints the API server's warnings to w as kubectl does
// ("Warning: ...", each text once per process), except the server's advice
// on finalizer names (Kubernetes 1.35 on): a move copies objects with the
// finalizers their controllers chose, such as "cluster.cluster.x-k8s.io",
// and the server then advises, for every copy, a name with a path. The
// user can change nothing there, so that advice is logged at -v=2 only.
func NewWarningPrinter(w io.Writer, color bool) rest.WarningHandler {
	return warningPrinter{next: rest.NewWarningWriter(w, rest.WarningWriterOptions{Deduplicate: true, Color: color})}
}

type warningPrinter struct{ next rest.WarningHandler }

func (p warningPrinter) HandleWarningHeader(code int, agent, text string) {
	if finalizerNameAdvice(text) {
		klog.V(2).Infof("Warning: %s", text)
		return
	}
	p.next.HandleWarningHeader(code, agent, text)
}

// finalizerNameAdvice says whether text is the API server's advice on a
// finalizer's name (apimachinery's validation of metadata.finalizers).
func finalizerNameAdvice(text string) bool {
	return strings.HasPrefix(text, "metadata.finalizers:") && strings.Contains(text, "prefer a domain-qualified finalizer name")
}
