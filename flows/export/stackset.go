package export

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// stackSetCommands are the lines that roll the template out to an OU with
// a service-managed StackSet: CloudFormation creates the stack in every
// account of the OU (and in accounts that join it later), with the
// permissions Organizations grants it; nothing loops over accounts here.
func stackSetCommands(r Role, o Options, name, file string, notes []string) ([]string, []string) {
	region := o.CLI.Region
	if region == "" {
		region = r.Region
	}
	targets := "OrganizationalUnitIds=OU_ID"
	if len(o.OUs) > 0 {
		targets = "OrganizationalUnitIds=" + strings.Join(o.OUs, ",")
	} else {
		notes = append(notes, "replace OU_ID with the organizational unit (ou-…) or root (r-…) to deploy to, or pass --ou")
	}
	cmds := []string{
		cli(o.CLI, "aws", "cloudformation", "create-stack-set", "--stack-set-name", name,
			"--description", "SageMaker AI execution role "+r.Name+" (sagerole)",
			"--template-body", "file://"+file, "--permission-model", "SERVICE_MANAGED",
			"--auto-deployment", "Enabled=true,RetainStacksOnAccountRemoval=false",
			"--capabilities", "CAPABILITY_NAMED_IAM",
			"--parameters", "ParameterKey="+stackSetRoleParam+",ParameterValue="+r.Name),
		cli(o.CLI, "aws", "cloudformation", "create-stack-instances", "--stack-set-name", name,
			"--deployment-targets", targets, "--regions", region),
	}
	notes = append(notes,
		"run these from the organization's management account or a delegated administrator (add --call-as DELEGATED_ADMIN to both); trusted access for StackSets must be enabled in Organizations",
		fmt.Sprintf("IAM is global: deploy the instances to one region only (%s here); a second region's stack would fail on the role name", region),
		"a service-managed StackSet does not deploy to the management account itself")
	return cmds, notes
}

var (
	kmsKeyRE = regexp.MustCompile(`^arn:[^:]+:kms:[^:]*:(\d{12}):key/`)
	idRE     = regexp.MustCompile(`^(subnet|sg|vpce)-[0-9a-f]+$`)
)

// accountSpecific warns of what a StackSet's template names that exists
// in one account only: the role's account's KMS keys (a key ARN carries its
// ID), subnets, security groups and VPC endpoints. In every other account
// those statements name nothing there.
func accountSpecific(r Role) []string {
	var found []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			found = append(found, s)
		}
	}
	docs := []value{documentValue(r.Trust)}
	for _, p := range r.Inline {
		docs = append(docs, documentValue(p.Document))
	}
	var walk func(v value)
	walk = func(v value) {
		switch v.kind {
		case vString:
			if m := kmsKeyRE.FindStringSubmatch(v.s); m != nil && m[1] == r.Account {
				add(v.s)
			} else if idRE.MatchString(v.s) {
				add(v.s)
			}
		case vList:
			for _, it := range v.items {
				walk(it)
			}
		case vObject:
			for _, it := range v.vals {
				walk(it)
			}
		}
	}
	for _, d := range docs {
		walk(d)
	}
	var out []string
	if len(found) > 0 {
		slices.Sort(found)
		out = append(out, fmt.Sprintf("the policies name resources of account %s that other accounts do not have: %s; give each account its own (a parameter, or a key alias condition) before rolling this out", r.Account, strings.Join(found, ", ")))
	}
	var own []string
	for _, arn := range append(append([]string(nil), r.Managed...), r.Boundary) {
		if strings.Contains(arn, ":iam::"+r.Account+":policy/") {
			own = append(own, policyName(arn))
		}
	}
	if len(own) > 0 {
		out = append(out, fmt.Sprintf("customer managed policies %s are this account's: each target account needs a policy of that name and path (deploy it first, or in the same StackSet)", strings.Join(own, ", ")))
	}
	return out
}
