package diagnose

import (
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

func TestParseEra(t *testing.T) {
	tests := []struct {
		in                       string
		want                     string
		forceCleanup, pauseBlock bool
	}{
		{"v0.15.3", "v0.15.3", true, false},
		{"v0.16.5-eks-a-47", "v0.16.5", true, false},
		{"0.16", "v0.16.0", true, false},
		{"v0.17.6", "v0.17.6", false, false},
		{"v0.18.2", "v0.18.2", false, false},
		{"v0.19.8", "v0.19.8", false, true},
		{"v1.0.0", "v1.0.0", false, true},
		{"latest", "", false, true},
		{"", "", false, true},
	}
	for _, tt := range tests {
		e, _ := parseEra(tt.in)
		if e.version != tt.want || e.forceCleanupExists() != tt.forceCleanup || e.eksaPauseBlocks() != tt.pauseBlock {
			t.Errorf("parseEra(%q) = %s (force-cleanup %v, pause blocks %v), want %s (%v, %v)", tt.in,
				e.version, e.forceCleanupExists(), e.eksaPauseBlocks(), tt.want, tt.forceCleanup, tt.pauseBlock)
		}
	}
}

func TestDiagnose_EKSAVersion(t *testing.T) {
	bundles := func(vs ...string) *snapBuilder {
		b := newSnap().eksa("")
		for _, v := range vs {
			b.snap.Management.EKSA = append(b.snap.Management.EKSA, snapshot.Object{Group: eksa.GroupEKSA, Kind: "Bundles",
				Namespace: "eksa-system", Name: "bundles-" + v, Fields: map[string]string{"eksaVersion": v}})
		}
		return b
	}
	image := func(img string) *snapBuilder {
		b := newSnap().eksa("")
		b.snap.Management.ControllerImage = img
		return b
	}
	tests := []struct {
		name       string
		in         *snapBuilder
		want, from string
	}{
		{"flag wins", newSnap().flag("v0.17.1"), "v0.17.1", SourceFlag},
		{"cluster spec", newSnap().eksa("v0.18.4"), "v0.18.4", SourceClusterSpec},
		{"bad flag falls through", newSnap().flag("latest"), "v0.16.5", SourceClusterSpec},
		{"bundles, newest", bundles("v0.16.5", "v0.16.10", "v0.16.9"), "v0.16.10", SourceBundles},
		{"controller image", image("public.ecr.aws/eks-anywhere/cluster-controller:v0.16.5-eks-a-47"), "v0.16.5", SourceControllerImage},
		{"registry with port", image("registry:5000/eks-anywhere/cluster-controller:v0.19.2-eks-a-60"), "v0.19.2", SourceControllerImage},
		{"digest only", image("registry:5000/cluster-controller@sha256:abc"), "", ""},
		{"unknown", newSnap().eksa(""), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(tt.in.build())
			if r.EKSAVersion != tt.want || r.EKSAVersionSource != tt.from {
				t.Errorf("Diagnose(...) EKS-A version = %q from %q, want %q from %q", r.EKSAVersion, r.EKSAVersionSource, tt.want, tt.from)
			}
		})
	}
}

// TestEKSAPauseBlocks: from EKS-A v0.19, which refuses to upgrade a paused
// cluster, a failed upgrade's pause markers are resume's to clear; before
// it, eksctl's rerun clears its own. Unknown counts as v0.19+.
func TestEKSAPauseBlocks(t *testing.T) {
	for v, want := range map[string]bool{
		"v0.16.5": false, "v0.18.9": false, "v0.19.0": true, "v0.19.8": true, "v0.24.0": true, "v1.0.0": true, "": true, "dev": true,
	} {
		if got := EKSAPauseBlocks(v); got != want {
			t.Errorf("EKSAPauseBlocks(%q) = %v, want %v", v, got, want)
		}
	}
}
