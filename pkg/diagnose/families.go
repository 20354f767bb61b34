package diagnose

// A family is one known cause: how it is detected, the clause it adds to
// the headline, its findings and its next steps, together in one file each.
// The state a family gives, its place in decide and what the headline,
// findings and steps list are all built from the one slice below, so
// adding a cause is one file and one line here.
type family struct {
	// blocks: the family stops any upgrade (UpgradeBlocked); otherwise it
	// explains a cluster that is not ready (NotReady) once nothing above
	// it in decide matched.
	blocks bool
	// detect returns one hit per thing found; none: the cause is absent.
	detect func(f *facts) []hit
}

// hit is one thing a family found.
type hit struct {
	clause   string // for the headline, in words
	finding  Finding
	steps    []Step
	objects  []string // what the hit explains (Kind/namespace/name), so the generic rule does not name them again
	location string
}

// families in the order their steps are listed.
var families = []family{
	{blocks: true, detect: etcdNotReady},
	{blocks: true, detect: controllersDown},
	{blocks: true, detect: clusterFailure},
	{blocks: true, detect: cniNotReady},
	{blocks: false, detect: workloadsRefused},
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
				out = append(out, h.clause)
			}
		}
	}
	return out
}

func (f *facts) familyFindings() []Finding {
	var out []Finding
	for _, fh := range f.hits() {
		for _, h := range fh.hits {
			out = append(out, h.finding)
		}
	}
	return out
}

func (f *facts) familySteps(blocking bool) []Step {
	var out []Step
	for _, fh := range f.hits() {
		if fh.family.blocks == blocking {
			for _, h := range fh.hits {
				out = append(out, h.steps...)
			}
		}
	}
	return out
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
