package printers

import (
	"bytes"
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
)

func TestPrintStatus_VCenter(t *testing.T) {
	r := strandedReport()
	r.VCenter = &diagnose.VCenterReport{Server: "vc.example.com:443", Checked: 40, RoundTrips: 5, ClusterVMs: 2}
	r.Tree.Children[1].Children[0].VM = "poweredOff"
	var out bytes.Buffer
	if err := PrintStatus(&out, r, StatusOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"READY   VM    SEVERITY",
		"  └─Machine/cluster3-etcd-chkc5                     False   off              WaitingForNode",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("PrintStatus(vCenter checked) lacks %q; got:\n%s", want, got)
		}
	}
	out.Reset()
	if err := PrintStatus(&out, strandedReport(), StatusOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), " VM ") {
		t.Errorf("PrintStatus(vCenter not checked) shows a VM column:\n%s", out.String())
	}
}

// TestVMCell: the VM column reads like the vSphere client's power column,
// red for every VM that is not running.
func TestVMCell(t *testing.T) {
	p := &printer{o: StatusOptions{Color: true}}
	for state, want := range map[string]string{
		"poweredOn":  "\x1b[32mon\x1b[0m",
		"poweredOff": "\x1b[31moff\x1b[0m",
		"suspended":  "\x1b[31msuspended\x1b[0m",
		"missing":    "\x1b[31mmissing\x1b[0m",
		"":           "",
		"unknown":    "unknown",
	} {
		if got := p.vmCell(state); got != want {
			t.Errorf("vmCell(%q) = %q, want %q", state, got, want)
		}
	}
}
