//go:build !windows

package mover

import (
	"errors"
	"syscall"
)

// alive says whether process pid on this host is running: signal 0 checks
// without signalling, and EPERM means it runs as another user.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
