package export

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
)

// Formats.
const (
	CloudFormation = "cloudformation"
	Terraform      = "terraform"
)

// Kinds of code written.
const (
	KindRole     = "role"     // a role read from the account, with what adopts it
	KindPlan     = "plan"     // the role a plan would create
	KindStackSet = "stackset" // a role parameterised for a service-managed StackSet
	KindDomain   = "domain"   // a domain's role assignments: a fragment
)

// Options choose what is written.
type Options struct {
	Format   string // CloudFormation or Terraform
	JSON     bool   // CloudFormation as JSON rather than YAML
	StackSet bool   // CloudFormation for a service-managed StackSet
	// OUs are the organizational units (or the root) the printed
	// create-stack-instances line deploys to; none prints OU_ID.
	OUs []string
	// CLI is what the printed aws lines carry to reach the same account.
	CLI awsops.CLIOptions
}

// Code is what export writes: the template or configuration, the file name
// the printed lines refer to it by, and those lines. Its JSON is the
// contract of `sagerole export --output json`.
type Code struct {
	Format   string `json:"format"`
	Syntax   string `json:"syntax"` // yaml, json or hcl
	Kind     string `json:"kind"`
	Fragment bool   `json:"fragment"`
	Role     string `json:"role,omitempty"` // the role's ARN
	DomainID string `json:"domainId,omitempty"`
	File     string `json:"file"` // the name the commands give the code
	Code     string `json:"code"`
	// Commands are the aws (or terraform) lines that take the code to the
	// account: adopt the role, or create the StackSet and its instances.
	Commands []string `json:"commands"`
	Notes    []string `json:"notes"`
	Warnings []string `json:"warnings"`
}

// Validate checks the options, for bad input before anything is read.
func (o Options) Validate() error {
	switch o.Format {
	case CloudFormation:
	case Terraform:
		if o.JSON {
			return &rules.InputError{Field: "json", Msg: "--json applies to --format cloudformation; Terraform is written as HCL"}
		}
		if o.StackSet {
			return &rules.InputError{Field: "stackset", Msg: "--stackset applies to --format cloudformation: StackSets deploy CloudFormation templates"}
		}
	case "":
		return &rules.InputError{Field: "format", Msg: "--format is required: cloudformation or terraform"}
	default:
		return &rules.InputError{Field: "format", Msg: fmt.Sprintf("--format must be cloudformation or terraform, not %q", o.Format)}
	}
	if len(o.OUs) > 0 && !o.StackSet {
		return &rules.InputError{Field: "ou", Msg: "--ou names where a StackSet deploys; add --stackset"}
	}
	for _, ou := range o.OUs {
		if !ouRE.MatchString(ou) {
			return &rules.InputError{Field: "ou", Msg: fmt.Sprintf("--ou %q is not an organizational unit ID (ou-xxxx-xxxxxxxx) or a root ID (r-xxxx)", ou)}
		}
	}
	return nil
}

var ouRE = regexp.MustCompile(`^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$`)

// fileName is the name a role's code is referred to by in printed lines.
func fileName(base string, o Options) string {
	base = safeName(base)
	switch {
	case o.Format == Terraform:
		return base + ".tf"
	case o.StackSet && o.JSON:
		return base + ".stackset.json"
	case o.StackSet:
		return base + ".stackset.yaml"
	case o.JSON:
		return base + ".cfn.json"
	}
	return base + ".cfn.yaml"
}

// safeName keeps what file systems and stack names take: letters, digits
// and dashes.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// cli joins words into a command line, each quoted for bash, with the
// options that reach the same account.
func cli(o awsops.CLIOptions, words ...string) string {
	if o.Profile != "" {
		words = append(words, "--profile", o.Profile)
	}
	if o.Region != "" {
		words = append(words, "--region", o.Region)
	}
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = awsops.ShellQuote(w)
	}
	return strings.Join(q, " ")
}

// settableTags are the tags code can set: IAM keeps the aws: prefix to AWS.
func settableTags(tags []awsops.Tag) (keep []awsops.Tag, dropped []string) {
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			dropped = append(dropped, t.Key)
			continue
		}
		keep = append(keep, t)
	}
	return keep, dropped
}

// RoleCode writes a role as code in the format o asks for.
func RoleCode(r Role, o Options) (Code, error) {
	if err := o.Validate(); err != nil {
		return Code{}, err
	}
	var c Code
	var err error
	if o.Format == Terraform {
		c, err = tfRole(r, o)
	} else {
		c, err = cfnRole(r, o)
	}
	if c.Commands == nil {
		c.Commands = []string{}
	}
	return c, err
}
