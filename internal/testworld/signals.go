package testworld

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// The readiness signals the management cluster publishes, for tests that
// turn each one red (redden.go) and check that status notices.

// SignalKind is what a signal reads.
type SignalKind string

// The kinds of readiness signal.
const (
	// SignalCondition is one condition of an object (Path says which list).
	SignalCondition SignalKind = "condition"
	// SignalReadyField is status.ready of an object that carries no conditions.
	SignalReadyField SignalKind = "ready"
	// SignalFailureMessage is the EKS-A Cluster's status.failureMessage.
	SignalFailureMessage SignalKind = "failureMessage"
	// SignalDeployment is a controller Deployment's availability.
	SignalDeployment SignalKind = "deployment"
	// SignalDaemonSet is the CNI DaemonSet's ready pods.
	SignalDaemonSet SignalKind = "daemonset"
	// SignalNode is a Node's condition as the kubelet posts it: Ready, or
	// a pressure condition (green when False).
	SignalNode SignalKind = "node"
	// SignalObservedGeneration is an EKS-A Cluster's status.observedGeneration,
	// green when it equals metadata.generation. The world writes it for
	// MachineDeployments, MachineSets and EtcdadmClusters too, but no spec
	// change of theirs is free of a rollout's meaning; unit tests cover those.
	SignalObservedGeneration SignalKind = "observedGeneration"
)

// Signal is one readiness signal of one object.
type Signal struct {
	Kind                   SignalKind
	APIVersion, ObjectKind string
	Namespace, Name        string
	Condition              string   // the condition type, for SignalCondition and SignalNode
	Path                   []string // the conditions list, for SignalCondition
}

func (s Signal) String() string {
	obj := s.ObjectKind + " " + strings.TrimPrefix(s.Namespace+"/"+s.Name, "/")
	switch s.Kind {
	case SignalCondition:
		return fmt.Sprintf("%s %s %s", obj, strings.Join(s.Path, "."), s.Condition)
	case SignalNode:
		return obj + " " + s.Condition
	}
	return obj + " " + string(s.Kind)
}

// negativeConditions are the v1beta2 types that read green when False.
var negativeConditions = []string{"ScalingUp", "ScalingDown", "RollingOut", "Remediating", "Deleting", "Paused"}

// conditionLists are where objects keep conditions: v1beta1's (and
// v1beta2's own) list, and v1beta2's copy of the old ones.
var conditionLists = [][]string{{"status", "conditions"}, {"status", "deprecated", "v1beta1", "conditions"}}

