package inspect

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere"
)

func raw(kind, name string, spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetAPIVersion(eksa.GroupInfrastructure + "/v1beta1")
	u.SetKind(kind)
	u.SetNamespace("eksa-system")
	u.SetName(name)
	u.SetLabels(map[string]string{"cluster.x-k8s.io/cluster-name": "cluster3"})
	return u
}

func dcConfig(name, server string) snapshot.Object {
	return snapshot.Object{Kind: "VSphereDatacenterConfig", Namespace: "default", Name: name,
		Fields: map[string]string{"server": server, "thumbprint": "AA:BB", "datacenter": "DC0"}}
}

func TestFindVCenter(t *testing.T) {
	template := raw("VSphereMachineTemplate", "cluster3-md-0", map[string]any{"template": map[string]any{
		"spec": map[string]any{"datacenter": "/DC1", "folder": "/DC1/vm/eksa"}}})
	vsCluster := raw("VSphereCluster", "cluster3", map[string]any{"server": "vc-capv", "thumbprint": "CC:DD"})
	tests := []struct {
		name string
		snap snapshot.Snapshot
		ok   bool
		want string // server thumbprint datacenter folders | source
	}{
		{"not vSphere", snapshot.Snapshot{}, false, "    | "},
		{"datacenter config on management, placement from the templates",
			snapshot.Snapshot{Management: snapshot.ClusterState{EKSA: []snapshot.Object{dcConfig("w1", "vc-w1"), dcConfig("cluster3", "vc")},
				Raw: []*unstructured.Unstructured{template, vsCluster}}},
			true, "vc AA:BB DC0 [/DC1/vm/eksa] | VSphereDatacenterConfig default/cluster3 on the management cluster"},
		{"management down: the VSphereCluster in KinD",
			snapshot.Snapshot{Bootstrap: snapshot.ClusterState{Role: snapshot.Bootstrap, Raw: []*unstructured.Unstructured{vsCluster, template}}},
			true, "vc-capv CC:DD /DC1 [/DC1/vm/eksa] | VSphereCluster eksa-system/cluster3 on the bootstrap cluster"},
		{"another cluster's VSphereCluster only", snapshot.Snapshot{Management: snapshot.ClusterState{Raw: []*unstructured.Unstructured{
			func() *unstructured.Unstructured {
				u := vsCluster.DeepCopy()
				u.SetLabels(map[string]string{"cluster.x-k8s.io/cluster-name": "w1"})
				return u
			}()}}}, false, "    | "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := tt.snap
			snap.Management.Role = snapshot.Management
			// As the reader leaves it: the membership rule's view of Raw.
			for _, cs := range []*snapshot.ClusterState{&snap.Management, &snap.Bootstrap} {
				for _, u := range cs.Raw {
					cs.Graph = append(cs.Graph, objgraph.NodeOf(u))
				}
			}
			got, ok := findVCenter(&snap, "cluster3", true)
			folders := ""
			if len(got.folders) > 0 {
				folders = "[" + strings.Join(got.folders, ",") + "]"
			}
			s := strings.Join([]string{got.server, got.thumbprint, got.datacenter, folders}, " ") + " | " + got.source
			if ok != tt.ok || s != tt.want {
				t.Errorf("findVCenter(...) = %q, %v; want %q, %v", s, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCheckVCenter_Credentials(t *testing.T) {
	snap := &snapshot.Snapshot{Management: snapshot.ClusterState{EKSA: []snapshot.Object{dcConfig("cluster3", "vc")}}}
	tests := []struct {
		name        string
		env         map[string]string
		vsphere     bool
		wantSkipped string
		wantErr     string
	}{
		{"--vsphere=false", map[string]string{EnvVSphereUsername: "u", EnvVSpherePassword: "p"}, false, "", ""},
		{"no credentials: said, not fatal", nil, true, "set EKSA_VSPHERE_USERNAME and EKSA_VSPHERE_PASSWORD", ""},
		{"password only", map[string]string{EnvVSpherePassword: "p"}, true, "", "EKSA_VSPHERE_PASSWORD is set but EKSA_VSPHERE_USERNAME is not"},
		{"user only", map[string]string{EnvVSphereUsername: "u"}, true, "", "EKSA_VSPHERE_USERNAME is set but EKSA_VSPHERE_PASSWORD is not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{VCenter: VCenter{Enabled: tt.vsphere, Username: tt.env[EnvVSphereUsername], Password: tt.env[EnvVSpherePassword]}}
			vc, err := checkVCenter(t.Context(), o, snap, "cluster3")
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("checkVCenter(...) error = %v, want %q", err, tt.wantErr)
				}
			case err != nil:
				t.Errorf("checkVCenter(...) error = %v, want none", err)
			case tt.wantSkipped == "" && vc != nil:
				t.Errorf("checkVCenter(...) = %+v, want nil", vc)
			case tt.wantSkipped != "" && (vc == nil || !strings.Contains(vc.Skipped, tt.wantSkipped)):
				t.Errorf("checkVCenter(...) = %+v, want skipped: %q", vc, tt.wantSkipped)
			}
		})
	}
}

func TestExpectedVMs(t *testing.T) {
	m := func(name, cluster, providerID string) snapshot.Machine {
		return snapshot.Machine{Name: name, ClusterName: cluster, ProviderID: providerID}
	}
	readable := func(ms ...snapshot.Machine) snapshot.ClusterState {
		return snapshot.ClusterState{Configured: true, Reachable: true, Machines: ms}
	}
	snap := &snapshot.Snapshot{
		Management: readable(m("cluster3-a", "cluster3", "vsphere://AAAA"), m("w1-a", "w1", "vsphere://BBBB")),
		// A cut-off move: cluster3-a on both sides; cluster3-b not provisioned yet.
		Bootstrap: readable(m("cluster3-a", "cluster3", "vsphere://AAAA"), m("cluster3-b", "cluster3", "")),
	}
	var got []string
	for _, e := range expectedVMs(snap, "cluster3") {
		got = append(got, e.Machine+"="+e.UUID)
	}
	if want := "cluster3-a=AAAA,cluster3-b="; strings.Join(got, ",") != want {
		t.Errorf("expectedVMs(...) = %s, want %s", strings.Join(got, ","), want)
	}
}

// TestCheckVCenter_OtherProviders: asked to check vCenter on a cluster that
// does not run on vSphere, status says why nothing was checked; with no
// Cluster read at all there is nothing to say.
func TestCheckVCenter_OtherProviders(t *testing.T) {
	capiCluster := func(infraKind string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{
			"infrastructureRef": map[string]any{"kind": infraKind, "name": "cluster3"}}}}
		u.SetAPIVersion(eksa.GroupCAPI + "/v1beta1")
		u.SetKind("Cluster")
		u.SetNamespace("eksa-system")
		u.SetName("cluster3")
		return u
	}
	o := Options{VCenter: VCenter{Enabled: true, Username: "u", Password: "p"}}
	for _, tc := range []struct {
		name string
		snap snapshot.Snapshot
		want string // "" = nil facts
	}{
		{"CloudStack on management", snapshot.Snapshot{Management: snapshot.ClusterState{
			Raw: []*unstructured.Unstructured{capiCluster("CloudStackCluster")}}},
			"the vCenter check applies to vSphere clusters only; cluster3's infrastructure is a CloudStackCluster"},
		{"Tinkerbell stranded in KinD", snapshot.Snapshot{Bootstrap: snapshot.ClusterState{
			Raw: []*unstructured.Unstructured{capiCluster("TinkerbellCluster")}}},
			"the vCenter check applies to vSphere clusters only; cluster3's infrastructure is a TinkerbellCluster"},
		{"nothing read", snapshot.Snapshot{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vc, err := checkVCenter(t.Context(), o, &tc.snap, "cluster3")
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if vc != nil {
				got = vc.Skipped
			}
			if got != tc.want {
				t.Errorf("skipped = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestVCenterError pins the one line a failed check ends with: pkg/vsphere
// says what went wrong, and only here is the flag that fixes it named.
func TestVCenterError(t *testing.T) {
	target := vcenterTarget{server: "vc", source: "VSphereDatacenterConfig default/cluster3 on the management cluster"}
	e := func(kind vsphere.ErrorKind) *vsphere.Error {
		return &vsphere.Error{Kind: kind, Host: "vc:443", User: "u@vsphere.local", Thumbprint: "AB:CD",
			Datacenter: "DC9", Detail: "connection refused"}
	}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"login", e(vsphere.ErrLogin), "vCenter vc:443 rejected the login for u@vsphere.local: check EKSA_VSPHERE_USERNAME and EKSA_VSPHERE_PASSWORD"},
		{"unreachable", e(vsphere.ErrUnreachable), "vCenter vc:443 is unreachable (connection refused): check the network to it " +
			"and the server in VSphereDatacenterConfig default/cluster3 on the management cluster, or pass --vsphere=false to skip the check"},
		{"timeout", e(vsphere.ErrTimeout), "vCenter vc:443 did not answer in time (--request-timeout 5s): check the network to it, " +
			"raise --request-timeout, or pass --vsphere=false to skip the check"},
		{"untrusted", e(vsphere.ErrUntrusted), "vCenter vc:443's certificate is not trusted (connection refused) and no thumbprint was given: " +
			"pass its thumbprint with --vsphere-thumbprint (`govc about.cert -k -u vc:443 -thumbprint` prints it), or skip verification with --vsphere-insecure"},
		{"thumbprint", e(vsphere.ErrThumbprint), "vCenter vc:443's certificate is not trusted and does not match the thumbprint AB:CD " +
			"(from VSphereDatacenterConfig default/cluster3 on the management cluster): if vCenter's certificate changed, pass the new thumbprint " +
			"with --vsphere-thumbprint (`govc about.cert -k -u vc:443 -thumbprint` prints it), or skip verification with --vsphere-insecure"},
		{"no datacenter", e(vsphere.ErrNoDatacenter), `vCenter vc:443 has no datacenter "DC9" (spec.datacenter of ` +
			"VSphereDatacenterConfig default/cluster3 on the management cluster): fix it, or pass --vsphere=false to skip the check"},
		{"other", e(vsphere.ErrOther), "vCenter vc:443: connection refused: pass --vsphere=false to skip the check"},
		{"bad server", &vsphere.Error{Kind: vsphere.ErrBadServer, Host: "vc:x"},
			`checking vCenter vc: vCenter server "vc:x" is not a host name or URL; pass --vsphere=false to skip the check`},
		{"not vSphere's", errors.New("boom"), "checking vCenter vc: boom; pass --vsphere=false to skip the check"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := vcenterError(tt.err, target, 5*time.Second)
			if err.Error() != tt.want {
				t.Errorf("vcenterError(%s) =\n%s\nwant\n%s", tt.name, err, tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("vcenterError(%s) does not wrap the error it was given", tt.name)
			}
		})
	}
}

// TestVCenterStops: an optional cross-check never costs the verdict; what
// the user asked for, or bad input of their own, does stop status.
func TestVCenterStops(t *testing.T) {
	refused := &vsphere.Error{Kind: vsphere.ErrLogin, Host: "vc:443"}
	for _, tt := range []struct {
		name     string
		err      error
		explicit bool
		want     bool
	}{
		{"vCenter's answer, check on by itself", fmt.Errorf("%w: check it", refused), false, false},
		{"vCenter's answer, --vsphere given", fmt.Errorf("%w: check it", refused), true, true},
		{"a server that is no URL", &vsphere.Error{Kind: vsphere.ErrBadServer, Host: "vc:x"}, false, true},
		{"half the credentials", errors.New("EKSA_VSPHERE_USERNAME is set but EKSA_VSPHERE_PASSWORD is not"), false, true},
	} {
		if got := vcenterStops(tt.err, tt.explicit); got != tt.want {
			t.Errorf("vcenterStops(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCheckVCenter_BadServer: a spec.server that is no URL is said with the
// flag, before anything is sent, and stops status even unasked.
func TestCheckVCenter_BadServer(t *testing.T) {
	snap := &snapshot.Snapshot{Management: snapshot.ClusterState{EKSA: []snapshot.Object{dcConfig("cluster3", "vc:notaport")}}}
	o := Options{VCenter: VCenter{Enabled: true, Username: "u", Password: "secret-pw"}}
	_, err := checkVCenter(t.Context(), o, snap, "cluster3")
	want := `checking vCenter vc:notaport: vCenter server "vc:notaport" is not a host name or URL; pass --vsphere=false to skip the check`
	if err == nil || err.Error() != want {
		t.Fatalf("checkVCenter(bad server) = %v, want %s", err, want)
	}
	if !vcenterStops(err, false) || strings.Contains(err.Error(), "secret-pw") {
		t.Errorf("checkVCenter(bad server) = %v: want it to stop status, without the password", err)
	}
}
