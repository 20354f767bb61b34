package clusters

import (
	"context"
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Connect opens the mover's clients to a cluster; one without a kubeconfig
// is an error naming the flag to pass.
func Connect(ctx context.Context, src snapshot.Source) (*mover.Cluster, error) {
	if src.Config == nil {
		flag := "--kubeconfig"
		if src.Role == snapshot.Bootstrap {
			flag = "--bootstrap-kubeconfig"
		}
		return nil, fmt.Errorf("no kubeconfig for the %s cluster: pass %s", src.Role, flag)
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	return mover.Connect(ctx, string(src.Role), src.Config)
}
