package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Command groups of the help. A command declares its own (GroupID in its
// constructor); one without a group is listed under "Other" too.
const (
	groupEdit  = "edit"
	groupFind  = "find"
	groupUndo  = "undo"
	groupOther = "other"
)

func (a *app) addGroups(root *cobra.Command) {
	root.AddGroup(
		&cobra.Group{ID: groupEdit, Title: "Create and edit:"},
		&cobra.Group{ID: groupFind, Title: "Find:"},
		&cobra.Group{ID: groupUndo, Title: "Undo and journal:"},
		&cobra.Group{ID: groupOther, Title: "Other:"},
	)
	root.SetHelpCommandGroupID(groupOther)
	root.SetCompletionCommandGroupID(groupOther)
}

// Kinds of global flags. A command shows in its help only the kinds that
// do something there: --dry-run means nothing to `policy`, which reads no
// account.
const (
	globalsAccount = "account" // --profile --region --endpoint-url --sandbox… --debug
	globalsWrites  = "writes"  // --dry-run --yes
	globalsOutput  = "output"  // --output
	globalsWizard  = "wizard"  // --no-color --accessible
)

const (
	annotationGlobals   = "sagerole/globals"    // a command's kinds, comma-separated
	annotationKind      = "sagerole/kind"       // a global flag's kind
	annotationFlagGroup = "sagerole/flag-group" // a local flag's group in the help
)

// globalKinds tags global flags with their kind.
func globalKinds(fs *pflag.FlagSet, kind string, names ...string) {
	for _, n := range names {
		if err := fs.SetAnnotation(n, annotationKind, []string{kind}); err != nil {
			panic(err) // a flag name misspelt here is a bug of this file
		}
	}
}

// usesGlobals declares which kinds of global flags matter to cmd. Without
// a declaration: the account and --output, and --dry-run and --yes on a
// command that changes the account; the root (the wizard) shows them all.
func usesGlobals(cmd *cobra.Command, kinds ...string) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[annotationGlobals] = strings.Join(kinds, ",")
}

func globalsOf(cmd *cobra.Command) []string {
	for c := cmd; c != nil; c = c.Parent() {
		if v, ok := c.Annotations[annotationGlobals]; ok {
			if v == "" {
				return nil
			}
			return strings.Split(v, ",")
		}
	}
	if !cmd.HasParent() {
		return []string{globalsAccount, globalsWrites, globalsOutput, globalsWizard}
	}
	kinds := []string{globalsAccount, globalsOutput}
	if cmd.Annotations[annotationWrites] == "true" {
		kinds = append(kinds, globalsWrites)
	}
	return kinds
}

// relevantGlobal reports whether an inherited flag is shown on cmd.
func relevantGlobal(cmd *cobra.Command, f *pflag.Flag) bool {
	kind := f.Annotations[annotationKind]
	return len(kind) == 0 || slices.Contains(globalsOf(cmd), kind[0])
}

// flagGroup puts local flags in a group of the help ("Scope", "S3",
// "Options", "Guardrails"), declared next to the flags themselves. Flags
// that are not in fs are skipped: a shared registration may leave some out.
func flagGroup(fs *pflag.FlagSet, title string, names ...string) {
	for _, n := range names {
		if fs.Lookup(n) != nil {
			_ = fs.SetAnnotation(n, annotationFlagGroup, []string{title})
		}
	}
}

// flagGroupOrder is the order groups are shown in; others follow.
var flagGroupOrder = []string{"Scope", "S3", "Options", "Guardrails"}

// addHelp installs the help: grouped commands and flags, examples, only
// the global flags that matter to the command, the topics, and a `help`
// command that refuses what it does not know (exit 2).
func (a *app) addHelp(root *cobra.Command) {
	root.SetHelpFunc(func(c *cobra.Command, _ []string) {
		writeHelp(c.OutOrStdout(), c)
	})
	root.SetUsageFunc(func(c *cobra.Command) error {
		writeUsage(c.OutOrStderr(), c)
		return nil
	})
	root.AddCommand(a.topicCommands()...)
	help := &cobra.Command{
		Use:   "help [COMMAND | TOPIC]",
		Short: "Help about a command, or a topic: environment, exit-codes",
		Long: `Help about a command, or one of the topics:
  environment   the environment variables sagerole reads
  exit-codes    what each exit status means`,
		Example: "  sagerole help create-role\n  sagerole help exit-codes",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, sub := range c.Root().Commands() {
				if (sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand()) && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				parent := c.Root()
				if target != nil {
					parent = target
				}
				return unknownTopic(parent, strings.Join(rest, " "))
			}
			target.InitDefaultHelpFlag()
			target.InitDefaultVersionFlag()
			return target.Help()
		},
	}
	usesGlobals(help)
	root.SetHelpCommand(help)
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			usesGlobals(c)
			c.Example = "  sagerole completion bash > /etc/bash_completion.d/sagerole\n  sagerole completion zsh > \"${fpath[1]}/_sagerole\"\n  sagerole completion fish > ~/.config/fish/completions/sagerole.fish"
			for _, sub := range c.Commands() {
				usesGlobals(sub)
				sub.Example = fmt.Sprintf("  source <(sagerole completion %s)", sub.Name())
				if sub.Name() == "powershell" {
					sub.Example = "  sagerole completion powershell | Out-String | Invoke-Expression"
				}
			}
		}
	}
}

