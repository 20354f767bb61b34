package diagnose

// How to add a known cause: write one file holding its code and a detect
// function that returns a hit per thing it finds (the headline clause, the
// findings, the next steps and the objects it explains), then add one line
// to the families slice below: the state its clauses give, where its steps
// go, and its place among its state's families (the order of their clauses
// in the headline). Nothing else enumerates causes: decide, the headline,
// the findings and the next steps all gather hits from this one slice.

// A family is one known cause: how it is detected, the clause it adds to
// the headline, its findings and its next steps, together in one file each.
type family struct {
	// state is the verdict its clauses give: UpgradeBlocked (it stops any
	// upgrade), RolloutStuck (once nothing is paused) or NotReady (once
	// nothing above it in decide matched).
	state State
	// steps places its steps among those of the families of its state.
	steps stepPlace
	// detect returns one hit per thing found; none: the cause is absent.
	detect func(f *facts) []hit
}

// stepPlace says where a family's steps go among those of its state.
type stepPlace int

const (
	// stepsInOrder: in the order of the families slice.
	stepsInOrder stepPlace = iota
	// stepsFirst: before every stepsInOrder family's. What it names (etcd, a
	// controller, the EKS-A Cluster's own failure, the CNI) keeps any
	// other fix from taking effect until it is fixed.
	stepsFirst
	// stepsIfNoOther: only when no other family of its state gives a step: a
	// stuck rollout waits on a Machine, an upgrade or etcd whose own step
	// says more.
	stepsIfNoOther
)

// hit is one thing a family found. A hit without a clause is a note: its
// findings are listed, but it changes no verdict and explains no object (a
// certificate expiring soon, a rollout still within its time).
type hit struct {
	clause   string // for the headline, in words
	findings []Finding
	steps    []Step
	objects  []string // what the hit explains (Kind/namespace/name), so the generic rule does not name them again
}

// families in the order of their clauses in the headline, per state; their
// steps follow the same order, as their steps field places them.
var families = []family{
	{state: UpgradeBlocked, detect: webhooksDead},
	{state: UpgradeBlocked, detect: eksaControllerDown},
	{state: UpgradeBlocked, detect: certificatesExpired},
	{state: UpgradeBlocked, detect: componentsBehind},
	{state: UpgradeBlocked, steps: stepsFirst, detect: etcdNotReady},
	{state: UpgradeBlocked, steps: stepsFirst, detect: controllersDown},
	{state: UpgradeBlocked, steps: stepsFirst, detect: clusterFailure},
	{state: UpgradeBlocked, steps: stepsFirst, detect: cniNotReady},
	{state: RolloutStuck, steps: stepsIfNoOther, detect: rolloutsStuck},
	{state: RolloutStuck, detect: machinesStuck},
	{state: RolloutStuck, detect: nodeUpgradesStuck},
	{state: RolloutStuck, detect: healthChecksBlocked},
	{state: RolloutStuck, detect: etcdRollStuck},
	{state: NotReady, detect: workloadsRefused},
	{state: NotReady, detect: clusterConditions},
}

// hits runs every family once per diagnosis.
func (f *facts) hits() []familyHits {
	if f.familyHits != nil || !readable(f.mgmt) {
		return f.familyHits
	}
	f.familyHits = []familyHits{}
	for _, fam := range families {
		if hs := fam.detect(f); len(hs) > 0 {
			f.familyHits = append(f.familyHits, familyHits{family: fam, hits: hs})
		}
	}
	return f.familyHits
}

type familyHits struct {
	family family
	hits   []hit
}

// familyClauses, familyFindings and familySteps gather one part of every
// hit; clauses and steps those of the families giving state s.
func (f *facts) familyClauses(s State) []string {
	var out []string
	for _, fh := range f.hits() {
		if fh.family.state == s {
			for _, h := range fh.hits {
				if h.clause != "" {
					out = append(out, h.clause)
				}
			}
		}
	}
	return out
}

func (f *facts) familyFindings() []Finding {
	var out []Finding
	for _, fh := range f.hits() {
		for _, h := range fh.hits {
			out = append(out, h.findings...)
		}
	}
	return out
}

func (f *facts) familySteps(s State) []Step {
	placed := map[stepPlace][]Step{}
	for _, fh := range f.hits() {
		if fh.family.state == s {
			for _, h := range fh.hits {
				placed[fh.family.steps] = append(placed[fh.family.steps], h.steps...)
			}
		}
	}
	if steps := append(placed[stepsFirst], placed[stepsInOrder]...); len(steps) > 0 {
		return steps
	}
	return placed[stepsIfNoOther]
}

// explained are the objects a family already names; a note names none, so
// the generic rule still says what its objects' signals show.
func (f *facts) explained() map[string]bool {
	out := map[string]bool{}
	for _, fh := range f.hits() {
		for _, h := range fh.hits {
			if h.clause == "" {
				continue
			}
			for _, o := range h.objects {
				out[o] = true
			}
		}
	}
	return out
}
