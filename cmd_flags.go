package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// emptyValueError is a flag given an empty value. An empty value is bad
// input, never "not given": `--sandbox-state "$STATE"` with STATE unset
// must not run against AWS, nor `--guardrail ""` give a role without one.
type emptyValueError struct {
	flag  string
	value string // the whole value, when an item of a list is empty
}

func (e *emptyValueError) Error() string {
	if e.value != "" {
		return fmt.Sprintf("--%s %q has an empty item: give every item a value", e.flag, e.value)
	}
	return fmt.Sprintf("--%s is empty: give it a value, or leave the flag out", e.flag)
}

// nonEmpty is a flag's value that refuses to be set to nothing.
type nonEmpty struct {
	pflag.Value
	flag string
}

func (v nonEmpty) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return &emptyValueError{flag: v.flag}
	}
	// A slice flag splits its value at commas: "a,,b" and "a," hold an
	// empty item.
	if strings.HasSuffix(v.Type(), "Slice") {
		for _, item := range strings.Split(s, ",") {
			if strings.TrimSpace(item) == "" {
				return &emptyValueError{flag: v.flag, value: s}
			}
		}
	}
	return v.Value.Set(s)
}

// takesValue reports whether a flag is given a value (--flag VALUE), as
// opposed to a switch (--yes).
func takesValue(f *pflag.Flag) bool {
	switch f.Value.Type() {
	case "bool", "count":
		return false
	}
	return f.NoOptDefVal == ""
}

// requireValues makes every flag of every command that takes a value
// refuse an empty one. It walks the whole tree, so a flag added later is
// covered without a line more.
func requireValues(root *cobra.Command) {
	wrap := func(f *pflag.Flag) {
		if _, done := f.Value.(nonEmpty); done || !takesValue(f) {
			return
		}
		f.Value = nonEmpty{Value: f.Value, flag: f.Name}
		// pflag tells an empty list's default by the Value's type, which
		// the wrapper hides: without this the help says "(default [])".
		if f.DefValue == "[]" {
			f.DefValue = ""
		}
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.PersistentFlags().VisitAll(wrap)
		c.LocalFlags().VisitAll(wrap)
		c.Flags().VisitAll(wrap)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
