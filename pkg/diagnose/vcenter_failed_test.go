package diagnose

import (
	"strings"
	"testing"
)

// TestDiagnose_VCenterCheckFailed: a check that failed on its own leaves
// the verdict to the clusters, says so in one warning naming the host and
// the fix, and is not taken for vCenter's answer anywhere.
func TestDiagnose_VCenterCheckFailed(t *testing.T) {
	b := newSnap().home(newK8s)
	b.vc = &VCenterFacts{Failed: "vCenter vc.example.com:443 is unreachable (connection refused): check the network to it"}
	r := Diagnose(b.build())
	if r.State != Healthy || r.VCenter != nil {
		t.Errorf("Diagnose(...) = %s with vcenter %+v, want Healthy and no vcenter report", r.State, r.VCenter)
	}
	var got *Finding
	for i := range r.Findings {
		if r.Findings[i].Code == CodeVCenterCheckFailed {
			got = &r.Findings[i]
		}
	}
	if got == nil || got.Severity != Warning || !strings.Contains(got.Message, "vc.example.com:443 is unreachable") {
		t.Errorf("Diagnose(...) findings = %+v, want a VCenterCheckFailed warning naming the host", r.Findings)
	}
	// Management down: no claim that vCenter shows the VMs running.
	b = newSnap().stranded().mgmtDown()
	b.vc = &VCenterFacts{Failed: "vCenter vc.example.com:443 rejected the login"}
	for _, s := range Diagnose(b.build()).NextSteps {
		if strings.Contains(s.Why, "vCenter shows") {
			t.Errorf("next step %q says %q though vCenter did not answer", s.Command, s.Why)
		}
	}
}
