package policy

import (
	"fmt"
	"slices"
	"strings"
)

// SageMakerService is the service principal of every execution role's trust.
const SageMakerService = "sagemaker.amazonaws.com"

// TrustService is a service principal besides SageMaker that must be able
// to assume the role for an activity to work: the activity lets the role
// pass itself to that service, which then runs as the role.
type TrustService struct {
	Principal string // scheduler.amazonaws.com
	Activity  string // the activity that needs it
	// Why says, in a sentence for the review, what the service does as
	// the role.
	Why string
}

// TrustServices are the services sagerole's activities need in the trust
// policy, in a fixed order. Each has a template trust/NAME (NAME is the
// principal without .amazonaws.com). EventBridge Scheduler and EMR
// Serverless put aws:SourceAccount in the request, as their guides'
// trust policies show (scheduler/latest/UserGuide/setting-up.html,
// emr/latest/EMR-Serverless-UserGuide/security-iam-runtime-role.html), so
// their statements hold only for this account; Glue's interactive sessions
// guide gives glue.amazonaws.com without one
// (glue/latest/dg/glue-is-security.html).
func TrustServices() []TrustService {
	return []TrustService{
		{Principal: "scheduler.amazonaws.com", Activity: Pipelines,
			Why: "EventBridge Scheduler runs the pipelines' schedules as this role (pipelines)"},
		{Principal: "glue.amazonaws.com", Activity: GlueSessions,
			Why: "Glue runs the interactive sessions Studio starts as this role (glue-sessions)"},
		{Principal: "emr-serverless.amazonaws.com", Activity: EMRServerless,
			Why: "EMR Serverless runs Studio's Spark jobs and sessions as this role, its runtime role (emr-serverless)"},
	}
}

// TrustServiceFor returns the TrustService of a principal.
func TrustServiceFor(principal string) (TrustService, bool) {
	for _, t := range TrustServices() {
		if strings.EqualFold(t.Principal, principal) {
			return t, true
		}
	}
	return TrustService{}, false
}

func trustTemplate(principal string) string {
	return "trust/" + strings.TrimSuffix(principal, ".amazonaws.com")
}

// TrustDocument is the trust policy of an execution role (seed 000): the
// SageMaker service principal may call sts:AssumeRole.
func TrustDocument() Document {
	t, err := template("trust")
	if err != nil {
		// The template is embedded and checked by the tests; a failure here
		// is a broken build, not bad input.
		panic(err)
	}
	return MergeDocuments(t)
}

// Trust is TrustDocument as JSON.
func Trust() string { return TrustDocument().String() }

// TrustFor is the trust policy of a role whose activities need the given
// service principals (TrustServices) besides SageMaker, in account (""
// for any).
func TrustFor(principals []string, account string) (Document, error) {
	docs := []Document{TrustDocument()}
	for _, p := range principals {
		d, err := TrustStatementsFor(p, account)
		if err != nil {
			return Document{}, err
		}
		docs = append(docs, d)
	}
	return MergeDocuments(docs...), nil
}

// TrustStatementsFor is the trust statement that lets principal assume a
// role of account ("" for any), as a document of its own.
func TrustStatementsFor(principal, account string) (Document, error) {
	if _, ok := TrustServiceFor(principal); !ok {
		return Document{}, fmt.Errorf("no trust template for %s", principal)
	}
	t, err := template(trustTemplate(principal))
	if err != nil {
		return Document{}, err
	}
	v := &vars{scalars: map[string]string{"Account": orStar(account)}, lists: map[string][]string{}, used: map[string]bool{}}
	return v.fill(t)
}

// TrustsSageMaker reports whether a trust policy lets SageMaker assume the
// role: an Allow of sts:AssumeRole to the SageMaker service principal (a
// condition, such as aws:SourceAccount, is accepted), not undone by an
// unconditioned Deny.
func TrustsSageMaker(doc Document) bool { return Trusts(doc, SageMakerService) }

// Trusts reports whether a trust policy lets the service principal assume
// the role, as TrustsSageMaker does for SageMaker.
func Trusts(doc Document, service string) bool {
	allowed := false
	for _, s := range doc.Statement {
		if s.NotAction != nil || s.NotPrincipal != nil || !principalHas(s.Principal, service) || !actionsCover(s.Action, "sts:AssumeRole") {
			continue
		}
		switch {
		case s.Effect == "Deny" && len(s.Condition) == 0:
			return false
		case s.Effect == "Allow":
			allowed = true
		}
	}
	return allowed
}

func principalHas(p Principal, service string) bool {
	if slices.ContainsFunc(p["Service"], func(id string) bool { return strings.EqualFold(id, service) }) {
		return true
	}
	return slices.Contains(p["AWS"], "*")
}

func actionsCover(actions []string, action string) bool {
	for _, a := range actions {
		if actionCovers(a, action) {
			return true
		}
	}
	return false
}

// FixTrust adds SageMaker's statement to a trust policy that lacks it,
// keeping what the policy already allows; changed is false when it already
// trusts SageMaker. An unconditioned Deny of SageMaker is left for a person
// to judge, so check TrustsSageMaker on the result.
func FixTrust(doc Document) (fixed Document, changed bool) {
	if TrustsSageMaker(doc) {
		return doc, false
	}
	if len(doc.Statement) == 0 {
		return TrustDocument(), true
	}
	return MergeDocuments(doc, TrustDocument()), true
}
