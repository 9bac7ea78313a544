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

// manCommand writes the man pages of the whole command tree (hidden: the
// release's before hooks run it, people read the pages). Each command's
// page lists only the global flags that matter to it, as its --help does;
// the help topics get section 7 pages.
func (a *app) manCommand() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:     "man --dir DIR",
		Short:   "Write the man pages of every command into DIR",
		Example: "  sagerole man --dir build/man",
		Hidden:  true,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usagef("man needs --dir DIR: where to write the pages")
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("man pages: %w", err)
			}
			return writeManPages(cmd.Root(), dir, manDate())
		},
	}
	usesGlobals(cmd)
	cmd.Flags().StringVar(&dir, "dir", "", "the `DIR` to write sagerole.1, sagerole-find.1… into")
	return cmd
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
