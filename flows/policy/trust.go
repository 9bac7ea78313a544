package policy

import (
	"strings"
)

// SageMakerService is the service principal of every execution role's trust.
const SageMakerService = "sagemaker.amazonaws.com"

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

// TrustsSageMaker reports whether a trust policy lets SageMaker assume the
// role: an Allow of sts:AssumeRole to the SageMaker service principal (a
// condition, such as aws:SourceAccount, is accepted), not undone by an
// unconditioned Deny.
func TrustsSageMaker(doc Document) bool {
	allowed := false
	for _, s := range doc.Statement {
		if s.NotAction != nil || s.NotPrincipal != nil || !principalHasSageMaker(s.Principal) || !actionsCover(s.Action, "sts:AssumeRole") {
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

func principalHasSageMaker(p Principal) bool {
	for _, id := range p["Service"] {
		if strings.EqualFold(id, SageMakerService) {
			return true
		}
	}
	for _, id := range p["AWS"] {
		if id == "*" {
			return true
		}
	}
	return false
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
