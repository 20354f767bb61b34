// Package backup is the plugin's backup folder: clusterctl's directory
// format (one YAML file per object, named Kind_namespace_name.yaml, which
// clusterctl move --from-directory reads too) plus a manifest beside the
// folder with each file's sha256, so a restore can prove the files whole
// before it writes anything. It reads and writes files only, never a
// cluster.
package backup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// ManifestSuffix names a backup's manifest, beside its folder: inside it,
// clusterctl's --from-directory would read the manifest as an object.
const ManifestSuffix = eksa.BackupManifestSuffix

// Manifest records what a backup holds, so a restore can prove the files are
// whole before it writes anything.
type Manifest struct {
	Tool           string          `json:"tool"`
	ToolVersion    string          `json:"toolVersion"`
	Created        time.Time       `json:"created"`
	Cluster        string          `json:"cluster"`
	PausedClusters []string        `json:"pausedClusters"`
	Objects        []ManifestEntry `json:"objects"`
	// Clusters records every Cluster API Cluster on the management cluster
	// when the backup was taken, and whether it was paused: the workload
	// clusters too, whose objects a backup of one cluster does not hold.
	// It is how resume later tells a cluster paused on purpose from one a
	// failed run paused (workspace reads it as a PauseRecord).
	Clusters []ClusterPause `json:"clusters,omitempty"`
}

// ClusterPause is one Cluster's spec.paused as the backup found it.
type ClusterPause struct {
	Name   string `json:"name"`
	Paused bool   `json:"paused"`
}

