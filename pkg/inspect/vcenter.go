package inspect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere"
)

// The variables eksctl itself reads for vCenter's credentials.
const (
	EnvVSphereUsername = "EKSA_VSPHERE_USERNAME"
	EnvVSpherePassword = "EKSA_VSPHERE_PASSWORD"
)

// vcenterTarget is where the cluster's VMs are, as its objects say.
type vcenterTarget struct {
	server, thumbprint, datacenter string
	folders                        []string
	source                         string // the object the server came from, for messages
}

// checkVCenter cross-checks the Machines against vCenter when the cluster
// runs on vSphere and the credentials are set. nil: not asked, nothing to say.
func checkVCenter(ctx context.Context, o Options, snap *snapshot.Snapshot, cluster string) (*diagnose.VCenterFacts, error) {
	if !o.VCenter.Enabled {
		return nil, nil
	}
	user, password := o.VCenter.Username, o.VCenter.Password
	t, ok := findVCenter(snap, cluster, user != "" && password != "")
	if !ok {
		// Say so rather than stay silent: a user who asked for the check on
		// a CloudStack or bare-metal cluster learns why nothing was checked.
		if kind := infrastructureKind(snap, cluster); kind != "" {
			return &diagnose.VCenterFacts{Skipped: "the vCenter check applies to vSphere clusters only; " +
				cluster + "'s infrastructure is a " + kind}, nil
		}
		return nil, nil
	}
	switch {
	case user == "" && password == "":
		return &diagnose.VCenterFacts{Skipped: fmt.Sprintf("set %s and %s (as for eksctl) to check the cluster's VMs",
			EnvVSphereUsername, EnvVSpherePassword)}, nil
	case user == "" || password == "":
		set, unset := EnvVSphereUsername, EnvVSpherePassword
		if user == "" {
			set, unset = unset, set
		}
		return nil, fmt.Errorf("%s is set but %s is not: set both to check vCenter, or pass --vsphere=false", set, unset)
	case t.server == "":
		return &diagnose.VCenterFacts{Skipped: t.source + " names no vCenter server (spec.server)"}, nil
	}
	if o.VCenter.Thumbprint != "" {
		t.thumbprint = o.VCenter.Thumbprint
	}
	cfg := vsphere.Config{
		Server: t.server, Datacenter: t.datacenter, Thumbprint: t.thumbprint, Insecure: o.VCenter.Insecure,
		Username: user, Password: password, Cluster: cluster, Folders: t.folders, OtherClusters: otherClusters(snap, cluster),
	}
	machines := expectedVMs(snap, cluster)
	klog.V(2).Infof("checking vCenter %s (from %s) for %d Machines", t.server, t.source, len(machines))
	if timeout := o.Timeout; timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	res, err := vsphere.Check(ctx, cfg, machines)
	if err != nil {
		return nil, vcenterError(err, t, o.Timeout)
	}
	return &diagnose.VCenterFacts{Result: *res}, nil
}

// vcenterStops: a failed check is an error when the user asked for it;
// turned on by itself, vCenter's own answers (unreachable, login refused,
// untrusted) do not cost the verdict, while bad local input (half the
// credentials, a server that is no URL) still stops status.
func vcenterStops(err error, explicit bool) bool {
	var e *vsphere.Error
	return explicit || !errors.As(err, &e) || !e.Answered()
}

// vcenterError adds the fix to a failed check, naming the flags:
// vCenter's answer is bad input (wrong credentials, server or thumbprint),
// not a state of the cluster.
func vcenterError(err error, t vcenterTarget, timeout time.Duration) error {
	var e *vsphere.Error
	if !errors.As(err, &e) || e.Kind == vsphere.ErrBadServer {
		return fmt.Errorf("checking vCenter %s: %w; pass --vsphere=false to skip the check", t.server, err)
	}
	switch e.Kind {
	case vsphere.ErrLogin:
		return fmt.Errorf("%w: check %s and %s", err, EnvVSphereUsername, EnvVSpherePassword)
	case vsphere.ErrUnreachable:
		return fmt.Errorf("%w: check the network to it and the server in %s, or pass --vsphere=false to skip the check", err, t.source)
	case vsphere.ErrTimeout:
		return fmt.Errorf("%w (--request-timeout %s): check the network to it, raise --request-timeout, or pass --vsphere=false to skip the check",
			err, timeout)
	case vsphere.ErrUntrusted:
		return fmt.Errorf("%w: pass its thumbprint with --vsphere-thumbprint (`govc about.cert -k -u %s -thumbprint` prints it), "+
			"or skip verification with --vsphere-insecure", err, e.Host)
	case vsphere.ErrThumbprint:
		return fmt.Errorf("%w (from %s): if vCenter's certificate changed, pass the new thumbprint with --vsphere-thumbprint "+
			"(`govc about.cert -k -u %s -thumbprint` prints it), or skip verification with --vsphere-insecure", err, t.source, e.Host)
	case vsphere.ErrNoDatacenter:
		return fmt.Errorf("%w (spec.datacenter of %s): fix it, or pass --vsphere=false to skip the check", err, t.source)
	}
	return fmt.Errorf("%w: pass --vsphere=false to skip the check", err)
}

