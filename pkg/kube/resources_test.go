package kube

import (
	"errors"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestReadKindsUnavailable: discovery failing for an aggregated API the
// plugin never reads is no reason to stop; failing for a group that holds
// a kind it reads or moves is, so no object is read or moved without it.
func TestReadKindsUnavailable(t *testing.T) {
	moveable := map[string]map[string]string{"machines.cluster.x-k8s.io": nil, "vspheremachines.infrastructure.cluster.x-k8s.io": nil}
	down := errors.New("the server is currently unable to handle the request")
	for _, tt := range []struct {
		group   string
		wantErr bool
	}{
		{"metrics.k8s.io", false},
		{"x-k8s.io", false}, // a suffix of the groups, not one of them
		{"cluster.x-k8s.io", true},
		{"infrastructure.cluster.x-k8s.io", true},
		{"anywhere.eks.amazonaws.com", true},
		{"clusterctl.cluster.x-k8s.io", true},
	} {
		err := readKindsUnavailable(map[schema.GroupVersion]error{{Group: tt.group, Version: "v1beta1"}: down}, moveable)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s unavailable: err = %v, want an error %v", tt.group, err, tt.wantErr)
		}
	}
}
