package bundle

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/redact"
)

// workspaceFiles adds the eksctl files that exist: the EKS-A spec, the
// generated folder's files except the kubeconfigs (the CAPI spec, the
// checkpoint), the logs (newer than Since), and the list of backups with
// their manifests. The files are under workspace/, by their path in the
// cluster's folder.
func (b *builder) workspaceFiles() {
	ws := b.in.Workspace
	dir := filepath.Join(ws.Dir, ws.ClusterName)
	if ws.ClusterSpec != "" {
		b.workspaceFile(dir, ws.ClusterSpec, "the EKS-A cluster spec eksctl ran with")
	}
	generated, _ := filepath.Glob(filepath.Join(dir, "generated", "*"))
	sort.Strings(generated)
	for _, f := range generated {
		if fi, err := os.Lstat(f); err != nil || fi.IsDir() || strings.HasSuffix(f, ".kubeconfig") {
			continue // a symlink goes on, for workspaceFile to note and refuse
		}
		about := "a file eksctl generated (the CAPI spec)"
		if ws.Checkpoint != nil && f == ws.Checkpoint.Path {
			about = "eksctl's checkpoint: the tasks the failed run completed"
		}
		b.workspaceFile(dir, f, about)
	}
	b.logs(dir)
	b.backups(dir)
}

// logs adds eksctl's log files modified within Since.
func (b *builder) logs(dir string) {
	logsDir := b.in.Workspace.LogsDir
	if logsDir == "" {
		logsDir = filepath.Join(dir, "logs")
	}
	files, _ := filepath.Glob(filepath.Join(logsDir, "*"))
	sort.Strings(files)
	skipped := 0
	for _, f := range files {
		fi, err := os.Lstat(f)
		if err != nil || fi.IsDir() {
			continue // a symlink goes on, for workspaceFile to note and refuse
		}
		if b.in.Since > 0 && fi.ModTime().Before(b.in.Now.Add(-b.in.Since)) {
			skipped++
			continue
		}
		b.workspaceFile(dir, f, "an eksctl log")
	}
	if skipped > 0 {
		b.notes = append(b.notes, fmt.Sprintf("%d eksctl log files older than --since %s", skipped, b.in.Since))
	}
}

// backups lists every backup folder and its files, and adds the plugin's
// manifests; the object files themselves hold Secrets and stay out.
func (b *builder) backups(dir string) {
	var list strings.Builder
	for _, bk := range b.in.Workspace.Backups {
		fmt.Fprintf(&list, "%s  source=%s  time=%s  objects=%d\n", filepath.Base(bk.Path), bk.Source,
			bk.Time.UTC().Format("2006-01-02T15:04:05Z"), bk.Objects)
		entries, _ := os.ReadDir(bk.Path)
		for _, e := range entries {
			fmt.Fprintf(&list, "    %s\n", e.Name())
		}
		if m := bk.Path + ".manifest.json"; isFile(m) {
			b.workspaceFile(dir, m, "the manifest of backup "+filepath.Base(bk.Path)+" (a sha256 per file)")
		}
	}
	if list.Len() == 0 {
		list.WriteString("no backups found\n")
	}
	b.add("workspace/backups.txt", redact.Text([]byte(list.String()), b.in.Known...),
		"the backup folders, newest first, with the files in each (their contents are not included)")
}

// workspaceFile adds one file, redacted: YAML documents as objects, any
// other text line by line. Only a regular file inside the cluster's folder
// is read: a symlink planted in logs/ or generated/ (to ~/.ssh, say) is
// noted, never followed.
func (b *builder) workspaceFile(dir, file, about string) {
	data, err := readInside(dir, file)
	if err != nil {
		b.notes = append(b.notes, fmt.Sprintf("%s: %v", file, err))
		return
	}
	rel, err := filepath.Rel(dir, file)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = filepath.Base(file)
	}
	if ext := filepath.Ext(file); ext == ".yaml" || ext == ".yml" {
		data = redactYAML(data, b.in.Known)
	}
	b.add(path.Join("workspace", filepath.ToSlash(rel)), redact.Text(data, b.in.Known...), about)
}

// redactYAML redacts each document of a YAML stream as an object; a
// document that does not parse is left to redact.Text.
func redactYAML(data []byte, known []string) []byte {
	var out [][]byte
	for _, doc := range bytes.Split(data, []byte("\n---")) {
		obj := map[string]any{}
		if err := yaml.Unmarshal(doc, &obj); err != nil || len(obj) == 0 {
			out = append(out, doc)
			continue
		}
		redact.Object(obj, known...)
		y, err := yaml.Marshal(obj)
		if err != nil {
			out = append(out, doc)
			continue
		}
		out = append(out, append([]byte("\n"), y...))
	}
	return bytes.TrimPrefix(bytes.Join(out, []byte("\n---")), []byte("\n"))
}

// isFile: a regular file, not a symlink to one.
func isFile(p string) bool {
	fi, err := os.Lstat(p)
	return err == nil && fi.Mode().IsRegular()
}

// readInside reads file when it is a regular file (not a symlink) whose
// real path, every folder on the way resolved, is inside dir's: a folder
// such as logs/ linked elsewhere is refused as a linked file is.
func readInside(dir, file string) ([]byte, error) {
	fi, err := os.Lstat(file)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("a symlink, not followed")
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file, not collected")
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	realFile, err := filepath.EvalSymlinks(file)
	if err != nil {
		return nil, err
	}
	if rel, err := filepath.Rel(realDir, realFile); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("is %s, outside the cluster's folder, not collected", realFile)
	}
	return os.ReadFile(realFile)
}
