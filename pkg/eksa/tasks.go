package eksa

// UpgradeTasks is the order of `eksctl anywhere upgrade cluster`'s tasks up
// to v0.17 (the KinD round trip); the names are also the checkpoint's keys.
var UpgradeTasks = []string{
	"setup-and-validate",
	"update-secrets",
	"ensure-etcd-capi-components-exist",
	"pause-controllers-reconcile",
	"upgrade-core-components",
	"upgrade-needed",
	"bootstrap-cluster-init",
	"install-capi",
	"capi-management-move-to-bootstrap",
	"upgrade-workload-cluster",
	"capi-management-move-to-workload",
	"resume-eksa-and-gitops-kustomization",
	"write-cluster-config",
	"delete-kind-cluster",
}

// FirstUpgradePhaseTask is where the validation phase ends: a failure before
// it leaves the objects on management, at or after it in KinD.
const FirstUpgradePhaseTask = "capi-management-move-to-bootstrap"

// TasksBefore returns the tasks that precede task, in order: what a
// checkpoint holds when the run failed at task.
func TasksBefore(task string) []string {
	for i, t := range UpgradeTasks {
		if t == task {
			return append([]string(nil), UpgradeTasks[:i]...)
		}
	}
	return nil
}