// ManifestEntry is one object file.
type ManifestEntry struct {
	File   string `json:"file"`
	Group  string `json:"group"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Source string `json:"source"` // bootstrap, management, or both (a split move)
	SHA256 string `json:"sha256"`
}

// Set is the objects read from one cluster.
type Set struct {
	Source  string // "bootstrap" or "management"
	Objects []*unstructured.Unstructured
}

// Write writes every object of the sets into dir, one file per object
// named as clusterctl names them, plus the manifest beside dir. An object
// on both clusters (a cut-off move) is written from the first set given,
// the source of the move, and marked "both".
//
// A backup is never overwritten and never written through a symlink: dir
// and its manifest must not exist (a symlink planted at either counts).
// The files are written in a hidden folder beside dir (".<name>.partial-*",
// which no one lists as a backup), the manifest is created exclusively
// next, and the folder then renamed to dir: dir appears whole, with its
// manifest, or not at all. A write that fails half way (a full disk)
// removes what it wrote.
func Write(dir, cluster, toolVersion string, now time.Time, sets ...Set) (*Manifest, error) {
	return WriteRecording(dir, cluster, toolVersion, now, nil, sets...)
}

// WriteRecording is Write with the management cluster's Clusters' pauses
// recorded in the manifest (Manifest.Clusters).
func WriteRecording(dir, cluster, toolVersion string, now time.Time, clusters []ClusterPause, sets ...Set) (m *Manifest, err error) {
	if err := CheckNew(dir); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dir)), "."+filepath.Base(dir)+".partial-")
	if err != nil {
		return nil, fmt.Errorf("creating backup folder: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(tmp)
		}
	}()
	if m, err = writeObjects(tmp, cluster, toolVersion, now, sets); err != nil {
		return nil, err
	}
	m.Clusters = clusters
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := createFile(ManifestPath(dir), data); err != nil {
		return nil, fmt.Errorf("writing backup manifest: %w", err)
	}
	// rename(2) never replaces a file, a symlink or a folder that holds
	// anything; only an empty folder made since the check above.
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.Remove(ManifestPath(dir))
		return nil, fmt.Errorf("creating backup folder: %w", err)
	}
	return m, nil
}

// CheckNew fails, in one line, when dir or its manifest already exists (a
// symlink there counts, dangling or not): Write would refuse it. Commands
// call it before they read a cluster, so a taken path costs nothing.
func CheckNew(dir string) error {
	for _, p := range []string{dir, ManifestPath(dir)} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s already exists: a backup is never overwritten; pick a new folder", p)
		}
	}
	return nil
}

func writeObjects(dir, cluster, toolVersion string, now time.Time, sets []Set) (*Manifest, error) {
	m := &Manifest{Tool: "kubectl-eksa_recover", ToolVersion: toolVersion, Created: now.UTC(), Cluster: cluster, PausedClusters: []string{}}
	seen := map[objgraph.Key]int{}
	for _, l := range sets {
		for _, o := range l.Objects {
			k := objgraph.KeyOf(o)
			if i, ok := seen[k]; ok {
				m.Objects[i].Source = "both"
				continue
			}
			data, err := o.MarshalJSON()
			if err != nil {
				return nil, err
			}
			file := FileName(o)
			if err := createFile(filepath.Join(dir, file), data); err != nil {
				return nil, fmt.Errorf("writing backup: %w", err)
			}
			sum := sha256.Sum256(data)
			seen[k] = len(m.Objects)
			m.Objects = append(m.Objects, ManifestEntry{File: file, Group: k.Group, Kind: k.Kind, Name: k.Name,
				Source: l.Source, SHA256: hex.EncodeToString(sum[:])})
			if paused, _, _ := unstructured.NestedBool(o.Object, "spec", "paused"); paused && k.Kind == "Cluster" {
				m.PausedClusters = append(m.PausedClusters, k.Name)
			}
		}
	}
	sort.Slice(m.Objects, func(i, j int) bool { return m.Objects[i].File < m.Objects[j].File })
	return m, nil
}

// createFile writes a new file, 0600. O_EXCL fails on anything already at
// path, a symlink included (dangling or not), so nothing is overwritten and
// no link is followed. A file cut short (disk full) is removed.
func createFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
	}
	return err
}

// FileName is clusterctl's file name for an object: Kind_namespace_name.yaml.
func FileName(o *unstructured.Unstructured) string {
	return o.GetKind() + "_" + o.GetNamespace() + "_" + o.GetName() + ".yaml"
}

// ManifestPath is where dir's manifest lives.
func ManifestPath(dir string) string { return filepath.Clean(dir) + ManifestSuffix }

// ErrNoManifest marks a backup written by eksctl (or clusterctl), which has
// no manifest to check the files against.
var ErrNoManifest = errors.New("no manifest")

// UncheckedNote is what a command says before it uses a backup without a
// manifest: the user should know its files were not checked.
func UncheckedNote(dir string) string {
	return dir + " has no manifest (written by eksctl): its files are used unchecked"
}

// Read reads a backup folder. With a manifest, every file's hash must
// match and every listed file be there, or nothing is returned: a corrupt or
// truncated backup is refused before anything is written. Without one
// (eksctl's folders) it reads the files and returns ErrNoManifest with them.
func Read(dir string) ([]*unstructured.Unstructured, *Manifest, error) {
	m, err := readManifest(dir)
	if err != nil && !errors.Is(err, ErrNoManifest) {
		return nil, nil, err
	}
	files, readErr := os.ReadDir(dir)
	if readErr != nil {
		return nil, nil, fmt.Errorf("reading backup %s: %w", dir, readErr)
	}
	want := map[string]string{}
	if m != nil {
		for _, e := range m.Objects {
			want[e.File] = e.SHA256
		}
	}
	var objs []*unstructured.Unstructured
	for _, f := range files {
		if f.IsDir() || !strings.HasSuffix(f.Name(), ".yaml") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			return nil, nil, err
		}
		if m != nil {
			sum := sha256.Sum256(data)
			if hash, listed := want[f.Name()]; !listed || hash != hex.EncodeToString(sum[:]) {
				return nil, nil, fmt.Errorf("backup %s is corrupt: %s does not match its manifest; restore from another backup", dir, f.Name())
			}
			delete(want, f.Name())
		}
		o, err := decode(data)
		if err != nil || o.GetKind() == "" {
			return nil, nil, fmt.Errorf("backup %s is corrupt: %s is not an object", dir, f.Name())
		}
		objs = append(objs, o)
	}
	for missing := range want {
		return nil, nil, fmt.Errorf("backup %s is truncated: %s is missing; restore from another backup", dir, missing)
	}
	if m == nil {
		return objs, nil, ErrNoManifest
	}
	return objs, m, nil
}

// decode reads one object file. The plugin's own files are JSON (valid
// YAML, as clusterctl's reader expects) and are decoded as such: going
// through YAML first took most of a 5,000-object backup's check. eksctl's
// and clusterctl's YAML go through JSON, so numbers stay int64 as the API
// server's are.
func decode(data []byte) (*unstructured.Unstructured, error) {
	js := data
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		var err error
		if js, err = yaml.YAMLToJSON(data); err != nil {
			return nil, err
		}
	}
	o := &unstructured.Unstructured{}
	return o, o.UnmarshalJSON(js)
}

func readManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(ManifestPath(dir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoManifest
	}
	if err != nil {
		return nil, err
	}
	m := &Manifest{}
	if err := json.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("backup manifest %s is corrupt: %v", ManifestPath(dir), err)
	}
	return m, nil
}
