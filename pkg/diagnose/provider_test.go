package diagnose

import (
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

func TestProviderReport(t *testing.T) {
	infra := func(kind string) snapshot.Object {
		return snapshot.Object{Group: eksa.GroupInfrastructure, Kind: kind, Name: "c1", ClusterName: "c1"}
	}
	template := snapshot.Object{Group: eksa.GroupInfrastructure, Kind: "TinkerbellMachineTemplate", Name: "c1-md-0"}
	for _, tc := range []struct {
		name       string
		mgmt, boot []snapshot.Object
		want       string // "name kind", "" for none
	}{
		{"vSphere at home", []snapshot.Object{infra("VSphereCluster")}, nil, "vSphere VSphereCluster"},
		{"bare metal stranded in KinD", nil, []snapshot.Object{template, infra("TinkerbellCluster")}, "Tinkerbell (bare metal) TinkerbellCluster"},
		{"CloudStack", []snapshot.Object{infra("CloudStackCluster")}, nil, "CloudStack CloudStackCluster"},
		{"Snow", nil, []snapshot.Object{infra("AWSSnowCluster")}, "Snow AWSSnowCluster"},
		{"templates only: not named", []snapshot.Object{template}, nil, ""},
		{"Missing: the EKS-A datacenter config", nil, nil, "Nutanix NutanixDatacenterConfig"},
		{"nothing read", nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			f := &facts{name: "c1", mgmtObjs: tc.mgmt, bootObjs: tc.boot, mgmt: &snapshot.ClusterState{}}
			if tc.name == "Missing: the EKS-A datacenter config" {
				f.mgmt.EKSA = []snapshot.Object{{Group: eksa.GroupEKSA, Kind: "NutanixDatacenterConfig", Name: "c1"},
					{Group: eksa.GroupEKSA, Kind: "VSphereDatacenterConfig", Name: "other"}}
			}
			if p := providerReport(f); p != nil {
				got = p.Name + " " + p.Kind
			}
			if got != tc.want {
				t.Errorf("provider = %q, want %q", got, tc.want)
			}
		})
	}
}
