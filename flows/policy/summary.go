package policy

import (
	"fmt"
	"strings"
)

// Summarize says in words a data scientist reads what a scope allows and
// what it refuses: the persona and activities by name, what the options
// narrow (or leave open), each guardrail with the number of actions it
// restricts, and what is broader than it could be. Every line is one
// sentence, for a plan's notes.
func Summarize(s Scope) ([]string, error) {
	b, err := build(s)
	if err != nil {
		return nil, err
	}
	r := b.r
	var out []string
	if r.Persona != "" {
		pa, _ := PersonaActivities(r.Persona)
		line := fmt.Sprintf("Persona %s: %s", r.Persona, andList(pa))
		if extra := minus(r.activities, pa); len(extra) > 0 {
			line += ", with " + andList(extra)
		}
		out = append(out, line+".")
	} else if len(r.activities) > 0 {
		out = append(out, fmt.Sprintf("Activities: %s.", andList(r.activities)))
	}
	used := b.used
	var broad []string
	if used["S3Objects"] || used["S3Buckets"] {
		mode := "read-write"
		if r.ReadOnly {
			mode = "read-only"
		}
		if len(r.Buckets) == 0 {
			broad = append(broad, fmt.Sprintf("S3 %s on every bucket of the account (name buckets with --bucket)", mode))
		} else {
			var names []string
			for _, g := range r.Buckets {
				if g.prefix() != "" {
					names = append(names, g.String()+" (that prefix only)")
				} else {
					names = append(names, g.Bucket)
				}
			}
			out = append(out, fmt.Sprintf("S3, %s: %s; no other bucket can be listed, read or written.", mode, andList(names)))
		}
	}
	if used["PassRoles"] {
		out = append(out, fmt.Sprintf("It can pass only %s, and only to SageMaker.", andList(b.passRoles)))
	}
	if len(r.KMSKeys) > 0 && (r.kmsOption() || used["KmsKeys"]) {
		out = append(out, fmt.Sprintf("KMS: only %s.", andList(r.KMSKeys)))
	}
	if used["EcrRepos"] && len(r.ECRRepos) == 0 {
		broad = append(broad, "ECR images of every repository (name them with --ecr-repo)")
	}
	if used["LogGroups"] && !r.LogGroups {
		broad = append(broad, "CloudWatch Logs on every log group (narrow to /aws/sagemaker/* with --log-groups)")
	}
	if r.VPC {
		out = append(out, "EC2: the network-interface actions jobs in a VPC need, on any VPC.")
	}
	for _, g := range b.guardrails {
		out = append(out, fmt.Sprintf("Guardrail %s restricts %s (%s): it refuses them %s.", g.Name, countOf(len(g.Restricted), "action", "actions"),
			someOf(g.Restricted, 3), r.refusal(g.Name)))
	}
	for _, w := range broad {
		out = append(out, "Broad: "+w+".")
	}
	return out, nil
}

// refusal says what a guardrail refuses, with the values it is pinned to.
func (r resolved) refusal(g string) string {
	switch g {
	case InstanceTypes:
		return "on instance types other than " + orList(r.InstanceTypes)
	case NetworkIsolation:
		return "without network isolation"
	case VPCOnly:
		s := "outside a VPC (without subnets and security groups)"
		if len(r.Subnets) > 0 {
			s += ", or in subnets other than " + orList(r.Subnets)
		}
		if len(r.SecurityGroups) > 0 {
			s += ", or with security groups other than " + orList(r.SecurityGroups)
		}
		return s
	case VolumeKMS:
		s := "without a volume KMS key"
		if len(r.KMSKeys) > 0 {
			s += ", or with a key other than " + orList(r.KMSKeys)
		}
		return s
	case NotebookNoRoot:
		return "with root access"
	case NotebookNoInternet:
		return "with direct internet access"
	case SourceIP:
		return "from outside " + orList(r.SourceIPs)
	case SourceVPCE:
		return "not made through " + orList(r.SourceVPCEs)
	case TagAccess:
		return fmt.Sprintf("on resources tagged %s with another value than %s, or tagging them so", r.ResourceTagKey, r.ResourceTagValue)
	case AddTagsOnCreate:
		return "when tags are added outside a create call"
	}
	return ""
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// someOf names the first n of l, and how many more.
func someOf(l []string, n int) string {
	if len(l) <= n {
		return strings.Join(l, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(l[:n], ", "), len(l)-n)
}

func andList(l []string) string { return joinLast(l, " and ") }
func orList(l []string) string  { return joinLast(l, " or ") }

func joinLast(l []string, last string) string {
	switch len(l) {
	case 0:
		return ""
	case 1:
		return l[0]
	}
	return strings.Join(l[:len(l)-1], ", ") + last + l[len(l)-1]
}

// minus is a without the names in b, in a's order.
func minus(a, b []string) []string {
	drop := setOf(b)
	var out []string
	for _, x := range a {
		if !drop[x] {
			out = append(out, x)
		}
	}
	return out
}