// Signals lists every readiness signal the management cluster publishes
// now: each condition of each EKS-A Cluster and of every seeded cluster's
// objects there, cluster3's and its workload clusters' (or status.ready
// where an object has no conditions), each EKS-A Cluster's failureMessage,
// each controller Deployment and kube-system's, the CNI DaemonSet, each
// condition of each Node, each EKS-A Cluster's observedGeneration.
func (w *World) Signals(ctx context.Context) ([]Signal, error) {
	s, err := NewSeeder(w.Management.Config)
	if err != nil {
		return nil, err
	}
	var objs []*unstructured.Unstructured
	for _, c := range w.Clusters {
		objs = append(objs, eksaObjects(EKSASpec{Name: c.Name, EKSAVersion: w.EKSAVersion, Provider: w.Provider})[0])
	}
	for _, c := range w.Clusters {
		for _, o := range c.Objects {
			if o.GetAPIVersion() != "v1" {
				objs = append(objs, o)
			}
		}
	}
	// What controllers create after the seed: MachineHealthChecks and
	// EKS-A's in-place upgrade objects.
	seen := map[string]bool{}
	for _, o := range objs {
		seen[ownerKey(o.GetNamespace(), o.GetAPIVersion(), o.GetKind(), o.GetName())] = true
	}
	for _, gvr := range []schema.GroupVersionResource{
		{Group: eksa.GroupCAPI, Version: string(w.Flavour), Resource: "machinehealthchecks"},
		{Group: eksa.GroupEKSA, Version: "v1alpha1", Resource: "controlplaneupgrades"},
		{Group: eksa.GroupEKSA, Version: "v1alpha1", Resource: "machinedeploymentupgrades"},
		{Group: eksa.GroupEKSA, Version: "v1alpha1", Resource: "nodeupgrades"},
	} {
		l, err := s.client.Resource(gvr).Namespace(eksa.Namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for i := range l.Items {
			if o := &l.Items[i]; !seen[ownerKey(o.GetNamespace(), o.GetAPIVersion(), o.GetKind(), o.GetName())] {
				objs = append(objs, o)
			}
		}
	}
	var out []Signal
	for _, o := range objs {
		live, err := s.get(ctx, o)
		if apierrors.IsNotFound(err) {
			continue // elsewhere (KinD) or not seeded in this scenario
		}
		if err != nil {
			return nil, err
		}
		out = append(out, objectSignals(live)...)
	}
	for _, c := range w.everyDeployment() {
		out = append(out, Signal{Kind: SignalDeployment, APIVersion: "apps/v1", ObjectKind: "Deployment", Namespace: c.Namespace, Name: c.Name})
	}
	out = append(out, Signal{Kind: SignalDaemonSet, APIVersion: "apps/v1", ObjectKind: "DaemonSet", Namespace: "kube-system", Name: CNIDaemonSet})
	nodes, err := s.client.Resource(schema.GroupVersionResource{Version: "v1", Resource: "nodes"}).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, n := range nodes.Items {
		conditions, _, _ := unstructured.NestedSlice(n.Object, conditionLists[0]...)
		for _, c := range conditions {
			t, _ := c.(map[string]any)["type"].(string)
			out = append(out, Signal{Kind: SignalNode, APIVersion: "v1", ObjectKind: "Node", Name: n.GetName(), Condition: t})
		}
	}
	return out, nil
}

// objectSignals are one object's conditions, its status.ready when it has
// none, and an EKS-A Cluster's failureMessage and observedGeneration (when
// its status has one: EKS-A writes none before v0.17).
func objectSignals(u *unstructured.Unstructured) []Signal {
	base := Signal{APIVersion: u.GetAPIVersion(), ObjectKind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
	var out []Signal
	for _, path := range conditionLists {
		list, _, _ := unstructured.NestedSlice(u.Object, path...)
		for _, c := range list {
			t, _ := c.(map[string]any)["type"].(string)
			s := base
			s.Kind, s.Condition, s.Path = SignalCondition, t, path
			out = append(out, s)
		}
	}
	if _, ok, _ := unstructured.NestedBool(u.Object, "status", "ready"); ok && len(out) == 0 {
		s := base
		s.Kind = SignalReadyField
		out = append(out, s)
	}
	if u.GetAPIVersion() == EKSAAPIVersion && u.GetKind() == "Cluster" {
		s := base
		s.Kind = SignalFailureMessage
		out = append(out, s)
		if g, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration"); g != 0 {
			s.Kind = SignalObservedGeneration
			out = append(out, s)
		}
	}
	return out
}

// Green says whether the signal reads green on the server now.
func (w *World) Green(ctx context.Context, sig Signal) (bool, error) {
	s, err := NewSeeder(w.Management.Config)
	if err != nil {
		return false, err
	}
	u, err := s.get(ctx, sig.object())
	if err != nil {
		return false, err
	}
	return green(u, sig), nil
}

// Condition is the condition a signal reads, as the server holds it now:
// the signal's own for a condition or a Node, Available for a Deployment;
// nil for the kinds that read a field.
func (w *World) Condition(ctx context.Context, sig Signal) (map[string]any, error) {
	s, err := NewSeeder(w.Management.Config)
	if err != nil {
		return nil, err
	}
	u, err := s.get(ctx, sig.object())
	if err != nil {
		return nil, err
	}
	return conditionOf(u, sig), nil
}

// Generations are the signal's object's metadata.generation and
// status.observedGeneration as the server holds them now.
func (w *World) Generations(ctx context.Context, sig Signal) (generation, observed int64, err error) {
	s, err := NewSeeder(w.Management.Config)
	if err != nil {
		return 0, 0, err
	}
	u, err := s.get(ctx, sig.object())
	if err != nil {
		return 0, 0, err
	}
	observed, _, _ = unstructured.NestedInt64(u.Object, "status", "observedGeneration")
	return u.GetGeneration(), observed, nil
}

func conditionOf(u *unstructured.Unstructured, sig Signal) map[string]any {
	switch sig.Kind {
	case SignalCondition:
		return findCondition(u, sig.Path, sig.Condition)
	case SignalNode:
		return findCondition(u, conditionLists[0], sig.Condition)
	case SignalDeployment:
		return findCondition(u, conditionLists[0], "Available")
	}
	return nil
}

func green(u *unstructured.Unstructured, sig Signal) bool {
	num := func(f string) int64 { n, _, _ := unstructured.NestedInt64(u.Object, "status", f); return n }
	switch sig.Kind {
	case SignalCondition, SignalNode:
		c := conditionOf(u, sig)
		if c == nil {
			return false
		}
		want := "True"
		if slices.Contains(negativeConditions, sig.Condition) || sig.Kind == SignalNode && sig.Condition != "Ready" {
			want = "False"
		}
		return c["status"] == want
	case SignalReadyField:
		ready, _, _ := unstructured.NestedBool(u.Object, "status", "ready")
		return ready
	case SignalFailureMessage:
		msg, _, _ := unstructured.NestedString(u.Object, "status", "failureMessage")
		return msg == ""
	case SignalObservedGeneration:
		return num("observedGeneration") == u.GetGeneration()
	case SignalDeployment:
		return num("availableReplicas") >= 1 && conditionOf(u, sig)["status"] == "True"
	case SignalDaemonSet:
		return num("numberReady") == num("desiredNumberScheduled") && num("numberAvailable") == num("desiredNumberScheduled")
	}
	return false
}

func findCondition(u *unstructured.Unstructured, path []string, t string) map[string]any {
	list, _, _ := unstructured.NestedSlice(u.Object, path...)
	for _, c := range list {
		if m, ok := c.(map[string]any); ok && m["type"] == t {
			return m
		}
	}
	return nil
}

func (sig Signal) object() *unstructured.Unstructured {
	return newObject(sig.APIVersion, sig.ObjectKind, sig.Namespace, sig.Name, nil)
}

// get reads obj's live copy from the seeder's server.
func (s *Seeder) get(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	ri, err := s.resource(obj)
	if err != nil {
		return nil, err
	}
	return ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
}

// writeStatus writes u's status through the status subresource, or the
// object itself where its CRD has none.
func (s *Seeder) writeStatus(ctx context.Context, u *unstructured.Unstructured) error {
	ri, err := s.resource(u)
	if err != nil {
		return err
	}
	_, err = ri.UpdateStatus(ctx, u, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		_, err = ri.Update(ctx, u, metav1.UpdateOptions{})
	}
	if err != nil {
		return fmt.Errorf("writing the status of %s %s: %w", u.GetKind(), u.GetName(), err)
	}
	if w := s.warnings.take(); len(w) > 0 {
		return errors.New("the server changed the status written: " + strings.Join(w, "; "))
	}
	return nil
}
