package rolemanager

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// Role is what recognition reads of a role.
type Role struct {
	Name, ARN string
	Inline    map[string]string // inline policy name → document
	// Managed are its attached managed policies; Document is read for
	// the customer managed ones whose name is a Role Manager template's.
	Managed []Managed
}

// Managed is one attached managed policy.
type Managed struct {
	Name, ARN string
	Document  string // "" when not read
}

// Match is what sagerole makes of a role Role Manager made. Its JSON is
// part of `sagerole modify ROLE --output json` (roleManager).
type Match struct {
	// Made is how the role was made: "console" (the name starts with
	// sagemaker-), "cdk" (SageMaker-), or "unknown" (Role Manager's
	// policies under another name).
	Made string `json:"made"`
	// RoleManagerPersona names Role Manager's persona when the role has
	// exactly its preselected activities; sagerole's persona of the same
	// name is Persona.
	RoleManagerPersona string `json:"roleManagerPersona,omitempty"`
	Persona            string `json:"persona,omitempty"`
	// Activities are the sagerole activities the role's Role Manager
	// policies correspond to, in sagerole's order.
	Activities []string `json:"activities"`
	Options    Options  `json:"options"`
	// Guardrails are what Role Manager's VPC customization becomes.
	Guardrails []string        `json:"guardrails"`
	Policies   []PolicyMatch   `json:"policies"`
	Unmatched  []string        `json:"differences"`
	Command    string          `json:"command"`
	scope      policy.Scope    // the sagerole scope, for the differences
	remove     []removedPolicy // what the command removes
}

// Options are the sagerole options the policies' values become.
type Options struct {
	Buckets          []string `json:"buckets"`
	ECRRepos         []string `json:"ecrRepos"`
	PassRoles        []string `json:"passRoles"`
	KMSKeys          []string `json:"kmsKeys"`
	Subnets          []string `json:"subnets"`
	SecurityGroups   []string `json:"securityGroups"`
	GlueDatabases    []string `json:"glueDatabases"`
	AthenaWorkgroups []string `json:"athenaWorkgroups"`
	VPC              bool     `json:"vpc"`
}

// PolicyMatch is one of the role's Role Manager policies.
type PolicyMatch struct {
	Name                string `json:"name"`
	Kind                string `json:"kind"` // inline or managed
	Template            string `json:"template"`
	Version             int    `json:"version,omitempty"`
	VPC                 bool   `json:"vpc,omitempty"`
	KMS                 bool   `json:"kms,omitempty"`
	RoleManagerActivity string `json:"roleManagerActivity"`
	Activity            string `json:"activity,omitempty"` // "" when sagerole has none
	// Match is "full" (the sagerole activity allows every action it does),
	// "partial" (see Differences) or "none".
	Match       string   `json:"match"`
	Differences []string `json:"differences,omitempty"`
}

type removedPolicy struct{ name, arn string }

// Recognize returns what Role Manager made of the role, or nil when none
// of its policies is a Role Manager template's (a "sagemaker-" name alone
// is too common to say so).
func Recognize(r Role) (*Match, error) {
	ref, err := policy.Reference()
	if err != nil {
		return nil, err
	}
	m := &Match{Made: "unknown", Activities: []string{}, Guardrails: []string{}, Policies: []PolicyMatch{}, Unmatched: []string{}}
	switch {
	case strings.HasPrefix(r.Name, "sagemaker-"):
		m.Made = "console"
	case strings.HasPrefix(r.Name, "SageMaker-"):
		m.Made = "cdk"
	}
	docs := map[string]policy.Document{} // policy name → document, for the differences
	for _, name := range sortedKeys(r.Inline) {
		p, ok := parseName(name)
		if !ok {
			continue
		}
		d, err := policy.Parse(r.Inline[name])
		if err != nil {
			m.Unmatched = append(m.Unmatched, fmt.Sprintf("inline policy %s looks like Role Manager's %s but cannot be read: %v", name, p.Name, err))
			continue
		}
		m.add(name, "inline", p, d)
		docs[name] = d
		m.remove = append(m.remove, removedPolicy{name: name})
	}
	for _, a := range r.Managed {
		if t, ok := managed[a.Name]; ok && strings.Contains(a.ARN, ":aws:policy/") {
			m.Policies = append(m.Policies, PolicyMatch{Name: a.Name, Kind: "managed", Template: t.Name, RoleManagerActivity: t.Title, Activity: t.Activity})
			continue
		}
		p, ok := parseName(a.Name)
		if !ok {
			continue
		}
		if a.Document == "" {
			m.Unmatched = append(m.Unmatched, fmt.Sprintf("managed policy %s looks like Role Manager's %s but its document was not read", a.Name, p.Name))
			continue
		}
		d, err := policy.Parse(a.Document)
		if err != nil {
			m.Unmatched = append(m.Unmatched, fmt.Sprintf("managed policy %s looks like Role Manager's %s but cannot be read: %v", a.Name, p.Name, err))
			continue
		}
		m.add(a.Name, "managed", p, d)
		docs[a.Name] = d
		m.remove = append(m.remove, removedPolicy{name: a.Name, arn: a.ARN})
	}
	if len(docs) == 0 {
		return nil, nil
	}
	m.finish(r, ref, docs)
	return m, nil
}