// findVCenter reads the server from the VSphereDatacenterConfig on
// management or, when management could not be read or lacks it, from the
// VSphereCluster wherever it is. ok: the cluster runs on vSphere. The
// Machines' placements (folders) are read only when the check will run:
// they need the cluster's members on both sides, which at 1,000 Machines
// cost as much as the rest of the diagnosis.
func findVCenter(snap *snapshot.Snapshot, cluster string, placements bool) (t vcenterTarget, ok bool) {
	if dc, found := datacenterConfig(snap.Management.EKSA, cluster); found {
		ok = true
		t = vcenterTarget{server: dc.Fields["server"], thumbprint: dc.Fields["thumbprint"], datacenter: dc.Fields["datacenter"],
			source: "VSphereDatacenterConfig " + dc.Namespace + "/" + dc.Name + " on the management cluster"}
		if !placements {
			return t, ok
		}
	}
	for _, cs := range []*snapshot.ClusterState{&snap.Management, &snap.Bootstrap} {
		members := map[objgraph.Key]bool{}
		for _, k := range cs.Members(cluster) {
			members[k] = true
		}
		for _, u := range cs.Raw {
			if u.GroupVersionKind().Group != eksa.GroupInfrastructure || !members[objgraph.KeyOf(u)] {
				continue
			}
			switch u.GetKind() {
			case "VSphereCluster":
				ok = true
				if t.server == "" {
					t.server, _, _ = unstructured.NestedString(u.Object, "spec", "server")
					t.thumbprint, _, _ = unstructured.NestedString(u.Object, "spec", "thumbprint")
					t.source = "VSphereCluster " + u.GetNamespace() + "/" + u.GetName() + " on the " + string(cs.Role) + " cluster"
				}
			case "VSphereMachineTemplate":
				t.addPlacement(u.Object, "spec", "template", "spec")
			case "VSphereMachine":
				t.addPlacement(u.Object, "spec")
			}
		}
	}
	return t, ok
}

// infrastructureKind is the kind the cluster's CAPI Cluster names as its
// infrastructure, on whichever side holds it, else the kind of its EKS-A
// datacenter config on management; empty when neither was read.
func infrastructureKind(snap *snapshot.Snapshot, cluster string) string {
	for _, cs := range []*snapshot.ClusterState{&snap.Management, &snap.Bootstrap} {
		for _, u := range cs.Raw {
			if u.GetKind() != "Cluster" || u.GroupVersionKind().Group != eksa.GroupCAPI || u.GetName() != cluster {
				continue
			}
			if kind, _, _ := unstructured.NestedString(u.Object, "spec", "infrastructureRef", "kind"); kind != "" {
				return kind
			}
		}
	}
	for _, o := range snap.Management.EKSA {
		if _, isProvider := eksa.Providers[o.Kind]; isProvider && o.Name == cluster {
			return o.Kind
		}
	}
	return ""
}

// addPlacement takes the datacenter (when none is known) and the folder
// from a machine spec: the folders are where the cluster's VMs are filed.
func (t *vcenterTarget) addPlacement(obj map[string]any, path ...string) {
	spec, found, _ := unstructured.NestedMap(obj, path...)
	if !found {
		return
	}
	if dc, _ := spec["datacenter"].(string); t.datacenter == "" && dc != "" {
		t.datacenter = dc
	}
	if f, _ := spec["folder"].(string); f != "" {
		for _, have := range t.folders {
			if have == f {
				return
			}
		}
		t.folders = append(t.folders, f)
	}
}

// datacenterConfig picks the cluster's VSphereDatacenterConfig: the one
// named after it (as eksctl names it), else the only one.
func datacenterConfig(eksa []snapshot.Object, cluster string) (snapshot.Object, bool) {
	var all []snapshot.Object
	for _, o := range eksa {
		if o.Kind == "VSphereDatacenterConfig" {
			if o.Name == cluster {
				return o, true
			}
			all = append(all, o)
		}
	}
	if len(all) == 1 {
		return all[0], true
	}
	return snapshot.Object{}, false
}

// expectedVMs are the cluster's Machines on the sides that could be read,
// each once (a cut-off move leaves some on both).
func expectedVMs(snap *snapshot.Snapshot, cluster string) []vsphere.Expect {
	seen := map[string]bool{}
	var out []vsphere.Expect
	for _, cs := range []*snapshot.ClusterState{&snap.Management, &snap.Bootstrap} {
		if !cs.Configured || !cs.Reachable || cs.Forbidden {
			continue
		}
		for _, m := range cs.Machines {
			if m.ClusterName != cluster || seen[m.Name] {
				continue
			}
			seen[m.Name] = true
			out = append(out, vsphere.Expect{Machine: m.Name, UUID: strings.TrimPrefix(m.ProviderID, "vsphere://")})
		}
	}
	return out
}

// otherClusters names every other cluster seen, so that a workload cluster
// called <cluster>-w1 does not lend its VMs to the orphan count.
func otherClusters(snap *snapshot.Snapshot, cluster string) []string {
	var out []string
	for _, cs := range []*snapshot.ClusterState{&snap.Management, &snap.Bootstrap} {
		for _, o := range append(append([]snapshot.Object(nil), cs.Objects...), cs.EKSA...) {
			if o.Kind == "Cluster" && o.Name != cluster {
				out = append(out, o.Name)
			}
		}
	}
	return out
}
