package awsops

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// CLIOptions are the global options a printed command carries so that it
// reaches the same account as sagerole did.
type CLIOptions struct {
	Profile     string
	Region      string
	EndpointURL string
}

// paramfilePrefixes are the prefixes with which the AWS CLI reads a
// parameter's value from somewhere else instead of taking it literally
// (awscli/paramfile.py): file:// and fileb:// read a local file, in v1 and
// v2; http:// and https:// fetch a URL in v1, unless the profile sets
// cli_follow_urlparam = false (v2 never fetches). The test is a
// case-sensitive prefix of the whole value, or of a list's only item.
var paramfilePrefixes = []string{"file://", "fileb://", "http://", "https://"}

// readsElsewhere reports whether the AWS CLI (either version) would read v
// from a file or URL instead of taking it as it is.
func readsElsewhere(v string) bool {
	for _, p := range paramfilePrefixes {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// cliCommand is one aws command line being built: its words, and the
// parameters that must go in --cli-input-json to be taken literally.
type cliCommand struct {
	words []string
	input map[string]any
	// poll, when set, makes the command a shell loop that runs it until
	// it prints a status in poll (see appWait).
	poll *statusPoll
}

func newCLI(words ...string) *cliCommand { return &cliCommand{words: words} }

// flag adds --name value for the API member named member. A value the AWS
// CLI would read as a paramfile goes in --cli-input-json instead, where
// values are taken as they are; a value that starts with "-" is written
// --name=value, or the CLI's parser would take it for an option.
func (c *cliCommand) flag(name, member, value string) {
	switch {
	case readsElsewhere(value):
		c.inputJSON(member, value)
	case strings.HasPrefix(value, "-"):
		c.words = append(c.words, name+"="+value)
	default:
		c.words = append(c.words, name, value)
	}
}

// list adds --name v1 v2… for a list member: in --cli-input-json when an
// item starts with "-" (--name=v works for one item only) or when the CLI
// would read the only item as a paramfile.
func (c *cliCommand) list(name, member string, values []string) {
	literal := !(len(values) == 1 && readsElsewhere(values[0]))
	for _, v := range values {
		literal = literal && !strings.HasPrefix(v, "-")
	}
	if !literal {
		c.inputJSON(member, values)
		return
	}
	c.words = append(c.words, name)
	c.words = append(c.words, values...)
}

func (c *cliCommand) inputJSON(member string, v any) {
	if c.input == nil {
		c.input = map[string]any{}
	}
	c.input[member] = v
}

// global adds a global option (not an operation parameter: the CLI never
// reads those as paramfiles), unless the command has it already (a bucket
// is created in its own region).
func (c *cliCommand) global(name, value string) {
	if value == "" || slices.Contains(c.words, name) || slices.ContainsFunc(c.words, func(w string) bool { return strings.HasPrefix(w, name+"=") }) {
		return
	}
	if strings.HasPrefix(value, "-") {
		c.words = append(c.words, name+"="+value)
		return
	}
	c.words = append(c.words, name, value)
}

// line is the command, quoted for bash, with the globals of opts.
func (c *cliCommand) line(opts CLIOptions) string {
	if c.poll != nil {
		return c.poll.line(c, opts)
	}
	w := c.words
	if len(c.input) > 0 {
		// Explicit options and --cli-input-json combine in both versions
		// of the CLI (the options win for a member given both ways).
		b, _ := json.Marshal(c.input)
		w = append(w, "--cli-input-json", string(b))
	}
	g := &cliCommand{words: w}
	g.global("--profile", opts.Profile)
	g.global("--region", opts.Region)
	g.global("--endpoint-url", opts.EndpointURL)
	q := make([]string, len(g.words))
	for i, s := range g.words {
		q[i] = ShellQuote(s)
	}
	return strings.Join(q, " ")
}

// CLI returns the equivalent `aws` command line, runnable in bash exactly as
// printed and doing only what the step does: every value that is not
// plainly safe is single-quoted, JSON documents are compacted, no value is
// read from a file or URL by the CLI, and a step that sagerole waits on
// before the next (a notebook instance settling) is followed by the
// matching `aws … wait` command.
func (o Op) CLI(opts CLIOptions) string {
	cmds := o.cliCommands()
	if cmds == nil {
		return "# no CLI equivalent for " + o.API
	}
	lines := make([]string, len(cmds))
	for i, c := range cmds {
		lines[i] = c.line(opts)
	}
	return strings.Join(lines, " && ")
}

func (o Op) cliCommands() []*cliCommand {
	a := o.arg
	var c *cliCommand
	switch o.API {
	case APICreateRole:
		c = newCLI("aws", "iam", "create-role")
		c.flag("--role-name", "RoleName", a(ArgRoleName))
		if p := a(ArgPath); p != "" && p != "/" {
			c.flag("--path", "Path", p)
		}
		if d := a(ArgDescription); d != "" {
			c.flag("--description", "Description", d)
		}
		c.flag("--assume-role-policy-document", "AssumeRolePolicyDocument", compactJSON(o.Documents[DocTrustPolicy]))
		if len(o.Tags) > 0 {
			c.flag("--tags", "Tags", tagsJSON(o.Tags))
		}
	case APIDeleteRole:
		c = newCLI("aws", "iam", "delete-role")
		c.flag("--role-name", "RoleName", a(ArgRoleName))
	case APIUpdateAssumeRolePolicy:
		c = newCLI("aws", "iam", "update-assume-role-policy")
		c.flag("--role-name", "RoleName", a(ArgRoleName))
		c.flag("--policy-document", "PolicyDocument", compactJSON(o.Documents[DocTrustPolicy]))
	case APIAttachRolePolicy, APIDetachRolePolicy:
		c = newCLI("aws", "iam", map[string]string{APIAttachRolePolicy: "attach-role-policy", APIDetachRolePolicy: "detach-role-policy"}[o.API])
		c.flag("--role-name", "RoleName", a(ArgRoleName))
		c.flag("--policy-arn", "PolicyArn", a(ArgPolicyARN))
	case APIPutRolePolicy:
		c = newCLI("aws", "iam", "put-role-policy")
		c.flag("--role-name", "RoleName", a(ArgRoleName))
		c.flag("--policy-name", "PolicyName", a(ArgPolicyName))
		c.flag("--policy-document", "PolicyDocument", compactJSON(o.Documents[DocPolicy]))
	case APIDeleteRolePolicy:
		c = newCLI("aws", "iam", "delete-role-policy")
		c.flag("--role-name", "RoleName", a(ArgRoleName))
		c.flag("--policy-name", "PolicyName", a(ArgPolicyName))
	case APITagRole:
		c = newCLI("aws", "iam", "tag-role")
		c.flag("--role-name", "RoleName", a(ArgRoleName))
		c.flag("--tags", "Tags", tagsJSON(o.Tags))
	case APIUntagRole:
		c = newCLI("aws", "iam", "untag-role")
		c.flag("--role-name", "RoleName", a(ArgRoleName))
		c.list("--tag-keys", "TagKeys", o.Keys)
	case APICreateBucket:
		c = newCLI("aws", "s3api", "create-bucket")
		c.flag("--bucket", "Bucket", a(ArgBucket))
		if r := a(ArgRegion); r != "" && r != "us-east-1" {
			c.flag("--create-bucket-configuration", "CreateBucketConfiguration", "LocationConstraint="+r)
		}
		if r := a(ArgRegion); r != "" {
			c.global("--region", r)
		}
	case APIDeleteBucket:
		c = newCLI("aws", "s3api", "delete-bucket")
		c.flag("--bucket", "Bucket", a(ArgBucket))
	case APIUpdateDomain:
		c = newCLI("aws", "sagemaker", "update-domain")
		c.flag("--domain-id", "DomainId", a(ArgDomainID))
		if v, ok := o.Args[ArgDefaultUserRole]; ok {
			c.flag("--default-user-settings", "DefaultUserSettings", executionRoleJSON(v))
		}
		if v, ok := o.Args[ArgDefaultSpaceRole]; ok {
			c.flag("--default-space-settings", "DefaultSpaceSettings", executionRoleJSON(v))
		}
	case APIUpdateUserProfile:
		c = newCLI("aws", "sagemaker", "update-user-profile")
		c.flag("--domain-id", "DomainId", a(ArgDomainID))
		c.flag("--user-profile-name", "UserProfileName", a(ArgUserProfile))
		c.flag("--user-settings", "UserSettings", executionRoleJSON(a(ArgExecutionRole)))
	case APIUpdateNotebookInstance:
		c = newCLI("aws", "sagemaker", "update-notebook-instance")
		c.flag("--notebook-instance-name", "NotebookInstanceName", a(ArgNotebook))
		c.flag("--role-arn", "RoleArn", a(ArgExecutionRole))
		// AWS takes the next change only once the update is done and the
		// instance Stopped again; sagerole waits for that.
		return []*cliCommand{c, notebookWait("notebook-instance-stopped", a(ArgNotebook))}
	case APIStopNotebookInstance:
		c = newCLI("aws", "sagemaker", "stop-notebook-instance")
		c.flag("--notebook-instance-name", "NotebookInstanceName", a(ArgNotebook))
		return []*cliCommand{c, notebookWait("notebook-instance-stopped", a(ArgNotebook))}
	case APIStartNotebookInstance:
		c = newCLI("aws", "sagemaker", "start-notebook-instance")
		c.flag("--notebook-instance-name", "NotebookInstanceName", a(ArgNotebook))
		return []*cliCommand{c, notebookWait("notebook-instance-in-service", a(ArgNotebook))}
	case APIDeleteApp, APICreateApp:
		return appCommands(o)
	default:
		return nil
	}
	return []*cliCommand{c}
}

// notebookWait is the AWS CLI's waiter for what sagerole waits for after a
// notebook instance write (botocore's NotebookInstanceStopped and
// NotebookInstanceInService: DescribeNotebookInstance until the status is
// reached, failing on Failed).
func notebookWait(waiter, name string) *cliCommand {
	c := newCLI("aws", "sagemaker", "wait", waiter)
	c.flag("--notebook-instance-name", "NotebookInstanceName", name)
	return c
}

// ShellQuote quotes s for bash: plain words stay as they are, anything else
// is single-quoted with embedded quotes written as '\”.
func ShellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func compactJSON(doc string) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(doc)); err != nil {
		return doc
	}
	return buf.String()
}

func tagsJSON(tags []Tag) string {
	type t struct{ Key, Value string }
	out := make([]t, len(tags))
	for i, g := range tags {
		out[i] = t{g.Key, g.Value}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func executionRoleJSON(arn string) string {
	b, _ := json.Marshal(map[string]string{"ExecutionRole": arn})
	return string(b)
}
