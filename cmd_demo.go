package main

import (
	"os"
	"strconv"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/demo"
)

// demoEnv turns on the sandbox's deterministic demo mode (awsops/demo): a
// fixed clock and seeded journal entry ids, for recordings that must show
// the same screens on every run. It is a knob of the sandbox, as the
// sandbox's latency and faults are; on a real account it is refused.
const demoEnv = "SAGEROLE_SANDBOX_DEMO"

// demoWanted reads demoEnv: 1 or true turns the demo mode on, 0 or false
// (or no variable) leaves it off; set but empty, or anything else, is bad
// input.
func demoWanted() (bool, error) {
	v, ok := os.LookupEnv(demoEnv)
	if !ok {
		return false, nil
	}
	if v == "" {
		return false, usagef("%s is set but empty: give it a value, or unset it", demoEnv)
	}
	on, err := strconv.ParseBool(v)
	if err != nil {
		return false, usagef("%s=%q must be 1, true, 0 or false", demoEnv, v)
	}
	return on, nil
}

// startDemo decides the demo mode of this invocation, once, as the backend
// is opened: nil when it is off. A run on a real account is refused with
// the variable set, so that a journal of AWS changes only ever holds the
// real time and random ids. backend is the sandbox's journal name
// ("sandbox", "sandbox:FILE"): the clock goes on after its runs.
func (a *app) startDemo(backend string) (*demo.Mode, error) {
	on, err := demoWanted()
	if err != nil || !on {
		return nil, err
	}
	if !a.g.sandbox {
		return nil, usagef("%s is set: the demo mode's fixed clock and ids are for the sandbox only (--sandbox or --sandbox-state); unset it to work on an AWS account", demoEnv)
	}
	j, err := a.plainJournal()
	if err != nil {
		return nil, err
	}
	m, err := demo.New(j, backend)
	if err != nil {
		return nil, &awsops.ConfigError{Msg: "demo mode: " + err.Error(), Err: err}
	}
	a.demo = m
	return m, nil
}
