package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// unknownCommand is the root's argument check: sagerole takes no
// argument of its own, so one is a command it does not know, said with
// cobra's suggestions ("Did you mean create-role?"). Exit 2.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return unknownCommandError(cmd, args[0])
}

func unknownCommandError(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, cmd.CommandPath())
	if s := suggestions(cmd, name); len(s) > 0 {
		msg += ": did you mean " + strings.Join(s, " or ") + "?"
	} else {
		msg += fmt.Sprintf(" (the commands are in %s --help)", cmd.CommandPath())
	}
	return usagef("%s", msg)
}

// suggestions are the commands of cmd close to name, by cobra's measure
// (an edit distance of 2, or a prefix).
func suggestions(cmd *cobra.Command, name string) []string {
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	return cmd.SuggestionsFor(name)
}

// unknownTopic is `sagerole help NAME` for a NAME that is neither a
// command nor a topic.
func unknownTopic(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("%q is no command or help topic of %q", name, cmd.CommandPath())
	if s := suggestions(cmd, name); len(s) > 0 {
		return usagef("%s: did you mean %s?", msg, strings.Join(s, " or "))
	}
	return usagef("%s (the topics are environment and exit-codes; the commands are in %s --help)", msg, cmd.CommandPath())
}

// strictArgs makes every command's argument check a usage error (exit 2),
// in words of our own where cobra's would mislead: a stray argument to a
// command that takes none is not an "unknown command". It walks the whole
// tree, so a command added later is covered too.
func strictArgs(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			err := check(cmd, args)
			if err == nil {
				return nil
			}
			if _, ok := err.(*usageError); ok {
				return err
			}
			if strings.HasPrefix(err.Error(), "unknown command") && len(args) > 0 {
				if cmd.HasAvailableSubCommands() {
					return unknownCommandError(cmd, args[0])
				}
				return usagef("%s takes no arguments, but was given %s (see %s --help)", cmd.CommandPath(), quoteArgs(args), cmd.CommandPath())
			}
			return usagef("%s: %v (see %s --help)", cmd.CommandPath(), err, cmd.CommandPath())
		}
	}
	for _, sub := range c.Commands() {
		strictArgs(sub)
	}
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return strings.Join(q, " ")
}
