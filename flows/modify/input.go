package modify

import (
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/policy"
)

// Inline is one --put-inline: an inline policy's name and document, and
// the file it came from (for messages; "" when it was typed in the wizard).
type Inline struct {
	Name     string
	File     string
	Document string
}

// Input is what modify takes. A zero Input besides Role changes nothing:
// the role is shown.
type Input struct {
	Role         string // name or ARN
	Attach       []string
	Detach       []string
	PutInline    []Inline
	DeleteInline []string
	// AddBuckets are BUCKET or BUCKET/PREFIX, merged into sagerole-buckets
	// read-write, as add-buckets does.
	AddBuckets []string
	// AddBucketsReadOnly grants AddBuckets read-only, as add-buckets
	// --read-only does (sagerole why offers it for a denied read).
	AddBucketsReadOnly bool
	// Scope holds the activities, guardrails and their options to merge
	// into the role's sagerole-scope policies (Persona is not used);
	// Partition, Account and Region are the role's, set by Plan.
	Scope    policy.Scope
	FixTrust bool
	// Force puts --put-inline documents even when the validator finds
	// errors in them (they are shown as warnings then).
	Force bool
}

// scopeNamed reports whether the input adds anything to the scope.
func (in Input) scopeNamed() bool {
	s := in.Scope
	return len(s.Activities) > 0 || len(s.Guardrails) > 0 || len(s.ECRRepos) > 0 || s.LogGroups || s.VPC ||
		len(s.KMSKeys) > 0 || len(s.InstanceTypes) > 0 || len(s.SourceIPs) > 0 || len(s.SourceVPCEs) > 0 ||
		s.ResourceTagKey != "" || s.ResourceTagValue != "" || len(s.PassRoles) > 0 || len(s.Subnets) > 0 || len(s.SecurityGroups) > 0 ||
		len(s.GlueDatabases) > 0 || len(s.AthenaWorkgroups) > 0
}

// scope is the scope to merge, with the --add-bucket buckets narrowing
// its S3 access when its activities reach S3, as create-role's --bucket
// does (s3-buckets grants nothing else).
func (in Input) scope() (policy.Scope, error) {
	s := in.Scope
	if len(in.AddBuckets) == 0 {
		return s, nil
	}
	uses, err := s.UsesS3()
	if err != nil {
		return s, err
	}
	if uses {
		for _, b := range in.AddBuckets {
			s.Buckets = append(s.Buckets, policy.ParseGrant(b))
		}
	}
	return s, nil
}

// Changes reports whether the input asks for any change.
func (in Input) Changes() bool {
	return len(in.Attach)+len(in.Detach)+len(in.PutInline)+len(in.DeleteInline)+len(in.AddBuckets) > 0 ||
		in.scopeNamed() || in.FixTrust
}

// ParseInlineSpec splits a --put-inline value NAME=FILE.
func ParseInlineSpec(spec string) (name, file string, err error) {
	name, file, ok := strings.Cut(spec, "=")
	if !ok || name == "" || file == "" {
		return "", "", &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("--put-inline %q is not of the form NAME=FILE", spec)}
	}
	if err := rules.PolicyName(name); err != nil {
		return "", "", err
	}
	return name, file, nil
}

// policyARN resolves "full" to AmazonSageMakerFullAccess in the role's
// partition, and checks the shape of anything else.
func policyARN(flag, v, partition string) (string, error) {
	if strings.EqualFold(v, Full) {
		return policy.FullAccessARNIn(partition), nil
	}
	if err := rules.PolicyARN(v); err != nil {
		return "", &rules.InputError{Field: flag, Msg: fmt.Sprintf("--%s %q is not full or a managed policy ARN of the form arn:aws:iam::aws:policy/NAME", flag, v)}
	}
	return v, nil
}

