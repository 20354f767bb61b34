package ops

import (
	"context"
	"fmt"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
)

// ClusterPauses reads every Cluster API Cluster in eksa-system on the
// management cluster (where EKS-A keeps them all, and what the mover may
// already list) and whether it is paused, for a backup's manifest to
// record: a backup of one cluster holds only its own, and resume needs to
// know the workload clusters' too. None when the cluster serves no Clusters.
func ClusterPauses(ctx context.Context, mgmt *writable.Cluster) ([]backup.ClusterPause, error) {
	res, ok := mgmt.Resources[schema.GroupKind{Group: eksa.GroupCAPI, Kind: "Cluster"}]
	if !ok {
		return nil, nil
	}
	list, err := mgmt.Dyn.Resource(res.GVR).Namespace(eksa.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing the %s cluster's Clusters to record their pauses: %w", mgmt.Name, err)
	}
	out := make([]backup.ClusterPause, 0, len(list.Items))
	for _, u := range list.Items {
		paused, _, _ := unstructured.NestedBool(u.Object, "spec", "paused")
		out = append(out, backup.ClusterPause{Name: u.GetName(), Paused: paused})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
