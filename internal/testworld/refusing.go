package testworld

import (
	"fmt"
	"syscall"
	"testing"
)

// RefusingAddr is a loopback address that refuses connections for the
// whole test: a socket bound to it that never listens, so no other server
// can take the port. A port closed after a Listen is free again: a vcsim
// or API server a parallel test starts may take it, and then answer where
// the test wants "connection refused".
func RefusingAddr(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}
