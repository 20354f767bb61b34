package main_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// TestStatus_AggregatedAPIUnavailable registers on the healthy world's
// management server an aggregated API whose Service does not exist, as a
// metrics-server removed by hand leaves v1beta1.metrics.k8s.io. The API
// server itself (its aggregator) marks it Available False, and discovery of
// metrics.k8s.io fails. The binary says NotReady, exit 2, names the
// APIService, quotes its condition as the server holds it, and shows it
// first; once the APIService is gone, status is Healthy again.
func TestStatus_AggregatedAPIUnavailable(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy})
	if res := run(t, w.Dir, "status", "--vsphere=false"); res.code != 0 {
		t.Fatalf("the healthy world: status exit %d, want 0:\n%s%s", res.code, res.stdout, res.stderr)
	}
	dyn, err := dynamic.NewForConfig(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	apiServices := dyn.Resource(schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"})
	const name = "v1beta1.metrics.k8s.io"
	_, err = apiServices.Create(t.Context(), &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": map[string]any{"name": name},
		"spec": map[string]any{"group": "metrics.k8s.io", "version": "v1beta1", "insecureSkipTLSVerify": true,
			"groupPriorityMinimum": int64(100), "versionPriority": int64(100),
			"service": map[string]any{"namespace": "kube-system", "name": "metrics-server", "port": int64(443)}},
	}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The aggregator's availability check writes the condition.
	var available map[string]any
	for deadline := time.Now().Add(time.Minute); available == nil; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the API server wrote no Available condition on the APIService within a minute")
		}
		u, err := apiServices.Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
		for _, c := range conds {
			if m, _ := c.(map[string]any); m["type"] == "Available" && m["status"] == "False" {
				available = m
			}
		}
	}
	got := statusDocument(t, run(t, w.Dir, "status", "-o", "json", "--vsphere=false"), 2, "NotReady")
	var evidence string
	for _, f := range got.Findings {
		if f.Code == "NotReady" && f.Object == "APIService/"+name {
			evidence = string(f.Evidence)
		}
	}
	for _, field := range []string{"type", "status", "reason", "message"} {
		if quoted, _ := json.Marshal(available[field]); !strings.Contains(evidence, string(quoted)) {
			t.Errorf("the NotReady finding on APIService/%s quotes no %s %s: evidence %q", name, field, quoted, evidence)
		}
	}
	if step := "describe apiservices.apiregistration.k8s.io " + name; len(got.NextSteps) == 0 || !strings.Contains(got.NextSteps[0].Command, step) {
		t.Errorf("next steps = %+v, want the first to contain %q", got.NextSteps, step)
	}
	if err := apiServices.Delete(t.Context(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if res := run(t, w.Dir, "status", "--vsphere=false"); res.code != 0 {
		t.Errorf("the APIService deleted: status exit %d, want 0:\n%s%s", res.code, res.stdout, res.stderr)
	}
}
