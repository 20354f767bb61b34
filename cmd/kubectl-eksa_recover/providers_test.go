package main_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// providerCase is what a user must see on one scenario of every provider.
type providerCase struct {
	scenario  testworld.Scenario
	state     string
	firstStep string // the first next command, up to its arguments; empty: none expected
	// then runs the plugin's step for the state and checks its outcome:
	// "move" (every object once on management, then verify), "resume",
	// "restore" (the first step's command, then verify), "backup".
	then string
}

// providerCases run in this order on one world per provider, reseeded in
// between: a world costs ~20 s, a reseed ~2 s.
var providerCases = []providerCase{
	{testworld.Stranded, "StrandedInBootstrap", "kubectl eksa-recover move", "move"},
	{testworld.CreateStranded, "StrandedInBootstrap", "kubectl eksa-recover move", "move"},
	{testworld.CreateManifests, "StrandedInBootstrap", "kubectl eksa-recover move", "move"},
	{testworld.Split, "SplitMove", "kubectl eksa-recover move", ""},
	{testworld.PausedInPlace, "PausedAfterFailure", "kubectl eksa-recover resume", "resume"},
	{testworld.Missing, "Missing", "kubectl eksa-recover restore --from ", "restore"},
	{testworld.Healthy, "Healthy", "", "backup"},
}

// providerCasesV1Beta2 are the v1beta2 era's (EKS-A v0.24+ on its current
// Cluster API fork and each provider's CRDs of that release): fewer, to
// keep the time down, but status, move and verify each on real v1beta2
// CRDs: stranded and a cut-off move finished by move, and the binary's own
// backup restored.
var providerCasesV1Beta2 = []providerCase{
	{testworld.Stranded, "StrandedInBootstrap", "kubectl eksa-recover move", "move"},
	{testworld.Split, "SplitMove", "kubectl eksa-recover move", "move"},
	{testworld.Healthy, "Healthy", "", "backup"},
}

// providerEras are the eras every provider runs in, each with its cases.
// Every provider's v1beta2 world seeds: CAPC has no v1beta2-era release of
// its own (v0.4.9-rc7 stores v1beta3 in every era that shipped CloudStack),
// so its v1beta2 world is today's Cluster API beside the same CAPC CRDs.
var providerEras = []struct {
	flavour testworld.Flavour
	cases   []providerCase
}{
	{testworld.V1Beta1, providerCases},
	{testworld.V1Beta2, providerCasesV1Beta2},
}

// TestProviders_StatusAndMove: per era and provider, status's verdict and
// first next step on each scenario, and on the stranded ones the move it
// suggests: every object of the cluster in KinD, read before, is on
// management exactly once afterwards with the same spec (Secret and
// ConfigMap data), and none is left in KinD.
func TestProviders_StatusAndMove(t *testing.T) {
	for _, era := range providerEras {
		for _, p := range testworld.Providers {
			name := string(p)
			if era.flavour != testworld.V1Beta1 {
				name = string(era.flavour) + "-" + name
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Provider: p, Flavour: era.flavour})
				t.Logf("%s %s world started in %s", era.flavour, p, time.Since(start).Round(time.Second))
				for i, tc := range era.cases {
					if i > 0 {
						if err := w.Reset(t.Context(), tc.scenario); err != nil {
							t.Fatalf("reseeding %s: %v", tc.scenario, err)
						}
					}
					t.Run(string(tc.scenario), func(t *testing.T) {
						first := checkProviderStatus(t, w, tc)
						if !t.Failed() {
							checkProviderStep(t, w, tc, first)
						}
					})
				}
				t.Logf("%s %s: %d scenarios in %s", era.flavour, p, len(era.cases), time.Since(start).Round(time.Second))
			})
		}
	}
}

// checkProviderStatus checks status's verdict and returns its first next command.
func checkProviderStatus(t *testing.T, w *testworld.World, tc providerCase) string {
	t.Helper()
	res := run(t, w.Dir, "status", "-o", "json")
	var got statusJSON
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("status -o json is not JSON: %v\n%s%s", err, res.stdout, res.stderr)
	}
	var commands []string
	for _, s := range got.NextSteps {
		commands = append(commands, s.Command)
	}
	if got.State != tc.state {
		t.Errorf("status = %s, want %s (next %q; stderr %s)", got.State, tc.state, commands, res.stderr)
	}
	if want := providerNames[w.Provider]; got.Provider == nil || got.Provider.Name != want {
		t.Errorf("status names the provider %+v, want %s", got.Provider, want)
	}
	// The vCenter check, on by default, says why it checked nothing
	// rather than staying silent.
	vsphereOnly := false
	for _, f := range got.Findings {
		vsphereOnly = vsphereOnly || (f.Code == "VCenterNotChecked" && strings.Contains(f.Message, "applies to vSphere clusters only"))
	}
	if vsphereOnly != (w.Provider != testworld.VSphere) {
		t.Errorf("vCenter said it applies to vSphere only: %v, on %s", vsphereOnly, w.Provider)
	}
	switch {
	case tc.firstStep == "" && len(commands) > 0:
		t.Errorf("next steps = %q, want none", commands)
	case tc.firstStep != "" && !stepMatches(tc.firstStep, first(commands)):
		t.Errorf("first next step = %q, want %q (all: %q)", first(commands), tc.firstStep, commands)
	}
	return first(commands)
}