// add records one Role Manager policy and the options its values give.
func (m *Match) add(name, kind string, p parsed, d policy.Document) {
	pm := PolicyMatch{Name: name, Kind: kind, Template: p.Name, Version: p.Version, VPC: p.VPC, KMS: p.KMS,
		RoleManagerActivity: p.Title, Activity: p.Activity}
	m.Policies = append(m.Policies, pm)
	o := &m.Options
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, res := range s.Resource {
			switch {
			case strings.HasPrefix(res, "arn:") && strings.Contains(res, ":s3:::") && !strings.Contains(res, "*"):
				o.Buckets = append(o.Buckets, strings.SplitN(res[strings.Index(res, ":::")+3:], "/", 2)[0])
			case strings.HasPrefix(res, "arn:") && strings.Contains(res, ":s3:::") && strings.HasSuffix(res, "/*"):
				if b := strings.TrimSuffix(res[strings.Index(res, ":::")+3:], "/*"); !strings.ContainsAny(b, "*/") {
					o.Buckets = append(o.Buckets, b)
				}
			case strings.Contains(res, ":ecr:") && strings.Contains(res, ":repository/") && !strings.Contains(res, "*"):
				o.ECRRepos = append(o.ECRRepos, res)
			case strings.Contains(res, ":glue:") && strings.Contains(res, ":database/") && !strings.HasSuffix(res, "/sagemaker_featurestore"):
				o.GlueDatabases = append(o.GlueDatabases, res[strings.Index(res, ":database/")+len(":database/"):])
			case strings.Contains(res, ":athena:") && strings.Contains(res, ":workgroup/"):
				if w := res[strings.Index(res, ":workgroup/")+len(":workgroup/"):]; w != "primary" {
					o.AthenaWorkgroups = append(o.AthenaWorkgroups, w)
				}
			case slices.ContainsFunc(s.Action, func(a string) bool { return strings.HasPrefix(strings.ToLower(a), "kms:") }):
				o.KMSKeys = append(o.KMSKeys, res)
			case slices.Contains(s.Action, "iam:PassRole") && res != "*":
				o.PassRoles = append(o.PassRoles, res)
			}
		}
		for op, byKey := range s.Condition {
			if strings.EqualFold(op, "Null") {
				continue
			}
			for k, v := range byKey {
				switch strings.ToLower(k) {
				case "sagemaker:vpcsubnets":
					o.Subnets = append(o.Subnets, v...)
				case "sagemaker:vpcsecuritygroupids":
					o.SecurityGroups = append(o.SecurityGroups, v...)
				}
			}
		}
	}
	if p.VPC && p.Activity == policy.AWSServices {
		o.VPC = true
	}
}

