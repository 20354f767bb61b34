package ship

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// k9sPlugin has exactly the fields of k9s's plugins.json schema, which
// allows no others; strict decoding fails on any unknown one.
type k9sPlugin struct {
	ShortCut        string   `json:"shortCut"`
	Override        bool     `json:"override"`
	Description     string   `json:"description"`
	Confirm         bool     `json:"confirm"`
	Dangerous       bool     `json:"dangerous"`
	Scopes          []string `json:"scopes"`
	Command         string   `json:"command"`
	Background      bool     `json:"background"`
	OverwriteOutput bool     `json:"overwriteOutput"`
	Args            []string `json:"args"`
}

// Keys k9s binds in every resource table; a plugin on one of them is
// ignored unless it sets override.
var k9sReserved = []string{"Shift-A", "Shift-N", "Ctrl-D", "Ctrl-K", "Ctrl-S", "Ctrl-U", "Ctrl-W", "Ctrl-Z"}

var shortCut = regexp.MustCompile(`^(Shift|Ctrl|Alt)-[A-Z]$`)

func TestK9sPlugins(t *testing.T) {
	data, err := os.ReadFile("../../plugins.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Plugins map[string]k9sPlugin `json:"plugins"`
	}
	if err := yaml.UnmarshalStrict(data, &file); err != nil {
		t.Fatalf("plugins.yaml is not in k9s's shape: %v", err)
	}

	verbs := map[string]bool{}
	keys := map[string]string{} // scope+shortcut -> entry
	for name, p := range file.Plugins {
		if p.ShortCut == "" || p.Description == "" || len(p.Scopes) == 0 || p.Command == "" || len(p.Args) < 2 {
			t.Errorf("%s: shortCut, description, scopes, command and args are all required: %+v", name, p)
			continue
		}
		if !shortCut.MatchString(p.ShortCut) || slices.Contains(k9sReserved, p.ShortCut) {
			t.Errorf("%s: shortCut %q is not a free Shift/Ctrl/Alt-<letter> key", name, p.ShortCut)
		}
		for _, s := range p.Scopes {
			if other, ok := keys[s+" "+p.ShortCut]; ok {
				t.Errorf("%s and %s both use %s in %s", name, other, p.ShortCut, s)
			}
			keys[s+" "+p.ShortCut] = name
		}
		if p.Command != "kubectl" || p.Args[0] != "eksa-recover" {
			t.Errorf("%s runs %s %q, want kubectl eksa-recover ...", name, p.Command, p.Args)
		}
		verb := p.Args[1]
		verbs[verb] = true
		args := strings.Join(p.Args, " ")
		if !strings.Contains(args, "--context $CONTEXT") || !strings.Contains(args, "--cluster-name $") {
			t.Errorf("%s args %q: want --context $CONTEXT and --cluster-name from the row", name, args)
		}
		if p.Background {
			t.Errorf("%s runs in the background; its report would not be shown", name)
		}
		writes := verb == "move"
		if p.Dangerous != writes || p.Confirm != writes {
			t.Errorf("%s: dangerous=%v confirm=%v, want both %v", name, p.Dangerous, p.Confirm, writes)
		}
	}
	for _, v := range []string{"status", "verify", "backup", "move"} {
		if !verbs[v] {
			t.Errorf("no k9s plugin runs %s", v)
		}
	}
	for _, scope := range []string{"clusters.cluster.x-k8s.io", "machines"} {
		if keys[scope+" Shift-S"] == "" {
			t.Errorf("no status plugin (Shift-S) in scope %s", scope)
		}
	}
}
