// Command rbac writes the ClusterRoles the README documents into
// deploy/rbac, rendered from the rights the plugin's plans ask for
// (ops.RoleFiles); TestRoleFiles fails when the files there differ.
//
//	go run ./hack/rbac
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/ops"
)

func main() {
	files, err := ops.RoleFiles()
	if err == nil {
		err = os.MkdirAll(filepath.Join("deploy", "rbac"), 0o755)
	}
	for name, data := range files {
		if err != nil {
			break
		}
		err = os.WriteFile(filepath.Join("deploy", "rbac", name), data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rbac:", err)
		os.Exit(1)
	}
}
