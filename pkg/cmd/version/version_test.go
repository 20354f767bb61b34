package version

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo"
)

func TestNewCmdVersion(t *testing.T) {
	// The expectations are written out, not taken from buildinfo.Get(): a
	// test binary is built without -ldflags, so the build is "dev" with an
	// unknown commit and date; the Go version and platform are the
	// runtime's. (The binary suite checks values set with -ldflags.)
	info := buildinfo.Info{
		Version: "dev", Commit: "unknown", Date: "unknown",
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
	tests := []struct {
		name    string
		args    []string
		check   func(t *testing.T, out string)
		wantErr string
	}{
		{
			name: "text",
			args: nil,
			check: func(t *testing.T, out string) {
				want := "kubectl-eksa_recover version: " + info.Version + ", commit: " + info.Commit + ", built: " + info.Date
				if !strings.HasPrefix(out, want) {
					t.Errorf("version = %q, want prefix %q", out, want)
				}
				if !strings.Contains(out, runtime.Version()) {
					t.Errorf("version = %q, want it to contain %q", out, runtime.Version())
				}
				if n := strings.Count(out, "\n"); n != 1 || !strings.HasSuffix(out, "\n") {
					t.Errorf("version = %q, want exactly one line", out)
				}
			},
		},
		{
			name: "json",
			args: []string{"-o", "json"},
			check: func(t *testing.T, out string) {
				var got map[string]string
				if err := json.Unmarshal([]byte(out), &got); err != nil {
					t.Fatalf("version -o json printed %q, not JSON: %v", out, err)
				}
				checkFields(t, got, info)
			},
		},
		{
			name: "yaml",
			args: []string{"--output=yaml"},
			check: func(t *testing.T, out string) {
				var got map[string]string
				if err := yaml.UnmarshalStrict([]byte(out), &got); err != nil {
					t.Fatalf("version -o yaml printed %q, not YAML: %v", out, err)
				}
				checkFields(t, got, info)
			},
		},
		{
			name:    "bad output",
			args:    []string{"-o", "wide"},
			wantErr: "--output must be one of: json, yaml",
		},
		{
			name:    "extra argument",
			args:    []string{"extra"},
			wantErr: `unknown command "extra"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			streams, _, out, errOut := genericiooptions.NewTestIOStreams()
			cmd := NewCmdVersion(streams)
			cmd.SetArgs(tt.args)
			cmd.SetOut(out)
			cmd.SetErr(errOut)
			cmd.SilenceUsage = true
			cmd.SilenceErrors = true

			err := cmd.ExecuteContext(t.Context())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("version %v: error = %v, want it to contain %q", tt.args, err, tt.wantErr)
				}
				if out.Len() != 0 {
					t.Errorf("version %v printed %q on error, want nothing", tt.args, out.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("version %v: unexpected error: %v", tt.args, err)
			}
			tt.check(t, out.String())
		})
	}
}

func checkFields(t *testing.T, got map[string]string, want buildinfo.Info) {
	t.Helper()
	wantFields := map[string]string{
		"version":   want.Version,
		"commit":    want.Commit,
		"buildDate": want.Date,
		"goVersion": want.GoVersion,
		"platform":  want.Platform,
	}
	for k, v := range wantFields {
		if got[k] != v {
			t.Errorf("field %q = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(wantFields) {
		t.Errorf("fields = %v, want exactly %v", got, wantFields)
	}
}

func TestVersionOptions_Validate(t *testing.T) {
	tests := []struct {
		output  string
		wantErr bool
	}{
		{output: "", wantErr: false},
		{output: "json", wantErr: false},
		{output: "yaml", wantErr: false},
		{output: "JSON", wantErr: true},
		{output: "name", wantErr: true},
	}
	for _, tt := range tests {
		o := &VersionOptions{Output: tt.output}
		if err := o.Validate(); (err != nil) != tt.wantErr {
			t.Errorf("Validate() with output %q = %v, want error: %v", tt.output, err, tt.wantErr)
		}
	}
}
