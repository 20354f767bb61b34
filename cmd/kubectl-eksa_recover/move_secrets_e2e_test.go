package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
)

// TestMove_BackupModesAndNoSecrets: a real move at -v=9 writes its backup
// 0700/0600 and prints neither Secret data nor kubeconfig credentials,
// although it reads and writes every Secret of the cluster.
func TestMove_BackupModesAndNoSecrets(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	secrets := secretMaterial(t, w)
	res := run(t, w.Dir, "move", "--yes", "-v=9")
	if res.code != 0 || !strings.Contains(res.stdout, "Verified") {
		t.Fatalf("move --yes -v=9 = exit %d\nstdout: %s\nstderr (last 2000 bytes): %s", res.code, res.stdout, tail(res.stderr, 2000))
	}
	if !strings.Contains(res.stderr, "POST") || !strings.Contains(res.stderr, "/secrets") {
		t.Errorf("stderr shows no Secret writes at -v=9; the test would prove nothing")
	}
	for _, s := range secrets {
		if strings.Contains(res.stdout, s) || strings.Contains(res.stderr, s) {
			t.Errorf("move -v=9 printed secret material %.12s...", s)
		}
	}
	found, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), "eksa-recover-backup-*[0-9]"))
	if len(found) != 1 {
		t.Fatalf("move wrote %d backups in %s, want 1", len(found), w.Layout.Dir())
	}
	checkBackupModes(t, found[0])
}

// secretMaterial is what must never be printed: the kubeconfigs' keys and
// certificates, every seeded Secret's data, vCenter's password.
func secretMaterial(t *testing.T, w *testworld.World) []string {
	t.Helper()
	var out []string
	for _, path := range []string{w.Layout.ManagementKubeconfig(), w.Layout.BootstrapKubeconfig()} {
		cfg, err := clientcmd.LoadFromFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range cfg.AuthInfos {
			out = append(out, keyMaterial(u.ClientKeyData)...)
			out = append(out, keyMaterial(u.ClientCertificateData)...)
		}
	}
	for _, c := range w.Clusters {
		for _, data := range c.Secrets {
			for _, v := range data {
				out = append(out, keyMaterial(v)...)
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d pieces of secret material to look for", len(out))
	}
	return append(out, w.VCSim.Password)
}

func checkBackupModes(t *testing.T, dir string) {
	t.Helper()
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("backup folder %s: %v, %v; want mode 0700", dir, fi, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Errorf("backup folder %s is empty", dir)
	}
	for _, f := range append(files, backup.ManifestPath(dir)) {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want mode 0600", f, fi, err)
		}
	}
	var m backup.Manifest
	if data, err := os.ReadFile(backup.ManifestPath(dir)); err != nil || json.Unmarshal(data, &m) != nil || len(m.Objects) != len(files) {
		t.Errorf("manifest of %s lists %d objects, the folder holds %d (%v)", dir, len(m.Objects), len(files), err)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