// finish works out the activities, the persona, the differences and the
// command, once every policy is read.
func (m *Match) finish(r Role, ref *iamref.Reference, docs map[string]policy.Document) {
	o := &m.Options
	o.Buckets, o.ECRRepos, o.GlueDatabases, o.AthenaWorkgroups = set(o.Buckets), set(o.ECRRepos), set(o.GlueDatabases), set(o.AthenaWorkgroups)
	o.Subnets, o.SecurityGroups = set(o.Subnets), set(o.SecurityGroups)
	o.PassRoles = slices.DeleteFunc(set(o.PassRoles), func(a string) bool { return a == r.ARN })
	var keyIDs []string
	o.KMSKeys = slices.DeleteFunc(set(o.KMSKeys), func(k string) bool {
		if rules.KMSKeyARN(k) != nil {
			keyIDs = append(keyIDs, k)
			return true
		}
		return false
	})
	if len(keyIDs) > 0 {
		m.Unmatched = append(m.Unmatched, fmt.Sprintf("Role Manager names KMS keys by ID (%s), which IAM matches against no key; sagerole grants keys by ARN: give --kms-key arn:aws:kms:REGION:ACCOUNT:key/ID", strings.Join(keyIDs, ", ")))
	}
	want := map[string]bool{}
	for _, p := range m.Policies {
		if p.Activity != "" {
			want[p.Activity] = true
		}
	}
	for _, c := range policy.Activities() {
		if want[c.Name] {
			m.Activities = append(m.Activities, c.Name)
		}
	}
	for _, p := range personas {
		if slices.Equal(slices.Sorted(slices.Values(p.Activities)), slices.Sorted(slices.Values(m.Activities))) {
			m.RoleManagerPersona, m.Persona = p.Title, p.Persona
		}
	}
	// Role Manager's VPC and KMS customizations are conditions on its
	// Allow of the Create calls (the _VPC and _KMS templates): sagerole's
	// guardrails, pinned to the same values.
	if len(o.Subnets) > 0 || len(o.SecurityGroups) > 0 {
		m.Guardrails = append(m.Guardrails, policy.VPCOnly)
	}
	if slices.ContainsFunc(m.Policies, func(p PolicyMatch) bool {
		return p.KMS && p.Activity != policy.AWSServices && p.Activity != policy.StudioApps
	}) {
		m.Guardrails = append(m.Guardrails, policy.VolumeKMS)
	}
	m.scope = policy.Scope{Activities: m.Activities, ECRRepos: o.ECRRepos, VPC: o.VPC, KMSKeys: o.KMSKeys, PassRoles: o.PassRoles,
		GlueDatabases: o.GlueDatabases, AthenaWorkgroups: o.AthenaWorkgroups, Subnets: o.Subnets, SecurityGroups: o.SecurityGroups,
		RoleARN: r.ARN, Account: rules.AccountFromARN(r.ARN)}
	for _, b := range o.Buckets {
		m.scope.Buckets = append(m.scope.Buckets, policy.BucketGrant{Bucket: b})
	}
	for i := range m.Policies {
		m.compare(&m.Policies[i], ref, docs[m.Policies[i].Name])
	}
	m.Command = m.command(r)
}

// compare sets a policy's Match and Differences: what Role Manager's
// policy allows that the sagerole activity, with the options found, does
// not, and where Role Manager's grants reach further.
func (m *Match) compare(p *PolicyMatch, ref *iamref.Reference, d policy.Document) {
	if p.Activity == "" {
		p.Match = "none"
		t := managed[p.Template]
		for _, tt := range templates {
			if tt.Name == p.Template {
				t = tt
			}
		}
		p.Differences = append(p.Differences, fmt.Sprintf("Role Manager's %s has no sagerole activity: %s", p.RoleManagerActivity, t.NoEquivalent))
		m.Unmatched = append(m.Unmatched, fmt.Sprintf("%s (%s): %s", p.Name, p.RoleManagerActivity, p.Differences[0]))
		return
	}
	if len(d.Statement) == 0 { // an AWS managed Canvas policy: not read
		p.Match = "partial"
		p.Differences = append(p.Differences, fmt.Sprintf("%s is an AWS managed policy that AWS changes; %s grants its own, scoped to Canvas's resources and the caller's own profile", p.Name, p.Activity))
		return
	}
	s := m.scope
	s.Activities = []string{p.Activity}
	ours, err := policy.Build(usedOnly(s))
	if err != nil {
		p.Match = "partial"
		p.Differences = append(p.Differences, fmt.Sprintf("sagerole's %s could not be built from what the policy names: %v", p.Activity, err))
		return
	}
	theirs, mine := allowed(ref, d), allowed(ref, ours)
	var extra []string
	for a := range theirs {
		if !mine[a] {
			extra = append(extra, a)
		}
	}
	sort.Strings(extra)
	p.Match = "full"
	if len(extra) > 0 {
		p.Match = "partial"
		p.Differences = append(p.Differences, fmt.Sprintf("it allows %s, which sagerole's %s does not", someOf(extra, 4), p.Activity))
	}
	if everyAccount(d) {
		reach := "this account's and region's"
		if p.Activity == policy.StudioApps {
			reach += ", and of Studio only the caller's own profile and spaces"
		}
		p.Differences = append(p.Differences, fmt.Sprintf("its SageMaker grants name resources of every account and region (arn:aws:sagemaker:*:*:*/*); sagerole's %s names only %s", p.Activity, reach))
	}
	for _, x := range p.Differences {
		if p.Match == "partial" {
			m.Unmatched = append(m.Unmatched, fmt.Sprintf("%s (%s): %s", p.Name, p.RoleManagerActivity, x))
			break
		}
	}
}

