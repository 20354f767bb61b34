package reader

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// The kinds with one object per Machine (its bootstrap config, its
// infrastructure machine, a VSphereVM) are read as metadata only: their
// status matters only for a Machine that is not Ready, whose conditions
// mirror theirs in fewer words. So when a few Machines are not Ready (at
// most maxNotReadyGets, as a cut-off roll leaves) their parts are read
// whole, a GET each, and a red condition of theirs is named in its own
// words on its own object.

// wholeParts reads whole the metadata-only objects owned by the Machines
// that are not Ready, and those the first owns in turn (a VSphereMachine's
// VSphereVM), replacing their metadata in objs.
func (r *reader) wholeParts(ctx context.Context, capi []kube.Resource, objs []readObject, machines []snapshot.Machine) error {
	owners := map[objgraph.Key]bool{}
	for _, m := range machines {
		if machineNotReady(m) {
			owners[objgraph.Key{Group: eksa.GroupCAPI, Kind: "Machine", Name: m.Name}] = true
		}
	}
	if len(owners) == 0 || len(owners) > maxNotReadyGets {
		// Many Machines not Ready: a roll under way or a wide outage, which
		// their own conditions (mirroring their parts') already say; the
		// requests stay bounded whatever the cluster's size.
		return nil
	}
	for level := 0; level < 2 && len(owners) > 0; level++ {
		next := map[objgraph.Key]bool{}
		byRes := map[kube.Resource][]int{}
		for i, o := range objs {
			if o.raw != nil || !ownedByAny(o.obj, owners) {
				continue
			}
			if res, ok := resourceOf(capi, o.obj); ok {
				byRes[res] = append(byRes[res], i)
				next[objgraph.Key{Group: o.obj.Group, Kind: o.obj.Kind, Name: o.obj.Name}] = true
			}
		}
		for res, idx := range byRes {
			names := make([]string, len(idx))
			for j, i := range idx {
				names[j] = objs[i].obj.Name
			}
			whole, err := r.getEach(ctx, res, eksa.Namespace, names)
			if apierrors.IsNotFound(err) {
				klog.V(4).Infof("a part of a Machine not Ready went away before its read: %v", err)
				continue
			}
			if err != nil {
				return err
			}
			for j, i := range idx {
				objs[i].raw = whole[j]
				obj := toObject(whole[j])
				obj.ClusterName = objs[i].obj.ClusterName
				objs[i].obj = obj
			}
		}
		owners = next
	}
	return nil
}

// machineNotReady: the Machine's Ready is not True, or not reported.
func machineNotReady(m snapshot.Machine) bool {
	return m.Ready == nil || m.Ready.Status != "True"
}

func ownedByAny(o snapshot.Object, owners map[objgraph.Key]bool) bool {
	for _, ref := range o.Owners {
		if owners[objgraph.Key{Group: ref.Group, Kind: ref.Kind, Name: ref.Name}] {
			return true
		}
	}
	return false
}

// resourceOf finds the discovered resource an object was listed from.
func resourceOf(capi []kube.Resource, o snapshot.Object) (kube.Resource, bool) {
	for _, res := range capi {
		if res.Kind == o.Kind && res.GVR.Group == o.Group && res.GVR.Version == o.Version {
			return res, true
		}
	}
	return kube.Resource{}, false
}
