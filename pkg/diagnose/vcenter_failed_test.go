package diagnose

import (
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
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

// TestDiagnose_ResumeStepHoldsPrePaused: the resume step says what resume
// itself would hold: a workload cluster paused before the run.
func TestDiagnose_ResumeStepHoldsPrePaused(t *testing.T) {
	in := newSnap().eksa("v0.19.8").home(newK8s).eksaPaused().workloadPaused().build()
	in.PauseHistory = &pause.History{Known: true, Source: "/w/cluster3/eksa-recover-backup-x", Covered: []string{"cluster3", "w1"}, Paused: []string{"w1"}}
	r := Diagnose(in)
	if r.State != PausedAfterFailure || len(r.NextSteps) == 0 || !strings.Contains(r.NextSteps[0].Why, "it leaves 1 marker set") {
		t.Errorf("Diagnose(...) = %s, steps %+v; want PausedAfterFailure with resume leaving w1's pause set", r.State, r.NextSteps)
	}
}
