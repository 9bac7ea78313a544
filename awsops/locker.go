package awsops

import "context"

// Locker is a backend whose account other processes may change at the same
// time (the sandbox kept in a --sandbox-state file). LockAccount holds the
// account for one writer until unlock is called: whoever plans and runs a
// change takes it around both, so that no other process changes the
// account between the reads a plan is built from and the writes it sends.
// It waits until ctx is done. AWS itself has no such lock: the aws backend
// does not implement it.
type Locker interface {
	LockAccount(ctx context.Context) (unlock func(), err error)
}
