// Package inspect is status's pipeline, the one every command and test that
// needs a verdict runs: the located workspace and both clusters' sources
// in, then read both clusters (reader), cross-check the Machines against
// vCenter when the cluster runs on vSphere (vsphere), and diagnose
// (diagnose) into a Report. It never writes to a cluster and never prints.
package inspect

import (
	"context"
	"fmt"
	"time"

	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// Options are what one inspection reads from.
type Options struct {
	Workspace             *workspace.Workspace
	Management, Bootstrap reader.Source
	// Timeout bounds each cluster's read and the vCenter check.
	Timeout time.Duration
	Now     time.Time
	// EKSAVersion overrides what the management cluster says.
	EKSAVersion string
	// Plugin is how the user invokes the plugin (diagnose.Input.Plugin).
	Plugin string
	// Kubectl and BootstrapKubectl: diagnose.Input's.
	Kubectl, BootstrapKubectl string
	VCenter                   VCenter
}

// VCenter is how to reach vCenter for the cross-check.
type VCenter struct {
	// Enabled: check when the cluster is on vSphere (--vsphere).
	Enabled bool
	// Explicit: the user asked for the check (--vsphere given). Only then
	// is a failed check an error; turned on by itself, it is a warning
	// finding and the verdict stands: a cross-check, not a gate.
	Explicit bool
	// Username and Password are eksctl's EKSA_VSPHERE_* credentials.
	Username, Password string
	// Thumbprint overrides the one the cluster's objects give; Insecure
	// skips verification (only ever when the user asks).
	Thumbprint string
	Insecure   bool
}

// wanted: the check will run if the cluster is on vSphere, so the read must
// keep the infrastructure machines' placement.
func (v VCenter) wanted() bool { return v.Enabled && v.Username != "" && v.Password != "" }

// Inspect reads, cross-checks and diagnoses. An error is bad input (a
// kubeconfig refused, vCenter's credentials): the cluster's state is never
// an error, it is the Report's.
func Inspect(ctx context.Context, o Options) (*snapshot.Snapshot, *diagnose.Report, error) {
	cluster := o.Workspace.ClusterName
	snap := reader.Read(ctx, o.Management, o.Bootstrap, reader.Options{
		Timeout: o.Timeout, Now: o.Now, InfraMachineSpecs: o.VCenter.wanted(), ClusterName: cluster,
	})
	// A cluster that answers but refuses to be read is a wrong kubeconfig,
	// not a state of the cluster: say which, and what it needs.
	for _, c := range []*snapshot.ClusterState{&snap.Management, &snap.Bootstrap} {
		if c.Forbidden {
			return snap, nil, fmt.Errorf("reading the %s cluster with %s: %s", c.Role, c.Kubeconfig, c.Error)
		}
	}
	vcenter, err := checkVCenter(ctx, o, snap, cluster)
	if err != nil && vcenterStops(err, o.VCenter.Explicit) {
		return snap, nil, err
	}
	if err != nil {
		klog.V(2).Infof("vCenter cross-check failed, carrying on without it: %v", err)
		vcenter = &diagnose.VCenterFacts{Failed: err.Error()}
	}
	report := diagnose.Diagnose(diagnose.Input{
		Snapshot: snap, Workspace: o.Workspace, ClusterName: cluster,
		EKSAVersion: o.EKSAVersion, Now: o.Now, Plugin: o.Plugin, Kubectl: o.Kubectl, BootstrapKubectl: o.BootstrapKubectl, VCenter: vcenter,
		PauseHistory: pauseHistory(o.Workspace),
	})
	return snap, &report, nil
}

// pauseHistory reads what the workspace's backups say of the Clusters'
// pauses before the failed run, for the resume step.
func pauseHistory(ws *workspace.Workspace) *pause.History {
	if ws == nil {
		return nil
	}
	return pause.HistoryOf(ws.Backups)
}
