package bundle_test

import (
	"archive/tar"
	"compress/gzip"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/bundle"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// The secrets the test plants, each where it occurs in real workspaces and
// clusters; none may appear in any file of the bundle.
const (
	vcenterPassword = "Vc3nter-Pa55word"
	logToken        = "t0ken-from-a-log-line"
	specPassword    = "spec-pa55word-in-yaml"
	pemBody         = "MIIEpAIBAAKCAQEAsecretkeybody"
	annotationData  = "YW5ub3RhdGVkLXNlY3JldA=="
	kubeconfigKey   = "a3ViZWNvbmZpZy1rZXk="
	backupSecret    = "YmFja3VwLXNlY3JldC1kYXRh"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func write(t *testing.T, path, body string, mtime time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// input is a workspace and a snapshot as a failed upgrade leaves them,
// with the secrets above planted in each place a bundle reads.
func input(t *testing.T) bundle.Input {
	t.Helper()
	dir := t.TempDir()
	cl := filepath.Join(dir, "mgmt")
	spec := filepath.Join(cl, "mgmt-eks-a-cluster.yaml")
	write(t, spec, "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata: {name: mgmt}\n---\nkind: VSphereDatacenterConfig\nspec: {server: vc.example, password: "+specPassword+"}\n", now)
	write(t, filepath.Join(cl, "generated", "mgmt.kind.kubeconfig"), "users:\n- user: {client-key-data: "+kubeconfigKey+"}\n", now)
	write(t, filepath.Join(cl, "generated", "checkpoint.yaml"), "completedTasks: [setup-and-validate]\n", now)
	write(t, filepath.Join(cl, "logs", "recent.log"), "2026-11-28T11:00:00Z V6 Executing command {\"cmd\": \"kubectl --token "+logToken+"\"}\nvsphere password "+vcenterPassword+" or "+base64.StdEncoding.EncodeToString([]byte(vcenterPassword))+"\n", now.Add(-time.Hour))
	write(t, filepath.Join(cl, "logs", "old.log"), "an old run\n", now.Add(-72*time.Hour))
	backupDir := filepath.Join(cl, "eksa-recover-backup-1")
	write(t, filepath.Join(backupDir, "Secret_eksa-system_mgmt-kubeconfig.yaml"), "kind: Secret\ndata: {value: "+backupSecret+"}\n", now)
	write(t, backupDir+".manifest.json", `{"tool":"kubectl-eksa_recover","objects":[{"file":"Secret_eksa-system_mgmt-kubeconfig.yaml"}]}`, now)

	cluster := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster",
		"metadata": map[string]any{"name": "mgmt", "namespace": "eksa-system", "annotations": map[string]any{
			"kubectl.kubernetes.io/last-applied-configuration": `{"kind":"Secret","data":{"value":"` + annotationData + `"}}`,
			"key": "-----BEGIN RSA PRIVATE KEY-----\n" + pemBody + "\n-----END RSA PRIVATE KEY-----",
		}},
		"spec": map[string]any{"paused": true},
	}}
	snap := &snapshot.Snapshot{
		Management: snapshot.ClusterState{
			Role: snapshot.Management, Configured: true, Reachable: true,
			Raw:     []*unstructured.Unstructured{cluster},
			Objects: []snapshot.Object{{Group: "cluster.x-k8s.io", Kind: "Cluster", Namespace: "eksa-system", Name: "mgmt"}, {Group: "cluster.x-k8s.io", Kind: "Machine", Namespace: "eksa-system", Name: "mgmt-md-0"}},
			Core:    []snapshot.Object{{Kind: "Secret", Namespace: "eksa-system", Name: "mgmt-kubeconfig"}, {Kind: "ConfigMap", Namespace: "eksa-system", Name: "mgmt-cm"}},
			EKSA:    []snapshot.Object{{Group: "anywhere.eks.amazonaws.com", Kind: "VSphereDatacenterConfig", Namespace: "default", Name: "mgmt", Fields: map[string]string{"server": "vc.example"}}},
			Nodes:   []snapshot.Node{{Name: "mgmt-cp-1", Ready: true, KubeletVersion: "v1.33.1"}},
		},
		Bootstrap: snapshot.ClusterState{Role: snapshot.Bootstrap, Error: "dial tcp 127.0.0.1:40000: connection refused"},
	}
	return bundle.Input{
		Snapshot:   snap,
		Report:     &diagnose.Report{EKSAVersion: "v0.22.0", EKSAVersionSource: "the EKS-A Cluster"},
		Workspace:  &workspace.Workspace{Dir: dir, ClusterName: "mgmt", ClusterSpec: spec, Checkpoint: &workspace.Checkpoint{Path: filepath.Join(cl, "generated", "checkpoint.yaml")}, Backups: []workspace.Backup{{Path: backupDir, Source: "eksa-recover", Time: now, Objects: 1}}},
		StatusJSON: []byte(`{"verdict":"StrandedInBootstrap","note":"password: ` + vcenterPassword + `"}`),
		Extras:     map[snapshot.Role]bundle.Extras{snapshot.Management: {SecretKeys: map[string][]string{"eksa-system/mgmt-kubeconfig": {"value"}}, ServerVersion: "v1.33.1"}},
		Plugin:     "v1.2.3",
		Since:      24 * time.Hour,
		Now:        now,
		Known:      []string{vcenterPassword},
	}
}

func filesByName(files []bundle.File) map[string]string {
	out := map[string]string{}
	for _, f := range files {
		out[f.Name] = string(f.Data)
	}
	return out
}

func TestBuild_NoSecretInAnyFile(t *testing.T) {
	files := bundle.Build(input(t))
	for _, f := range files {
		for _, secret := range []string{vcenterPassword, base64.StdEncoding.EncodeToString([]byte(vcenterPassword)), logToken, specPassword, pemBody, annotationData, kubeconfigKey, backupSecret} {
			if strings.Contains(string(f.Data), secret) {
				t.Errorf("bundle file %s holds %q:\n%s", f.Name, secret, f.Data)
			}
		}
	}
}

func TestBuild_Files(t *testing.T) {
	files := bundle.Build(input(t))
	got := filesByName(files)
	for name, want := range map[string]string{
		"status.json":  `"verdict":"StrandedInBootstrap"`,
		"versions.txt": "plugin: v1.2.3\nmanagement cluster: Kubernetes v1.33.1\nbootstrap cluster: Kubernetes not read (dial tcp 127.0.0.1:40000: connection refused)\nEKS-A: v0.22.0 (the EKS-A Cluster)\n",
		"clusters/management/Cluster/eksa-system_mgmt.yaml":             "paused: true",
		"clusters/management/Machine/eksa-system_mgmt-md-0.yaml":        "Name: mgmt-md-0",
		"clusters/management/Secret/eksa-system_mgmt-kubeconfig.yaml":   "dataKeys:\n- value\n",
		"clusters/management/ConfigMap/eksa-system_mgmt-cm.yaml":        "Name: mgmt-cm",
		"clusters/management/VSphereDatacenterConfig/default_mgmt.yaml": "server: vc.example",
		"clusters/management/Node/mgmt-cp-1.yaml":                       "KubeletVersion: v1.33.1",
		"workspace/mgmt-eks-a-cluster.yaml":                             "server: vc.example",
		"workspace/generated/checkpoint.yaml":                           "setup-and-validate",
		"workspace/logs/recent.log":                                     "Executing command",
		"workspace/backups.txt":                                         "eksa-recover-backup-1  source=eksa-recover  time=2026-11-28T12:00:00Z  objects=1\n    Secret_eksa-system_mgmt-kubeconfig.yaml\n",
		"workspace/eksa-recover-backup-1.manifest.json":                 `"tool":"kubectl-eksa_recover"`,
	} {
		if data, ok := got[name]; !ok {
			t.Errorf("bundle has no %s; it has %d files", name, len(got))
		} else if !strings.Contains(data, want) {
			t.Errorf("bundle file %s = %q, want it to hold %q", name, data, want)
		}
	}
	for name := range got {
		for _, out := range []string{".kubeconfig", "old.log", "eksa-recover-backup-1/"} {
			if strings.Contains(name, out) {
				t.Errorf("bundle holds %s; kubeconfigs, logs older than --since and backups' object files stay out", name)
			}
		}
	}

	readme := files[len(files)-1]
	if readme.Name != "README.txt" {
		t.Fatalf("last file = %s, want README.txt", readme.Name)
	}
	for _, f := range files {
		if !strings.Contains(string(readme.Data), "\n  "+f.Name+"\n") {
			t.Errorf("README.txt does not list %s", f.Name)
		}
	}
	for _, note := range []string{"bootstrap cluster: not read (dial tcp", "1 eksctl log files older than --since 24h0m0s"} {
		if !strings.Contains(string(readme.Data), note) {
			t.Errorf("README.txt's notes lack %q:\n%s", note, readme.Data)
		}
	}
}

// TestWrite reads the archive back: every file under one root folder
// named after the archive, byte for byte, the archive 0600, and an
// existing file never overwritten.
func TestWrite(t *testing.T) {
	files := bundle.Build(input(t))
	path := filepath.Join(t.TempDir(), "eksa-recover-bundle-mgmt.tar.gz")
	size, err := bundle.Write(path, files, now)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() != size || fi.Mode().Perm() != 0o600 {
		t.Fatalf("archive: %v, %v; want size %d, mode 0600", fi, err, size)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	read := map[string]string{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		name, ok := strings.CutPrefix(hdr.Name, "eksa-recover-bundle-mgmt/")
		if !ok || hdr.Mode != 0o600 || !hdr.ModTime.Equal(now) {
			t.Errorf("archive entry %s: mode %o, time %v; want under eksa-recover-bundle-mgmt/, 0600, %v", hdr.Name, hdr.Mode, hdr.ModTime, now)
		}
		read[name] = string(data)
	}
	want := filesByName(files)
	if len(read) != len(want) {
		t.Errorf("archive holds %d files, Build gave %d", len(read), len(want))
	}
	for name, data := range want {
		if read[name] != data {
			t.Errorf("archive's %s = %q, want %q", name, read[name], data)
		}
	}
	if _, err := bundle.Write(path, files, now); err == nil {
		t.Error("Write over an existing bundle: no error; want a refusal")
	}
}
