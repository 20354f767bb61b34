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
		if strings.HasSuffix(f, ".kubeconfig") || !isFile(f) {
			continue
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
		fi, err := os.Stat(f)
		if err != nil || !fi.Mode().IsRegular() {
			continue
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
// other text line by line.
func (b *builder) workspaceFile(dir, file, about string) {
	data, err := os.ReadFile(file)
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

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
