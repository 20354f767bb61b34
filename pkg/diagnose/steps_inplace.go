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

// kubectl is kubectl on the management cluster, as the user the plugin
// read as: an `auth can-i` as the kubeconfig's own user would answer for
// someone else.
func (f *facts) kubectl() string {
	switch {
	case f.in.Kubectl != "":
		return f.in.Kubectl
	case f.mgmt.Kubeconfig == "":
		return "kubectl"
	}
	return "kubectl --kubeconfig " + quote(f.mgmt.Kubeconfig)
}

// kindKubectl is kubectl on KinD, as kubectl is on management.
func (f *facts) kindKubectl() string {
	if f.in.BootstrapKubectl != "" {
		return f.in.BootstrapKubectl
	}
	return "kubectl --kubeconfig " + quote(f.boot.Kubeconfig)
}

// kindKnownEmpty: no KinD, or one read whole and holding no Cluster API
// object. Only then may a step remove finalizers or delete anything: a
// Machine whose twin may sit in KinD is not to be forced out.
func (f *facts) kindKnownEmpty() bool {
	return !f.boot.Configured || f.kindReadEmpty()
}

// kindReadEmpty: KinD answered every read, none refused or failed, and
// holds no Cluster API object. A read refused (one kind's list, its
// Secrets) may hide just what deleting KinD would destroy.
func (f *facts) kindReadEmpty() bool {
	return f.kindReadWhole() && len(f.boot.Objects) == 0
}

// kindReadWhole: KinD answered every read, none refused or failed.
func (f *facts) kindReadWhole() bool {
	return readable(f.boot) && len(f.boot.Unread) == 0
}
