package export

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops"
)

// The template's names.
const (
	roleLogicalID     = "ExecutionRole"
	stackSetRoleParam = "RoleName"
	cfnVersion        = "2010-09-09"
)

// substFor is what a role's code writes as references: always the
// partition and account of managed policy ARNs (AWS managed policies have
// an ARN per partition); in the documents too for a StackSet (one
// template for every account) and for a plan made offline (whose account
// is a stand-in). A StackSet's role ARN takes the RoleName parameter.
func substFor(r Role, o Options) (arns, docs subst) {
	arns = subst{partition: r.Partition, account: r.Account}
	if o.StackSet || r.Placeholders {
		docs = subst{partition: r.Partition, account: r.Account}
		if o.StackSet || r.Region == OfflineRegion {
			docs.region = r.Region
		}
	}
	if o.StackSet {
		docs.roleARN, docs.rolePath = r.ARN, r.Path
	}
	return arns, docs
}

// cfnRoleTemplate is the role as a CloudFormation template.
func cfnRoleTemplate(r Role, o Options) (value, []string) {
	arns, docs := substFor(r, o)
	var notes []string
	props := object()
	if o.StackSet {
		props = props.with("RoleName", value{kind: vCFNRef, s: stackSetRoleParam})
	} else {
		props = props.with("RoleName", str(r.Name))
	}
	props = props.with("Path", str(r.Path))
	if r.Description != "" {
		props = props.with("Description", str(r.Description))
	}
	props = props.with("AssumeRolePolicyDocument", docs.apply(documentValue(r.Trust)))
	if len(r.Managed) > 0 {
		l := list()
		for _, arn := range r.Managed {
			l.items = append(l.items, arns.str(arn))
		}
		props = props.with("ManagedPolicyArns", l)
	}
	if r.Boundary != "" {
		props = props.with("PermissionsBoundary", arns.str(r.Boundary))
	}
	if len(r.Inline) > 0 {
		l := list()
		for _, p := range r.Inline {
			l.items = append(l.items, object().with("PolicyName", str(p.Name)).with("PolicyDocument", docs.apply(documentValue(p.Document))))
		}
		props = props.with("Policies", l)
	}
	tags, dropped := settableTags(r.Tags)
	if len(tags) > 0 {
		l := list()
		for _, t := range tags {
			l.items = append(l.items, object().with("Key", str(t.Key)).with("Value", str(t.Value)))
		}
		props = props.with("Tags", l)
	}
	if len(dropped) > 0 {
		notes = append(notes, fmt.Sprintf("tags %s are AWS's own (aws: prefix) and are left out: no template can set them", strings.Join(dropped, ", ")))
	}
	res := object().with("Type", str("AWS::IAM::Role"))
	if r.Exists && !o.StackSet {
		// CloudFormation imports only a resource that is retained.
		res = res.with("DeletionPolicy", str("Retain")).with("UpdateReplacePolicy", str("Retain"))
	}
	res = res.with("Properties", props)

	t := object().with("AWSTemplateFormatVersion", str(cfnVersion)).with("Description", str(cfnDescription(r, o)))
	if o.StackSet {
		t = t.with("Parameters", object().with(stackSetRoleParam, object().
			with("Type", str("String")).
			with("Default", str(r.Name)).
			with("Description", str("Name of the execution role in each account")).
			with("AllowedPattern", str(`^[\w+=,.@-]{1,64}$`)).
			with("ConstraintDescription", str("1 to 64 letters, digits and + = , . @ _ -"))))
	}
	t = t.with("Resources", object().with(roleLogicalID, res))
	// An import change set may not add outputs: an adopted role's
	// template has none.
	if !r.Exists || o.StackSet {
		t = t.with("Outputs", object().with("RoleArn", object().
			with("Description", str("ARN of the execution role")).
			with("Value", value{kind: vCFNGetAtt, s: roleLogicalID + ".Arn"})))
	}
	return t, notes
}

