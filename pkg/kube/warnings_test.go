package kube

import (
	"bytes"
	"testing"
)

func TestWarningPrinter(t *testing.T) {
	var out bytes.Buffer
	p := NewWarningPrinter(&out, false)
	for _, text := range []string{
		`metadata.finalizers: "cluster.cluster.x-k8s.io": prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers`,
		"infrastructure.cluster.x-k8s.io/v1beta1 VSphereMachine is deprecated",
		`metadata.finalizers: "machine.cluster.x-k8s.io": prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers`,
		"infrastructure.cluster.x-k8s.io/v1beta1 VSphereMachine is deprecated",
	} {
		p.HandleWarningHeader(299, "", text)
	}
	want := "Warning: infrastructure.cluster.x-k8s.io/v1beta1 VSphereMachine is deprecated\n"
	if out.String() != want {
		t.Errorf("printed %q; want %q (each warning once, no finalizer-name advice)", out.String(), want)
	}
}
