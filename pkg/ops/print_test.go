package ops

import (
	"bytes"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

func TestPrintVerification(t *testing.T) {
	tests := []struct {
		name string
		v    mover.Verification
		want string
	}{
		{"verified", mover.Verification{Checked: 32},
			"Verified: the bootstrap cluster holds none of the objects; the management cluster holds all 32, as backed up\n"},
		{"not verified", mover.Verification{Checked: 2, LeftInSource: []string{"Machine.cluster.x-k8s.io/m1"}, Differs: []string{"Secret/s1", "Secret/s2"}},
			"Not verified:\n" +
				"  still on the bootstrap cluster (1): Machine.cluster.x-k8s.io/m1\n" +
				"  different from the backup (2): Secret/s1, Secret/s2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := PrintVerification(&b, &tt.v, "bootstrap", "management"); err != nil || b.String() != tt.want {
				t.Errorf("PrintVerification() = %q, %v; want %q", b.String(), err, tt.want)
			}
		})
	}
}

func TestPrintRestore(t *testing.T) {
	res := &mover.RestoreResult{Objects: 3, Created: 1, Skipped: 2, LeftPaused: []string{"cluster3"}}
	v := &mover.Verification{Checked: 3, Differs: []string{"Machine.cluster.x-k8s.io/m1"}}
	want := "Restored 3 objects from /b: 1 created, 2 already there and skipped, 0 updated\n" +
		"Left paused, as the backup recorded them: cluster3\n" +
		"Not verified:\n" +
		"  different from the backup (1): Machine.cluster.x-k8s.io/m1 (those that were already there were skipped: --force overwrites them)\n"
	var b bytes.Buffer
	if err := PrintRestore(&b, "/b", res, v); err != nil || b.String() != want {
		t.Errorf("PrintRestore() = %q, %v; want %q", b.String(), err, want)
	}
}
