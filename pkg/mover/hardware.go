package mover

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// A Tinkerbell Hardware is one physical machine, and CAPT marks the one it
// provisioned a node on by labelling it with that TinkerbellMachine
// (ownerName, ownerNamespace). A management cluster may already hold a
// Hardware of the name a move carries from KinD, in use by another
// cluster's machine. Overwriting it would move a running node's
// allocation (CAPT could then provision over it) and deleting KinD's copy
// would lose the claim KinD recorded; skipping it would leave KinD's copy
// to be deleted with KinD. Which copy is true is a question about the
// rack, not the API: only the operator can answer it. So the move refuses
// in its plan, before any write (not even the backup or the Lease), naming
// the Hardware and both owners; the operator compares the two, deletes the
// stale one and reruns. A Hardware already there with the same owner and
// spec is the move's own copy from a cut-off run and is updated as any
// other (a rerun converges), as is one on management nobody uses.
// restore --force, which overwrites what is there, refuses the same way;
// without --force it leaves what is there alone.

// isHardware says whether k is a Tinkerbell Hardware.
func isHardware(k objgraph.Key) bool { return k.Group == "tinkerbell.org" && k.Kind == "Hardware" }

// hardwareClash says why a Hardware cannot be written over there (the
// target's copy) with src (the copy carried): there is in use and names
// another owner, or the same owner with another spec. "" when it can.
func hardwareClash(src, there *unstructured.Unstructured) string {
	if there == nil || !isHardware(objgraph.KeyOf(src)) || hardwareOwner(there) == "" {
		return ""
	}
	same := hardwareOwner(src) == hardwareOwner(there) && reflect.DeepEqual(src.Object["spec"], there.Object["spec"])
	if same {
		return ""
	}
	return fmt.Sprintf("%s is in use on the target by %s (the copy carried: %s)", objgraph.KeyOf(src), describeOwner(there), describeOwner(src))
}

// hardwareOwner is the TinkerbellMachine a Hardware is allocated to, as
// namespace/name; "" when it is free.
func hardwareOwner(u *unstructured.Unstructured) string {
	l := u.GetLabels()
	if l[eksa.LabelTinkerbellOwnerName] == "" {
		return ""
	}
	return l[eksa.LabelTinkerbellOwnerNamespace] + "/" + l[eksa.LabelTinkerbellOwnerName]
}

func describeOwner(u *unstructured.Unstructured) string {
	if o := hardwareOwner(u); o != "" {
		return "TinkerbellMachine " + o
	}
	return "unallocated"
}

// checkHardware refuses a move whose source carries a Hardware the target
// holds in use by another owner (see above). One List of Hardware on the
// target; nothing when the graph carries none.
func checkHardware(ctx context.Context, target *writable.Cluster, from *Graph) error {
	hw := &Graph{Objects: map[objgraph.Key]*unstructured.Unstructured{}}
	for k, o := range from.Objects {
		if isHardware(k) {
			hw.Objects[k] = o
		}
	}
	if hw.Len() == 0 {
		return nil
	}
	there, err := listKeys(ctx, target, hw)
	if err != nil {
		return err
	}
	return errHardwareClashes(hardwareClashes(hw, there), "move")
}

// hardwareClashes lists, for each Hardware of g the target holds (there,
// as listKeys reads it), why it cannot be written over.
func hardwareClashes(g *Graph, there map[objgraph.Key]*unstructured.Unstructured) []string {
	var out []string
	for _, k := range g.Keys() {
		if why := hardwareClash(g.Objects[k], there[k]); why != "" {
			out = append(out, why)
		}
	}
	return out
}

// errHardwareClashes is the refusal, in one line, naming the fix; nil
// when there are none. verb is the command to rerun.
func errHardwareClashes(clashes []string, verb string) error {
	if len(clashes) == 0 {
		return nil
	}
	return fmt.Errorf("%s: writing over it would take the machine from the node that runs on it; nothing was changed: compare each copy (`kubectl get hardware -n %s <name> -o yaml` on both clusters), delete the stale one and rerun %s",
		strings.Join(clashes, "; "), eksa.Namespace, verb)
}