// writeHelp is `sagerole COMMAND --help`: the long description, then the
// usage.
func writeHelp(w io.Writer, c *cobra.Command) {
	text := c.Long
	if text == "" {
		text = c.Short
	}
	if text != "" {
		fmt.Fprintf(w, "%s\n\n", strings.TrimRight(text, "\n"))
	}
	if c.Runnable() || c.HasAvailableSubCommands() {
		writeUsage(w, c)
	}
}

// writeUsage is the usage of c: its command line, examples, commands by
// group, its flags by group, the global flags that matter to it, the help
// topics.
func writeUsage(w io.Writer, c *cobra.Command) {
	var b strings.Builder
	b.WriteString("Usage:\n")
	if c.Runnable() {
		fmt.Fprintf(&b, "  %s\n", c.UseLine())
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "  %s COMMAND\n", c.CommandPath())
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(&b, "\nAliases:\n  %s\n", strings.Join(append([]string{c.Name()}, c.Aliases...), ", "))
	}
	if c.HasExample() {
		fmt.Fprintf(&b, "\nExamples:\n%s\n", strings.TrimRight(c.Example, "\n"))
	}
	writeCommands(&b, c)
	writeFlags(&b, c, helpWidth(w))
	if !c.HasParent() {
		b.WriteString("\nHelp topics:\n")
		for _, t := range c.Commands() {
			if t.IsAdditionalHelpTopicCommand() {
				fmt.Fprintf(&b, "  %-13s %s\n", t.Name(), t.Short)
			}
		}
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "\nUse \"%s COMMAND --help\" for more about a command.\n", c.CommandPath())
	}
	fmt.Fprint(w, b.String())
}

func writeCommands(b *strings.Builder, c *cobra.Command) {
	if !c.HasAvailableSubCommands() {
		return
	}
	pad := 2
	for _, sub := range c.Commands() {
		pad = max(pad, len(sub.Name())+2)
	}
	line := func(sub *cobra.Command) {
		fmt.Fprintf(b, "  %-*s%s\n", pad, sub.Name(), sub.Short)
	}
	listed := map[*cobra.Command]bool{}
	for _, g := range c.Groups() {
		var in []*cobra.Command
		for _, sub := range c.Commands() {
			if sub.GroupID == g.ID && sub.IsAvailableCommand() {
				in = append(in, sub)
			}
		}
		// Other holds the commands that declared no group of this list.
		if g.ID == groupOther {
			for _, sub := range c.Commands() {
				if sub.IsAvailableCommand() && !c.ContainsGroup(sub.GroupID) {
					in = append(in, sub)
				}
			}
		}
		if len(in) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n%s\n", g.Title)
		for _, sub := range in {
			line(sub)
			listed[sub] = true
		}
	}
	var rest []*cobra.Command
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() && !listed[sub] {
			rest = append(rest, sub)
		}
	}
	if len(rest) > 0 {
		b.WriteString("\nCommands:\n")
		for _, sub := range rest {
			line(sub)
		}
	}
}

// helpWidth is the width flag descriptions are wrapped to: the terminal's,
// or 100 columns.
func helpWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && term.IsTerminal(f.Fd()) {
		if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 40 {
			return cols
		}
	}
	return 100
}

func writeFlags(b *strings.Builder, c *cobra.Command, width int) {
	groups := map[string]*pflag.FlagSet{}
	var titles []string
	local := pflag.NewFlagSet("", pflag.ContinueOnError)
	c.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		title := f.Annotations[annotationFlagGroup]
		if len(title) == 0 {
			local.AddFlag(f)
			return
		}
		fs, ok := groups[title[0]]
		if !ok {
			fs = pflag.NewFlagSet(title[0], pflag.ContinueOnError)
			groups[title[0]] = fs
			titles = append(titles, title[0])
		}
		fs.AddFlag(f)
	})
	slices.SortStableFunc(titles, func(x, y string) int { return groupRank(x) - groupRank(y) })
	if local.HasFlags() {
		fmt.Fprintf(b, "\nFlags:\n%s", local.FlagUsagesWrapped(width))
	}
	for _, t := range titles {
		fmt.Fprintf(b, "\n%s flags:\n%s", t, groups[t].FlagUsagesWrapped(width))
	}
	global := pflag.NewFlagSet("", pflag.ContinueOnError)
	c.InheritedFlags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && relevantGlobal(c, f) {
			global.AddFlag(f)
		}
	})
	if global.HasFlags() {
		fmt.Fprintf(b, "\nGlobal flags:\n%s", global.FlagUsagesWrapped(width))
	}
}

func groupRank(title string) int {
	if i := slices.Index(flagGroupOrder, title); i >= 0 {
		return i
	}
	return len(flagGroupOrder)
}
