package sandbox

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
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

// Every call of the sandbox takes the state file's lock and reads the file
// again (enter and leave): while another process holds the account, each
// one waits, and its wait ends with its context — the paged lists, one
// page at a time, and the instance profiles included. A call that read the
// account without the lock would answer at once from a stale copy.
func TestEveryCallTakesTheFileLock(t *testing.T) {
	const role, domain = "AmazonSageMaker-ExecutionRole-Research", "d-research1"
	const arn = "arn:aws:iam::111122223333:role/service-role/" + role
	const keyPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`
	const bucketPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::research-datasets/*"}]}`
	var keyARN string
	page := awsops.PageQuery{Size: 10}
	calls := map[string]func(ctx context.Context, a *Account) error{
		"CallerIdentity": func(ctx context.Context, a *Account) error { _, err := a.CallerIdentity(ctx); return err },
		"GetRole":        func(ctx context.Context, a *Account) error { _, err := a.GetRole(ctx, role); return err },
		"ListRoles":      func(ctx context.Context, a *Account) error { _, err := a.ListRoles(ctx, "/"); return err },
		"ListAttachedRolePolicies": func(ctx context.Context, a *Account) error {
			_, err := a.ListAttachedRolePolicies(ctx, role)
			return err
		},
		"GetRolePolicy": func(ctx context.Context, a *Account) error {
			_, err := a.GetRolePolicy(ctx, role, "research-datasets-access")
			return err
		},
		"ListSageMakerTags": func(ctx context.Context, a *Account) error {
			_, err := a.ListSageMakerTags(ctx, "arn:aws:sagemaker:us-east-1:111122223333:domain/"+domain)
			return err
		},
		"GetBucketPolicy": func(ctx context.Context, a *Account) error {
			_, err := a.GetBucketPolicy(ctx, "research-datasets")
			return err
		},
		"BucketEncryptionKey": func(ctx context.Context, a *Account) error {
			_, err := a.BucketEncryptionKey(ctx, "ml-models-prod")
			return err
		},
		"GetKeyPolicy": func(ctx context.Context, a *Account) error { _, err := a.GetKeyPolicy(ctx, keyARN); return err },
		"SimulatePrincipalPolicy": func(ctx context.Context, a *Account) error {
			_, err := a.SimulatePrincipalPolicy(ctx, awsops.SimulateInput{PolicySourceARN: arn, Actions: []string{"s3:GetObject"}})
			return err
		},
		"ListRolePolicies": func(ctx context.Context, a *Account) error { _, err := a.ListRolePolicies(ctx, role); return err },
		"GetPolicyDocument": func(ctx context.Context, a *Account) error {
			_, err := a.GetPolicyDocument(ctx, "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")
			return err
		},
		"ListInstanceProfilesForRole": func(ctx context.Context, a *Account) error {
			_, err := a.ListInstanceProfilesForRole(ctx, role)
			return err
		},
		"AddRoleToInstanceProfile": func(ctx context.Context, a *Account) error { return a.AddRoleToInstanceProfile(ctx, "p", role) },
		"RemoveRoleFromInstanceProfile": func(ctx context.Context, a *Account) error {
			return a.RemoveRoleFromInstanceProfile(ctx, "p", role)
		},
		"ListBuckets": func(ctx context.Context, a *Account) error { _, err := a.ListBuckets(ctx); return err },
		"BucketRegion": func(ctx context.Context, a *Account) error {
			_, err := a.BucketRegion(ctx, "cloudtrail-logs-111122223333")
			return err
		},
		"ListDomains": func(ctx context.Context, a *Account) error { _, err := a.ListDomains(ctx); return err },
		"DescribeDomain": func(ctx context.Context, a *Account) error {
			_, err := a.DescribeDomain(ctx, domain)
			return err
		},
		"ListUserProfiles": func(ctx context.Context, a *Account) error { _, err := a.ListUserProfiles(ctx, domain); return err },
		"ListUserProfilesPage": func(ctx context.Context, a *Account) error {
			_, _, err := a.ListUserProfilesPage(ctx, domain, page)
			return err
		},
		"DescribeUserProfile": func(ctx context.Context, a *Account) error {
			_, err := a.DescribeUserProfile(ctx, domain, "alice")
			return err
		},
		"ListSpaces": func(ctx context.Context, a *Account) error { _, err := a.ListSpaces(ctx, domain); return err },
		"ListSpacesPage": func(ctx context.Context, a *Account) error {
			_, _, err := a.ListSpacesPage(ctx, domain, page)
			return err
		},
		"DescribeSpace": func(ctx context.Context, a *Account) error {
			_, err := a.DescribeSpace(ctx, domain, "alice-lab")
			return err
		},
		"ListApps": func(ctx context.Context, a *Account) error { _, err := a.ListApps(ctx, domain); return err },
		"ListAppsPage": func(ctx context.Context, a *Account) error {
			_, _, err := a.ListAppsPage(ctx, awsops.AppFilter{DomainID: domain}, page)
			return err
		},
		"DescribeApp": func(ctx context.Context, a *Account) error {
			_, err := a.DescribeApp(ctx, awsops.AppRef{DomainID: domain, SpaceName: "alice-lab", AppType: "JupyterLab", AppName: "default"})
			return err
		},
		"ListNotebookInstances": func(ctx context.Context, a *Account) error { _, err := a.ListNotebookInstances(ctx); return err },
		"ListNotebookInstancesPage": func(ctx context.Context, a *Account) error {
			_, _, err := a.ListNotebookInstancesPage(ctx, page)
			return err
		},
		"DescribeNotebookInstance": func(ctx context.Context, a *Account) error {
			_, err := a.DescribeNotebookInstance(ctx, "churn-prediction")
			return err
		},
	}
	// Writes, tried only while the account is held: each must wait for
	// the lock, not fail on its arguments.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`
	writes := map[string]func(ctx context.Context, a *Account) error{
		"CreateRole": func(ctx context.Context, a *Account) error {
			_, err := a.CreateRole(ctx, awsops.CreateRoleInput{Name: "new-role", TrustPolicy: trust})
			return err
		},
		"DeleteRole":        func(ctx context.Context, a *Account) error { return a.DeleteRole(ctx, "Admin") },
		"UpdateTrustPolicy": func(ctx context.Context, a *Account) error { return a.UpdateTrustPolicy(ctx, role, trust) },
		"AttachRolePolicy": func(ctx context.Context, a *Account) error {
			return a.AttachRolePolicy(ctx, role, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
		},
		"DetachRolePolicy": func(ctx context.Context, a *Account) error {
			return a.DetachRolePolicy(ctx, role, "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")
		},
		"PutRolePolicy":    func(ctx context.Context, a *Account) error { return a.PutRolePolicy(ctx, role, "p", doc) },
		"DeleteRolePolicy": func(ctx context.Context, a *Account) error { return a.DeleteRolePolicy(ctx, role, "p") },
		"TagRole": func(ctx context.Context, a *Account) error {
			return a.TagRole(ctx, role, []awsops.Tag{{Key: "k", Value: "v"}})
		},
		"UntagRole":    func(ctx context.Context, a *Account) error { return a.UntagRole(ctx, role, []string{"k"}) },
		"CreateBucket": func(ctx context.Context, a *Account) error { return a.CreateBucket(ctx, "a-new-bucket-here", "") },
		"DeleteBucket": func(ctx context.Context, a *Account) error {
			return a.DeleteBucket(ctx, "cloudtrail-logs-111122223333")
		},
		"UpdateDomainRoles": func(ctx context.Context, a *Account) error {
			r := arn
			return a.UpdateDomainRoles(ctx, domain, awsops.DomainRoles{DefaultUserRole: &r})
		},
		"UpdateUserProfileRole": func(ctx context.Context, a *Account) error {
			return a.UpdateUserProfileRole(ctx, domain, "alice", arn)
		},
		"UpdateNotebookInstanceRole": func(ctx context.Context, a *Account) error {
			return a.UpdateNotebookInstanceRole(ctx, "churn-prediction", arn)
		},
		"StopNotebookInstance":  func(ctx context.Context, a *Account) error { return a.StopNotebookInstance(ctx, "churn-prediction") },
		"StartNotebookInstance": func(ctx context.Context, a *Account) error { return a.StartNotebookInstance(ctx, "churn-prediction") },
		"CreateDomain": func(ctx context.Context, a *Account) error {
			_, err := a.CreateDomain(ctx, "new-domain", arn, "")
			return err
		},
		"PutBucketPolicy": func(ctx context.Context, a *Account) error {
			return a.PutBucketPolicy(ctx, "research-datasets", bucketPolicy)
		},
		"PutBucketEncryption": func(ctx context.Context, a *Account) error { return a.PutBucketEncryption(ctx, "ml-models-prod", "") },
		"CreateKey": func(ctx context.Context, a *Account) error {
			_, err := a.CreateKey(ctx, "another", keyPolicy)
			return err
		},
		"PutRolePermissionsBoundary": func(ctx context.Context, a *Account) error {
			return a.PutRolePermissionsBoundary(ctx, role, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
		},
		"CreateNotebookInstance": func(ctx context.Context, a *Account) error { return a.CreateNotebookInstance(ctx, "new-notebook", arn) },
		"DeleteApp": func(ctx context.Context, a *Account) error {
			return a.DeleteApp(ctx, awsops.AppRef{DomainID: domain, SpaceName: "alice-lab", AppType: "JupyterLab", AppName: "default"})
		},
		"CreateApp": func(ctx context.Context, a *Account) error {
			return a.CreateApp(ctx, awsops.AppRef{DomainID: domain, SpaceName: "alice-lab", AppType: "CodeEditor", AppName: "default"}, awsops.ResourceSpec{})
		},
	}
	// Not calls of the account: the test's knobs and the lock itself; the
	// fixtures without a context wait for the lock as long as it takes.
	exempt := []string{"Calls", "SetFault", "ClearFaults", "Region", "LockAccount", "LockPath", "Quotas", "SetSimulator",
		"AddUserProfile", "AddSpace", "AddApp", "SetSageMakerTags", "PutApp", "SetAppFailure", "Now"}
	at := reflect.TypeFor[*Account]()
	for i := range at.NumMethod() {
		name := at.Method(i).Name
		if _, ok := calls[name]; !ok && writes[name] == nil && !slices.Contains(exempt, name) {
			t.Errorf("the sandbox's %s is not checked here: add it to the calls or the writes above", name)
		}
	}
	a, b, _ := openTwice(t)
	a.SetSimulator(func(context.Context, awsops.SimulateDocuments, awsops.SimulateInput) ([]awsops.SimulateResult, error) {
		return nil, nil
	})
	var err error
	if keyARN, err = a.CreateKey(t.Context(), "for the test", keyPolicy); err != nil {
		t.Fatal(err)
	}
	// Each call works while nobody else holds the account (so that a
	// failure below is the lock's, not the call's own).
	for _, name := range slices.Sorted(maps.Keys(calls)) {
		if err := calls[name](t.Context(), a); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	unlock, err := b.LockAccount(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	maps.Copy(calls, writes)
	for _, name := range slices.Sorted(maps.Keys(calls)) {
		short, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
		err := calls[name](short, a)
		cancel()
		if err == nil || !strings.Contains(err.Error(), "waiting for the lock") {
			t.Errorf("%s answered while another process held the account: %v", name, err)
		}
	}
}
