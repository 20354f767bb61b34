// How to add a known cause: write one file holding its code, a detect
// function that returns a hit per thing it finds (the headline clause, the
// findings, the next steps and the objects it explains), and add one line
// to the families slice below, in the place its clause takes in the
// headline. Nothing else enumerates causes: decide, the headline, the
// findings and the next steps all gather hits from this one slice.

package diagnose

// A family is one known cause: how it is detected, the clause it adds to
// the headline, its findings and its next steps, together in one file each.
type family struct {
	// blocks: the family stops any upgrade (UpgradeBlocked); otherwise it
	// explains a cluster that is not ready (NotReady) once nothing above
	// it in decide matched.
	blocks bool
	// stepsFirst: its steps come before those of every family without it,
	// whatever their places in the slice: what it names (etcd, a
	// controller, the EKS-A Cluster's own failure, the CNI) keeps any
	// other fix from taking effect until it is fixed.
	stepsFirst bool
	// detect returns one hit per thing found; none: the cause is absent.
	detect func(f *facts) []hit
}

// hit is one thing a family found. A hit without a clause is a note: its
// findings are listed, but it changes no verdict (a certificate expiring
// soon, components one minor version ahead as EKS-A allows).
type hit struct {
	clause   string // for the headline, in words
	findings []Finding
	steps    []Step
	objects  []string // what the hit explains (Kind/namespace/name), so the generic rule does not name them again
}

// families in the order of their clauses in the headline; their steps
// follow the same order, stepsFirst ones first.
var families = []family{
	{blocks: true, detect: webhooksDead},
	{blocks: true, detect: eksaControllerDown},
	{blocks: true, detect: certificatesExpired},
	{blocks: true, detect: componentsBehind},
	{blocks: true, stepsFirst: true, detect: etcdNotReady},
	{blocks: true, stepsFirst: true, detect: controllersDown},
	{blocks: true, stepsFirst: true, detect: clusterFailure},
	{blocks: true, stepsFirst: true, detect: cniNotReady},
	{blocks: false, detect: workloadsRefused},
	{blocks: false, detect: clusterConditions},
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
// hit; blocking selects the families that stop any upgrade (or the others).
func (f *facts) familyClauses(blocking bool) []string {
	var out []string
	for _, fh := range f.hits() {
		if fh.family.blocks == blocking {
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

func (f *facts) familySteps(blocking bool) []Step {
	var first, rest []Step
	for _, fh := range f.hits() {
		if fh.family.blocks != blocking {
			continue
		}
		for _, h := range fh.hits {
			if fh.family.stepsFirst {
				first = append(first, h.steps...)
			} else {
				rest = append(rest, h.steps...)
			}
		}
	}
	return append(first, rest...)
}

// explained are the objects a family already names.
func (f *facts) explained() map[string]bool {
	out := map[string]bool{}
	for _, fh := range f.hits() {
		for _, h := range fh.hits {
			for _, o := range h.objects {
				out[o] = true
			}
		}
	}
	return out
}
