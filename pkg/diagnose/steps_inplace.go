package diagnose

// causeSteps are the commands that remove what stops the upgrade, before
// any resume or rerun: for UpgradeBlocked and RolloutStuck, nothing else.
func (f *facts) causeSteps(v verdict) []Step {
	switch v.state {
	case UpgradeBlocked, RolloutStuck:
		return f.familySteps(v.state)
	case NotReady:
		return f.notReadySteps()
	}
	return nil
}

// kubectl is kubectl on the management cluster.
func (f *facts) kubectl() string {
	if f.mgmt.Kubeconfig == "" {
		return "kubectl"
	}
	return "kubectl --kubeconfig " + quote(f.mgmt.Kubeconfig)
}

// kindKnownEmpty: no KinD, or one read and holding no Cluster API object.
// Only then may a step remove finalizers or delete anything: a Machine
// whose twin may sit in KinD is not to be forced out.
func (f *facts) kindKnownEmpty() bool {
	return !f.boot.Configured || (readable(f.boot) && len(f.boot.Objects) == 0)
}
