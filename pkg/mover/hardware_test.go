package mover

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

func hardware(owner string, disk string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "tinkerbell.org/v1alpha1", "kind": "Hardware",
		"metadata": map[string]any{"name": "cp-0-hw", "namespace": eksa.Namespace},
		"spec":     map[string]any{"disks": []any{map[string]any{"device": disk}}},
	}}
	if owner != "" {
		u.SetLabels(map[string]string{eksa.LabelTinkerbellOwnerName: owner, eksa.LabelTinkerbellOwnerNamespace: eksa.Namespace})
	}
	return u
}

func TestHardwareClash(t *testing.T) {
	tests := []struct {
		name        string
		src, there  *unstructured.Unstructured
		wantClashes []string // "" none
	}{
		{"not on the target", hardware("cluster3-cp-abc", "/dev/sda"), nil, nil},
		{"the move's own copy (a rerun)", hardware("cluster3-cp-abc", "/dev/sda"), hardware("cluster3-cp-abc", "/dev/sda"), nil},
		{"free on the target", hardware("cluster3-cp-abc", "/dev/sda"), hardware("", "/dev/sdb"), nil},
		{"in use by another cluster", hardware("cluster3-cp-abc", "/dev/sda"), hardware("cluster9-cp-xyz", "/dev/sda"),
			[]string{"Hardware.tinkerbell.org/cp-0-hw is in use on the target by TinkerbellMachine eksa-system/cluster9-cp-xyz", "carried: TinkerbellMachine eksa-system/cluster3-cp-abc"}},
		{"in use, carried free", hardware("", "/dev/sda"), hardware("cluster9-cp-xyz", "/dev/sda"), []string{"carried: unallocated"}},
		{"same owner, other spec", hardware("cluster3-cp-abc", "/dev/sda"), hardware("cluster3-cp-abc", "/dev/nvme0n1"), []string{"in use on the target by TinkerbellMachine eksa-system/cluster3-cp-abc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hardwareClash(tt.src, tt.there)
			if (got == "") != (len(tt.wantClashes) == 0) {
				t.Fatalf("hardwareClash() = %q, want a clash: %v", got, len(tt.wantClashes) > 0)
			}
			for _, want := range tt.wantClashes {
				if !strings.Contains(got, want) {
					t.Errorf("hardwareClash() = %q, want it to say %q", got, want)
				}
			}
		})
	}
}

// TestErrHardwareClashes: restore --force's check over what the target
// holds (its plan's existing objects) refuses in one line, naming the
// Hardware, both owners and the command to rerun; nothing in use, no error.
func TestErrHardwareClashes(t *testing.T) {
	src := hardware("cluster3-cp-abc", "/dev/sda")
	g := &Graph{Objects: map[objgraph.Key]*unstructured.Unstructured{objgraph.KeyOf(src): src}}
	there := map[objgraph.Key]*unstructured.Unstructured{objgraph.KeyOf(src): hardware("cluster9-cp-xyz", "/dev/sda")}
	err := errHardwareClashes(hardwareClashes(g, there), "restore")
	for _, want := range []string{"cp-0-hw is in use on the target by TinkerbellMachine eksa-system/cluster9-cp-xyz", "eksa-system/cluster3-cp-abc", "nothing was changed", "rerun restore"} {
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("errHardwareClashes() = %v, want one line saying %q", err, want)
		}
	}
	there[objgraph.KeyOf(src)] = hardware("", "/dev/sda")
	if err := errHardwareClashes(hardwareClashes(g, there), "restore"); err != nil {
		t.Errorf("errHardwareClashes() over a free Hardware = %v, want nil", err)
	}
}
