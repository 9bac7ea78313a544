package policy

import (
	"fmt"
	"strconv"

	"github.com/sagerole/sagerole/awsops/rules"
)

// Limits are IAM's policy size quotas, in characters not counting white
// space. In a real account they come from iam GetAccountSummary (see
// LimitsFromSummary); the zero value of a field means its default.
type Limits struct {
	RolePolicySize    int // all inline policies of a role together (RolePolicySizeQuota, 10,240)
	ManagedPolicySize int // one managed policy (PolicySizeQuota, 6,144)
	TrustPolicySize   int // a role's trust policy (AssumeRolePolicySizeQuota, 2,048)

	// InlinePolicySize is the size sagerole keeps each of its inline
	// policies under. IAM only limits the role's total; keeping each
	// document to the managed-policy size keeps it readable and lets it be
	// turned into a managed policy unchanged. Default: ManagedPolicySize.
	InlinePolicySize int

	// InUse is what the role's other inline policies already use of
	// RolePolicySize (for a role being modified).
	InUse int
}

// Defaults of IAM's quotas.
const (
	DefaultRolePolicySize    = 10240
	DefaultManagedPolicySize = 6144
	DefaultTrustPolicySize   = 2048
)

// DefaultLimits returns IAM's default quotas.
func DefaultLimits() Limits { return Limits{}.orDefaults() }

// LimitsFromSummary reads the quotas from iam GetAccountSummary's SummaryMap;
// missing entries keep their defaults.
func LimitsFromSummary(summary map[string]int32) Limits {
	l := Limits{
		RolePolicySize:    int(summary["RolePolicySizeQuota"]),
		ManagedPolicySize: int(summary["PolicySizeQuota"]),
		TrustPolicySize:   int(summary["AssumeRolePolicySizeQuota"]),
	}
	return l.orDefaults()
}

func (l Limits) orDefaults() Limits {
	if l.RolePolicySize <= 0 {
		l.RolePolicySize = DefaultRolePolicySize
	}
	if l.ManagedPolicySize <= 0 {
		l.ManagedPolicySize = DefaultManagedPolicySize
	}
	if l.TrustPolicySize <= 0 {
		l.TrustPolicySize = DefaultTrustPolicySize
	}
	if l.InlinePolicySize <= 0 {
		l.InlinePolicySize = l.ManagedPolicySize
	}
	if l.InlinePolicySize > l.RolePolicySize {
		l.InlinePolicySize = l.RolePolicySize
	}
	return l
}

// CheckInline refuses inline policies that, with l.InUse, exceed the
// role's total.
func (l Limits) CheckInline(docs ...Document) error {
	l = l.orDefaults()
	total := 0
	for _, d := range docs {
		total += d.Size()
	}
	if total+l.InUse <= l.RolePolicySize {
		return nil
	}
	what := fmt.Sprintf("the inline policies come to %s characters", Thousands(total))
	if len(docs) == 1 {
		what = fmt.Sprintf("the inline policy is %s characters", Thousands(total))
	}
	if l.InUse > 0 {
		what += fmt.Sprintf(" and the role's other inline policies use %s", Thousands(l.InUse))
	}
	return &rules.InputError{Field: "policy size", Msg: fmt.Sprintf(
		"%s (white space not counted); IAM allows at most %s characters for all inline policies of a role together (RolePolicySizeQuota)",
		what, Thousands(l.RolePolicySize))}
}

// CheckManaged refuses a managed policy document over the quota.
func (l Limits) CheckManaged(doc Document) error {
	l = l.orDefaults()
	if n := doc.Size(); n > l.ManagedPolicySize {
		return &rules.InputError{Field: "policy size", Msg: fmt.Sprintf(
			"the managed policy is %s characters (white space not counted); IAM allows at most %s (PolicySizeQuota)",
			Thousands(n), Thousands(l.ManagedPolicySize))}
	}
	return nil
}

// CheckTrust refuses a trust policy over the quota.
func (l Limits) CheckTrust(doc Document) error {
	l = l.orDefaults()
	if n := doc.Size(); n > l.TrustPolicySize {
		return &rules.InputError{Field: "trust policy", Msg: fmt.Sprintf(
			"the trust policy is %s characters (white space not counted); IAM allows at most %s (AssumeRolePolicySizeQuota)",
			Thousands(n), Thousands(l.TrustPolicySize))}
	}
	return nil
}

// Thousands writes n with comma separators, as IAM's documentation does.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Split divides doc into documents of at most max characters each, keeping
// statement order. A statement too large on its own is cut into statements
// with fewer actions (or, with one action, fewer resources), which allow
// the same together. It fails only when one action on one resource does not
// fit.
func Split(doc Document, max int) ([]Document, error) {
	if doc.Size() <= max {
		return []Document{doc}, nil
	}
	empty := Document{Version: doc.Version, ID: doc.ID}
	var pieces []Statement
	for _, s := range doc.Statement {
		p, err := cut(empty, s, max)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, p...)
	}
	var out []Document
	cur := empty
	for _, s := range pieces {
		next := cur
		next.Statement = append(append([]Statement(nil), cur.Statement...), s)
		if len(cur.Statement) > 0 && next.Size() > max {
			out = append(out, cur)
			next = empty
			next.Statement = []Statement{s}
		}
		cur = next
	}
	out = append(out, cur)
	for i := range out {
		out[i].Statement = uniqueSids(out[i].Statement)
	}
	return out, nil
}

// cut halves s until each piece fits in a document of its own. It halves
// the longer of its two lists: both halves repeat the other one, so
// halving a few actions on 300 resources would repeat the 300 resources
// and nearly double what the pieces add up to.
func cut(empty Document, s Statement, max int) ([]Statement, error) {
	d := empty
	d.Statement = []Statement{s}
	if d.Size() <= max {
		return []Statement{s}, nil
	}
	var a, b Statement
	switch {
	case len(s.Resource) > 1 && (len(s.Action) <= 1 || chars(s.Resource) > chars(s.Action)):
		a, b = s, s
		h := len(s.Resource) / 2
		a.Resource, b.Resource = s.Resource[:h], s.Resource[h:]
	case len(s.Action) > 1:
		a, b = s, s
		h := len(s.Action) / 2
		a.Action, b.Action = s.Action[:h], s.Action[h:]
	default:
		return nil, &rules.InputError{Field: "policy size", Msg: fmt.Sprintf(
			"one statement is %s characters (white space not counted), more than the %s an inline policy may use here",
			Thousands(d.Size()), Thousands(max))}
	}
	pa, err := cut(empty, a, max)
	if err != nil {
		return nil, err
	}
	pb, err := cut(empty, b, max)
	if err != nil {
		return nil, err
	}
	return append(pa, pb...), nil
}

// chars is how much of a statement a list takes.
func chars(l []string) int {
	n := 0
	for _, x := range l {
		n += len(x) + 3 // quotes and comma
	}
	return n
}
