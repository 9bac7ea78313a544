// Package eval decides whether a role's identity-based policies allow a
// request, and says why: the decision (explicit deny, allow, implicit
// deny), the statements that made it, and for every statement how its
// action, resource and each condition met the request.
//
// It follows the IAM User Guide (docs.aws.amazon.com/IAM/latest/UserGuide/):
//
//   - reference_policies_evaluation-logic.html — an explicit Deny in any
//     policy wins; otherwise an identity-based Allow is needed, and, with a
//     permissions boundary, a boundary Allow too;
//   - reference_policies_elements_action.html — actions compare
//     case-insensitively, with * and ? anywhere;
//   - reference_policies_elements_resource.html — resources compare
//     case-sensitively, each of the first five ARN parts on its own;
//   - reference_policies_elements_condition_operators.html — every
//     operator, …IfExists, Null, and what a missing key does;
//   - reference_policies_multi-value-conditions.html and
//     reference_policies_condition-single-vs-multi-valued-context-keys.html
//     — ForAnyValue/ForAllValues, and empty or missing sets;
//   - reference_policies_variables.html — ${aws:username},
//     ${aws:PrincipalTag/k}, defaults, ${*} ${?} ${$}, and variables without
//     a value.
//
// What is not modelled is left to the caller to say: resource-based
// policies, SCPs and RCPs, session policies, VPC endpoint policies.
package eval