// stepMatches: the command is want, or starts with want when want ends in a
// space (the arguments that follow name a path of the run).
func stepMatches(want, command string) bool {
	if strings.HasSuffix(want, " ") {
		return strings.HasPrefix(command, want)
	}
	return command == want
}

// checkProviderStep runs the plugin's own step for the case and checks what
// a user would: its exit code and words, and the state status gives after.
func checkProviderStep(t *testing.T, w *testworld.World, tc providerCase, firstCommand string) {
	t.Helper()
	mustRun := func(want string, args ...string) {
		t.Helper()
		res := run(t, w.Dir, args...)
		if res.code != 0 || !strings.Contains(res.stdout+res.stderr, want) {
			t.Fatalf("%v = exit %d, want 0 and %q\nstdout: %s\nstderr: %s", args, res.code, want, res.stdout, tail(res.stderr, 3000))
		}
	}
	switch tc.then {
	case "move":
		checkProviderMove(t, w)
		mustRun("Verified", "verify")
	case "resume":
		mustRun("Resumed", "resume", "--yes")
		// Not "Healthy": the state also weighs the controllers, which this
		// run does not touch; what resume must do is read back below.
		if st := statusState(t, w); st == "PausedAfterFailure" {
			t.Errorf("status after resume = %s", st)
		}
		if left := pauseMarkers(t, w.Management); len(left) > 0 {
			t.Errorf("resume left pause markers on management: %s", strings.Join(left, ", "))
		}
	case "restore":
		words := strings.Fields(strings.TrimPrefix(firstCommand, "kubectl eksa-recover "))
		// eksctl takes its backup before it pauses (docs/EKSA-FACTS): the
		// backup's cluster3 is running, so the restore must unpause it.
		mustRun("Unpaused: cluster3", append(words, "--yes")...)
		mustRun("Verified", "verify")
		if specPaused, annotated := clusterPaused(t, w.Management); specPaused || annotated {
			t.Errorf("Cluster cluster3 after restoring eksctl's backup: spec.paused %v, paused annotation %v; want neither", specPaused, annotated)
		}
		if st := statusState(t, w); st == "Missing" {
			t.Errorf("status after restore = %s", st)
		}
	case "backup":
		// The binary's own backup, restored: two of the cluster's objects
		// lost on management come back from it, equal, and verify passes.
		dir := t.TempDir() + "/backup"
		mustRun("Backed up", "backup", "--to", dir)
		before := readObjects(t, w.Management)
		lost := loseTwo(t, w)
		mustRun("Verified: the management cluster holds all", "restore", "--from", dir, "--yes")
		after := readObjects(t, w.Management)
		for _, key := range lost {
			if len(after[key]) != 1 {
				t.Errorf("%s: %d on management after the restore, want 1", key, len(after[key]))
				continue
			}
			for _, field := range []string{"spec", "data", "type"} {
				want, _, _ := unstructured.NestedFieldNoCopy(before[key][0].Object, field)
				got, _, _ := unstructured.NestedFieldNoCopy(after[key][0].Object, field)
				if !reflect.DeepEqual(want, got) {
					t.Errorf("%s: %s restored differs from before", key, field)
				}
			}
		}
		mustRun("Verified", "verify", "--from", dir)
		// The backup recorded cluster3 running: nothing restored pauses it.
		if specPaused, annotated := clusterPaused(t, w.Management); specPaused || annotated {
			t.Errorf("Cluster cluster3 after the restore: spec.paused %v, paused annotation %v; want neither", specPaused, annotated)
		}
	}
}

