package testworld

import (
	"reflect"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestEraFlavour(t *testing.T) {
	for v, want := range map[string]Flavour{"v0.16.5": V1Beta1, "v0.22.0": V1Beta1, "v0.23.4": V1Beta1, "v0.24.6": V1Beta2, "v0.26.1": V1Beta2} {
		if got := EraFlavour(v); got != want {
			t.Errorf("EraFlavour(%s) = %s, want %s", v, got, want)
		}
	}
}

// TestShapeInPlace: each cause changes copies (a reset seeds the built
// cluster again) and adds what it adds; the stuck control plane reads as
// its controller writes it in each contract.
func TestShapeInPlace(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for _, f := range Flavours {
		c, err := NewCluster(f, SeedClusterName).Build(now)
		if err != nil {
			t.Fatal(err)
		}
		w := &World{Options: Options{Flavour: f, Now: now, EKSAVersion: "v0.24.6"}, Clusters: []*Cluster{c}}
		before := c.Objects[2].DeepCopy() // the KubeadmControlPlane
		out := w.shapeInPlace(causeRolloutStuck, c.Objects)
		if !reflect.DeepEqual(before, c.Objects[2]) {
			t.Errorf("%s: shapeInPlace changed the built KubeadmControlPlane", f)
		}
		kcp := out[2]
		if r, _, _ := unstructured.NestedInt64(kcp.Object, "spec", "replicas"); r != 3 {
			t.Errorf("%s: stuck KubeadmControlPlane spec.replicas = %d, want 3", f, r)
		}
		for cause, extra := range map[cause]int{causeMHCBlocked: 1, causeInPlaceStuck: 2, causeWebhookDown: 1, causeCertsExpired: 0} {
			if got := len(w.shapeInPlace(cause, c.Objects)) - len(c.Objects); got != extra {
				t.Errorf("%s: %s adds %d objects, want %d", f, cause, got, extra)
			}
		}
	}
}
