package testworld

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// writeWorkspace writes the files eksctl leaves in the folder it ran in.
func (w *World) writeWorkspace(ctx context.Context, sc scenario) error {
	l := w.Layout
	if err := os.MkdirAll(l.GeneratedDir(), 0o755); err != nil {
		return err
	}
	name := SeedClusterName
	mgmt, err := w.Management.Kubeconfig(name, name+"-admin", name+"-admin@"+name)
	if err != nil {
		return err
	}
	if err := os.WriteFile(l.ManagementKubeconfig(), mgmt, 0o600); err != nil {
		return err
	}
	if w.Bootstrap != nil && sc.bootstrap {
		kind := "kind-" + eksa.KindClusterName(name)
		boot, err := w.Bootstrap.Kubeconfig(kind, kind, kind)
		if err != nil {
			return err
		}
		if err := os.WriteFile(l.BootstrapKubeconfig(), boot, 0o600); err != nil {
			return err
		}
	}
	spec, err := yamlDocuments(eksaObjects(EKSASpec{
		Name: name, ManagementCluster: name, EKSAVersion: w.EKSAVersion, KubernetesVersion: "1.23",
		Workers: w.Workers, VCenter: w.VCSim.VCenter(), Provider: w.Provider,
	}))
	if err != nil {
		return err
	}
	if err := os.WriteFile(l.ClusterSpec(), spec, 0o644); err != nil {
		return err
	}
	if sc.failedAt != "" {
		if err := writeCheckpoint(l.Checkpoint(), eksa.TasksBefore(sc.failedAt)); err != nil {
			return err
		}
	}
	backedUp, err := w.asStored(ctx, w.Cluster3().Objects, len(sc.backups) > 0)
	if err != nil {
		return err
	}
	for i, kind := range sc.backups {
		// Older backups first: the one from management precedes the move.
		at := w.Now.Add(-time.Duration(len(sc.backups)-i) * 10 * time.Minute)
		prefix := map[string]string{
			"management": eksa.ManagementBackupPrefix,
			"bootstrap":  eksa.BootstrapBackupPrefix,
			"cluster":    eksa.ClusterBackupPrefix(name),
		}[kind]
		if err := writeClusterctlBackup(l.BackupDir(prefix, at), backedUp); err != nil {
			return err
		}
	}
	return os.MkdirAll(l.LogsDir(), 0o755)
}

// asStored is objs as the management server stores them (Seeder.Defaulted):
// eksctl's backups are clusterctl's dumps of a server's objects, with the
// CRDs' defaults in them; a backup without them would differ from every
// object it was taken from. When needed is false it returns objs.
func (w *World) asStored(ctx context.Context, objs []*unstructured.Unstructured, needed bool) ([]*unstructured.Unstructured, error) {
	if !needed {
		return objs, nil
	}
	seeder, err := NewSeeder(w.Management.Config)
	if err != nil {
		return nil, err
	}
	// The owner references name owners by UID, as a server's objects do:
	// the seeded owner's, else (a scenario that seeds cluster3 nowhere) a
	// stable stand-in, which a restore must rewrite like a dead cluster's.
	uids := map[string]types.UID{}
	for _, o := range objs {
		uid := o.GetUID()
		if uid == "" {
			uid = types.UID("00000000-0000-4000-8000-" + stableSuffix(o.GetKind()+"/"+o.GetName()))
		}
		uids[o.GetKind()+"/"+o.GetName()] = uid
	}
	out := make([]*unstructured.Unstructured, len(objs))
	for i, in := range objs {
		o := in.DeepCopy()
		refs := o.GetOwnerReferences()
		for j := range refs {
			if refs[j].UID == "" {
				refs[j].UID = uids[refs[j].Kind+"/"+refs[j].Name]
			}
		}
		o.SetOwnerReferences(refs)
		if out[i], err = seeder.Defaulted(ctx, o); err != nil {
			return nil, fmt.Errorf("defaulting %s %s for the backups: %w", o.GetKind(), o.GetName(), err)
		}
	}
	return out, nil
}

// writeCheckpoint writes eksctl's checkpoint file: completedTasks by name.
func writeCheckpoint(path string, completed []string) error {
	var b bytes.Buffer
	b.WriteString("completedTasks:\n")
	for _, t := range completed {
		fmt.Fprintf(&b, "  %s:\n    checkpoint: null\n", t)
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// writeClusterctlBackup writes objects as `clusterctl move --to-directory`
// does: one file per object, <Kind>_<namespace>_<name>.yaml, holding JSON.
func writeClusterctlBackup(dir string, objs []*unstructured.Unstructured) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, o := range objs {
		data, err := o.MarshalJSON()
		if err != nil {
			return err
		}
		file := filepath.Join(dir, o.GetKind()+"_"+o.GetNamespace()+"_"+o.GetName()+".yaml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func yamlDocuments(objs []*unstructured.Unstructured) ([]byte, error) {
	var b bytes.Buffer
	for i, o := range objs {
		if i > 0 {
			b.WriteString("---\n")
		}
		data, err := yaml.Marshal(o.Object)
		if err != nil {
			return nil, err
		}
		b.Write(data)
	}
	return b.Bytes(), nil
}

// EnvVar is one line of world.env.
type EnvVar struct{ Name, Value string }

// Env is what a shell needs to use the world, in world.env's order.
func (w *World) Env() []EnvVar {
	boot := ""
	if w.Bootstrap != nil {
		boot = w.Layout.BootstrapKubeconfig()
	}
	u := *w.VCSim.URL
	return []EnvVar{
		{"WORKSPACE", w.Dir},
		{"CLUSTER_NAME", SeedClusterName},
		{"BOOTSTRAP_KUBECONFIG", boot},
		{"MANAGEMENT_KUBECONFIG", w.Layout.ManagementKubeconfig()},
		{"GOVC_URL", u.String()},
		{"GOVC_INSECURE", "1"},
		{"EKSA_VSPHERE_USERNAME", VCenterUser},
		{"EKSA_VSPHERE_PASSWORD", w.VCSim.Password},
	}
}
