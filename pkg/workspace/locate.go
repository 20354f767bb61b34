package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// Options are the user's flags; explicit paths override what is found.
type Options struct {
	Dir                  string // --workspace; default "."
	ClusterName          string // --cluster-name; default: the one cluster folder
	ManagementKubeconfig string // --kubeconfig
	ManagementContext    string // --context
	BootstrapKubeconfig  string // --bootstrap-kubeconfig
	BootstrapContext     string // --bootstrap-context
}

// Locate finds eksctl's files for one cluster. It fails only on what the
// user must fix: a workspace that does not exist, a cluster name that cannot
// be chosen, a kubeconfig named by a flag that is not there.
func Locate(o Options) (*Workspace, error) {
	dir := o.Dir
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("workspace %s is not a folder: pass --workspace, the folder eksctl ran in", abs)
	}
	for flag, path := range map[string]string{"--kubeconfig": o.ManagementKubeconfig, "--bootstrap-kubeconfig": o.BootstrapKubeconfig} {
		if path != "" && !isFile(path) {
			return nil, fmt.Errorf("%s %s: no such file", flag, path)
		}
	}
	name, err := chooseCluster(abs, o)
	if err != nil {
		return nil, err
	}

	l := eksa.Layout{Workspace: abs, Cluster: name}
	w := &Workspace{Dir: abs, ClusterName: name, ManagementContext: o.ManagementContext, BootstrapContext: o.BootstrapContext}
	w.ManagementKubeconfig = w.pick(o.ManagementKubeconfig, l.ManagementKubeconfig(), "management kubeconfig")
	w.BootstrapKubeconfig = w.pick(o.BootstrapKubeconfig, l.BootstrapKubeconfig(), "KinD kubeconfig")
	w.ClusterSpec = w.pick("", l.ClusterSpec(), "cluster spec")
	if isDir(l.LogsDir()) {
		w.LogsDir = l.LogsDir()
	}
	if isFile(l.Checkpoint()) {
		cp, err := readCheckpoint(l.Checkpoint())
		if err != nil {
			w.Notes = append(w.Notes, err.Error())
		} else {
			w.Checkpoint = cp
		}
	}
	w.Backups = findBackups(l)
	return w, nil
}

// pick returns the flag's path, else the found file, else "" with a note.
func (w *Workspace) pick(flag, found, what string) string {
	if flag != "" {
		abs, err := filepath.Abs(flag)
		if err != nil {
			return flag
		}
		return abs
	}
	if isFile(found) {
		return found
	}
	w.Notes = append(w.Notes, fmt.Sprintf("no %s at %s", what, found))
	return ""
}

// chooseCluster returns --cluster-name, or the only cluster folder found.
func chooseCluster(dir string, o Options) (string, error) {
	found := ClusterFolders(dir)
	if o.ClusterName != "" {
		if slices.Contains(found, o.ClusterName) || o.ManagementKubeconfig != "" {
			return o.ClusterName, nil
		}
		if len(found) == 0 {
			return "", fmt.Errorf("no cluster %q in %s (no eksctl cluster folder there): pass --workspace, the folder eksctl ran in", o.ClusterName, dir)
		}
		return "", fmt.Errorf("no cluster %q in %s: found %s; pass one of them to --cluster-name", o.ClusterName, dir, strings.Join(found, ", "))
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", fmt.Errorf("no eksctl cluster folder in %s: pass --workspace (the folder eksctl ran in) or --cluster-name with --kubeconfig", dir)
	default:
		return "", fmt.Errorf("several clusters in %s: %s; pass one of them to --cluster-name", dir, strings.Join(found, ", "))
	}
}

// ClusterFolders lists the folders of dir that eksctl wrote for a cluster:
// <c>/ holding <c>-eks-a-cluster.kubeconfig, <c>-eks-a-cluster.yaml or generated/.
func ClusterFolders(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		l := eksa.Layout{Workspace: dir, Cluster: e.Name()}
		if isFile(l.ManagementKubeconfig()) || isFile(l.ClusterSpec()) || isFile(l.BootstrapKubeconfig()) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

func readCheckpoint(path string) (*Checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var file struct {
		CompletedTasks map[string]any `json:"completedTasks"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("checkpoint %s is not eksctl's format: %v", path, err)
	}
	cp := &Checkpoint{Path: path}
	for _, t := range eksa.UpgradeTasks {
		if _, done := file.CompletedTasks[t]; done {
			cp.Completed = append(cp.Completed, t)
		} else if cp.FailedAt == "" {
			cp.FailedAt = t
		}
	}
	return cp, nil
}

// findBackups lists backup folders under eksctl's and the plugin's names,
// newest first.
func findBackups(l eksa.Layout) []Backup {
	entries, err := os.ReadDir(l.Dir())
	if err != nil {
		return nil
	}
	prefixes := []struct {
		prefix string
		source BackupSource
	}{
		// Longest first: "bootstrap-cluster-state-backup-" contains the other.
		{eksa.BootstrapBackupPrefix, BackupBootstrap},
		{eksa.ManagementBackupPrefix, BackupManagement},
		{eksa.PluginBackupPrefix, BackupPlugin},
		{eksa.ClusterBackupPrefix(l.Cluster), BackupCluster},
	}
	var out []Backup
	for _, e := range entries {
		for _, p := range prefixes {
			if !e.IsDir() || !strings.HasPrefix(e.Name(), p.prefix) {
				continue
			}
			at, err := time.Parse(eksa.BackupTimeFormat, strings.TrimPrefix(e.Name(), p.prefix))
			if err != nil {
				continue // not a timestamped backup folder
			}
			path := filepath.Join(l.Dir(), e.Name())
			b := Backup{Path: path, Source: p.source, Time: at, Objects: countObjectFiles(path)}
			if p.source == BackupPlugin {
				b.Pauses = readPauseRecord(path)
			}
			out = append(out, b)
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	return out
}

// countObjectFiles counts clusterctl's one-object-per-file YAML files.
func countObjectFiles(dir string) int {
	files, _ := filepath.Glob(filepath.Join(dir, "*_*_*.yaml"))
	return len(files)
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
