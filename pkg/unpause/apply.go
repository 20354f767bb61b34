// Package unpause applies a pause.Plan to the management cluster: it backs
// up the objects as read, merge-patches each on the resourceVersion the plan
// read (so a change since is refused, not overwritten), and reads them back.
// It decides nothing: what to clear is pause's.
package unpause

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
)

// target is the management cluster, as resume writes to it.
type target struct{ *writable.Cluster }

// Options drive Apply.
type Options struct {
	// BackupDir is the new folder the objects are written to, as they are
	// before the change, ahead of any write.
	BackupDir   string
	ToolVersion string
	Now         time.Time
	Progress    io.Writer
}

// Result is what Apply did, read back from the server.
type Result struct {
	BackupDir string
	// Resumed has one line per object changed.
	Resumed []string
}

// Apply reads each object of the plan afresh, backs them all up as they
// are, then patches them one by one, each on the resourceVersion that was
// backed up (a conflict means the object changed since: resume stops, the
// backup still holds what it patched), and reads each back to check that
// no marker it cleared remains.
func Apply(ctx context.Context, mgmt *writable.Cluster, c *pause.Changes, o Options) (*Result, error) {
	t := target{mgmt}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if c.Empty() {
		return &Result{}, nil
	}
	before, err := t.read(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("%w; nothing was changed", err)
	}
	seen := map[objgraph.Key]bool{}
	for _, u := range before {
		k := objgraph.KeyOf(u)
		if seen[k] {
			return nil, fmt.Errorf("two %s objects are named %s (in different namespaces): a backup folder names files by kind and name only, so back them up by hand; nothing was changed", k.Kind, k.Name)
		}
		seen[k] = true
	}
	fmt.Fprintf(o.Progress, "Backing up %d objects to %s\n", len(before), o.BackupDir)
	if _, err := backup.Write(o.BackupDir, c.Cluster, o.ToolVersion, o.Now, backup.Set{Source: "management", Objects: before}); err != nil {
		return nil, fmt.Errorf("backup failed, nothing was changed: %w", err)
	}
	if back, _, err := backup.Read(o.BackupDir); err != nil || len(back) != len(before) {
		return nil, fmt.Errorf("backup %s does not read back whole (%d of %d objects, %v): nothing was changed", o.BackupDir, len(back), len(before), err)
	}
	res := &Result{BackupDir: o.BackupDir}
	for i, ch := range c.Objects {
		if err := t.patch(ctx, ch, before[i].GetResourceVersion()); err != nil {
			return res, fmt.Errorf("%w (%d of %d objects resumed; the backup is in %s)", err, i, len(c.Objects), o.BackupDir)
		}
	}
	for _, ch := range c.Objects {
		line, err := t.verify(ctx, ch)
		if err != nil {
			return res, err
		}
		res.Resumed = append(res.Resumed, line)
	}
	return res, nil
}

func (t target) client(r pause.Ref) (dynamic.ResourceInterface, error) {
	gk := schema.GroupKind{Group: r.Group, Kind: r.Kind}
	res, ok := t.Resources[gk]
	if !ok {
		res, ok = t.EKSA[gk]
	}
	if !ok {
		return nil, fmt.Errorf("the management cluster does not serve %s.%s any more", r.Kind, r.Group)
	}
	if res.Namespaced {
		return t.Dyn.Resource(res.GVR).Namespace(r.Namespace), nil
	}
	return t.Dyn.Resource(res.GVR), nil
}

func (t target) get(ctx context.Context, r pause.Ref) (*unstructured.Unstructured, error) {
	ri, err := t.client(r)
	if err != nil {
		return nil, err
	}
	u, err := ri.Get(ctx, r.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("%s is gone since the plan was made: rerun resume", r)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", r, err)
	}
	return u, nil
}

// read gets every object of the plan, in the plan's order.
func (t target) read(ctx context.Context, c *pause.Changes) ([]*unstructured.Unstructured, error) {
	out := make([]*unstructured.Unstructured, 0, len(c.Objects))
	for _, ch := range c.Objects {
		u, err := t.get(ctx, ch.Object)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// patch clears one object's markers with a JSON merge patch: null removes
// an annotation, and spec.paused null is what eksctl's resume writes. The
// resourceVersion makes the server refuse if the object changed since it
// was backed up.
func (t target) patch(ctx context.Context, ch pause.Change, resourceVersion string) error {
	annotations := map[string]any{}
	for _, a := range ch.Annotations {
		annotations[a] = nil
	}
	meta := map[string]any{"resourceVersion": resourceVersion}
	if len(annotations) > 0 {
		meta["annotations"] = annotations
	}
	body := map[string]any{"metadata": meta}
	if ch.SpecPaused {
		body["spec"] = map[string]any{"paused": nil}
	}
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	ri, err := t.client(ch.Object)
	if err != nil {
		return err
	}
	_, err = ri.Patch(ctx, ch.Object.Name, types.MergePatchType, data, metav1.PatchOptions{})
	if apierrors.IsConflict(err) {
		return fmt.Errorf("%s changed after it was backed up: rerun resume", ch.Object)
	}
	if err != nil {
		return fmt.Errorf("clearing %s on %s: %w", strings.Join(ch.Markers(), ", "), ch.Object, err)
	}
	return nil
}

// verify reads the object back: none of the markers it cleared may remain.
func (t target) verify(ctx context.Context, ch pause.Change) (string, error) {
	u, err := t.get(ctx, ch.Object)
	if err != nil {
		return "", err
	}
	var left []string
	if paused, _, _ := unstructured.NestedBool(u.Object, "spec", "paused"); ch.SpecPaused && paused {
		left = append(left, pause.MarkerSpecPaused)
	}
	for _, a := range ch.Annotations {
		if _, ok := u.GetAnnotations()[a]; ok {
			left = append(left, "annotation "+a)
		}
	}
	if len(left) > 0 {
		return "", fmt.Errorf("%s still has %s after the patch: something set it again; run status", ch.Object, strings.Join(left, ", "))
	}
	return fmt.Sprintf("Resumed %s: cleared %s", ch.Object, strings.Join(ch.Markers(), ", ")), nil
}
