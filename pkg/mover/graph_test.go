package mover_test

import (
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// apiVersions of the kinds the table uses, by kind.
var apiVersions = map[string]string{
	"Cluster": "cluster.x-k8s.io/v1beta2", "Machine": "cluster.x-k8s.io/v1beta2",
	"KubeadmControlPlane":    "controlplane.cluster.x-k8s.io/v1beta2",
	"KubeadmConfig":          "bootstrap.cluster.x-k8s.io/v1beta2",
	"VSphereMachineTemplate": "infrastructure.cluster.x-k8s.io/v1beta1",
	"Hardware":               "tinkerbell.org/v1alpha1", "BMCMachine": "bmc.tinkerbell.org/v1alpha1",
	"Secret": "v1", "ConfigMap": "v1",
}

// obj builds an object of kind/name owned by the "Kind/name" owners.
func obj(kindName string, owners ...string) *unstructured.Unstructured {
	kind, name, _ := strings.Cut(kindName, "/")
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetAPIVersion(apiVersions[kind])
	u.SetKind(kind)
	u.SetNamespace(eksa.Namespace)
	u.SetName(name)
	var refs []any
	for _, o := range owners {
		ok, on, _ := strings.Cut(o, "/")
		refs = append(refs, map[string]any{"apiVersion": apiVersions[ok], "kind": ok, "name": on, "uid": "u-" + on})
	}
	if len(refs) > 0 {
		_ = unstructured.SetNestedSlice(u.Object, refs, "metadata", "ownerReferences")
	}
	return u
}

func labelled(u *unstructured.Unstructured, kv ...string) *unstructured.Unstructured {
	l := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	u.SetLabels(l)
	return u
}

func annotated(u *unstructured.Unstructured, key string) *unstructured.Unstructured {
	u.SetAnnotations(map[string]string{key: ""})
	return u
}

// kinds is what discovery records: every kind moveable, Hardware's CRD
// labelled move-hierarchy and BMCMachine's labelled move.
func kinds() objgraph.Kinds {
	out := objgraph.Kinds{}
	for kind, av := range apiVersions {
		gv, _ := schema.ParseGroupVersion(av)
		out[schema.GroupKind{Group: gv.Group, Kind: kind}] = objgraph.KindFlags{MoveHierarchy: kind == "Hardware", Move: kind == "BMCMachine"}
	}
	return out
}

// The keys as the groups print them.
const (
	c1     = "Cluster.cluster.x-k8s.io/c1"
	c2     = "Cluster.cluster.x-k8s.io/c2"
	kcp1   = "KubeadmControlPlane.controlplane.cluster.x-k8s.io/c1"
	m1     = "Machine.cluster.x-k8s.io/c1-m"
	cfg1   = "KubeadmConfig.bootstrap.cluster.x-k8s.io/c1-m"
	tmpl1  = "VSphereMachineTemplate.infrastructure.cluster.x-k8s.io/c1-t"
	hw     = "Hardware.tinkerbell.org/hw0"
	bmc    = "BMCMachine.bmc.tinkerbell.org/bmc0"
	kubecf = "Secret/c1-kubeconfig"
)

func TestSelectAndGroups(t *testing.T) {
	cluster1 := []*unstructured.Unstructured{
		obj("Machine/c1-m", "KubeadmControlPlane/c1"),
		obj("KubeadmConfig/c1-m", "Machine/c1-m"),
		obj("Secret/c1-m", "KubeadmConfig/c1-m"),
		obj("KubeadmControlPlane/c1", "Cluster/c1"),
		obj("Cluster/c1"),
		obj("VSphereMachineTemplate/c1-t", "Cluster/c1"),
	}
	tests := []struct {
		name    string
		objs    []*unstructured.Unstructured
		cluster string
		want    [][]string // creation groups, each sorted
		wantErr string
	}{{
		name: "owners before what they own",
		objs: cluster1,
		want: [][]string{{c1}, {kcp1, tmpl1}, {m1}, {cfg1}, {"Secret/c1-m"}},
	}, {
		name: "a Secret named <cluster>-kubeconfig without owners follows its Cluster",
		objs: append([]*unstructured.Unstructured{obj("Secret/c1-kubeconfig"), obj("Secret/unrelated")}, cluster1...),
		want: [][]string{{c1}, {kcp1, kubecf, tmpl1}, {m1}, {cfg1}, {"Secret/c1-m"}},
	}, {
		name: "a kind labelled move-hierarchy is a root: its whole tree moves, owners first",
		objs: []*unstructured.Unstructured{obj("Secret/hw0-bmc", "Hardware/hw0"), obj("Hardware/hw0")},
		want: [][]string{{hw}, {"Secret/hw0-bmc"}},
	}, {
		name: "an object labelled move-hierarchy is a root too",
		objs: []*unstructured.Unstructured{
			labelled(obj("ConfigMap/shared"), eksa.LabelMoveHierarchy, ""), obj("Secret/shared-data", "ConfigMap/shared"),
		},
		want: [][]string{{"ConfigMap/shared"}, {"Secret/shared-data"}},
	}, {
		name: "a kind labelled move moves alone; an orphan of no root stays, as in clusterctl",
		objs: []*unstructured.Unstructured{
			obj("BMCMachine/bmc0"), obj("Secret/bmc0-auth", "BMCMachine/bmc0"), obj("VSphereMachineTemplate/orphan"),
		},
		want: [][]string{{bmc}},
	}, {
		name:    "one cluster: the other cluster and roots of no cluster stay",
		objs:    append([]*unstructured.Unstructured{obj("Cluster/c2"), obj("Hardware/hw0"), obj("Secret/c2-ca")}, cluster1...),
		cluster: "c1",
		want:    [][]string{{c1}, {kcp1, tmpl1}, {m1}, {cfg1}, {"Secret/c1-m"}},
	}, {
		name: "the whole namespace: every cluster and every root",
		objs: []*unstructured.Unstructured{obj("Cluster/c2"), obj("Secret/c2-ca"), obj("Hardware/hw0"), obj("Cluster/c1")},
		want: [][]string{{c1, c2, hw}, {"Secret/c2-ca"}},
	}, {
		name:    "an object whose owner is gone is refused, not left behind",
		objs:    []*unstructured.Unstructured{obj("Cluster/c1"), obj("Machine/c1-m", "KubeadmControlPlane/c1")},
		wantErr: "the graph is not whole: 1 owners are missing: KubeadmControlPlane.controlplane.cluster.x-k8s.io/c1 (owner of " + m1 + ")",
	}, {
		name:    "block-move refuses the move",
		objs:    []*unstructured.Unstructured{obj("Cluster/c1"), annotated(obj("Machine/c1-m", "Cluster/c1"), eksa.AnnotationBlockMove)},
		wantErr: m1 + " carries clusterctl.cluster.x-k8s.io/block-move",
	}, {
		name:    "an owner cycle is an error",
		objs:    []*unstructured.Unstructured{obj("Cluster/c1"), obj("Machine/c1-a", "Cluster/c1", "Machine/c1-b"), obj("Machine/c1-b", "Machine/c1-a")},
		wantErr: "owner references form a cycle among Machine.cluster.x-k8s.io/c1-a, Machine.cluster.x-k8s.io/c1-b",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mover.Select(tt.objs, kinds(), tt.cluster)
			groups, err := g.Groups()
			if err == nil {
				err = g.CheckWhole()
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Groups/CheckWhole() = %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Groups/CheckWhole() = %v", err)
			}
			var got [][]string
			for _, group := range groups {
				var names []string
				for _, k := range group {
					names = append(names, k.String())
				}
				got = append(got, names)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Groups() = %v, want %v", got, tt.want)
			}
		})
	}
}