// usedOnly keeps, of the scope's options, those the activity narrows with
// (each tried on its own), so that it builds alone.
func usedOnly(s policy.Scope) policy.Scope {
	base := policy.Scope{Activities: s.Activities, RoleARN: s.RoleARN, Account: s.Account}
	out := base
	for _, add := range []func(*policy.Scope){
		func(x *policy.Scope) { x.Buckets = s.Buckets },
		func(x *policy.Scope) { x.ECRRepos = s.ECRRepos },
		func(x *policy.Scope) { x.KMSKeys = s.KMSKeys },
		func(x *policy.Scope) { x.PassRoles = s.PassRoles },
		func(x *policy.Scope) { x.GlueDatabases = s.GlueDatabases },
		func(x *policy.Scope) { x.AthenaWorkgroups = s.AthenaWorkgroups },
		func(x *policy.Scope) { x.VPC = s.VPC },
	} {
		try := base
		add(&try)
		if _, err := policy.Build(try); err == nil {
			add(&out)
		}
	}
	return out
}

// allowed are the actions a document's Allow statements name, expanded.
func allowed(ref *iamref.Reference, d policy.Document) map[string]bool {
	out := map[string]bool{}
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, p := range s.Action {
			for _, a := range ref.Expand(p) {
				out[a.FullName()] = true
			}
		}
	}
	return out
}

// everyAccount reports whether a document grants SageMaker actions on
// ARNs of any account.
func everyAccount(d policy.Document) bool {
	for _, s := range d.Statement {
		for _, r := range s.Resource {
			if f := strings.SplitN(r, ":", 6); len(f) == 6 && f[2] == "sagemaker" && f[4] == "*" {
				return true
			}
		}
	}
	return false
}

// command is the sagerole modify line that gives the role sagerole's
// activities for Role Manager's and removes Role Manager's policies.
func (m *Match) command(r Role) string {
	if len(m.Activities) == 0 {
		return ""
	}
	args := []string{"sagerole", "modify", r.Name, "--add-activity", strings.Join(m.Activities, ",")}
	o := m.Options
	flag := func(name string, vals []string) {
		for _, v := range vals {
			args = append(args, "--"+name, v)
		}
	}
	flag("add-bucket", o.Buckets)
	flag("ecr-repo", o.ECRRepos)
	flag("pass-role", o.PassRoles)
	flag("kms-key", o.KMSKeys)
	flag("glue-database", o.GlueDatabases)
	flag("athena-workgroup", o.AthenaWorkgroups)
	if o.VPC {
		args = append(args, "--vpc")
	}
	flag("add-guardrail", m.Guardrails)
	flag("subnet", o.Subnets)
	flag("security-group", o.SecurityGroups)
	for _, p := range m.remove {
		if p.arn != "" {
			args = append(args, "--detach", p.arn)
		} else {
			args = append(args, "--delete-inline", p.name)
		}
	}
	return strings.Join(args, " ")
}

func set(l []string) []string {
	if len(l) == 0 {
		return []string{}
	}
	out := slices.Clone(l)
	sort.Strings(out)
	return slices.Compact(out)
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func someOf(l []string, n int) string {
	if len(l) <= n {
		return strings.Join(l, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(l[:n], ", "), len(l)-n)
}
