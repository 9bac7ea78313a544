package policy

import (
	"fmt"
	"slices"
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
		p, _ := PersonaChoice(r.Persona)
		in := minus(p.Activities, keysOf(r.leftOut))
		line := fmt.Sprintf("Persona %s (Role Manager's %s): %s", r.Persona, p.Title, andList(Labels(in)))
		if extra := minus(r.activities, p.Activities); len(extra) > 0 {
			line += ", with " + andList(Labels(extra))
		}
		out = append(out, line+".")
		for _, a := range keysOf(r.leftOut) {
			c, _ := ActivityChoice(a)
			out = append(out, fmt.Sprintf("Left out: %s, because %s.", c.Label(), r.leftOut[a]))
		}
	} else if len(r.activities) > 0 {
		out = append(out, fmt.Sprintf("Activities: %s.", andList(Labels(r.activities))))
	}
	acts := setOf(r.activities)
	if acts[StudioApps] || acts[Canvas] {
		out = append(out, "Studio: apps and spaces only of the caller's own user profile (sagemaker:OwnerUserProfileArn and the session's sagemaker:UserProfileName), apps in the domain's shared spaces, a presigned URL only for its own profile; no domain or user profile administration.")
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
		out = append(out, fmt.Sprintf("It can pass only %s, and only to %s.", andList(b.passRoles), andList(passedTo(b.doc))))
	}
	if used["GlueDatabases"] {
		out = append(out, fmt.Sprintf("Glue: tables of %s only.", andList(append([]string{featureStoreDatabase}, r.GlueDatabases...))))
	}
	if used["AthenaWorkgroups"] {
		wg := r.AthenaWorkgroups
		if len(wg) == 0 {
			wg = []string{"primary"}
		}
		out = append(out, fmt.Sprintf("Athena: queries in workgroup %s only.", orList(wg)))
	}
	if len(r.KMSKeys) > 0 && (r.kmsOption() || used["KmsKeys"]) {
		line := fmt.Sprintf("KMS: only %s", andList(r.KMSKeys))
		if r.kmsOption() {
			line += ", through S3 for data and through SageMaker for the grants of volumes"
		}
		out = append(out, line+".")
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
	if star := starWrites(b.doc); len(star) > 0 {
		broad = append(broad, fmt.Sprintf("%s on every resource, since the IAM reference gives %s no resource type to name", andList(star), pronoun(len(star))))
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

// passedTo are the services the document's PassRole statements name in
// iam:PassedToService, sorted.
func passedTo(d Document) []string {
	var out []string
	for _, s := range d.Statement {
		if s.Effect != "Allow" || !actionsCover(s.Action, "iam:PassRole") {
			continue
		}
		for _, byKey := range s.Condition {
			for k, v := range byKey {
				if strings.EqualFold(k, "iam:PassedToService") {
					out = append(out, v...)
				}
			}
		}
	}
	return sortedSet(out)
}

// starWrites are the actions other than reads and lists that the document
// allows on "*" without a condition because the reference gives them no
// resource type, for the review's "Broad" line (the ec2 network-interface
// actions of --vpc have a line of their own).
func starWrites(d Document) []string {
	ref, err := reference()
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range d.Statement {
		if s.Effect != "Allow" || len(s.Condition) > 0 || !slices.Equal(s.Resource, []string{"*"}) {
			continue
		}
		for _, p := range s.Action {
			for _, a := range ref.Expand(p) {
				if len(a.Resources) > 0 || a.Service == "ec2" || strings.HasPrefix(a.Access, "Read") || strings.HasPrefix(a.Access, "List") {
					continue
				}
				out = append(out, a.FullName())
			}
		}
	}
	return sortedSet(out)
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
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
