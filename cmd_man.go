package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

// releaseFilesCommand writes what a release packs beside the binary: the
// man pages of the whole command tree into DIR/man and the completion
// scripts into DIR/completions. It is hidden: the release's before hooks
// run it (go run . release-files --dir build); people read the pages and
// use `sagerole completion SHELL`. Each command's page lists only the
// global flags that matter to it, as its --help does; the help topics get
// section 7 pages.
func (a *app) releaseFilesCommand() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:     "release-files --dir DIR",
		Short:   "Write the man pages and completion scripts a release packs",
		Example: "  sagerole release-files --dir build",
		Hidden:  true,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usagef("release-files needs --dir DIR: where to write man/ and completions/")
			}
			man, comp := filepath.Join(dir, "man"), filepath.Join(dir, "completions")
			for _, d := range []string{man, comp} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					return fmt.Errorf("release files: %w", err)
				}
			}
			if err := writeManPages(cmd.Root(), man, manDate()); err != nil {
				return err
			}
			return writeCompletions(cmd.Root(), comp)
		},
	}
	usesGlobals(cmd)
	cmd.Flags().StringVar(&dir, "dir", "", "the `DIR` to write man/sagerole.1… and completions/sagerole.bash… into")
	return cmd
}

// writeCompletions writes the completion scripts under the names the
// shells' vendor directories expect.
func writeCompletions(root *cobra.Command, dir string) error {
	for name, write := range map[string]func(string) error{
		"sagerole.bash": func(f string) error { return root.GenBashCompletionFileV2(f, true) },
		"_sagerole":     root.GenZshCompletionFile,
		"sagerole.fish": func(f string) error { return root.GenFishCompletionFile(f, true) },
		"sagerole.ps1":  root.GenPowerShellCompletionFileWithDesc,
	} {
		if err := write(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("completion script %s: %w", name, err)
		}
	}
	return nil
}

// manDate is the pages' date: SOURCE_DATE_EPOCH when set (reproducible
// release builds), else the commit's, else today.
func manDate() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	if t, err := time.Parse(time.RFC3339, buildVersion().Date); err == nil {
		return t.UTC()
	}
	return time.Now().UTC()
}

func writeManPages(root *cobra.Command, dir string, date time.Time) error {
	info := buildVersion()
	header := func(section string) *doc.GenManHeader {
		return &doc.GenManHeader{Title: "SAGEROLE", Section: section, Date: &date,
			Source: "sagerole " + info.Version, Manual: "sagerole manual"}
	}
	root.DisableAutoGenTag = true
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		c.DisableAutoGenTag = true
		if c.IsAdditionalHelpTopicCommand() {
			return writeManPage(c, header("7"), filepath.Join(dir, manName(c)+".7"))
		}
		if !c.IsAvailableCommand() && c.HasParent() {
			return nil
		}
		if err := writeManPage(c, header("1"), filepath.Join(dir, manName(c)+".1")); err != nil {
			return err
		}
		for _, sub := range c.Commands() {
			if err := walk(sub); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root)
}

func manName(c *cobra.Command) string { return strings.ReplaceAll(c.CommandPath(), " ", "-") }

// writeManPage writes one page, with the global flags that do nothing on
// c hidden while it is written.
func writeManPage(c *cobra.Command, h *doc.GenManHeader, path string) error {
	var hidden []*pflag.Flag
	c.InheritedFlags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && !relevantGlobal(c, f) {
			f.Hidden = true
			hidden = append(hidden, f)
		}
	})
	defer func() {
		for _, f := range hidden {
			f.Hidden = false
		}
	}()
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	if err := doc.GenMan(c, h, f); err != nil {
		f.Close()
		return fmt.Errorf("man page %s: %w", path, err)
	}
	return f.Close()
}
