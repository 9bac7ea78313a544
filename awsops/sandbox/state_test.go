package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/assets"
	"github.com/sagerole/sagerole/awsops"
)

// snapshot reads everything a caller can see, to compare two accounts.
func snapshot(t *testing.T, a *Account) map[string]any {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	must := func(v any, err error) any {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	roles := must(a.ListRoles(ctx, "")).([]awsops.Role)
	out["roles"] = roles
	for _, r := range roles {
		out["role "+r.Name] = must(a.GetRole(ctx, r.Name))
		out["attached "+r.Name] = must(a.ListAttachedRolePolicies(ctx, r.Name))
		names := must(a.ListRolePolicies(ctx, r.Name)).([]string)
		for _, n := range names {
			out["inline "+r.Name+"/"+n] = must(a.GetRolePolicy(ctx, r.Name, n))
		}
	}
	out["buckets"] = must(a.ListBuckets(ctx))
	doms := must(a.ListDomains(ctx)).([]awsops.DomainSummary)
	out["domains"] = doms
	for _, d := range doms {
		out["users "+d.ID] = must(a.ListUserProfiles(ctx, d.ID))
		out["spaces "+d.ID] = must(a.ListSpaces(ctx, d.ID))
		out["apps "+d.ID] = must(a.ListApps(ctx, d.ID))
	}
	out["notebooks"] = must(a.ListNotebookInstances(ctx))
	out["identity"] = must(a.CallerIdentity(ctx))
	return out
}

func TestStateFileRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "account.json")

	a, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("Open did not write the seeded state file: %v", err)
	}
	seeded := snapshot(t, newAccount(t))
	if got := snapshot(t, a); !reflect.DeepEqual(got, seeded) {
		t.Fatal("a new state file does not hold the seed")
	}

	// Writes of every kind, each saved as it happens.
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:ListBucket\", \"Resource\": \"*\"}]\n}"
	steps := []func() error{
		func() error {
			_, err := a.CreateRole(ctx, awsops.CreateRoleInput{Name: "Saved", Path: "/team/", TrustPolicy: sageMakerTrust,
				Tags: []awsops.Tag{{Key: "team", Value: "ml"}}})
			return err
		},
		func() error { return a.PutRolePolicy(ctx, "Saved", "list", doc) },
		func() error { return a.AttachRolePolicy(ctx, "Saved", fullAccess) },
		func() error { return a.CreateBucket(ctx, "saved-bucket", "") },
		func() error {
			return a.UpdateDomainRoles(ctx, "d-mlplatform", awsops.DomainRoles{DefaultSpaceRole: ptr("arn:aws:iam::111122223333:role/team/Saved")})
		},
		func() error { return a.UpdateUserProfileRole(ctx, "d-research1", "alice", bobRole) },
		func() error { return a.StopNotebookInstance(ctx, "churn-prediction") },
		func() error { return a.AddUserProfile("d-research1", "zoe", "") },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	// A refused write leaves the file as it was.
	before, _ := os.ReadFile(path)
	if err := a.DeleteRole(ctx, "Saved"); err == nil {
		t.Fatal("DeleteRole of a role with policies succeeded")
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("a failed write changed the state file")
	}

	b, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := snapshot(t, b), snapshot(t, a); !reflect.DeepEqual(got, want) {
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("%s: reopened %+v\nwant %+v", k, got[k], want[k])
			}
		}
		t.Fatal("the reopened account differs")
	}
	if got, _ := b.GetRolePolicy(ctx, "Saved", "list"); got != doc {
		t.Fatalf("document not kept verbatim: %q", got)
	}

	// Statuses carry on across processes: the update is seen once as
	// Updating, then InService, whichever process describes it.
	if d, _ := b.DescribeDomain(ctx, "d-mlplatform"); d.Status != awsops.StatusUpdating {
		t.Fatalf("first describe in a new process: %s", d.Status)
	}
	c, _ := Open(path, Options{})
	if d, _ := c.DescribeDomain(ctx, "d-mlplatform"); d.Status != awsops.StatusInService {
		t.Fatalf("second describe, a third process: %s", d.Status)
	}
	// The clock carries on too: later writes are later.
	r, _ := c.CreateRole(ctx, awsops.CreateRoleInput{Name: "Later", TrustPolicy: sageMakerTrust})
	saved, _ := c.GetRole(ctx, "Saved")
	if !r.CreateDate.After(saved.CreateDate) {
		t.Fatalf("clock went back: %v then %v", saved.CreateDate, r.CreateDate)
	}

	// The state file, and the lock other processes wait on: nothing else
	// (no temporary file left behind).
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !reflect.DeepEqual(names, []string{"account.json", "account.json.lock"}) {
		t.Fatalf("files in the state directory: %v", names)
	}
}

func TestStateFileErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content string
		contains      string
	}{
		{"empty", "", "EOF"},
		{"not JSON", "{roles", "invalid character"},
		{"truncated", string(assets.SandboxSeed[:len(assets.SandboxSeed)/2]), "unexpected EOF"},
		{"unknown field", `{"version":1,"bogus":true}`, "bogus"},
		{"wrong version", `{"version":99}`, "format version 99"},
		{"bad account", `{"version":1,"account":"12","region":"us-east-1","caller":{"roleName":"A","sessionName":"s"}}`, "12 digits"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".json")
			if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path, Options{})
			var ce *awsops.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a ConfigError", err)
			}
			msg := ce.Error()
			if !strings.HasPrefix(msg, "sandbox state file "+path+" cannot be read: ") ||
				!strings.HasSuffix(msg, "; delete it to start from the seed") || !strings.Contains(msg, c.contains) {
				t.Fatalf("message %q", msg)
			}
			if strings.Count(msg, path) != 1 || strings.Contains(msg, "\n") {
				t.Fatalf("message %q should be one sentence naming the file once", msg)
			}
		})
	}
	t.Run("a directory", func(t *testing.T) {
		_, err := Open(dir, Options{})
		var ce *awsops.ConfigError
		if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "cannot be read") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("no such directory", func(t *testing.T) {
		_, err := Open(filepath.Join(dir, "missing", "state.json"), Options{})
		var ce *awsops.ConfigError
		if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "cannot be written") {
			t.Fatalf("error = %v", err)
		}
	})
}

func TestSaveFailureIsReported(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	a, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A directory where the file was: the account cannot be read again
	// before the write, nor saved after it (and this works for root,
	// unlike a read-only directory). The write is refused, naming the file.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	err = a.CreateBucket(context.Background(), "unsaved-bucket", "")
	if err == nil || !strings.Contains(err.Error(), "sandbox state file "+path) {
		t.Fatalf("error = %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 { // the directory, and the lock
		t.Fatalf("a failed save left %d entries behind", len(entries))
	}
}
