package diagnose

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Where the EKS-A version came from (Report.EKSAVersionSource).
const (
	SourceFlag            = "flag"
	SourceClusterSpec     = "cluster spec"
	SourceBundles         = "bundles"
	SourceControllerImage = "controller image"
)

// versionRE takes the release out of a tag such as v0.16.5-eks-a-47: the
// build suffix says nothing about the era.
var versionRE = regexp.MustCompile(`^v?(\d+)\.(\d+)(?:\.(\d+))?`)

// era is the EKS-A release line, which decides what a failed upgrade leaves
// behind and which eksctl flags exist (docs/eksa-facts.md, "EKS-A eras"). The
// zero value is an unknown version: every rule then takes the safe side.
type era struct {
	version             string // as reported, e.g. v0.16.5
	major, minor, patch int
	known               bool
}

// parseEra reads a version; ok is false when it is not one.
func parseEra(v string) (era, bool) {
	m := versionRE.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return era{}, false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	patch, _ := strconv.Atoi(m[3]) // "" (v0.16) reads as 0
	return era{version: "v" + m[1] + "." + m[2] + "." + strconv.Itoa(patch),
		major: major, minor: minor, patch: patch, known: true}, true
}

// newer orders releases.
func (e era) newer(o era) bool {
	if e.major != o.major {
		return e.major > o.major
	}
	if e.minor != o.minor {
		return e.minor > o.minor
	}
	return e.patch > o.patch
}

// atLeast compares release lines: v1.x (should it come) is newer than any v0.x.
func (e era) atLeast(minor int) bool { return e.known && (e.major > 0 || e.minor >= minor) }

// forceCleanupExists: --force-cleanup exists up to v0.16; v0.17 rejects it
// ("please remove the --force-cleanup flag"). Unknown: assume it does not.
func (e era) forceCleanupExists() bool { return e.known && !e.atLeast(17) }

// eksaPauseBlocks: from v0.19 the rerun's preflight refuses a paused EKS-A
// Cluster. Unknown counts as blocking: resuming first is harmless.
func (e era) eksaPauseBlocks() bool { return !e.known || e.atLeast(19) }

// EKSAPauseBlocks is eksaPauseBlocks for a version as reported: from
// v0.19 a failed upgrade's pause markers are resume's to clear, since the
// rerun refuses a paused cluster; before it, eksctl's rerun clears its
// own. A version not known counts as v0.19+.
func EKSAPauseBlocks(version string) bool {
	e, _ := parseEra(version)
	return e.eksaPauseBlocks()
}

// eksaVersion finds the EKS-A version, most explicit source first.
// notes lists sources that were present but unreadable.
func eksaVersion(in Input, mgmt *snapshot.ClusterState) (e era, source string, notes []string) {
	if in.EKSAVersion != "" {
		if e, ok := parseEra(in.EKSAVersion); ok {
			return e, SourceFlag, nil
		}
		notes = append(notes, "--eksa-version "+strconv.Quote(in.EKSAVersion)+" is not a version such as v0.16.5")
	}
	for _, o := range mgmt.EKSA {
		if o.Group == eksa.GroupEKSA && o.Kind == "Cluster" && o.Name == in.ClusterName {
			if e, ok := parseEra(o.Fields["eksaVersion"]); ok {
				return e, SourceClusterSpec, notes
			}
		}
	}
	// Several Bundles can coexist after upgrades: the newest is the one in use
	// once an upgrade got that far, and the conservative choice otherwise.
	var bundles []era
	for _, o := range mgmt.EKSA {
		if o.Kind == "Bundles" {
			if e, ok := parseEra(o.Fields["eksaVersion"]); ok {
				bundles = append(bundles, e)
			}
		}
	}
	if len(bundles) > 0 {
		sort.Slice(bundles, func(i, j int) bool { return bundles[i].newer(bundles[j]) })
		return bundles[0], SourceBundles, notes
	}
	if img := mgmt.ControllerImage; img != "" {
		if i := strings.Index(img, "@"); i >= 0 { // a digest carries no version
			img = img[:i]
		}
		if i := strings.LastIndex(img, ":"); i >= 0 && !strings.Contains(img[i:], "/") {
			if e, ok := parseEra(img[i+1:]); ok {
				return e, SourceControllerImage, notes
			}
		}
	}
	return era{}, "", notes
}