func cfnDescription(r Role, o Options) string {
	switch {
	case o.StackSet:
		return fmt.Sprintf("SageMaker AI execution role %s for every account of a service-managed StackSet (sagerole export --stackset)", r.Name)
	case r.Exists:
		return fmt.Sprintf("SageMaker AI execution role %s, exported by sagerole from account %s", r.Name, r.Account)
	}
	return fmt.Sprintf("SageMaker AI execution role %s, written by sagerole from a create-role plan", r.Name)
}

// cfnRole writes a role as a CloudFormation template with the commands
// that deploy it: an import change set for a role that exists, a stack for
// one a plan would create, a StackSet and its instances for --stackset.
func cfnRole(r Role, o Options) (Code, error) {
	c := Code{Format: CloudFormation, Syntax: "yaml", Kind: KindRole, Role: r.ARN, File: fileName(r.Name, o)}
	switch {
	case o.StackSet:
		c.Kind = KindStackSet
	case !r.Exists:
		c.Kind, c.Role = KindPlan, ""
	}
	t, notes := cfnRoleTemplate(r, o)
	c.Notes = append(c.Notes, notes...)
	if o.JSON {
		c.Syntax, c.Code = "json", string(jsonDocument(t))
	} else {
		b, err := yamlDocument(t, cfnHeader(r, o))
		if err != nil {
			return Code{}, fmt.Errorf("writing the template: %w", err)
		}
		c.Code = string(b)
	}
	stack := "sagerole-" + safeName(r.Name)
	switch {
	case o.StackSet:
		c.Commands, c.Notes = stackSetCommands(r, o, stack, c.File, c.Notes)
		c.Warnings = append(c.Warnings, accountSpecific(r)...)
	case r.Exists:
		if s := stackOf(r.Tags); s != "" {
			c.Warnings = append(c.Warnings, fmt.Sprintf("role %s already belongs to CloudFormation stack %s: change the role in that stack's template (compare it with this one) rather than importing it into another", r.Name, s))
			break
		}
		imp, _ := json.Marshal([]map[string]any{{"ResourceType": "AWS::IAM::Role", "LogicalResourceId": roleLogicalID,
			"ResourceIdentifier": map[string]string{"RoleName": r.Name}}})
		c.Commands = []string{
			cli(o.CLI, "aws", "cloudformation", "create-change-set", "--stack-name", stack, "--change-set-name", "sagerole-import",
				"--change-set-type", "IMPORT", "--template-body", "file://"+c.File, "--capabilities", "CAPABILITY_NAMED_IAM",
				"--resources-to-import", string(imp)),
			cli(o.CLI, "aws", "cloudformation", "execute-change-set", "--stack-name", stack, "--change-set-name", "sagerole-import"),
		}
		c.Notes = append(c.Notes, fmt.Sprintf("the change set imports the existing role into a new stack %s (nothing is recreated); the role keeps DeletionPolicy Retain, so deleting the stack leaves it in place", stack))
	default:
		c.Commands = []string{cli(o.CLI, "aws", "cloudformation", "deploy", "--stack-name", stack, "--template-file", c.File, "--capabilities", "CAPABILITY_NAMED_IAM")}
	}
	if r.Placeholders {
		c.Notes = append(c.Notes, "written from the plan without any AWS call: the account (and the region, unless --region was given) are the deploying stack's (AWS::AccountId, AWS::Region); whether the role name is free and the buckets exist was not checked")
	}
	return c, nil
}

func cfnHeader(r Role, o Options) []string {
	h := []string{"Written by sagerole (sagerole export). Documents are in the canonical form sagerole sends to IAM."}
	switch {
	case o.StackSet:
		h = append(h, "For a service-managed StackSet: the role name is the RoleName parameter, and the account,",
			"partition and region are each target account's (AWS::AccountId, AWS::Partition, AWS::Region).")
	case r.Exists:
		h = append(h, "Role "+r.ARN+" as it is now; DeletionPolicy Retain lets a change set of type IMPORT adopt it.")
	default:
		h = append(h, "The role a create-role plan would create; nothing was sent to AWS.")
	}
	return h
}

// stackOf is the stack a resource's tags say it belongs to.
func stackOf(tags []awsops.Tag) string {
	for _, t := range tags {
		if t.Key == awsops.TagCloudFormationStack {
			return t.Value
		}
	}
	return ""
}
