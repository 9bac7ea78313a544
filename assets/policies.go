package assets

import "embed"

// Policies holds the policy templates flows/policy fills in: trust.json,
// s3.json and s3-read-only.json, and one file per activity, option and
// guardrail under activities/, options/ and guardrails/. Placeholders such as
// "${S3Objects}" are filled by code; see flows/policy.
//
//go:embed policies
var Policies embed.FS
