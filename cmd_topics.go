package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// topicCommands are `sagerole help environment` and `sagerole help
// exit-codes`: commands without a run of their own, which cobra shows as
// help topics. Their text is built from the tables the code itself uses
// (envDefaults, exitCodes), so it cannot drift from what sagerole does.
func (a *app) topicCommands() []*cobra.Command {
	env := &cobra.Command{
		Use:   "environment",
		Short: "The environment variables sagerole reads",
		Long:  environmentText(),
	}
	codes := &cobra.Command{
		Use:   "exit-codes",
		Short: "What each exit status means",
		Long:  exitCodesText(),
	}
	return []*cobra.Command{env, codes}
}

func environmentText() string {
	var b strings.Builder
	b.WriteString(`Environment variables

A flag given on the command line always wins over its variable.

Defaults of global flags:
`)
	for _, e := range envDefaults {
		b.WriteString(hang(fmt.Sprintf("  %-22s ", e.name), e.about, 78))
	}
	b.WriteString(`
A variable of sagerole's own that is set but empty is refused (exit 2), as
an empty flag is. Nothing in the environment gives --yes, --dry-run or
--sandbox: what a command does to an account is said on its command line.

Read by the AWS SDK, as the AWS CLI reads them:
  AWS_PROFILE, AWS_DEFAULT_PROFILE   the profile, when --profile is not given
  AWS_REGION, AWS_DEFAULT_REGION     the region, when --region is not given
  AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>
                                     the endpoint, when --endpoint-url is not given
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
                                     credentials (they win over AWS_PROFILE)
  AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE
                                     the shared config and credentials files
  AWS_MAX_ATTEMPTS, AWS_RETRY_MODE   retries (also max_attempts, retry_mode in
                                     the profile); the mode is adaptive unless set
  AWS_CA_BUNDLE                      a PEM bundle of certificate authorities to
                                     trust (also ca_bundle in the profile)
  AWS_EC2_METADATA_DISABLED          true: never ask instance metadata

Terminal and files:
  TERM=dumb          the wizard asks line by line, as --accessible does
  XDG_STATE_HOME     the journal is under $XDG_STATE_HOME/sagerole
                     (default ~/.local/state/sagerole)
  XDG_CACHE_HOME     completions keep the account's names for a minute under
                     $XDG_CACHE_HOME/sagerole (default ~/.cache/sagerole)

For tests and demos (the sandbox only):
  ` + sandboxLatencyEnv + `   a duration every sandbox call waits, such as 2s
  ` + sandboxFaultsEnv + `    API=CODE[*N],…: calls to API (sagemaker:DescribeUserProfile,
                             or sagemaker:*) fail with the AWS error CODE, the
                             first N times only with *N
  ` + demoEnv + `      1 or true: the demo mode, a fixed clock and seeded
                             journal ids, the same screens every run; refused
                             without --sandbox
`)
	return b.String()
}

// hang writes text after prefix, wrapped at width, its next lines
// indented under the text's first.
func hang(prefix, text string, width int) string {
	var b strings.Builder
	line := prefix
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > width && strings.TrimSpace(line) != strings.TrimSpace(prefix) {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line = strings.Repeat(" ", len(prefix))
		}
		if line != prefix && !strings.HasSuffix(line, " ") {
			line += " "
		}
		line += w
	}
	b.WriteString(line + "\n")
	return b.String()
}

func exitCodesText() string {
	var b strings.Builder
	b.WriteString("Exit status\n\n")
	for _, c := range exitCodes {
		b.WriteString(hang(fmt.Sprintf("  %3d  ", c.code), c.about, 78))
	}
	b.WriteString(`
policy lint has its own: 0 no error-level finding, 1 at least one, 2 a file
that cannot be read or is not a policy document.
`)
	return b.String()
}
