// Package boundaries holds the test that keeps the package graph the way
// docs/layout.md describes it: the pure packages import no client
// library, status's read-only pipeline imports nothing that writes, only
// the command packages import cobra, vCenter is reached from one place,
// and nothing that ships imports the test world. .golangci.yml's depguard rules say the same for
// direct imports; this test follows every import, transitively.
package boundaries

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/eksa-recover/kubectl-eksa_recover"

// pure packages decide or describe from values; they never reach a cluster,
// a vCenter or a terminal.
var pure = []string{"pkg/eksa", "pkg/objgraph", "pkg/snapshot", "pkg/pause", "pkg/diagnose", "pkg/workspace", "pkg/vsphere/vcresult"}

// clientLibraries are what reaches a cluster or a vCenter, or parses flags.
var clientLibraries = []string{"k8s.io/client-go", "github.com/vmware/govmomi", "github.com/spf13/cobra", "github.com/spf13/pflag", "k8s.io/cli-runtime"}

// statusPipeline is status and everything it runs: it reads both clusters
// and the workspace and never writes, so it imports nothing that can.
// pkg/cmd/cmdutil, which every command (status too) resolves its flags
// and connects through, is in it: the writers' own wiring is pkg/cmd/opsenv.
var statusPipeline = []string{"pkg/cmd/status", "pkg/cmd/cmdutil", "pkg/inspect", "pkg/printers", "pkg/diagnose", "pkg/reader"}

// writers write to a cluster (mover, unpause, and ops, which runs them,
// all through kube/writable's dynamic client) or a backup folder (backup).
var writers = []string{module + "/pkg/mover", module + "/pkg/unpause", module + "/pkg/ops", module + "/pkg/backup", module + "/pkg/kube/writable"}

// writersIn lists the writers among pkg's transitive imports.
func writersIn(t *testing.T, pkg string) []string {
	t.Helper()
	var found []string
	for _, d := range deps(t, "../../"+pkg) {
		for _, w := range writers {
			if d == w {
				found = append(found, d)
			}
		}
	}
	return found
}

// deps lists pkg's transitive imports (tests excluded).
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "./"+pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps ./%s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

func TestPurePackagesImportNoClientLibrary(t *testing.T) {
	for _, pkg := range pure {
		for _, d := range deps(t, "../../"+pkg) {
			for _, lib := range clientLibraries {
				if d == lib || strings.HasPrefix(d, lib+"/") {
					t.Errorf("%s depends on %s: a pure package must not reach a client library", pkg, d)
				}
			}
		}
	}
}

func TestCobraOnlyUnderCmd(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "../../pkg/...").Output()
	if err != nil {
		t.Fatalf("go list ./pkg/...: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		underCmd := strings.HasPrefix(pkg, module+"/pkg/cmd")
		for _, imp := range imports {
			if !underCmd && (strings.HasPrefix(imp, "github.com/spf13/cobra") || strings.HasPrefix(imp, "github.com/spf13/pflag")) {
				t.Errorf("%s imports %s: flags and commands belong under pkg/cmd", pkg, imp)
			}
			if strings.HasPrefix(imp, module+"/internal/") {
				t.Errorf("%s imports %s: nothing that ships imports test-only code", pkg, imp)
			}
		}
	}
}

// TestBoundaryCheckSeesAViolation makes sure the check can fail: the mover
// reaches client-go, so listed as pure it must be reported.
func TestBoundaryCheckSeesAViolation(t *testing.T) {
	found := false
	for _, d := range deps(t, "../../pkg/mover") {
		if strings.HasPrefix(d, "k8s.io/client-go/") {
			found = true
		}
	}
	if !found {
		t.Fatal("go list -deps ./pkg/mover shows no client-go: the boundary check reads nothing")
	}
}

func TestStatusPipelineImportsNoWriter(t *testing.T) {
	for _, pkg := range statusPipeline {
		for _, w := range writersIn(t, pkg) {
			t.Errorf("%s depends on %s: status's pipeline reads and never writes, so it must not reach code that writes", pkg, w)
		}
	}
}

// TestWriterCheckSeesAViolation makes sure the writer check can fail:
// recover runs the operations, so it must be seen reaching every writer
// through ops.
func TestWriterCheckSeesAViolation(t *testing.T) {
	if got := writersIn(t, "pkg/cmd/recovery"); len(got) != len(writers) {
		t.Fatalf("writers in pkg/cmd/recovery = %v, want all of %v: the writer check reads nothing", got, writers)
	}
}

// dynamicClient can create, patch and delete any kind: status's pipeline
// reads through pkg/reader's REST, metadata and discovery clients instead.
const dynamicClient = "k8s.io/client-go/dynamic"

