package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/sagerole/sagerole/assets"
	"github.com/sagerole/sagerole/awsops"
)

// lockRetry is how often a lock held by another process is tried again.
const lockRetry = 5 * time.Millisecond

// stateFile is where an account opened with Open lives: several sagerole
// processes share it, one writer at a time. Every call takes the file's
// lock, reads the file again when another process has changed it since,
// and saves it before the lock is released; LockAccount holds the lock
// across a whole plan. The lock is a file of its own (the state file's
// path and ".lock"), because the state file is replaced by a rename on
// every save and a lock on it would be left on the old file.
type stateFile struct {
	path string // the state file, symbolic links followed
	lock *flock.Flock
	// holds counts who holds the lock in this process: the call in
	// progress and a LockAccount. Guarded by Account.mu.
	holds int
	// seen is the file as last read or written: when it is still the
	// same file, the account in memory is current.
	seen os.FileInfo
}

var _ awsops.Locker = (*Account)(nil)

// Open returns the account kept in the state file at path, creating the
// file from the seed when it does not exist. A symbolic link is followed:
// the file it points to is the one read and replaced. Every call reads the
// file again if another process changed it, and every write is saved to it
// before the call returns, under a lock that other sagerole processes
// respect (path + ".lock", on Linux, macOS and Windows).
func Open(path string, opts Options) (*Account, error) {
	target, err := followLinks(path)
	if err != nil {
		return nil, &awsops.ConfigError{Msg: fmt.Sprintf("sandbox state file %s cannot be resolved: %v", path, err), Err: err}
	}
	f := &stateFile{path: target, lock: flock.New(target+".lock", flock.SetPermissions(0o600))}
	seed, err := decodeState(assets.SandboxSeed)
	if err != nil {
		return nil, fmt.Errorf("sandbox seed: %w", err)
	}
	a := build(seed, f, opts)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := f.acquire(context.Background()); err != nil {
		// The lock file sits beside the state file: when it cannot be
		// made, neither can the state file.
		return nil, &awsops.ConfigError{Msg: fmt.Sprintf("sandbox state file %s cannot be written: %v", path, unwrapPath(err)), Err: err}
	}
	defer f.release()
	_, err = os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := a.saveLocked(); err != nil {
			return nil, &awsops.ConfigError{Msg: fmt.Sprintf("sandbox state file %s cannot be written: %v", path, unwrapPath(err)), Err: err}
		}
	case err != nil:
		return nil, &awsops.ConfigError{Msg: fmt.Sprintf("sandbox state file %s cannot be read: %v", path, unwrapPath(err)), Err: err}
	default:
		if err := a.refreshLocked(); err != nil {
			return nil, err
		}
	}
	if opts.Region == "" {
		a.region = a.st.region
	}
	return a, nil
}

// followLinks follows path while it is a symbolic link, to the file that
// holds the data (which may not exist yet).
func followLinks(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", unwrapPath(err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		to, err := os.Readlink(path)
		if err != nil {
			return "", unwrapPath(err)
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(path), to)
		}
		path = to
	}
	return "", errors.New("too many levels of symbolic links")
}

// acquire takes the file lock for this process, waiting for another
// process that holds it, unless this process holds it already. Called with
// Account.mu held.
func (f *stateFile) acquire(ctx context.Context) error {
	if f.holds == 0 {
		ok, err := f.lock.TryLockContext(ctx, lockRetry)
		if err != nil {
			return fmt.Errorf("waiting for the lock %s: %w", f.lock.Path(), err)
		}
		if !ok {
			return fmt.Errorf("the lock %s was not granted", f.lock.Path())
		}
	}
	f.holds++
	return nil
}

// release gives up one hold; the last one unlocks the file. Called with
// Account.mu held.
func (f *stateFile) release() {
	f.holds--
	if f.holds == 0 {
		_ = f.lock.Unlock()
	}
}

// enter starts the part of a call that reads or changes the account: it
// takes the mutex and, for an account kept in a file, the file's lock, and
// reads the file again if another process changed it.
func (a *Account) enter(ctx context.Context, api string) error {
	a.mu.Lock()
	if a.file == nil {
		return nil
	}
	if err := a.file.acquire(ctx); err != nil {
		a.mu.Unlock()
		return fmt.Errorf("%s: %w", api, err)
	}
	if err := a.refreshLocked(); err != nil {
		a.file.release()
		a.mu.Unlock()
		return fmt.Errorf("%s: %w", api, err)
	}
	return nil
}

// call is begin and then enter, for a call that checks nothing of its
// input before it takes the account: what every such call does first.
func (a *Account) call(ctx context.Context, api string) error {
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	return a.enter(ctx, api)
}

// leave ends what enter started.
func (a *Account) leave() {
	if a.file != nil {
		a.file.release()
	}
	a.mu.Unlock()
}

// LockAccount holds the account for one writer, across a plan: other
// sagerole processes wait (their calls, and their own LockAccount) until
// unlock is called, and so does another LockAccount in this process. Calls
// made meanwhile still read the file again when it changed. It waits until
// ctx is done.
func (a *Account) LockAccount(ctx context.Context) (unlock func(), err error) {
	select {
	case a.plan <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if a.file != nil {
		a.mu.Lock()
		err := a.file.acquire(ctx)
		a.mu.Unlock()
		if err != nil {
			<-a.plan
			return nil, err
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			if a.file != nil {
				a.mu.Lock()
				a.file.release()
				a.mu.Unlock()
			}
			<-a.plan
		})
	}, nil
}

// LockPath is the file other processes wait on while this account is
// locked, "" for an account kept in memory only.
func (a *Account) LockPath() string {
	if a.file == nil {
		return ""
	}
	return a.file.lock.Path()
}

// refreshLocked reads the state file again when it is not the file last
// read or written: another process saved the account since. Called with
// the file lock held.
func (a *Account) refreshLocked() error {
	f := a.file
	fi, err := os.Stat(f.path)
	if err != nil {
		return &awsops.ConfigError{Msg: fmt.Sprintf("sandbox state file %s cannot be read: %v", f.path, unwrapPath(err)), Err: err}
	}
	if f.seen != nil && os.SameFile(f.seen, fi) && fi.ModTime().Equal(f.seen.ModTime()) && fi.Size() == f.seen.Size() {
		return nil
	}
	data, err := os.ReadFile(f.path)
	if err == nil {
		var st *state
		if st, err = decodeState(data); err == nil {
			a.st, f.seen = st, fi
			return nil
		}
	}
	return &awsops.ConfigError{
		Msg: fmt.Sprintf("sandbox state file %s cannot be read: %v; delete it to start from the seed", f.path, unwrapPath(err)),
		Err: err,
	}
}

// commit ends a write (or a read that moved a status on): the account is
// saved when it lives in a file. Called within enter and leave.
func (a *Account) commit(api string) error {
	if a.file == nil {
		return nil
	}
	if err := a.saveLocked(); err != nil {
		// What is in memory was not saved: read the file again next time.
		a.file.seen = nil
		return fmt.Errorf("%s: the sandbox applied the change but could not save it to %s: %w", api, a.file.path, err)
	}
	return nil
}

func (a *Account) saveLocked() error {
	data, err := a.st.encode()
	if err != nil {
		return err
	}
	if err := awsops.WriteFileAtomic(a.file.path, data, 0o600); err != nil {
		return err
	}
	fi, err := os.Stat(a.file.path)
	if err != nil {
		return err
	}
	a.file.seen = fi
	return nil
}
