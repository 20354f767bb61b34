package testworld

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// What Cluster API's controllers do when one of a Machine's signals goes
// red, which envtest's missing controllers cannot: a part's Ready summarises
// its conditions (CAPV's VSphereMachine its VMProvisioned, a VSphereVM's its
// own), the Machine mirrors its bootstrap config's and infrastructure
// machine's Ready (v1beta1 BootstrapReady and InfrastructureReady, v1beta2
// BootstrapConfigReady and InfrastructureReady), and the Machine's Ready
// summarises those and NodeHealthy (v1beta2 keeps the old Ready under
// status.deprecated.v1beta1 in step). TurnRed follows a red signal of a
// Machine or of one of its parts up to the Machine, so a test sees what a
// real cluster shows.

// mirrorUp reddens what summarises or mirrors u's red condition, up to its
// Machine; it returns the objects it changed with their status before, for
// the restore.
func (w *World) mirrorUp(ctx context.Context, s *Seeder, u *unstructured.Unstructured, at time.Time) ([]*unstructured.Unstructured, error) {
	if !perMachinePart(u) {
		return nil, nil
	}
	machine, err := w.machineOf(ctx, s, u)
	if err != nil || machine == nil {
		return nil, err
	}
	before := machine.DeepCopy()
	mirror := "InfrastructureReady"
	if groupOf(u.GetAPIVersion()) == eksa.GroupBootstrap {
		mirror = "BootstrapReady"
	}
	reason, message := redReason(mirror, u.GetKind(), false)
	redden(machine, at, reason, fmt.Sprintf("%s %s: %s", u.GetKind(), u.GetName(), message), mirror, "Ready")
	if err := s.writeStatus(ctx, machine); err != nil {
		return nil, err
	}
	return []*unstructured.Unstructured{before}, nil
}

// summariseMachine: a red condition of a Machine in Ready's summary
// (BootstrapConfigReady, InfrastructureReady, NodeReady, NodeHealthy,
// Deleting), or either contract's Ready, turns its Ready red in both
// lists, as the Machine controller summarises it.
func summariseMachine(u *unstructured.Unstructured, sig Signal, at time.Time) {
	if u.GetKind() != "Machine" || !strings.HasPrefix(u.GetAPIVersion(), eksa.GroupCAPI+"/") {
		return
	}
	switch sig.Condition {
	case "Paused", "UpToDate", "Available", "Updating":
		return
	}
	// Ready itself: v1beta2 keeps its Ready and the old one in step.
	reason, message := redReason(sig.Condition, "Machine", false)
	redden(u, at, reason, message, "Ready")
}

// summarisePart: a red condition of a part turns the part's own Ready red.
func summarisePart(u *unstructured.Unstructured, sig Signal, at time.Time) {
	if !perMachinePart(u) || sig.Condition == "Ready" || sig.Kind != SignalCondition {
		return
	}
	reason, message := redReason(sig.Condition, u.GetKind(), false)
	redden(u, at, reason, message, "Ready")
}

// redden sets each of types False in every condition list u has that
// carries it (v1beta1 severity Warning).
func redden(u *unstructured.Unstructured, at time.Time, reason, message string, types ...string) {
	for _, path := range conditionLists {
		list, found, _ := unstructured.NestedSlice(u.Object, path...)
		if !found {
			continue
		}
		v1beta1 := len(path) > 2 || !strings.HasSuffix(u.GetAPIVersion(), "/v1beta2")
		for i, c := range list {
			m, _ := c.(map[string]any)
			for _, t := range types {
				want := t
				if t == "BootstrapReady" && !v1beta1 {
					want = "BootstrapConfigReady"
				}
				if m["type"] != want {
					continue
				}
				red := map[string]any{"type": want, "status": "False", "reason": reason, "message": message,
					"lastTransitionTime": at.UTC().Format(time.RFC3339)}
				if v1beta1 {
					red["severity"] = "Warning"
				} else if g, ok := m["observedGeneration"]; ok {
					red["observedGeneration"] = g
				}
				list[i] = red
			}
		}
		set(u, list, path...)
	}
	if _, found, _ := unstructured.NestedBool(u.Object, "status", "ready"); found {
		set(u, false, "status", "ready")
	}
}

// perMachinePart: a Machine's bootstrap config, infrastructure machine, or
// a VSphereVM.
func perMachinePart(u *unstructured.Unstructured) bool {
	switch groupOf(u.GetAPIVersion()) {
	case eksa.GroupBootstrap:
		return u.GetKind() == "KubeadmConfig" || u.GetKind() == "EtcdadmConfig"
	case eksa.GroupInfrastructure:
		return u.GetKind() == "VSphereVM" || strings.HasSuffix(u.GetKind(), "Machine")
	}
	return false
}

// machineOf finds the Machine that owns u, through its owner (a VSphereVM's
// VSphereMachine) when u is owned by a part.
func (w *World) machineOf(ctx context.Context, s *Seeder, u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	for hop := 0; hop < 2; hop++ {
		var next *unstructured.Unstructured
		for _, ref := range u.GetOwnerReferences() {
			owner := newObject(ref.APIVersion, ref.Kind, u.GetNamespace(), ref.Name, nil)
			if ref.Kind == "Machine" && groupOf(ref.APIVersion) == eksa.GroupCAPI {
				return s.get(ctx, owner)
			}
			if perMachinePart(owner) {
				next = owner
			}
		}
		if next == nil {
			return nil, nil
		}
		var err error
		if u, err = s.get(ctx, next); err != nil {
			return nil, err
		}
	}
	return nil, nil
}
