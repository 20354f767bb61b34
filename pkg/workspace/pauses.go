package workspace

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// PauseRecord is what one of this plugin's backups recorded of the
// Cluster API Clusters' spec.paused when it was taken: the Clusters it
// covers and those paused. It is how resume tells a cluster paused on
// purpose from one a failed run paused.
type PauseRecord struct {
	Covered []string
	Paused  []string
}

// manifestPauses is the part of a backup manifest (package backup's
// Manifest, beside the folder as <folder>.manifest.json) that records
// pauses. Read here, not through package backup, so that status's
// pipeline reads it without importing the code that writes backups;
// backup's tests write a manifest and read it back through this.
type manifestPauses struct {
	// Clusters: every CAPI Cluster on the management cluster when the
	// backup was taken (manifests from this change on).
	Clusters []struct {
		Name   string `json:"name"`
		Paused bool   `json:"paused"`
	} `json:"clusters"`
	// Older manifests: the Clusters among the objects written, and which
	// of those were paused.
	PausedClusters []string `json:"pausedClusters"`
	Objects        []struct {
		Group string `json:"group"`
		Kind  string `json:"kind"`
		Name  string `json:"name"`
	} `json:"objects"`
}

// readPauseRecord reads the pause record of the backup in dir; nil when
// it has no manifest or the manifest cannot be read (a damaged backup
// tells nothing).
func readPauseRecord(dir string) *PauseRecord {
	data, err := os.ReadFile(filepath.Clean(dir) + eksa.BackupManifestSuffix)
	if err != nil {
		return nil
	}
	var m manifestPauses
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	r := &PauseRecord{}
	if len(m.Clusters) > 0 {
		for _, c := range m.Clusters {
			r.Covered = append(r.Covered, c.Name)
			if c.Paused {
				r.Paused = append(r.Paused, c.Name)
			}
		}
		return r
	}
	for _, o := range m.Objects {
		if o.Group == eksa.GroupCAPI && o.Kind == "Cluster" {
			r.Covered = append(r.Covered, o.Name)
		}
	}
	r.Paused = m.PausedClusters
	return r
}
