// Package policy builds the IAM documents of SageMaker execution roles: the
// trust policy, custom scopes assembled from ML activities, options,
// guardrails and personas, and the S3 bucket policy — as plain Go, no AWS
// SDK, no terminal.
//
// The templates are data, in assets/policies (go:embed), written from two
// pages of the SageMaker documentation:
//
//   - trust.json — seed 000, "Passing roles": the trust policy shared by all
//     execution roles.
//   - s3.json, s3-read-only.json — seed 000, "Add additional Amazon S3
//     permissions to a SageMaker execution role"; the read-only one keeps
//     the reads of the same policy. Bucket actions go on the named buckets
//     only, never "*" (see S3Policy).
//   - activities/training, processing, tuning, hosting, automl, notebook,
//     images, domain-kms — seed 000, the per-API sections (CreateTrainingJob,
//     CreateProcessingJob, CreateHyperParameterTuningJob, CreateModel,
//     CreateAutoMLJob, CreateNotebookInstance, CreateImage/UpdateImage,
//     CreateDomain): each written in the section's restricted form, with
//     "*" where no option narrows it, which gives back the section's first
//     policy. Every action, resource type and condition key was checked
//     against the Service Authorization Reference. notebook and automl
//     pass only the role itself (RoleARN) and the roles named (PassRoles),
//     never "*"; notebook replaces the seed's sagemaker:* with the job,
//     model and endpoint actions a notebook runs, on this account's ARNs,
//     and drops the retired robomaker actions, ECR repository
//     administration and ec2:CreateVpcEndpoint.
//   - options/vpc, options/kms — seed 000, the VPC and KMS additions that
//     follow each per-API section (given there without a Resource; "*" for
//     the ec2 actions, the given key ARNs for kms, with GenerateDataKey for
//     SSE-KMS writes and CreateGrant only for AWS resources,
//     kms:GrantIsForAWSResource).
//   - guardrails/* — seed 002, "Control creation of SageMaker AI resources
//     with condition keys", "Control access to the SageMaker AI API by using
//     identity-based policies" and "Grant permissions for tagging": the
//     seed's examples allow with a condition, which restricts nothing in a
//     role that also allows the action unconditioned, so each guardrail is
//     the Deny with the negated condition.
//
// Placeholders ("${S3Objects}", "${S3Buckets}", "${EcrRepos}",
// "${LogGroups}", "${KmsKeys}", "${InstanceTypes}", "${SourceIps}",
// "${SourceVpces}", "${PassRoles}", "${Partition}", "${Account}",
// "${Region}", "${TagKey}", "${TagValue}") are filled from a Scope; IAM's
// own ${aws:…} variables pass through. Everything generated goes through MergeDocuments, so the same
// inputs always give the same bytes.
package policy
