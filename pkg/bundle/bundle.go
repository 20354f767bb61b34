// Package bundle builds the support bundle: one tar.gz that support can
// read without access to the clusters, holding status's report, every
// object status read from both clusters, the Nodes, the eksctl workspace's
// files and the versions, each redacted (package redact), with a README
// that lists every file. It never writes to a cluster and never carries a
// Secret's data, a kubeconfig's credentials, the vCenter password or a
// private key.
package bundle

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/redact"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// File is one file of the bundle, already redacted.
type File struct {
	Name  string // slash-separated, relative to the bundle's root folder
	Data  []byte
	About string // one line for the README
}

// Input is what one bundle holds.
type Input struct {
	Snapshot  *snapshot.Snapshot
	Report    *diagnose.Report
	Workspace *workspace.Workspace
	// StatusJSON is status -o json, as the command prints it.
	StatusJSON []byte
	// Extras are what the bundle reads beyond status: per cluster role,
	// the Secrets' keys and the server's version.
	Extras map[snapshot.Role]Extras
	// Plugin is the plugin's version line.
	Plugin string
	// Since keeps only the eksctl logs written in this long; 0 keeps all.
	Since time.Duration
	Now   time.Time
	// Known are values that must never appear (the vCenter password).
	Known []string
}

// Build collects the bundle's files, README last. A workspace file that
// cannot be read is noted in the README, never fatal.
func Build(in Input) []File {
	b := &builder{in: in}
	b.add("status.json", redact.Text(in.StatusJSON, in.Known...), "status -o json: the verdict, machines, findings and next steps")
	for _, role := range []snapshot.Role{snapshot.Management, snapshot.Bootstrap} {
		b.clusterFiles(role)
	}
	b.workspaceFiles()
	b.add("versions.txt", []byte(b.versions()), "the plugin's version and each cluster's Kubernetes version")
	b.files = append(b.files, File{Name: "README.txt", Data: []byte(b.readme()), About: "this file"})
	return b.files
}

type builder struct {
	in    Input
	files []File
	notes []string
}

func (b *builder) add(name string, data []byte, about string) {
	b.files = append(b.files, File{Name: name, Data: data, About: about})
}

func (b *builder) versions() string {
	var s strings.Builder
	fmt.Fprintf(&s, "plugin: %s\n", b.in.Plugin)
	for _, role := range []snapshot.Role{snapshot.Management, snapshot.Bootstrap} {
		v := b.in.Extras[role].ServerVersion
		if v == "" {
			v = "not read (" + orNone(b.in.Snapshot.Cluster(role).Error) + ")"
		}
		fmt.Fprintf(&s, "%s cluster: Kubernetes %s\n", role, v)
	}
	if r := b.in.Report; r != nil && r.EKSAVersion != "" {
		fmt.Fprintf(&s, "EKS-A: %s (%s)\n", r.EKSAVersion, r.EKSAVersionSource)
	}
	return s.String()
}

func orNone(s string) string {
	if s == "" {
		return "no kubeconfig"
	}
	return s
}

// readme lists every file, what it is, and what was redacted.
func (b *builder) readme() string {
	var s strings.Builder
	fmt.Fprintf(&s, "kubectl eksa-recover support bundle for cluster %s, written %s\n\n",
		b.in.Workspace.ClusterName, b.in.Now.UTC().Format(time.RFC3339))
	s.WriteString(`Redacted everywhere, replaced by ` + redact.Redacted + ` (names, keys and structure stay):
  - every Secret's data and stringData values (Secrets show their keys only)
  - kubeconfig credentials: client keys and certificates, tokens, passwords,
    exec and auth-provider configs
  - the vCenter password (EKSA_VSPHERE_PASSWORD), raw or base64
  - any PEM private key, and any password or token field
  - annotations that embed objects (kubectl.kubernetes.io/last-applied-configuration),
    redacted as the objects they encode
Not included: the kubeconfig files and the backups' object files (they hold
credentials); backups are listed with their manifests.

Files:
`)
	names := make([]string, 0, len(b.files)+1)
	about := map[string]string{}
	for _, f := range b.files {
		names = append(names, f.Name)
		about[f.Name] = f.About
	}
	names = append(names, "README.txt")
	about["README.txt"] = "this file"
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&s, "  %s\n      %s\n", n, about[n])
	}
	if len(b.notes) > 0 {
		s.WriteString("\nNot collected:\n")
		for _, n := range b.notes {
			fmt.Fprintf(&s, "  - %s\n", n)
		}
	}
	return s.String()
}

// objectPath is clusters/<role>/<Kind>/<namespace>_<name>.yaml.
func objectPath(role snapshot.Role, kind, namespace, name string) string {
	file := name + ".yaml"
	if namespace != "" {
		file = namespace + "_" + file
	}
	return path.Join("clusters", string(role), kind, file)
}