// dynamicAllowed are the packages outside the plugin that import the
// dynamic client and that status's pipeline may reach: cli-runtime's
// resource builder, which its ConfigFlags (kubectl's own flag loader,
// pkg/cmd/cmdutil) carries. The plugin never builds a client with it.
var dynamicAllowed = map[string]bool{"k8s.io/cli-runtime/pkg/resource": true}

// dynamicImportersIn lists the packages among pkg and its transitive
// imports that import the dynamic client, except dynamicAllowed's.
func dynamicImportersIn(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./../../"+pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps ./%s: %v", pkg, err)
	}
	var found []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if dynamicAllowed[fields[0]] {
			continue
		}
		for _, imp := range fields[1:] {
			if imp == dynamicClient {
				found = append(found, fields[0])
			}
		}
	}
	return found
}

func TestStatusPipelineHasNoDynamicClient(t *testing.T) {
	for _, pkg := range statusPipeline {
		for _, d := range dynamicImportersIn(t, pkg) {
			t.Errorf("%s reaches %s, which imports %s: status's pipeline reads through pkg/reader's clients, none of which can write", pkg, d, dynamicClient)
		}
	}
}

// TestDynamicCheckSeesAViolation makes sure the check can fail: the mover
// writes through kube/writable's dynamic client, so it must be reported.
func TestDynamicCheckSeesAViolation(t *testing.T) {
	if got := dynamicImportersIn(t, "pkg/mover"); !slices.Contains(got, module+"/pkg/kube/writable") {
		t.Fatalf("dynamic client importers of pkg/mover = %v, want %s among them: the check reads nothing", got, module+"/pkg/kube/writable")
	}
}

// importers maps each package that ships (under pkg and cmd, tests
// excluded) to its direct imports.
func importers(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "../../pkg/...", "../../cmd/...").Output()
	if err != nil {
		t.Fatalf("go list ./pkg/... ./cmd/...: %v", err)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		imports[fields[0]] = fields[1:]
	}
	return imports
}

// vcenterHomes: vCenter has one home. Only pkg/vsphere imports govmomi
// (any of its packages), and only status's pipeline (pkg/inspect) calls
// pkg/vsphere itself; the rest read what it showed as
// pkg/vsphere/vcresult's plain values, and the flag advice for a failed
// check is inspect's.
var vcenterHomes = []struct {
	lib   string
	exact bool // false: the library's subpackages too
	only  string
}{
	{"github.com/vmware/govmomi", false, module + "/pkg/vsphere"},
	{module + "/pkg/vsphere", true, module + "/pkg/inspect"},
}

// vcenterViolations lists every package other than its home that imports
// one of vcenterHomes' libraries, and counts the homes seen importing theirs.
func vcenterViolations(imports map[string][]string) (violations []string, homesSeen int) {
	for _, h := range vcenterHomes {
		seen := false
		for pkg, imps := range imports {
			for _, imp := range imps {
				if imp != h.lib && (h.exact || !strings.HasPrefix(imp, h.lib+"/")) {
					continue
				}
				if pkg == h.only {
					seen = true
				} else {
					violations = append(violations, pkg+" imports "+imp+": only "+h.only+" may")
				}
			}
		}
		if seen {
			homesSeen++
		}
	}
	return violations, homesSeen
}

func TestVCenterInOneHome(t *testing.T) {
	violations, homesSeen := vcenterViolations(importers(t))
	for _, v := range violations {
		t.Errorf("%s (vCenter lives in pkg/vsphere; what it showed is pkg/vsphere/vcresult)", v)
	}
	// The check can fail: it must see each home importing its library.
	if homesSeen < len(vcenterHomes) {
		t.Fatalf("saw %d of the %d vCenter homes import their library: the check reads nothing", homesSeen, len(vcenterHomes))
	}
}

// TestVCenterCheckSeesAViolation makes sure the vCenter check can fail: a
// printer importing govmomi, or diagnose calling pkg/vsphere, is reported.
func TestVCenterCheckSeesAViolation(t *testing.T) {
	imports := importers(t)
	imports[module+"/pkg/printers"] = append(imports[module+"/pkg/printers"], "github.com/vmware/govmomi/vim25/types")
	imports[module+"/pkg/diagnose"] = append(imports[module+"/pkg/diagnose"], module+"/pkg/vsphere")
	violations, _ := vcenterViolations(imports)
	for _, want := range []string{module + "/pkg/printers imports github.com/vmware/govmomi/vim25/types",
		module + "/pkg/diagnose imports " + module + "/pkg/vsphere:"} {
		found := false
		for _, v := range violations {
			found = found || strings.HasPrefix(v, want)
		}
		if !found {
			t.Errorf("vcenterViolations(...) = %v, want one starting %q: the vCenter check reads nothing", violations, want)
		}
	}
}
