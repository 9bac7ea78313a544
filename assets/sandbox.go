package assets

import _ "embed"

// SandboxSeed is the account the sandbox backend starts from (awsops/sandbox
// reads it): account 111122223333 in us-east-1, with domains, user profiles,
// spaces, apps, roles, managed policies, buckets and notebook instances that
// look like a real team's account. Its schema is the sandbox's state file
// format; documents may be written as JSON objects here for readability.
//
//go:embed sandbox/account.json
var SandboxSeed []byte
