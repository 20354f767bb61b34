package testworld

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

var leaseGVR = schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}

// Reset turns a running world into scenario s, so that a test walks one
// world through several scenarios instead of starting a new one for each
// (half a minute). The test names the scenario, not the way there: Reset
// takes the cheapest path that ends in the world Start would give for s
// with the options Start was given (pickReset has the rules). Each path
// trusts that the test changed only what a scenario's own tests change
// (a move of cluster3's objects, what the plugin repairs).
func (w *World) Reset(ctx context.Context, s Scenario) error {
	to := w.asked
	to.Scenario = s
	if err := to.defaults(); err != nil {
		return err
	}
	path, err := pickReset(w.Options, to, w.Bootstrap.Running(), w.Management.Running())
	if err != nil {
		return err
	}
	switch path {
	case pathRestrand:
		return w.restrand(ctx)
	case pathInPlace:
		return w.resetInPlace(ctx, s)
	default:
		return w.reseed(ctx, to)
	}
}

type resetPath string

const (
	pathRestrand resetPath = "restrand" // about a second
	pathInPlace  resetPath = "in-place" // a second or two
	pathReseed   resetPath = "reseed"   // a few seconds
)

// pickReset chooses the path from the world's options (from) to the ones
// Start would use for the target (to), given which servers run:
//
//   - Stranded to Stranded: cluster3's objects put back into KinD, wherever
//     a move left them; nothing else of a stranded world changes.
//   - Healthy or an in-place scenario to another of the same shape (EKS-A
//     version, contract, provider, workers, etcd members, workload
//     clusters): only cluster3 and the failures are seeded again, on
//     management; no KinD needed.
//   - Otherwise, with both servers up, on the contract and provider whose
//     CRDs they serve: every seeded object deleted and s seeded again.
//
// No path stops a server or starts KinD: those targets need a new world.
func pickReset(from, to Options, bootstrap, management bool) (resetPath, error) {
	cannot := func(why string, args ...any) (resetPath, error) {
		return "", fmt.Errorf("testworld: no reset turns %s into %s: %s; start a world for it",
			from.Scenario, to.Scenario, fmt.Sprintf(why, args...))
	}
	switch {
	case !management:
		return cannot("the management API server is stopped")
	case scenarios[to.Scenario].stop != "":
		return cannot("%s stops the %s API server", to.Scenario, scenarios[to.Scenario].stop)
	case from.Scenario == Stranded && to.Scenario == Stranded && bootstrap:
		return pathRestrand, nil
	case inPlaceable(from.Scenario) && inPlaceable(to.Scenario) && sameShape(from, to):
		return pathInPlace, nil
	case !bootstrap:
		return cannot("a reseed needs the bootstrap API server running, and the in-place reset goes only between Healthy and in-place scenarios of one shape")
	case from.Flavour != to.Flavour || from.provider() != to.provider():
		return cannot("the servers serve %s %s CRDs, %s needs %s %s", from.Flavour, from.provider(), to.Scenario, to.Flavour, to.provider())
	}
	return pathReseed, nil
}

// inPlaceable: Healthy and the in-place scenarios differ from each other
// only in what resetInPlace seeds again (cluster3, its EKS-A Cluster and
// the failure); every other scenario also has KinD, pauses or backups.
func inPlaceable(s Scenario) bool {
	return s == Healthy || scenarios[s].cause != ""
}

// sameShape: what resetInPlace keeps of the world is what s would build.
func sameShape(a, b Options) bool {
	return a.EKSAVersion == b.EKSAVersion && a.Flavour == b.Flavour && a.provider() == b.provider() &&
		a.Workers == b.Workers && a.WorkloadClusters == b.WorkloadClusters &&
		scenarios[a.Scenario].etcdMembers == scenarios[b.Scenario].etcdMembers
}

// restrand puts a stranded world back as Start seeded it: cluster3's
// objects are deleted from both clusters, wherever a move left them, with
// any move lock (Leases in eksa-system), and KinD is seeded again with the
// objects as built. Tests that cut a move off at many points reuse one
// world so.
func (w *World) restrand(ctx context.Context) error {
	for _, s := range []*Server{w.Bootstrap, w.Management} {
		if err := w.deleteCluster3(ctx, s); err != nil {
			return fmt.Errorf("resetting %s: %w", s.Name, err)
		}
	}
	seeder, err := NewSeeder(w.Bootstrap.Config)
	if err != nil {
		return err
	}
	if err := seeder.Apply(ctx, w.Cluster3().Objects); err != nil {
		return fmt.Errorf("resetting bootstrap: %w", err)
	}
	return nil
}

// deleteCluster3 deletes cluster3's objects and the move Leases from one
// server (deleteObjects: finalizers removed first, since envtest runs no
// controller that would remove them and a Terminating object would block
// the reseed).
func (w *World) deleteCluster3(ctx context.Context, s *Server) error {
	return deleteObjects(ctx, s, w.Cluster3().Objects)
}

func deleteNow(ctx context.Context, s *Seeder, obj *unstructured.Unstructured) error {
	ri, err := s.resource(obj)
	if err != nil {
		return err
	}
	live, err := ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(live.GetFinalizers()) > 0 {
		if _, err := ri.Patch(ctx, obj.GetName(), types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}); err != nil {
			return err
		}
	}
	if err := ri.Delete(ctx, obj.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	return nil
}
