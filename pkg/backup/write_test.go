package backup

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func oneSet() Set {
	return Set{Source: "bootstrap", Objects: []*unstructured.Unstructured{object("cluster.x-k8s.io/v1beta1", "Cluster", "c1", true)}}
}

// entries lists dir's names, so a test sees anything a write left behind.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestWrite_NeverOverwritesNorFollows: a manifest already there, a
// symlink planted at the manifest's path (to a file outside, or dangling)
// or at the folder's: Write refuses in one line, writes nothing, and the
// file the link points at is unchanged.
func TestWrite_NeverOverwritesNorFollows(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(outside, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		plant func(dir string) error
	}{
		{"manifest exists", func(dir string) error { return os.WriteFile(ManifestPath(dir), []byte("{}"), 0o600) }},
		{"manifest is a symlink out", func(dir string) error { return os.Symlink(outside, ManifestPath(dir)) }},
		{"manifest is a dangling symlink", func(dir string) error { return os.Symlink(outside+".new", ManifestPath(dir)) }},
		{"folder is a symlink", func(dir string) error { return os.Symlink(filepath.Dir(outside), dir) }},
		{"folder exists", func(dir string) error { return os.Mkdir(dir, 0o700) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "eksa-recover-backup-2026-11-27T19_22_52")
			if err := tt.plant(dir); err != nil {
				t.Fatal(err)
			}
			before := entries(t, parent)
			_, err := Write(dir, "c1", "test", time.Now(), oneSet())
			if err == nil || !strings.Contains(err.Error(), "already exists: a backup is never overwritten") {
				t.Errorf("Write = %v, want a refusal naming the existing path", err)
			}
			if after := entries(t, parent); !slices.Equal(before, after) {
				t.Errorf("Write left %v in the folder, want %v", after, before)
			}
			if data, _ := os.ReadFile(outside); string(data) != "precious" {
				t.Errorf("the file outside now holds %q", data)
			}
			if _, err := os.Lstat(outside + ".new"); err == nil {
				t.Errorf("Write created the dangling link's target %s", outside+".new")
			}
		})
	}
}

// TestWrite_FailedHalfWay: a write that fails after some files (a name
// the file system refuses stands for a full disk) leaves nothing: no
// folder, no manifest, no partial folder.
func TestWrite_FailedHalfWay(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "eksa-recover-backup-2026-11-27T19_22_52")
	set := oneSet()
	set.Objects = append(set.Objects, object("v1", "Secret", strings.Repeat("x", 300), false))
	if _, err := Write(dir, "c1", "test", time.Now(), set); err == nil {
		t.Fatal("Write = nil, want the failed file's error")
	}
	if left := entries(t, parent); len(left) != 0 {
		t.Errorf("a failed Write left %v", left)
	}
}

// TestWrite_Whole: the folder appears with its manifest, and the hidden
// folder the files were written in is gone.
func TestWrite_Whole(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "b")
	if _, err := Write(dir, "c1", "test", time.Now(), oneSet()); err != nil {
		t.Fatal(err)
	}
	if got, want := entries(t, parent), []string{"b", "b.manifest.json"}; !slices.Equal(got, want) {
		t.Errorf("after Write the folder holds %v, want %v", got, want)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("backup folder: %v, %v; want mode 0700", fi, err)
	}
}

// TestCreateFile_NoFollow: the last line of defence, for a link planted
// between Write's check and its write: createFile neither follows a
// symlink nor replaces a file.
func TestCreateFile_NoFollow(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside")
	if err := os.WriteFile(outside, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, outside} {
		if err := createFile(p, []byte("overwritten")); err == nil {
			t.Errorf("createFile(%s) = nil, want an error", p)
		}
	}
	if data, _ := os.ReadFile(outside); string(data) != "precious" {
		t.Errorf("the file outside now holds %q", data)
	}
}
