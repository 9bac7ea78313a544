package awsops

import (
	"encoding/json"
	"strings"
)

// The AWS CLI has no waiter for apps (aws sagemaker wait has none for
// DescribeApp, in v1 or v2), so the printed line of an app write is
// followed by a loop that does what sagerole does before the next step:
// describe the app until its status settles, and fail the line unless it
// is the one wanted.

// statusPoll makes a describe command a bash loop: run it every 10
// seconds while it prints a status that is neither want nor Failed, then
// succeed only on want. A describe that fails, or prints nothing, ends the
// loop, and the line.
type statusPoll struct {
	want string
}

// pollVar is the shell variable the loop keeps the status in; named so as
// not to clash with one of the user's.
const pollVar = "sagerole_app_status"

func (p *statusPoll) line(c *cliCommand, opts CLIOptions) string {
	describe := &cliCommand{words: append(append([]string(nil), c.words...), "--query", "Status", "--output", "text"), input: c.input}
	v := `"$` + pollVar + `"`
	return "while " + pollVar + "=$(" + describe.line(opts) + ") && [ -n " + v + " ] && [ " + v + " != " + p.want + " ] && [ " + v + " != Failed ]; do sleep 10; done && [ " + v + " = " + p.want + " ]"
}

func appFlags(c *cliCommand, r AppRef) {
	c.flag("--domain-id", "DomainId", r.DomainID)
	if r.SpaceName != "" {
		c.flag("--space-name", "SpaceName", r.SpaceName)
	} else {
		c.flag("--user-profile-name", "UserProfileName", r.UserProfile)
	}
	c.flag("--app-type", "AppType", r.AppType)
	c.flag("--app-name", "AppName", r.AppName)
}

// appWait is the loop that waits for an app to reach status want.
func appWait(r AppRef, want string) *cliCommand {
	c := newCLI("aws", "sagemaker", "describe-app")
	appFlags(c, r)
	c.poll = &statusPoll{want: want}
	return c
}

// appCommands are an app write and the wait sagerole makes after it.
func appCommands(o Op) []*cliCommand {
	r := AppRefOf(o)
	if o.API == APIDeleteApp {
		c := newCLI("aws", "sagemaker", "delete-app")
		appFlags(c, r)
		return []*cliCommand{c, appWait(r, StatusDeleted)}
	}
	c := newCLI("aws", "sagemaker", "create-app")
	appFlags(c, r)
	if spec := SpecOf(o); !spec.IsZero() {
		c.flag("--resource-spec", "ResourceSpec", resourceSpecJSON(spec))
	}
	return []*cliCommand{c, appWait(r, StatusInService)}
}

// resourceSpecJSON is a spec as the API's ResourceSpec structure.
func resourceSpecJSON(s ResourceSpec) string {
	m := map[string]string{}
	for k, v := range map[string]string{"InstanceType": s.InstanceType, "SageMakerImageArn": s.ImageARN,
		"SageMakerImageVersionArn": s.ImageVersionARN, "SageMakerImageVersionAlias": s.ImageVersionAlias,
		"LifecycleConfigArn": s.LifecycleConfigARN, "TrainingPlanArn": s.TrainingPlanARN} {
		if v != "" {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return strings.TrimSpace(string(b))
}
