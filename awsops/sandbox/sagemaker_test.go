package sandbox

import (
	"context"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
)

func ptr(s string) *string { return &s }

// The role checks SageMaker makes are the same for every call that takes
// an execution role.
var roleCases = []struct {
	name, arn, code, contains string
}{
	{"ok", bobRole, "", ""},
	{"ok with path", researchRole, "", ""},
	{"not an ARN", "DataScientistRestricted", "ValidationException", "failed to satisfy constraint"},
	{"user, not role", "arn:aws:iam::111122223333:user/alice", "ValidationException", "regular expression pattern"},
	{"short account", "arn:aws:iam::1111:role/LambdaBasic", "ValidationException", "regular expression pattern"},
	{"does not exist", danglingRole, "ValidationException", `The execution role ARN "` + danglingRole + `" is invalid`},
	{"path dropped", "arn:aws:iam::111122223333:role/AmazonSageMaker-ExecutionRole-Research", "ValidationException", "is invalid"},
	{"another account", "arn:aws:iam::444455556666:role/sagemaker/DataScientistRestricted", "ValidationException", "is invalid"},
	{"does not trust SageMaker", lambdaRole, "ValidationException", `"sts:AssumeRole" for the service principal "sagemaker.amazonaws.com"`},
}

func TestUpdateDomainRoles(t *testing.T) {
	ctx := context.Background()
	for _, c := range roleCases {
		for _, field := range []string{"user", "space"} {
			t.Run(field+" "+c.name, func(t *testing.T) {
				a := newAccount(t)
				roles := awsops.DomainRoles{DefaultUserRole: ptr(c.arn)}
				if field == "space" {
					roles = awsops.DomainRoles{DefaultSpaceRole: ptr(c.arn)}
				}
				err := a.UpdateDomainRoles(ctx, "d-mlplatform", roles)
				wantErr(t, err, c.code, c.contains)
				d, _ := a.DescribeDomain(ctx, "d-mlplatform")
				got := map[string]string{"user": d.DefaultUserRole, "space": d.DefaultSpaceRole}[field]
				want := map[string]string{"user": platformRole, "space": ""}[field]
				if c.code == "" {
					want = c.arn
				}
				if got != want {
					t.Fatalf("%s role = %q, want %q", field, got, want)
				}
			})
		}
	}

	t.Run("one bad role refuses the whole update", func(t *testing.T) {
		a := newAccount(t)
		err := a.UpdateDomainRoles(ctx, "d-research1", awsops.DomainRoles{DefaultUserRole: ptr(bobRole), DefaultSpaceRole: ptr(lambdaRole)})
		wantErr(t, err, "ValidationException", "is invalid")
		d, _ := a.DescribeDomain(ctx, "d-research1")
		if d.DefaultUserRole != researchRole || d.Status != awsops.StatusInService {
			t.Fatalf("domain changed: %+v", d)
		}
	})
	t.Run("an empty role cannot remove a default", func(t *testing.T) {
		a := newAccount(t)
		err := a.UpdateDomainRoles(ctx, "d-research1", awsops.DomainRoles{DefaultSpaceRole: ptr("")})
		wantErr(t, err, "ValidationException", "defaultSpaceSettings.executionRole")
	})
	t.Run("unknown domain", func(t *testing.T) {
		a := newAccount(t)
		err := a.UpdateDomainRoles(ctx, "d-nope", awsops.DomainRoles{DefaultUserRole: ptr(bobRole)})
		wantErr(t, err, "ResourceNotFound", "domain/d-nope does not exist")
	})
}

