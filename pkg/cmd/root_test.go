package cmd

import (
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

func execute(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	streams, _, out, errOut := genericiooptions.NewTestIOStreams()
	cmd := NewCmdRoot(streams)
	cmd.SetArgs(args)
	err = cmd.ExecuteContext(t.Context())
	return out.String(), errOut.String(), err
}

func TestNewCmdRoot_Help(t *testing.T) {
	out, _, err := execute(t, "--help")
	if err != nil {
		t.Fatalf("--help: unexpected error: %v", err)
	}
	for _, want := range []string{
		"kubectl eksa-recover [command]",
		"--kubeconfig",
		"--context",
		"--as",
		"--token",
		"-s, --server",
		"--bootstrap-kubeconfig",
		"--bootstrap-context",
		"--bootstrap-as",
		"--cluster-name",
		"--workspace",
		"-v, --v",
		"version",
		"completion",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--help output does not contain %q:\n%s", want, out)
		}
	}
	// -n and --cache-dir would be accepted and mean nothing: the plugin
	// reads EKS-A's namespaces and keeps no cache.
	for _, notWant := range []string{"--namespace", "--cache-dir", "--logtostderr", "--alsologtostderr", "--log_file", "--vmodule", "kubectl-eksa_recover [command]"} {
		if strings.Contains(out, notWant) {
			t.Errorf("--help output contains %q, want it hidden:\n%s", notWant, out)
		}
	}
}

func TestNewCmdRoot_PersistentFlags(t *testing.T) {
	cmd := NewCmdRoot(genericiooptions.NewTestIOStreamsDiscard())
	tests := []struct {
		name      string
		shorthand string
		defValue  string
	}{
		{name: "kubeconfig"},
		{name: "context"},
		{name: "request-timeout", defValue: "15s"},
		{name: "bootstrap-kubeconfig"},
		{name: "bootstrap-context"},
		{name: "cluster-name"},
		{name: "workspace", defValue: "."},
		{name: "v", shorthand: "v", defValue: "0"},
	}
	for _, tt := range tests {
		f := cmd.PersistentFlags().Lookup(tt.name)
		if f == nil {
			t.Errorf("persistent flag --%s missing", tt.name)
			continue
		}
		if f.Shorthand != tt.shorthand {
			t.Errorf("--%s shorthand = %q, want %q", tt.name, f.Shorthand, tt.shorthand)
		}
		if f.DefValue != tt.defValue {
			t.Errorf("--%s default = %q, want %q", tt.name, f.DefValue, tt.defValue)
		}
	}
	for _, name := range []string{"logtostderr", "log_file", "vmodule", "skip_headers"} {
		if cmd.PersistentFlags().Lookup(name) != nil {
			t.Errorf("klog flag --%s is registered, want only -v", name)
		}
	}
}

func TestNewCmdRoot_GlobalFlagsOnSubcommand(t *testing.T) {
	// Persistent flags must parse before and after a subcommand.
	for _, args := range [][]string{
		{"--workspace", "/tmp/ws", "--cluster-name", "mgmt", "-v", "0", "version"},
		{"version", "--bootstrap-kubeconfig", "/tmp/kind.kubeconfig", "--context", "admin@mgmt"},
	} {
		if _, _, err := execute(t, args...); err != nil {
			t.Errorf("%v: unexpected error: %v", args, err)
		}
	}
}

func TestNewCmdRoot_Complete(t *testing.T) {
	out, _, err := execute(t, "__complete", "")
	if err != nil {
		t.Fatalf("__complete: unexpected error: %v", err)
	}
	for _, want := range []string{"version", "completion"} {
		if !strings.Contains(out, want+"\t") {
			t.Errorf("__complete \"\" = %q, want it to offer %q", out, want)
		}
	}
}

func TestNewCmdRoot_CompleteOutputFlag(t *testing.T) {
	out, _, err := execute(t, "__complete", "version", "-o", "")
	if err != nil {
		t.Fatalf("__complete: unexpected error: %v", err)
	}
	if !strings.Contains(out, "json\n") || !strings.Contains(out, "yaml\n") {
		t.Errorf("__complete version -o \"\" = %q, want json and yaml", out)
	}
}

func TestNewCmdRoot_UnknownCommand(t *testing.T) {
	_, _, err := execute(t, "frobnicate")
	if err == nil || !strings.Contains(err.Error(), `unknown command "frobnicate" for "kubectl eksa-recover"`) {
		t.Errorf("frobnicate: error = %v, want unknown command naming kubectl eksa-recover", err)
	}
}
