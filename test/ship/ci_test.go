package ship

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCI_RefusesEnvironment runs .ci/run --check-env with each variable
// that would let CI pass on another run than make test's: it must refuse,
// name the variable, and never print its value (the vCenter password is one).
func TestCI_RefusesEnvironment(t *testing.T) {
	script, err := filepath.Abs("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	const secret = "s3cret-value-never-printed"
	tests := []struct {
		name     string
		env      []string
		wantCode int
		want     string
	}{
		{"clean", nil, 0, "the environment is clean"},
		{"short", []string{"GOFLAGS=-short"}, 2, "GOFLAGS"},
		{"any GOFLAGS", []string{"GOFLAGS=-run=TestNothing"}, 2, "GOFLAGS"},
		{"prebuilt binary", []string{"EKSA_RECOVER_BINARY=/tmp/old"}, 2, "unset EKSA_RECOVER_BINARY"},
		{"README rewrite", []string{"EKSA_RECOVER_UPDATE_README=1"}, 2, "unset EKSA_RECOVER_UPDATE_README"},
		{"dist platforms", []string{"EKSA_RECOVER_DIST_PLATFORMS=all"}, 2, "EKSA_RECOVER_DIST_PLATFORMS"},
		{"vCenter password", []string{"EKSA_VSPHERE_PASSWORD=" + secret}, 2, "EKSA_VSPHERE_PASSWORD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), "bash", script, "--check-env")
			cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, tt.env...)
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			all := out.String() + errOut.String()
			if code != tt.wantCode || !strings.Contains(all, tt.want) {
				t.Errorf(".ci/run --check-env with %q: exit %d, output %q; want exit %d and %q", tt.env, code, all, tt.wantCode, tt.want)
			}
			if strings.Contains(all, secret) {
				t.Errorf(".ci/run --check-env printed the value of %q: %q", tt.env, all)
			}
		})
	}
}
