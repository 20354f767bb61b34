package backup

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// wholeSecrets are Secrets as the API server returns them from an EKS-A
// management cluster: binary data, every type EKS-A and Cluster API use,
// labels and annotations (one holding JSON), owner references, finalizers,
// immutable and stringData. (All in eksa-system: a backup holds one
// namespace, and objgraph.Key, which Write dedups by, has no namespace.)
var wholeSecrets = []string{
	`{"apiVersion":"v1","kind":"Secret","type":"cluster.x-k8s.io/secret","metadata":{"name":"mgmt-kubeconfig","namespace":"eksa-system","uid":"0b7e","resourceVersion":"4711","creationTimestamp":"2026-11-27T19:12:34Z","labels":{"cluster.x-k8s.io/cluster-name":"mgmt"},"ownerReferences":[{"apiVersion":"controlplane.cluster.x-k8s.io/v1beta1","kind":"KubeadmControlPlane","name":"mgmt","uid":"9f1c","controller":true,"blockOwnerDeletion":true}]},"data":{"value":"YXBpVmVyc2lvbjogdjEKa2luZDogQ29uZmlnCg=="}}`,
	`{"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/tls","immutable":true,"metadata":{"name":"mgmt-ca","namespace":"eksa-system","uid":"1c2d","resourceVersion":"17","labels":{"cluster.x-k8s.io/cluster-name":"mgmt","clusterctl.cluster.x-k8s.io/move":""},"finalizers":["example.com/keep"]},"data":{"tls.crt":"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t","tls.key":"AAEC/f7/AA=="}}`,
	`{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"vsphere-credentials","namespace":"eksa-system","uid":"2d3e","resourceVersion":"9","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"kind\":\"Secret\"}\n","note":"multi\nline ünïcode"}},"data":{"username":"YWRtaW5pc3RyYXRvckB2c3BoZXJlLmxvY2Fs","password":"cDRzc3c0cmQh","usernameCP":"","passwordCSI":"cDRzc3c0cmQh"}}`,
	`{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"nutanix-credentials","namespace":"eksa-system","uid":"3e4f","resourceVersion":"10"},"stringData":{"region":"eu-west-1"},"data":{"credentials":"W3sidHlwZSI6ImJhc2ljX2F1dGgiLCJkYXRhIjp7InByaXNtQ2VudHJhbCI6eyJ1c2VybmFtZSI6ImFkbWluIiwicGFzc3dvcmQiOiJwIn19fV0="}}`,
	`{"apiVersion":"v1","kind":"Secret","type":"bootstrap.cluster.x-k8s.io/token","metadata":{"name":"bootstrap-token-abcdef","namespace":"kube-system","uid":"4f50","resourceVersion":"3"},"data":{"token-id":"YWJjZGVm","usage-bootstrap-authentication":"dHJ1ZQ==","expiration":"MjAyNi0xMS0yOFQxOToxMjozNFo="}}`,
}

func parseObjects(t *testing.T, docs []string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, d := range docs {
		o := &unstructured.Unstructured{}
		if err := o.UnmarshalJSON([]byte(d)); err != nil {
			t.Fatalf("test data %.60s: %v", d, err)
		}
		out = append(out, o)
	}
	return out
}

func keyOf(o *unstructured.Unstructured) string {
	return o.GetNamespace() + "/" + o.GetName()
}

// TestWriteRead_WholeSecrets writes Secrets and reads them back: each must
// come back equal, every field, to what was written, and none may be lost.
func TestWriteRead_WholeSecrets(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "b")
	if _, err := Write(dir, "mgmt", "test", time.Now(), Set{Source: "bootstrap", Objects: parseObjects(t, wholeSecrets)}); err != nil {
		t.Fatal(err)
	}
	got, _, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkSame(t, got, parseObjects(t, wholeSecrets))
}

// TestRead_ClusterctlYAML reads Secrets as clusterctl move --to-directory
// (and eksctl) writes them, YAML without a manifest: every field as the
// API server had it, numbers as int64.
func TestRead_ClusterctlYAML(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Secret_eksa-system_mgmt-kubeconfig.yaml": `apiVersion: v1
data:
  value: YXBpVmVyc2lvbjogdjEKa2luZDogQ29uZmlnCg==
kind: Secret
metadata:
  creationTimestamp: "2026-11-27T19:12:34Z"
  labels:
    cluster.x-k8s.io/cluster-name: mgmt
  name: mgmt-kubeconfig
  namespace: eksa-system
  ownerReferences:
  - apiVersion: controlplane.cluster.x-k8s.io/v1beta1
    blockOwnerDeletion: true
    controller: true
    kind: KubeadmControlPlane
    name: mgmt
    uid: 9f1c
  resourceVersion: "4711"
  uid: 0b7e
type: cluster.x-k8s.io/secret
`,
		"Secret_eksa-system_mgmt-ca.yaml": `apiVersion: v1
data:
  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
  tls.key: AAEC/f7/AA==
immutable: true
kind: Secret
metadata:
  finalizers:
  - example.com/keep
  labels:
    cluster.x-k8s.io/cluster-name: mgmt
    clusterctl.cluster.x-k8s.io/move: ""
  name: mgmt-ca
  namespace: eksa-system
  resourceVersion: "17"
  uid: 1c2d
type: kubernetes.io/tls
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, _, err := Read(dir)
	if err != ErrNoManifest {
		t.Fatalf("Read(clusterctl's folder) error = %v, want ErrNoManifest", err)
	}
	checkSame(t, got, parseObjects(t, wholeSecrets[:2]))
}

// checkSame fails t unless got holds exactly want's objects, each equal
// in every field.
func checkSame(t *testing.T, got, want []*unstructured.Unstructured) {
	t.Helper()
	byKey := map[string]*unstructured.Unstructured{}
	for _, o := range got {
		byKey[keyOf(o)] = o
	}
	if len(got) != len(want) || len(byKey) != len(want) {
		t.Errorf("read back %d objects (%d distinct), want %d", len(got), len(byKey), len(want))
	}
	for _, w := range want {
		g, ok := byKey[keyOf(w)]
		if !ok {
			t.Errorf("Secret %s was not read back", keyOf(w))
			continue
		}
		if !reflect.DeepEqual(g.Object, w.Object) {
			gj, _ := g.MarshalJSON()
			wj, _ := w.MarshalJSON()
			t.Errorf("Secret %s read back as\n%s\nwant\n%s", keyOf(w), gj, wj)
		}
	}
}
