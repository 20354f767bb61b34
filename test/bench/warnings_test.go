//go:build bench

package bench

import (
	"io"

	"k8s.io/client-go/rest"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
)

// The API server advises a domain-qualified name for every finalizer a
// move copies ("cluster.cluster.x-k8s.io" has no path), and client-go's
// default handler logs each of them: 2,900 lines per move at 1,000
// Machines, written while the clock runs. Every side here (the plugin, the
// floor, clusterctl) gets the handler the binary installs, printing to
// nowhere, so no side's figure includes writing the log.
func init() {
	rest.SetDefaultWarningHandler(kube.NewWarningPrinter(io.Discard, false))
}
