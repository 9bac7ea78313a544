package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

// Two accounts opened on one file stand for two processes: each has its
// own lock file descriptor, and flock(2) and LockFileEx exclude them from
// each other as they do separate processes.
func openTwice(t *testing.T) (a, b *Account, path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "state.json")
	a, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a, b, path
}

func bucketNames(t *testing.T, acct *Account) []string {
	t.Helper()
	list, err := acct.ListBuckets(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range list {
		out = append(out, b.Name)
	}
	return out
}

// Each process sees the other's writes at its next call, and neither
// overwrites the other's: the file ends with both.
func TestStateFileSharedBetweenProcesses(t *testing.T) {
	ctx := t.Context()
	a, b, path := openTwice(t)
	if err := a.CreateBucket(ctx, "from-a", ""); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(bucketNames(t, b), "from-a") {
		t.Fatal("b does not see a's bucket")
	}
	if err := b.CreateBucket(ctx, "from-b", ""); err != nil {
		t.Fatal(err)
	}
	if got := bucketNames(t, a); !slices.Contains(got, "from-a") || !slices.Contains(got, "from-b") {
		t.Fatalf("a sees %v", got)
	}
	c, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := bucketNames(t, c); !slices.Contains(got, "from-a") || !slices.Contains(got, "from-b") {
		t.Fatalf("the file holds %v", got)
	}
}

// While one process holds the account, another's calls wait; they run
// once it lets go, and see what it wrote.
func TestLockAccountHoldsOtherProcesses(t *testing.T) {
	ctx := t.Context()
	a, b, _ := openTwice(t)
	unlock, err := a.LockAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []string)
	go func() {
		names, _ := b.ListBuckets(context.Background())
		var out []string
		for _, n := range names {
			out = append(out, n.Name)
		}
		done <- out
	}()
	// The holder's own calls go through while it holds the account.
	if err := a.CreateBucket(ctx, "while-held", ""); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-done:
		t.Fatalf("the other process read the account while it was held: %v", got)
	case <-time.After(100 * time.Millisecond):
	}
	unlock()
	unlock() // a second call does nothing
	select {
	case got := <-done:
		if !slices.Contains(got, "while-held") {
			t.Fatalf("after the lock: %v, without the holder's bucket", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the other process never got the account")
	}

	// A wait for the lock ends with its context.
	unlock, err = a.LockAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := b.LockAccount(short); err == nil {
		t.Fatal("b got the account while a held it")
	}
	if err := b.CreateBucket(short, "never", ""); err == nil || !strings.Contains(err.Error(), "s3:CreateBucket") {
		t.Fatalf("a write while another process holds the account: %v", err)
	}
}

// Read, merge, write under LockAccount from many processes at once: no
// update is lost.
func TestLockAccountNoLostUpdates(t *testing.T) {
	const n = 16
	path := filepath.Join(t.TempDir(), "state.json")
	if _, err := Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	const role, policy = "AmazonSageMaker-ExecutionRole-Research", "list"
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acct, err := Open(path, Options{})
			if err != nil {
				errs <- err
				return
			}
			ctx := context.Background()
			unlock, err := acct.LockAccount(ctx)
			if err != nil {
				errs <- err
				return
			}
			defer unlock()
			doc, err := acct.GetRolePolicy(ctx, role, policy)
			if awsops.IsNotFound(err) {
				doc, err = "", nil
			}
			if err != nil {
				errs <- err
				return
			}
			items := []string{}
			if doc != "" {
				items = strings.Split(strings.TrimSuffix(strings.TrimPrefix(doc, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":[`), `]}]}`), ",")
			}
			items = append(items, fmt.Sprintf(`"arn:aws:s3:::b%d"`, i))
			doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":[` + strings.Join(items, ",") + `]}]}`
			errs <- acct.PutRolePolicy(ctx, role, policy, doc)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	acct, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := acct.GetRolePolicy(t.Context(), role, policy)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if !strings.Contains(doc, fmt.Sprintf(`"arn:aws:s3:::b%d"`, i)) {
			t.Errorf("b%d was lost: %s", i, doc)
		}
	}
}

// A symbolic link to the state file stays a link: the file it points to
// is the one changed.
func TestStateFileThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real", "state.json")
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(filepath.Join("real", "state.json"), link); err != nil {
		t.Skipf("symbolic links: %v", err)
	}
	// The link dangles until the first Open creates its target.
	a, err := Open(link, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CreateBucket(t.Context(), "through-the-link", ""); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	data, err := os.ReadFile(target)
	if err != nil || !strings.Contains(string(data), "through-the-link") {
		t.Fatalf("the target does not hold the change (%v)", err)
	}
	if _, err := os.Stat(target + ".lock"); err != nil {
		t.Fatalf("the lock is not beside the target: %v", err)
	}
}

// A state file changed by hand while the account is open is read again,
// and a broken one is reported, not written over.
func TestStateFileEditedMeanwhile(t *testing.T) {
	ctx := t.Context()
	a, b, path := openTwice(t)
	if err := b.CreateBucket(ctx, "by-b", ""); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := a.CreateBucket(ctx, "by-a", ""); err == nil || !strings.Contains(err.Error(), "cannot be read") {
		t.Fatalf("a write over a broken file: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "{broken" {
		t.Fatal("the broken file was written over")
	}
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := bucketNames(t, a); !slices.Contains(got, "by-b") || slices.Contains(got, "by-a") {
		t.Fatalf("after the repair a sees %v", got)
	}
}
