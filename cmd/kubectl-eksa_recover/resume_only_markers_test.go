package main_test

import (
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// planEntry is one line of resume's plan: an object and the markers to clear.
type planEntry struct {
	gk              schema.GroupKind
	namespace, name string
	specPaused      bool
	annotations     []string
}

// planObjectLine is "  Kind.group/name in namespace: marker, marker".
var planObjectLine = regexp.MustCompile(`^  ([A-Za-z]+)\.([a-z0-9.-]+)/(\S+) in (\S+): (.+)$`)

// parsePlan reads the objects resume's plan lists, up to "Left set" (what
// it leaves, in the same indented form).
func parsePlan(t *testing.T, stderr string) []planEntry {
	t.Helper()
	var out []planEntry
	in := false
	for _, l := range strings.Split(stderr, "\n") {
		switch {
		case strings.HasPrefix(l, "Resume plan: "):
			in = true
			continue
		case !strings.HasPrefix(l, "  "):
			in = false
		}
		m := planObjectLine.FindStringSubmatch(l)
		if !in || m == nil {
			continue
		}
		e := planEntry{gk: schema.GroupKind{Group: m[2], Kind: m[1]}, namespace: m[4], name: m[3]}
		for _, marker := range strings.Split(m[5], ", ") {
			if marker == "spec.paused" {
				e.specPaused = true
			} else if a, ok := strings.CutPrefix(marker, "annotation "); ok {
				e.annotations = append(e.annotations, a)
			} else {
				t.Fatalf("plan line %q names a marker %q this test does not know", l, marker)
			}
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		t.Fatalf("resume's plan lists no object; the check would prove nothing:\n%s", stderr)
	}
	return out
}

// resumeTarget is a planned object's client and its copy before resume.
type resumeTarget struct {
	planEntry
	ri       dynamic.ResourceInterface
	stateKey string // its key in testworld.State
	before   *unstructured.Unstructured
}

// seedUnrelated puts a label and an annotation nothing of EKS-A's or the
// plugin's uses on every object the plan touches, so a resume that patched
// away all labels or annotations (not only its markers) is seen.
func seedUnrelated(t *testing.T, w *testworld.World, plan []planEntry) []resumeTarget {
	t.Helper()
	dc, err := discovery.NewDiscoveryClientForConfig(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := restmapper.GetAPIGroupResources(dc)
	if err != nil {
		t.Fatal(err)
	}
	mapper := restmapper.NewDiscoveryRESTMapper(groups)
	dyn := dynamicForServer(t, w.Management)
	var out []resumeTarget
	for _, e := range plan {
		m, err := mapper.RESTMapping(e.gk)
		if err != nil {
			t.Fatalf("mapping %v: %v", e.gk, err)
		}
		ri := dyn.Resource(m.Resource).Namespace(e.namespace)
		o, err := ri.Get(t.Context(), e.name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		labels, annotations := o.GetLabels(), o.GetAnnotations()
		if labels == nil {
			labels = map[string]string{}
		}
		if annotations == nil {
			annotations = map[string]string{}
		}
		labels["hardening.example/keep"] = "label-" + e.name
		annotations["hardening.example/keep"] = "annotation of " + e.name
		o.SetLabels(labels)
		o.SetAnnotations(annotations)
		if o, err = ri.Update(t.Context(), o, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("seeding %s %s: %v", e.gk, e.name, err)
		}
		key := "management:" + e.namespace + "/" + m.Resource.GroupResource().String() + "/" + e.name
		out = append(out, resumeTarget{planEntry: e, ri: ri, stateKey: key, before: o})
	}
	return out
}

// checkOnlyMarkers: resume changed exactly the planned objects (by every
// object's resourceVersion on both clusters), and each is its copy before
// but for the planned markers: whole labels, annotations and spec.
func checkOnlyMarkers(t *testing.T, targets []resumeTarget, before, after testworld.State) {
	t.Helper()
	planned := map[string]bool{}
	for _, tg := range targets {
		planned[tg.stateKey] = true
	}
	var changed []string
	for k, rv := range after {
		if before[k] != rv {
			changed = append(changed, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			changed = append(changed, k+" (deleted)")
		}
	}
	sort.Strings(changed)
	var unplanned []string
	for _, k := range changed {
		if !planned[k] {
			unplanned = append(unplanned, k)
		}
	}
	if len(unplanned) > 0 {
		t.Errorf("resume --yes changed objects its plan did not name: %s", strings.Join(unplanned, ", "))
	}
	for _, tg := range targets {
		got, err := tg.ri.Get(t.Context(), tg.name, metav1.GetOptions{})
		if err != nil {
			t.Errorf("%s %s after resume: %v", tg.gk, tg.name, err)
			continue
		}
		if !planned[tg.stateKey] || before[tg.stateKey] == after[tg.stateKey] {
			t.Errorf("%s %s: resume did not change it (resourceVersion %s)", tg.gk, tg.name, after[tg.stateKey])
		}
		wantAnn := map[string]string{}
		for k, v := range tg.before.GetAnnotations() {
			wantAnn[k] = v
		}
		for _, a := range tg.annotations {
			if _, ok := wantAnn[a]; !ok {
				t.Errorf("%s %s: the plan clears annotation %s, which it did not carry", tg.gk, tg.name, a)
			}
			delete(wantAnn, a)
		}
		wantSpec, _, _ := unstructured.NestedMap(tg.before.Object, "spec")
		if tg.specPaused {
			if wantSpec["paused"] != true {
				t.Errorf("%s %s: the plan clears spec.paused, which was %v", tg.gk, tg.name, wantSpec["paused"])
			}
			delete(wantSpec, "paused") // eksctl's resume sets it to null
		}
		gotSpec, _, _ := unstructured.NestedMap(got.Object, "spec")
		if !reflect.DeepEqual(got.GetLabels(), tg.before.GetLabels()) {
			t.Errorf("%s %s: labels after resume = %v, want %v", tg.gk, tg.name, got.GetLabels(), tg.before.GetLabels())
		}
		if gotAnn := got.GetAnnotations(); !reflect.DeepEqual(gotAnn, wantAnn) && !(len(gotAnn) == 0 && len(wantAnn) == 0) {
			t.Errorf("%s %s: annotations after resume = %v, want %v", tg.gk, tg.name, gotAnn, wantAnn)
		}
		if !reflect.DeepEqual(gotSpec, wantSpec) {
			t.Errorf("%s %s: spec after resume = %v, want %v", tg.gk, tg.name, gotSpec, wantSpec)
		}
	}
}
