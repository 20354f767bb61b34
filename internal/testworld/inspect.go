package testworld

import (
	"context"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/inspect"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// Inspect runs status's pipeline (package inspect) on the world, as
// `kubectl eksa-recover status` run in the world's folder would, without
// vCenter: library tests ask it what status would say now.
func (w *World) Inspect(ctx context.Context) (*snapshot.Snapshot, *diagnose.Report, error) {
	ws, err := workspace.Locate(workspace.Options{Dir: w.Dir, ClusterName: w.Layout.Cluster})
	if err != nil {
		return nil, nil, err
	}
	mgmt := reader.Source{Role: snapshot.Management, Kubeconfig: ws.ManagementKubeconfig}
	if w.Management != nil {
		mgmt.Config = w.Management.Config
	}
	boot := reader.Source{Role: snapshot.Bootstrap, Kubeconfig: ws.BootstrapKubeconfig}
	if w.Bootstrap != nil {
		boot.Config = w.Bootstrap.Config
	}
	return inspect.Inspect(ctx, inspect.Options{Workspace: ws, Management: mgmt, Bootstrap: boot,
		Timeout: 15 * time.Second, Now: time.Now(), Plugin: "kubectl eksa-recover"})
}

// ConnectForTest connects to both of the world's clusters as the mover
// does (writable.Connect), failing the test when either does not answer.
func (w *World) ConnectForTest(t testing.TB) (boot, mgmt *writable.Cluster) {
	t.Helper()
	var err error
	if boot, err = writable.Connect(t.Context(), "bootstrap", w.Bootstrap.Config); err != nil {
		t.Fatal(err)
	}
	if mgmt, err = writable.Connect(t.Context(), "management", w.Management.Config); err != nil {
		t.Fatal(err)
	}
	return boot, mgmt
}