// CheckPermissionsPolicy refuses what rules.PolicyDocument lets through
// but IAM refuses in a role's inline policy: a Principal, which belongs in
// a trust policy (the usual mistake: the wrong file).
func CheckPermissionsPolicy(what, doc string) error {
	if err := rules.PolicyDocument(what, doc); err != nil {
		return err
	}
	for i, s := range looseRaw(doc) {
		if _, ok := s["Principal"]; ok {
			return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("%s: statement %d names a Principal, which an inline policy cannot (is it a trust policy?)", what, i+1)}
		}
		if _, ok := s["NotPrincipal"]; ok {
			return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("%s: statement %d names a NotPrincipal, which an inline policy cannot (is it a trust policy?)", what, i+1)}
		}
		_, a := s["Action"]
		_, na := s["NotAction"]
		if !a && !na {
			return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("%s: statement %d has no Action or NotAction, which IAM requires", what, i+1)}
		}
		_, r := s["Resource"]
		_, nr := s["NotResource"]
		if !r && !nr {
			return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("%s: statement %d has no Resource or NotResource, which IAM requires in an inline policy", what, i+1)}
		}
	}
	// Strictly, so that what is previewed and judged for broadening is the
	// document sent: no key twice, valid UTF-8, a known Version and
	// elements.
	if _, err := policy.Parse(doc); err != nil {
		return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("%s: %v", what, err)}
	}
	return nil
}

// Validate checks everything that can be checked without the account.
func (in Input) Validate() error {
	if in.Role == "" {
		return &rules.InputError{Field: "role", Msg: "modify needs the ROLE to show or change, by name or ARN"}
	}
	seen := map[string]string{}
	for _, l := range []struct {
		flag string
		vals []string
	}{{"attach", in.Attach}, {"detach", in.Detach}} {
		for _, v := range l.vals {
			arn, err := policyARN(l.flag, v, "aws")
			if err != nil {
				return err
			}
			if prev, ok := seen[arn]; ok {
				if prev == l.flag {
					return &rules.InputError{Field: l.flag, Msg: fmt.Sprintf("--%s %s is given twice", l.flag, v)}
				}
				return &rules.InputError{Field: l.flag, Msg: fmt.Sprintf("%s is given to both --attach and --detach; choose one", v)}
			}
			seen[arn] = l.flag
		}
	}
	names := map[string]string{}
	for _, p := range in.PutInline {
		if err := rules.PolicyName(p.Name); err != nil {
			return err
		}
		if _, ok := names[strings.ToLower(p.Name)]; ok {
			return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("--put-inline %s is given twice", p.Name)}
		}
		names[strings.ToLower(p.Name)] = "put-inline"
		what := fmt.Sprintf("policy file %s for --put-inline %s", p.File, p.Name)
		if p.File == "" {
			what = "inline policy " + p.Name
		}
		if err := CheckPermissionsPolicy(what, p.Document); err != nil {
			return err
		}
	}
	for _, n := range in.DeleteInline {
		if err := rules.PolicyName(n); err != nil {
			return err
		}
		switch names[strings.ToLower(n)] {
		case "put-inline":
			return &rules.InputError{Field: "delete-inline", Msg: fmt.Sprintf("inline policy %s is given to both --put-inline and --delete-inline; choose one", n)}
		case "delete-inline":
			return &rules.InputError{Field: "delete-inline", Msg: fmt.Sprintf("--delete-inline %s is given twice", n)}
		}
		names[strings.ToLower(n)] = "delete-inline"
	}
	for _, b := range in.AddBuckets {
		if err := policy.ParseGrant(b).Validate(); err != nil {
			return err
		}
	}
	// sagerole writes its own policy families from merges; an explicit put
	// or delete of one of them in the same run would race that merge.
	for n, flag := range names {
		switch {
		case len(in.AddBuckets) > 0 && flows.IsFamily(n, policy.BucketPolicyName):
			return &rules.InputError{Field: flag, Msg: fmt.Sprintf("--%s %s and --add-bucket both change the %s policy; run them separately", flag, n, policy.BucketPolicyName)}
		case in.scopeNamed() && flows.IsFamily(n, policy.ScopePolicyName):
			return &rules.InputError{Field: flag, Msg: fmt.Sprintf("--%s %s and --add-activity/--add-guardrail both change the %s policy; run them separately", flag, n, policy.ScopePolicyName)}
		}
	}
	if in.Scope.Persona != "" {
		return &rules.InputError{Field: "persona", Msg: "modify adds activities and guardrails, not personas; name the activities with --add-activity"}
	}
	if in.scopeNamed() {
		s, err := in.scope()
		if err != nil {
			return err
		}
		if err := s.Validate(); err != nil {
			return err
		}
	}
	return nil
}
