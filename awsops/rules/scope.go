package rules

import (
	"regexp"
	"strings"
)

// This file holds the rules for the inputs of a custom scope (flows/policy):
// names chosen from a fixed list, and the identifiers that end up inside
// policy documents.

// OneOf checks that value is one of valid; the refusal lists the valid names.
func OneOf(field, value string, valid []string) error {
	for _, v := range valid {
		if v == value {
			return nil
		}
	}
	return bad(field, "%s %q is unknown; choose one of %s", field, value, strings.Join(valid, ", "))
}

// instanceTypeRE allows IAM wildcards so "ml.c5.*" can allow a family.
var instanceTypeRE = regexp.MustCompile(`^ml\.[a-z0-9*?-]+(\.[a-z0-9*?-]+)*$`)

// InstanceType checks a SageMaker instance type or pattern such as ml.m5.xlarge or ml.c5.*.
func InstanceType(s string) error {
	if len(s) > 64 || !instanceTypeRE.MatchString(s) {
		return bad("instance type", "instance type %q is not of the form ml.FAMILY.SIZE (ml.m5.xlarge, or a pattern such as ml.c5.*)", s)
	}
	return nil
}

var vpceRE = regexp.MustCompile(`^vpce-[0-9a-f]{8,17}$`)

// VPCEndpointID checks a VPC endpoint ID such as vpce-1a2b3c4d.
func VPCEndpointID(s string) error {
	if !vpceRE.MatchString(s) {
		return bad("VPC endpoint", "VPC endpoint %q is not an ID of the form vpce- followed by 8 to 17 hexadecimal digits", s)
	}
	return nil
}

var (
	ecrRepoRE    = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	ecrRepoARNRE = regexp.MustCompile(`^arn:aws[a-z\-]*:ecr:[a-z0-9\-]+:\d{12}:repository/(.+)$`)
)

// ECRRepository checks an ECR repository name (ECR's rule: 2 to 256 lowercase
// letters, digits and . _ - /, in namespaced components) or repository ARN.
func ECRRepository(s string) error {
	name := s
	if m := ecrRepoARNRE.FindStringSubmatch(s); m != nil {
		name = m[1]
	} else if IsARN(s) {
		return bad("ECR repository", "ECR repository %q is not an ARN of the form arn:aws:ecr:REGION:123456789012:repository/NAME", s)
	}
	if len(name) < 2 || len(name) > 256 || !ecrRepoRE.MatchString(name) {
		return bad("ECR repository", "ECR repository name %q must be 2 to 256 lowercase letters, digits and . _ - /, each part starting and ending with a letter or digit", name)
	}
	return nil
}

// S3Prefix checks a key prefix used in a policy resource: at most 1,024
// characters, no IAM wildcards (* ?) or policy variables (${), no empty
// segment (//) and no control characters.
func S3Prefix(p string) error {
	switch {
	case len(p) > 1024:
		return bad("prefix", "prefix is %d characters long; S3 keys are at most 1024", len(p))
	case strings.ContainsAny(p, "*?") || strings.Contains(p, "${"):
		return bad("prefix", "prefix %q contains * ? or ${, which IAM would read as a wildcard or a variable", p)
	case strings.Contains(p, "//"):
		return bad("prefix", "prefix %q contains //, an empty path segment", p)
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return bad("prefix", "prefix %q contains a control character", p)
		}
	}
	return nil
}

var (
	accountRE   = regexp.MustCompile(`^\d{12}$`)
	regionRE    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	partitionRE = regexp.MustCompile(`^aws(-[a-z]+)*$`)
)

// AccountID checks a 12-digit AWS account ID.
func AccountID(s string) error {
	if !accountRE.MatchString(s) {
		return bad("account", "account %q is not a 12-digit AWS account ID", s)
	}
	return nil
}

// Region checks the shape of an AWS Region name such as us-east-1.
func Region(s string) error {
	if !regionRE.MatchString(s) {
		return bad("region", "region %q is not an AWS Region name such as us-east-1", s)
	}
	return nil
}

// Partition checks the shape of an AWS partition such as aws or aws-cn.
func Partition(s string) error {
	if !partitionRE.MatchString(s) {
		return bad("partition", "partition %q is not an AWS partition such as aws, aws-cn or aws-us-gov", s)
	}
	return nil
}
