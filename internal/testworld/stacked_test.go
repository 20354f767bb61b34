package testworld

import (
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

func TestCluster_WithoutExternalEtcd(t *testing.T) {
	c, err := NewCluster(V1Beta2, SeedClusterName).WithWorkers(2).Build(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := c.WithoutExternalEtcd()
	// Gone: EtcdadmCluster, its template, the etcd Machine and its four
	// objects (EtcdadmConfig, data Secret, VSphereMachine, VSphereVM), and
	// the apiserver-etcd-client Secret.
	if got, want := len(s.Objects), len(c.Objects)-8; got != want {
		t.Errorf("WithoutExternalEtcd() has %d objects, want %d", got, want)
	}
	for _, o := range s.Objects {
		switch {
		case o.GetKind() == "EtcdadmCluster" || o.GetKind() == "EtcdadmConfig" || o.GetLabels()[eksa.LabelEtcdCluster] != "":
			t.Errorf("%s %s is left", o.GetKind(), o.GetName())
		case o.GetKind() == "Cluster":
			if _, ok := o.Object["spec"].(map[string]any)["managedExternalEtcdRef"]; ok {
				t.Errorf("Cluster still names an external etcd")
			}
		case o.GetName() == "cluster3-etcd":
			if refs := o.GetOwnerReferences(); len(refs) != 1 || refs[0].Kind != "KubeadmControlPlane" {
				t.Errorf("the etcd CA is owned by %v, want the KubeadmControlPlane", refs)
			}
		}
	}
	if len(s.Machines) != 3 || countRole(s.Machines, RoleEtcd) != 0 {
		t.Errorf("Machines = %v, want the control plane and 2 workers", s.Machines)
	}
	if _, ok := s.Secrets["cluster3-apiserver-etcd-client"]; ok {
		t.Errorf("the apiserver-etcd-client Secret is left")
	}
	// The original is untouched.
	if len(c.Machines) != 4 {
		t.Errorf("WithoutExternalEtcd() changed its receiver")
	}
}

// TestCAPICRDs_ContractLabels: the kubeadm providers' CRDs carry the
// contract labels of the versions they serve, as upstream's manifests do;
// the core CRDs carry none.
func TestCAPICRDs_ContractLabels(t *testing.T) {
	for _, f := range Flavours {
		crds, err := CAPICRDs(f)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, crd := range crds {
			var contracts []string
			for k, v := range crd.Labels {
				if strings.HasPrefix(k, "cluster.x-k8s.io/v1") {
					contracts = append(contracts, k+"="+v)
				}
			}
			switch crd.Name {
			case "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io", "kubeadmconfigs.bootstrap.cluster.x-k8s.io":
				found++
				want := "cluster.x-k8s.io/" + string(f) + "=" + string(f)
				if len(contracts) != 1 || contracts[0] != want {
					t.Errorf("%s: CRD %s contract labels %v, want [%s]", f, crd.Name, contracts, want)
				}
			case "clusters.cluster.x-k8s.io", "machines.cluster.x-k8s.io":
				if len(contracts) != 0 {
					t.Errorf("%s: core CRD %s has contract labels %v, want none", f, crd.Name, contracts)
				}
			}
		}
		if found != 2 {
			t.Errorf("%s: found %d of the kubeadm CRDs, want 2", f, found)
		}
	}
}
