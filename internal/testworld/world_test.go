package testworld_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

func startWorld(t *testing.T, o testworld.Options) *testworld.World {
	t.Helper()
	return testworld.StartForTest(t, o)
}

// clientFor builds a client from the kubeconfig file the world wrote, as a
// user's kubectl would: the files must work, not just the in-memory config.
func clientFor(t *testing.T, kubeconfig string) (*rest.Config, dynamic.Interface) {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatalf("loading %s: %v", kubeconfig, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, dyn
}

// table asks the server for the rows kubectl get prints (server-side
// printing, the CRD's printer columns), keyed by name then column name.
func table(t *testing.T, cfg *rest.Config, path string) map[string]map[string]string {
	t.Helper()
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, strings.TrimSuffix(cfg.Host, "/")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	var tbl metav1.Table
	if err := json.NewDecoder(resp.Body).Decode(&tbl); err != nil {
		t.Fatal(err)
	}
	rows := map[string]map[string]string{}
	for _, r := range tbl.Rows {
		cells := map[string]string{}
		for i, c := range tbl.ColumnDefinitions {
			if i < len(r.Cells) && r.Cells[i] != nil {
				cells[c.Name] = fmt.Sprint(r.Cells[i])
			}
		}
		rows[cells["Name"]] = cells
	}
	return rows
}

func list(t *testing.T, dyn dynamic.Interface, gvr schema.GroupVersionResource, ns string) []unstructured.Unstructured {
	t.Helper()
	l, err := dyn.Resource(gvr).Namespace(ns).List(context.WithoutCancel(t.Context()), metav1.ListOptions{})
	if err != nil {
		t.Fatalf("listing %s: %v", gvr.Resource, err)
	}
	return l.Items
}

func machinesGVR(f testworld.Flavour) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: eksa.GroupCAPI, Version: string(f), Resource: "machines"}
}

func clustersGVR(f testworld.Flavour) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: eksa.GroupCAPI, Version: string(f), Resource: "clusters"}
}

func kubectl(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("kubectl"); err != nil {
		return "", false
	}
	out, err := exec.CommandContext(t.Context(), "kubectl", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), true
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func globCount(t *testing.T, pattern string) int {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

func nestedBool(obj map[string]any, fields ...string) (bool, bool, error) {
	return unstructured.NestedBool(obj, fields...)
}

func nestedString(obj map[string]any, fields ...string) (string, bool, error) {
	return unstructured.NestedString(obj, fields...)
}

// TestStart_FailureStopsServers: a world that fails after its API servers
// started (here: eksctl's folder cannot be written) stops them; nothing of
// it outlives the test as an orphaned kube-apiserver or etcd.
func TestStart_FailureStopsServers(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	before := childServers(t)
	w, err := testworld.Start(t.Context(), testworld.Options{Scenario: testworld.Healthy, Dir: filepath.Join(blocker, "workspace")})
	if err == nil {
		_ = w.Stop()
		t.Fatal("Start() with an unwritable workspace succeeded")
	}
	if w != nil {
		t.Errorf("Start() = %v and a world, want no world", err)
	}
	if after := childServers(t); len(after) > len(before) {
		t.Errorf("after a failed Start %d kube-apiserver/etcd processes of this test run, %d before: %v", len(after), len(before), after)
	}
}

// childServers lists this process's kube-apiserver and etcd children.
func childServers(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc: cannot list child processes")
	}
	var out []string
	self := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(stat)
		open, closeParen := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closeParen < open {
			continue
		}
		comm, rest := s[open+1:closeParen], strings.Fields(s[closeParen+1:])
		if len(rest) > 1 && rest[1] == self && (comm == "kube-apiserver" || comm == "etcd") {
			out = append(out, comm+"/"+e.Name())
		}
	}
	return out
}
