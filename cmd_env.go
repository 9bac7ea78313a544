package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
)

// envDefault is an environment variable that stands for a global flag
// when the flag is not given. The flag always wins. A variable of
// sagerole's own that is set but empty is bad input, as an empty flag is;
// the conventions of other tools (NO_COLOR, ACCESSIBLE, the AWS CLI's
// variables) are read as those tools read them.
type envDefault struct {
	name  string
	flag  string
	about string
	// value turns the variable into the flag's value; ok false leaves
	// the flag as it is.
	value func(v string) (flagValue string, ok bool, err error)
}

// envDefaults are read in this order; the first of two variables for one
// flag that is set wins (sagerole's own before the AWS CLI's). The account
// flags (--profile, --region, --endpoint-url) have no variable of
// sagerole's: the SDK reads AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL,
// so that sagerole and the printed aws lines reach the same account. And
// nothing in the environment can give --yes, --dry-run or --sandbox: what
// a command does to an account is said on its command line.
var envDefaults = []envDefault{
	{name: "SAGEROLE_OUTPUT", flag: "output", about: "--output: text or json", value: func(v string) (string, bool, error) {
		if v != "text" && v != "json" {
			return "", false, fmt.Errorf("must be text or json")
		}
		return v, true, nil
	}},
	{name: "AWS_DEFAULT_OUTPUT", flag: "output", about: "--output, as the AWS CLI reads it: json is json; text, table, yaml and yaml-stream are text", value: func(v string) (string, bool, error) {
		switch v {
		case "":
			return "", false, nil
		case "json":
			return "json", true, nil
		case "text", "table", "yaml", "yaml-stream":
			return "text", true, nil
		}
		return "", false, fmt.Errorf("is not an output format of the AWS CLI (json, text, table, yaml, yaml-stream)")
	}},
	{name: "SAGEROLE_DEBUG", flag: "debug", about: "--debug: 1 or true to log every AWS call on stderr", value: func(v string) (string, bool, error) {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return "", false, fmt.Errorf("must be 1, true, 0 or false")
		}
		return strconv.FormatBool(on), true, nil
	}},
	{name: callTimeoutEnv, flag: "call-timeout", about: "--call-timeout, a duration such as 90s or 2m", value: func(v string) (string, bool, error) {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d <= 0 {
			return "", false, fmt.Errorf("is not a positive duration such as 90s or 2m")
		}
		return d.String(), true, nil
	}},
	{name: "NO_COLOR", flag: "no-color", about: "--no-color when set to anything but empty (no-color.org)", value: nonEmptyIsOn},
	{name: "ACCESSIBLE", flag: "accessible", about: "--accessible when set to anything but empty (as huh reads it)", value: nonEmptyIsOn},
}

func nonEmptyIsOn(v string) (string, bool, error) { return "true", v != "", nil }

// applyEnv sets each global flag that was not given from its variable.
func applyEnv(cmd *cobra.Command) error {
	done := map[string]bool{}
	for _, e := range envDefaults {
		f := cmd.Flags().Lookup(e.flag)
		if f == nil || f.Changed || done[e.flag] {
			continue
		}
		v, set := os.LookupEnv(e.name)
		if !set {
			continue
		}
		if v == "" && strings.HasPrefix(e.name, "SAGEROLE_") {
			return usagef("%s is set but empty: give it a value, or unset it", e.name)
		}
		value, ok, err := e.value(v)
		if err != nil {
			return usagef("%s=%q %v", e.name, v, err)
		}
		if !ok {
			continue
		}
		// Set on the Value, not the FlagSet: the flag stays "not given",
		// which is what it is.
		if err := f.Value.Set(value); err != nil {
			return usagef("%s=%q: %v", e.name, v, err)
		}
		done[e.flag] = true
	}
	return nil
}

// Knobs of the sandbox for tests and demos: a slow account, or one that
// refuses some calls. They touch no real account.
const (
	sandboxLatencyEnv = "SAGEROLE_SANDBOX_LATENCY"
	sandboxFaultsEnv  = "SAGEROLE_SANDBOX_FAULTS"
)

// sandboxKnobs reads the sandbox's latency and faults from the
// environment: SAGEROLE_SANDBOX_LATENCY=2s slows every call by that much;
// SAGEROLE_SANDBOX_FAULTS=API=CODE[*N],… fails calls to API (such as
// sagemaker:DescribeUserProfile, or sagemaker:*) with the error CODE, the
// first N times only when *N is given.
func sandboxKnobs(o *sandbox.Options) error {
	if v, ok := os.LookupEnv(sandboxLatencyEnv); ok {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < 0 {
			return usagef("%s=%q is not a duration such as 500ms or 2s", sandboxLatencyEnv, v)
		}
		o.Latency = d
	}
	v, ok := os.LookupEnv(sandboxFaultsEnv)
	if !ok {
		return nil
	}
	o.Faults = map[string]sandbox.Fault{}
	for _, item := range strings.Split(v, ",") {
		api, code, found := strings.Cut(strings.TrimSpace(item), "=")
		if !found || api == "" || code == "" {
			return usagef("%s=%q: each item must be API=CODE or API=CODE*N, such as sagemaker:DescribeUserProfile=AccessDeniedException", sandboxFaultsEnv, v)
		}
		f := sandbox.Fault{Code: code, Message: "fault injected by " + sandboxFaultsEnv}
		if c, n, has := strings.Cut(code, "*"); has {
			times, err := strconv.Atoi(n)
			if err != nil || times < 1 {
				return usagef("%s=%q: the count after * must be a positive number", sandboxFaultsEnv, v)
			}
			f.Code, f.Times = c, times
		}
		if awsops.KindForCode(f.Code) == awsops.KindOther && !strings.HasSuffix(f.Code, "Exception") && f.Code != "InternalFailure" {
			return usagef("%s=%q: %s is not an AWS error code sagerole knows", sandboxFaultsEnv, v, f.Code)
		}
		o.Faults[api] = f
	}
	return nil
}
