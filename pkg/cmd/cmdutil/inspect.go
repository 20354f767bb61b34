package cmdutil

import (
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/inspect"
)

// InspectOptions are status's pipeline's options for the resolved clusters,
// filled as every reading command fills them: the workspace, both
// clusters, --request-timeout, the command to suggest, and vCenter on with
// the credentials eksctl itself reads. Callers set what is theirs (the
// EKS-A version flag, the --vsphere* flags).
func (o *CommandOptions) InspectOptions(now time.Time, getenv func(string) string) inspect.Options {
	r := o.Resolved
	return inspect.Options{
		Workspace: r.Workspace, Management: r.Management, Bootstrap: r.Bootstrap, Timeout: r.Timeout, Now: now,
		Plugin: PluginCommand(o.Global, r.Workspace), Kubectl: KubectlCommand(o.Global, r), BootstrapKubectl: BootstrapKubectlCommand(o.Global, r),
		VCenter: inspect.VCenter{Enabled: true,
			Username: getenv(inspect.EnvVSphereUsername), Password: getenv(inspect.EnvVSpherePassword)},
	}
}
