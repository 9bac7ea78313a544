package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
)

// motoDomain creates, with the SDK, two roles and a domain whose defaults
// are those roles, on the moto_server motoArgs points at.
func motoDomain(t *testing.T, endpoint string) (domainID, userRole, spaceRole string) {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"), config.WithBaseEndpoint(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	ic := iam.NewFromConfig(cfg)
	mk := func(name, path string) string {
		out, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(trust)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Role.Arn)
	}
	userRole, spaceRole = mk("DS", "/service-role/"), mk("Shared", "/")
	out, err := sagemaker.NewFromConfig(cfg).CreateDomain(ctx, &sagemaker.CreateDomainInput{
		DomainName: aws.String("research"), AuthMode: smtypes.AuthModeIam,
		DefaultUserSettings:  &smtypes.UserSettings{ExecutionRole: aws.String(userRole)},
		DefaultSpaceSettings: &smtypes.DefaultSpaceSettings{ExecutionRole: aws.String(spaceRole)},
		SubnetIds:            []string{"subnet-0123456789abcdef0"}, VpcId: aws.String("vpc-0123456789abcdef0"),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, id, _ := strings.Cut(aws.ToString(out.DomainArn), ":domain/")
	return id, userRole, spaceRole
}

// TestFindOnMoto runs find through the aws backend (paginators, adaptive
// retry) against moto_server: a domain's defaults, the reverse lookup, and
// the whole-region tree — where moto's missing user profile, space and app
// APIs show that one failed list is reported, not fatal.
func TestFindOnMoto(t *testing.T) {
	isolate(t)
	args := motoArgs(t)
	id, userRole, spaceRole := motoDomain(t, args[1])

	code, out, errOut := runCLI(t, append(args, "--output", "json", "find", "--domain", id)...)
	if code != 0 {
		t.Fatalf("find --domain: exit %d: %s", code, errOut)
	}
	var d struct {
		Domain struct{ ID, DefaultUserRole, DefaultSpaceRole, DefaultUserRoleProblem string }
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Domain.ID != id || d.Domain.DefaultUserRole != userRole || d.Domain.DefaultSpaceRole != spaceRole || d.Domain.DefaultUserRoleProblem != "" {
		t.Errorf("find --domain = %+v\n%s", d.Domain, out)
	}

	// moto does not implement ListUserProfiles, ListSpaces or ListApps (it
	// answers 500): the answer is written, incomplete — exit 3, with what
	// is missing on stderr.
	code, out, errOut = runCLI(t, append(args, "find", "--role", "DS")...)
	if code != exitIncomplete || !strings.Contains(out, "domain default user role") || !strings.Contains(out, id) ||
		!strings.Contains(errOut, "sagerole: warning: the user profiles of domain "+id+" could not be listed") {
		t.Errorf("find --role DS: exit %d\n%s\n%s", code, out, errOut)
	}

	code, out, errOut = runCLI(t, append(args, "--output", "json", "find")...)
	if code != exitIncomplete || !strings.Contains(errOut, "the answer is incomplete: 3 parts of the account could not be read") {
		t.Fatalf("find: exit %d: %s", code, errOut)
	}
	var tree struct {
		Domains  []struct{ ID, DefaultUserRole, Error string }
		Warnings []string
	}
	if err := json.Unmarshal([]byte(out), &tree); err != nil {
		t.Fatal(err)
	}
	if len(tree.Domains) != 1 || tree.Domains[0].ID != id || tree.Domains[0].DefaultUserRole != userRole {
		t.Errorf("find = %s", out)
	}
	// The tree reports the failed list on the domain and in the warnings.
	if len(tree.Domains) == 1 && !strings.Contains(tree.Domains[0].Error, "sagemaker:ListUserProfiles") ||
		!strings.Contains(strings.Join(tree.Warnings, "\n"), "the user profiles of domain "+id+" could not be listed") {
		t.Errorf("the unimplemented list is not reported: %s", out)
	}

	code, _, errOut = runCLI(t, append(args, "find", "--domain", "d-nosuchdomain00")...)
	if code != exitBadUsage || !strings.Contains(errOut, "domain d-nosuchdomain00 does not exist") {
		t.Errorf("unknown domain on moto: exit %d, %s", code, errOut)
	}
}
