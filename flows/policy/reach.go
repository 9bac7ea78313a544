package policy

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/sagerole/sagerole/awsops/rules"
)

// Reach is which options narrow what a scope's activities allow: an option
// the activities do not reach is refused (checkOptionsUsed), so the wizard
// asks for one only when the activities chosen reach it.
type Reach struct {
	S3       bool // --bucket, --read-only
	ECR      bool // --ecr-repo
	Logs     bool // --log-groups
	PassRole bool // --pass-role
	Glue     bool // --glue-database
	Athena   bool // --athena-workgroup
}

// Reaches says what the scope's persona and activities reach, whatever
// options it has. A scope with neither reaches nothing.
func (s Scope) Reaches() (Reach, error) {
	probe := Scope{Persona: s.Persona, Activities: s.Activities}
	if probe.Persona == "" && len(probe.Activities) == 0 {
		return Reach{}, nil
	}
	if slices.Contains(probe.Activities, DomainKMS) {
		// domain-kms is refused without its key; any key shows the rest.
		probe.KMSKeys = []string{"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
	}
	b, err := buildAs(probe, true)
	if err != nil {
		return Reach{}, err
	}
	u := b.used
	return Reach{S3: u["S3Objects"] || u["S3Buckets"], ECR: u["EcrRepos"], Logs: u["LogGroups"] || u["SageMakerLogGroups"],
		PassRole: u["PassRoles"], Glue: u["GlueDatabases"], Athena: u["AthenaWorkgroups"]}, nil
}

var (
	subnetRE        = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	securityGroupRE = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	// Glue names a database in 1 to 255 characters; Athena reads only
	// lowercase letters, digits and underscores, so sagerole takes what
	// both accept, in either case, and hyphens (Glue's console makes them).
	glueDatabaseRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	// Athena workgroup names: 1 to 128 letters, digits, ".", "_" and "-"
	// (CreateWorkGroup's Name pattern).
	athenaWorkgroupRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)
)

// The checks of one option value each, as the command line and the wizard
// refuse it: one sentence naming the field.

// CheckSubnet refuses what is not a subnet ID (vpc-only's --subnet).
func CheckSubnet(v string) error {
	return matchOrRefuse(v, subnetRE, "subnet", "subnet %q is not a subnet ID such as subnet-0a1b2c3d (subnet- and 8 or 17 hex digits)")
}

// CheckSecurityGroup refuses what is not a security group ID.
func CheckSecurityGroup(v string) error {
	return matchOrRefuse(v, securityGroupRE, "security group", "security group %q is not a security group ID such as sg-0a1b2c3d (sg- and 8 or 17 hex digits)")
}

// CheckGlueDatabase refuses what is not a Glue database name.
func CheckGlueDatabase(v string) error {
	return matchOrRefuse(v, glueDatabaseRE, "glue database", "Glue database %q is not a database name (1 to 255 letters, digits, _ and -)")
}

// CheckAthenaWorkgroup refuses what is not an Athena workgroup name.
func CheckAthenaWorkgroup(v string) error {
	return matchOrRefuse(v, athenaWorkgroupRE, "athena workgroup", "Athena workgroup %q is not a workgroup name (1 to 128 letters, digits, ., _ and -)")
}

// CheckPassRole refuses what is neither a role name nor a role ARN (a role
// the activities may pass besides the role itself); whether it exists is
// the flows' question.
func CheckPassRole(v string) error {
	if rules.IsARN(v) {
		if rules.RoleARN(v) == nil {
			return nil
		}
	} else if rules.RoleName(v) == nil {
		return nil
	}
	return &rules.InputError{Field: "pass-role", Msg: fmt.Sprintf("role to pass %q is neither a role name nor a role ARN of the form arn:aws:iam::123456789012:role/NAME", v)}
}

func matchOrRefuse(v string, re *regexp.Regexp, field, msg string) error {
	if !re.MatchString(v) {
		return &rules.InputError{Field: field, Msg: fmt.Sprintf(msg, v)}
	}
	return nil
}
