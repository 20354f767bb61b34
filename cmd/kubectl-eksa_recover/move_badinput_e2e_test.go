package main_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

// progressLine matches what move says on stderr before it refuses; every
// other stderr line must be the one error line.
var progressLine = regexp.MustCompile(`^(Planning move\.\.\.|Performing move\.\.\.|Discovering Cluster API objects|Moving Cluster API objects .*|  group \d+: .*|Backing up \d+ objects to .*)$`)

// TestMove_BadInput: each mistake gets exit 1, one line naming the fix, and
// leaves both clusters as they were (and writes no backup where the
// refusal comes before it).
func TestMove_BadInput(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	dir := t.TempDir()
	notAFolder := filepath.Join(dir, "a-file")
	if err := os.WriteFile(notAFolder, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		setup func(t *testing.T) // changes the world for this case and the later ones
		want  string             // what the line must name
		// backup: the refusal comes after the backup (the lock is taken
		// once the backup is written and read back).
		backup bool
	}{
		{name: "management unreachable", args: []string{"--kubeconfig", closedPortKubeconfig(t, dir)}, want: "--kubeconfig"},
		{name: "wrong cluster name", args: []string{"--cluster-name", "cluster9"}, want: `no cluster "cluster9"`},
		{name: "backup folder not writable", args: []string{"--backup-dir", filepath.Join(notAFolder, "backup")}, want: "--backup-dir"},
		{name: "backup folder exists", args: []string{"--backup-dir", dir}, want: "pass another --backup-dir"},
		{name: "second move while one runs", setup: holdMoveLock(w), want: "Lease eksa-system/eksa-recover-move-cluster3", backup: true},
		{name: "management lacks a provider", setup: deleteProvider(w, "capv-system", "infrastructure-vsphere"), want: "infrastructure-vsphere"},
		{name: "management lacks a CRD", setup: deleteCRD(w, "vspherevms.infrastructure.cluster.x-k8s.io"), want: "install those providers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(t)
			}
			// The world's own read of both clusters, every object in
			// eksa-system and the EKS-A namespace (Leases too), not the
			// plugin's graph: a write the graph does not list shows here.
			before, backups := w.StateForTest(t), countMoveBackups(t, w)
			heldBefore := moveLeaseHeld(t, w)
			res := run(t, w.Dir, append([]string{"move", "--yes"}, tt.args...)...)
			checkOneErrorLine(t, res, tt.want)
			testworld.CheckUnchanged(t, "move "+tt.name, before, w.StateForTest(t))
			if held := moveLeaseHeld(t, w); held && !heldBefore {
				t.Errorf("a refused move left its Lease eksa-system/eksa-recover-move-cluster3 behind")
			}
			if got := countMoveBackups(t, w); got != backups && !tt.backup {
				t.Errorf("a refused move wrote a backup (%d backups, were %d)", got, backups)
			}
		})
	}
}

// checkOneErrorLine: exit 1, nothing on stdout, and besides move's progress
// exactly one stderr line, the error, naming want.
func checkOneErrorLine(t *testing.T, res result, want string) {
	t.Helper()
	var errLines []string
	for _, l := range strings.Split(strings.TrimRight(res.stderr, "\n"), "\n") {
		if !progressLine.MatchString(l) {
			errLines = append(errLines, l)
		}
	}
	if res.code != 1 || len(errLines) != 1 || !strings.HasPrefix(errLines[0], "error: ") || !strings.Contains(errLines[0], want) {
		t.Errorf("exit %d, error lines %q; want exit 1 and one line naming %q\nstderr:\n%s", res.code, errLines, want, res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("printed %q on stdout, want nothing", res.stdout)
	}
}

// moveLeaseHeld reports whether management holds cluster3's move Lease.
func moveLeaseHeld(t *testing.T, w *testworld.World) bool {
	t.Helper()
	_, err := dynamicFor(t, w).Resource(leaseGVR).Namespace(eksa.Namespace).Get(t.Context(), "eksa-recover-move-cluster3", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

func countMoveBackups(t *testing.T, w *testworld.World) int {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(w.Layout.Dir(), "eksa-recover-backup-*[0-9]"))
	if err != nil {
		t.Fatal(err)
	}
	return len(found)
}

// closedPortKubeconfig is the world's management kubeconfig pointed at a
// port nothing listens on.
func closedPortKubeconfig(t *testing.T, dir string) string {
	t.Helper()
	addr := testworld.RefusingAddr(t)
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["gone"] = &clientcmdapi.Cluster{Server: "https://" + addr, InsecureSkipTLSVerify: true}
	cfg.AuthInfos["gone"] = &clientcmdapi.AuthInfo{Token: "unused"}
	cfg.Contexts["gone"] = &clientcmdapi.Context{Cluster: "gone", AuthInfo: "gone"}
	cfg.CurrentContext = "gone"
	path := filepath.Join(dir, "closed-port.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// holdMoveLock takes the move lock as a running move would: held by this
// test process, which is alive, so the binary must not take it over.
func holdMoveLock(w *testworld.World) func(t *testing.T) {
	return func(t *testing.T) {
		mgmt, err := writable.Connect(t.Context(), "management", w.Management.Config)
		if err != nil {
			t.Fatal(err)
		}
		lock, err := mover.AcquireLock(t.Context(), mgmt, "cluster3", mover.Holder(time.Now()), time.Now(), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			// t.Context is cancelled before cleanups run.
			if err := lock.Release(context.Background()); err != nil {
				t.Errorf("releasing the lock: %v", err)
			}
		})
	}
}

var (
	crdGVR      = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	providerGVR = schema.GroupVersionResource{Group: "clusterctl.cluster.x-k8s.io", Version: "v1alpha3", Resource: "providers"}
	leaseGVR    = schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}
)

// deleteProvider removes one provider's inventory entry from management,
// as if that provider had never been installed there, and puts it back
// after the case.
func deleteProvider(w *testworld.World, namespace, name string) func(t *testing.T) {
	return func(t *testing.T) {
		ri := dynamicFor(t, w).Resource(providerGVR).Namespace(namespace)
		saved, err := ri.Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := ri.Delete(t.Context(), name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			restored := &unstructured.Unstructured{Object: saved.Object}
			restored.SetResourceVersion("")
			restored.SetUID("")
			if _, err := ri.Create(context.Background(), restored, metav1.CreateOptions{}); err != nil {
				t.Errorf("restoring provider %s/%s: %v", namespace, name, err)
			}
		})
	}
}

// deleteCRD removes a CRD the graph needs from management and waits until
// discovery no longer serves it. It stays deleted: this case runs last.
func deleteCRD(w *testworld.World, name string) func(t *testing.T) {
	return func(t *testing.T) {
		if err := dynamicFor(t, w).Resource(crdGVR).Delete(t.Context(), name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		kind := schema.GroupKind{Group: name[strings.Index(name, ".")+1:], Kind: "VSphereVM"}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			c, err := writable.Connect(t.Context(), "management", w.Management.Config)
			if err != nil {
				t.Fatal(err)
			}
			if _, served := c.Resources[kind]; !served {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("management still serves %s 30s after its CRD was deleted", kind)
			}
		}
	}
}

func dynamicFor(t *testing.T, w *testworld.World) dynamic.Interface {
	t.Helper()
	dyn, err := dynamic.NewForConfig(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	return dyn
}