func TestDomainStatusSettles(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	if err := a.UpdateDomainRoles(ctx, "d-research1", awsops.DomainRoles{DefaultUserRole: ptr(bobRole)}); err != nil {
		t.Fatal(err)
	}
	// Lists show the status without moving it on.
	for range 2 {
		ds, _ := a.ListDomains(ctx)
		if ds[1].ID != "d-research1" || ds[1].Status != awsops.StatusUpdating {
			t.Fatalf("ListDomains = %+v", ds)
		}
	}
	for i, want := range []string{awsops.StatusUpdating, awsops.StatusInService, awsops.StatusInService} {
		d, err := a.DescribeDomain(ctx, "d-research1")
		if err != nil || d.Status != want {
			t.Fatalf("describe %d: %s, %v; want %s", i+1, d.Status, err, want)
		}
		if d.DefaultUserRole != bobRole {
			t.Fatalf("the new role shows from the first describe: %s", d.DefaultUserRole)
		}
	}
	// SageMaker accepts an update while the domain is Updating as far as
	// we know; the sandbox does not refuse it.
	_ = a.UpdateDomainRoles(ctx, "d-research1", awsops.DomainRoles{DefaultUserRole: ptr(researchRole)})
	if err := a.UpdateDomainRoles(ctx, "d-research1", awsops.DomainRoles{DefaultSpaceRole: ptr(bobRole)}); err != nil {
		t.Fatal(err)
	}
}

func TestUpdateUserProfileRole(t *testing.T) {
	ctx := context.Background()
	for _, c := range roleCases {
		t.Run(c.name, func(t *testing.T) {
			a := newAccount(t)
			err := a.UpdateUserProfileRole(ctx, "d-research1", "alice", c.arn)
			wantErr(t, err, c.code, c.contains)
			if c.code != "" {
				p, _ := a.DescribeUserProfile(ctx, "d-research1", "alice")
				if p.ExecutionRole != "" || p.Status != awsops.StatusInService {
					t.Fatalf("profile changed: %+v", p)
				}
				return
			}
			for i, want := range []string{awsops.StatusUpdating, awsops.StatusInService} {
				p, _ := a.DescribeUserProfile(ctx, "d-research1", "alice")
				if p.Status != want || p.ExecutionRole != c.arn {
					t.Fatalf("describe %d: %+v; want %s with %s", i+1, p, want, c.arn)
				}
			}
		})
	}
	a := newAccount(t)
	err := a.UpdateUserProfileRole(ctx, "d-research1", "zoe", bobRole)
	wantErr(t, err, "ResourceNotFound", "user-profile/d-research1/zoe does not exist")
	err = a.UpdateUserProfileRole(ctx, "d-nope", "alice", bobRole)
	wantErr(t, err, "ResourceNotFound", "does not exist")
	err = a.UpdateUserProfileRole(ctx, "d-research1", "zoe", "bad")
	wantErr(t, err, "ValidationException", "userSettings.executionRole")
}