// loseTwo deletes a machine template and a Secret of cluster3 from
// management (neither holds a finalizer), as a hand-run cleanup that went too
// far would, and returns their keys.
func loseTwo(t *testing.T, w *testworld.World) []string {
	t.Helper()
	dyn := dynamicForServer(t, w.Management)
	var lost []string
	for _, o := range w.Cluster3().Objects {
		kind := o.GetKind()
		if (kind != "Secret" && !strings.HasSuffix(kind, "MachineTemplate")) || len(o.GetFinalizers()) > 0 || containsKind(lost, kind) {
			continue
		}
		gvk := o.GroupVersionKind()
		resource := strings.ToLower(kind) + "s"
		if err := dyn.Resource(gvk.GroupVersion().WithResource(resource)).Namespace(eksa.Namespace).
			Delete(t.Context(), o.GetName(), metav1.DeleteOptions{}); err != nil {
			t.Fatalf("deleting %s %s: %v", kind, o.GetName(), err)
		}
		lost = append(lost, objectKey(o))
		if len(lost) == 2 {
			return lost
		}
	}
	t.Fatalf("cluster3 has no machine template and Secret to lose (lost %v)", lost)
	return nil
}

func containsKind(keys []string, kind string) bool {
	for _, k := range keys {
		if strings.Contains(k, "/"+kind+"/") {
			return true
		}
	}
	return false
}

func statusState(t *testing.T, w *testworld.World) string {
	t.Helper()
	var got statusJSON
	res := run(t, w.Dir, "status", "-o", "json")
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("status -o json is not JSON: %v\n%s", err, res.stderr)
	}
	return got.State
}

// providerNames are the names status gives each provider.
var providerNames = map[testworld.Provider]string{
	testworld.VSphere: "vSphere", testworld.CloudStack: "CloudStack", testworld.Nutanix: "Nutanix",
	testworld.Tinkerbell: "Tinkerbell (bare metal)", testworld.Snow: "Snow", testworld.Docker: "Docker",
}

// objectKey names an object by group, kind and name: bmc.tinkerbell.org's
// Machine is not cluster.x-k8s.io's.
func objectKey(o *unstructured.Unstructured) string {
	gv, _ := schema.ParseGroupVersion(o.GetAPIVersion())
	return gv.Group + "/" + o.GetKind() + "/" + o.GetName()
}

func readObjects(t *testing.T, s *testworld.Server) map[string][]*unstructured.Unstructured {
	t.Helper()
	objs, err := testworld.Objects(t.Context(), s.Config, eksa.Namespace)
	if err != nil {
		t.Fatalf("reading %s: %v", s.Name, err)
	}
	out := map[string][]*unstructured.Unstructured{}
	for _, o := range objs {
		out[objectKey(o)] = append(out[objectKey(o)], o)
	}
	return out
}

func checkProviderMove(t *testing.T, w *testworld.World) {
	t.Helper()
	before := readObjects(t, w.Bootstrap)
	if len(before) < 8 { // Docker's manifests alone are 9 objects
		t.Fatalf("KinD holds %d objects before the move; the check would prove little", len(before))
	}
	res := run(t, w.Dir, "move", "--yes")
	if res.code != 0 {
		t.Fatalf("move --yes = exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	mgmt, boot := readObjects(t, w.Management), readObjects(t, w.Bootstrap)
	if specPaused, annotated := clusterPaused(t, w.Management); specPaused || annotated {
		t.Errorf("Cluster cluster3 on management after the move: spec.paused %v, paused annotation %v; want neither", specPaused, annotated)
	}
	var missing, left []string
	for key, objs := range before {
		if len(boot[key]) > 0 {
			left = append(left, key)
		}
		switch n := len(mgmt[key]); {
		case n == 0:
			missing = append(missing, key)
			continue
		case n > 1:
			t.Errorf("%s is on management %d times", key, n)
		}
		for _, field := range []string{"spec", "data", "stringData", "type"} {
			want, _, _ := unstructured.NestedFieldNoCopy(objs[0].Object, field)
			got, _, _ := unstructured.NestedFieldNoCopy(mgmt[key][0].Object, field)
			if field == "spec" && objs[0].GetKind() == "Cluster" {
				want, got = withoutPaused(want), withoutPaused(got)
			}
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%s: %s on management differs from KinD's before the move", key, field)
			}
		}
		// Labels too: CAPT's ownerName/ownerNamespace on a Hardware mark it
		// in use; without them the next provisioning takes a running node's
		// machine (internal/testworld/tinkerbell.go).
		checkMovedMetadata(t, key, objs[0], mgmt[key][0])
	}
	if len(missing) > 0 {
		t.Errorf("move left %d of %d objects off management: %s", len(missing), len(before), strings.Join(missing, ", "))
	}
	if len(left) > 0 {
		t.Errorf("move left %d objects in KinD: %s", len(left), strings.Join(left, ", "))
	}
}

// withoutPaused drops spec.paused: the move unpauses what it moved.
func withoutPaused(spec any) any {
	m, ok := spec.(map[string]any)
	if !ok {
		return spec
	}
	out := map[string]any{}
	for k, v := range m {
		if k != "paused" {
			out[k] = v
		}
	}
	return out
}