func TestTrustEvaluation(t *testing.T) {
	cases := []struct {
		name, doc string
		want      bool
	}{
		{"service string", sageMakerTrust, true},
		{"service list", `{"Statement":[{"Effect":"Allow","Principal":{"Service":["events.amazonaws.com","sagemaker.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}`, true},
		{"single statement object", `{"Statement":{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:*"}}`, true},
		{"any principal", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`, true},
		{"any AWS principal", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*"}}`, true},
		{"with condition", `{"Statement":{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}}`, true},
		{"lambda", lambdaTrust, false},
		{"other action", `{"Statement":{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`, false},
		{"account principal", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}}`, false},
		{"denied", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":"*","Action":"sts:*"}]}`, false},
		{"not JSON", `{`, false},
	}
	for _, c := range cases {
		if got := trustsService(c.doc, sageMakerService); got != c.want {
			t.Errorf("%s: trusts = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNotebookInstances(t *testing.T) {
	ctx := context.Background()
	status := func(a *Account, name string) string {
		t.Helper()
		n, err := a.DescribeNotebookInstance(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return n.Status
	}

	t.Run("role changes only while stopped", func(t *testing.T) {
		a := newAccount(t)
		err := a.UpdateNotebookInstanceRole(ctx, "churn-prediction", bobRole)
		wantErr(t, err, "ValidationException",
			"Status (InService) not in ([Stopped, Failed]). Unable to transition to (Updating) for Notebook Instance (arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/churn-prediction).")
		if err := a.StopNotebookInstance(ctx, "churn-prediction"); err != nil {
			t.Fatal(err)
		}
		// Stopping is not Stopped: updating now fails, as it does in AWS.
		wantErr(t, a.UpdateNotebookInstanceRole(ctx, "churn-prediction", bobRole), "ValidationException", "Status (Stopping)")
		if s := status(a, "churn-prediction"); s != awsops.StatusStopping {
			t.Fatalf("first describe after stop: %s", s)
		}
		if s := status(a, "churn-prediction"); s != awsops.StatusStopped {
			t.Fatalf("second describe after stop: %s", s)
		}
		if err := a.UpdateNotebookInstanceRole(ctx, "churn-prediction", bobRole); err != nil {
			t.Fatal(err)
		}
		n, _ := a.DescribeNotebookInstance(ctx, "churn-prediction")
		if n.Status != awsops.StatusUpdating || n.RoleARN != bobRole {
			t.Fatalf("after update: %+v", n)
		}
		if s := status(a, "churn-prediction"); s != awsops.StatusStopped {
			t.Fatalf("after updating: %s", s)
		}
		if err := a.StartNotebookInstance(ctx, "churn-prediction"); err != nil {
			t.Fatal(err)
		}
		if s := status(a, "churn-prediction"); s != awsops.StatusPending {
			t.Fatalf("first describe after start: %s", s)
		}
		if s := status(a, "churn-prediction"); s != awsops.StatusInService {
			t.Fatalf("second describe after start: %s", s)
		}
	})
	t.Run("transitions refused", func(t *testing.T) {
		a := newAccount(t)
		wantErr(t, a.StopNotebookInstance(ctx, "legacy-xgboost-training"), "ValidationException",
			"Status (Stopped) not in ([InService]). Unable to transition to (Stopping)")
		wantErr(t, a.StartNotebookInstance(ctx, "churn-prediction"), "ValidationException",
			"Status (InService) not in ([Stopped, Failed]). Unable to transition to (Pending)")
	})
	for _, c := range roleCases {
		t.Run("role "+c.name, func(t *testing.T) {
			a := newAccount(t)
			wantErr(t, a.UpdateNotebookInstanceRole(ctx, "legacy-xgboost-training", c.arn), c.code, c.contains)
		})
	}
	t.Run("not found", func(t *testing.T) {
		a := newAccount(t)
		_, err := a.DescribeNotebookInstance(ctx, "nope")
		wantErr(t, err, "ValidationException", "RecordNotFound")
		if !awsops.IsNotFound(err) {
			t.Fatalf("a missing notebook instance must be KindNotFound: %v", err)
		}
		for _, err := range []error{
			a.StopNotebookInstance(ctx, "nope"), a.StartNotebookInstance(ctx, "nope"),
			a.UpdateNotebookInstanceRole(ctx, "nope", bobRole),
		} {
			if !awsops.IsNotFound(err) {
				t.Fatalf("want not found, got %v", err)
			}
		}
	})
	t.Run("list has no roles", func(t *testing.T) {
		a := newAccount(t)
		nbs, _ := a.ListNotebookInstances(ctx)
		for _, n := range nbs {
			if n.RoleARN != "" || n.ARN == "" {
				t.Fatalf("list item %+v: SageMaker's summaries carry an ARN, not a role", n)
			}
		}
	})
}

func TestNotFoundAndLists(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	_, err := a.DescribeDomain(ctx, "d-nope")
	wantErr(t, err, "ResourceNotFound", "arn:aws:sagemaker:us-east-1:111122223333:domain/d-nope does not exist")
	_, err = a.DescribeUserProfile(ctx, "d-research1", "zoe")
	wantErr(t, err, "ResourceNotFound", "user-profile/d-research1/zoe")
	_, err = a.DescribeSpace(ctx, "d-research1", "nope")
	wantErr(t, err, "ResourceNotFound", "space/d-research1/nope")

	// Lists filter by domain: an unknown domain is an empty list.
	users, err := a.ListUserProfiles(ctx, "d-nope")
	if err != nil || len(users) != 0 {
		t.Fatalf("users of an unknown domain: %v, %v", users, err)
	}
	users, _ = a.ListUserProfiles(ctx, "d-research1")
	var names []string
	for _, u := range users {
		if u.ExecutionRole != "" {
			t.Fatalf("list item %+v has a role; SageMaker's list does not", u)
		}
		names = append(names, u.Name)
	}
	if strings.Join(names, ",") != "alice,bob,carol" {
		t.Fatalf("users = %v", names)
	}
	spaces, _ := a.ListSpaces(ctx, "d-mlplatform")
	if len(spaces) != 3 || spaces[2].Name != "platform-shared" || spaces[2].SharingType != awsops.SharingShared || spaces[2].Owner != "dave" {
		t.Fatalf("spaces = %+v", spaces)
	}
	if apps, _ := a.ListApps(ctx, "d-nope"); len(apps) != 0 {
		t.Fatalf("apps of an unknown domain: %v", apps)
	}
	d, _ := a.DescribeDomain(ctx, "d-research1")
	if d.ARN != "arn:aws:sagemaker:us-east-1:111122223333:domain/d-research1" {
		t.Fatalf("domain ARN %s", d.ARN)
	}
}

func TestFixtures(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	id, err := a.CreateDomain(ctx, "scratch", researchRole, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, "d-") || len(id) != 14 {
		t.Fatalf("domain ID %q", id)
	}
	b := newAccount(t)
	if id2, _ := b.CreateDomain(ctx, "scratch", researchRole, ""); id2 != id {
		t.Fatalf("domain IDs differ between runs: %s, %s", id, id2)
	}
	id3, _ := a.CreateDomain(ctx, "scratch", researchRole, sharedRole)
	if id3 == id {
		t.Fatal("two domains got the same ID")
	}
	d, _ := a.DescribeDomain(ctx, id)
	if d.Name != "scratch" || d.DefaultUserRole != researchRole || d.DefaultSpaceRole != "" || d.Status != awsops.StatusInService {
		t.Fatalf("domain = %+v", d)
	}
	_, err = a.CreateDomain(ctx, "bad", lambdaRole, "")
	wantErr(t, err, "ValidationException", "is invalid")
	_, err = a.CreateDomain(ctx, "bad name", researchRole, "")
	wantErr(t, err, "ValidationException", "domainName")

	if err := a.AddUserProfile(id, "zoe", ""); err != nil {
		t.Fatal(err)
	}
	if err := a.AddUserProfile(id, "yann", danglingRole); err != nil {
		t.Fatalf("fixtures may point at a missing role: %v", err)
	}
	wantErr(t, a.AddUserProfile(id, "zoe", ""), "ResourceInUse", "already exists")
	wantErr(t, a.AddUserProfile("d-nope", "zoe", ""), "ResourceNotFound", "d-nope")
	if err := a.AddSpace(id, "zoe-space", awsops.SharingPrivate, "zoe"); err != nil {
		t.Fatal(err)
	}
	if err := a.AddSpace(id, "common", awsops.SharingShared, ""); err != nil {
		t.Fatal(err)
	}
	wantErr(t, a.AddSpace(id, "x", "Public", ""), "ValidationException", "Private, Shared")
	wantErr(t, a.AddSpace(id, "x", awsops.SharingPrivate, "nobody"), "ResourceNotFound", "nobody")
	if err := a.AddApp(awsops.App{DomainID: id, SpaceName: "zoe-space", AppType: "JupyterLab"}); err != nil {
		t.Fatal(err)
	}
	if err := a.AddApp(awsops.App{DomainID: id, UserProfile: "zoe", AppType: "Canvas", Status: "Deleted"}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, a.AddApp(awsops.App{DomainID: id, AppType: "Canvas"}), "ValidationException", "Exactly one")
	apps, _ := a.ListApps(ctx, id)
	if len(apps) != 2 || apps[0].AppName != "default" || apps[0].Status != awsops.StatusInService || apps[1].Status != "Deleted" {
		t.Fatalf("apps = %+v", apps)
	}

	if err := a.CreateNotebookInstance(ctx, "nb-1", researchRole); err != nil {
		t.Fatal(err)
	}
	wantErr(t, a.CreateNotebookInstance(ctx, "NB-1", researchRole), "ValidationException", "Cannot create a duplicate Notebook Instance")
	wantErr(t, a.CreateNotebookInstance(ctx, "nb-2", lambdaRole), "ValidationException", "is invalid")
	n, _ := a.DescribeNotebookInstance(ctx, "nb-1")
	if n.Status != awsops.StatusInService || n.RoleARN != researchRole {
		t.Fatalf("notebook = %+v", n)
	}
}
