package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/policy"
)

// Completions: fixed values (--output, --scope, --persona…), the profiles
// of the shared config, and names read from the account (roles, domains,
// user profiles, spaces, notebook instances, buckets), kept for a minute
// so that pressing tab again does not call AWS again. A completion that
// cannot be had (no credentials, no network) offers nothing and says why
// only in cobra's completion debug log: a tab must never print an error.

// completeFlag registers fn for the flag name of fs. It needs only the
// flag set, so a completion is declared next to its flag even where the
// flags are registered on a bare FlagSet (scopeFlags.register); cobra
// keys completions by the flag itself.
func completeFlag(fs *pflag.FlagSet, name string, fn cobra.CompletionFunc) {
	f := fs.Lookup(name)
	if f == nil {
		return // a shared registration may leave the flag out
	}
	holder := &cobra.Command{}
	holder.Flags().AddFlag(f)
	if err := holder.RegisterFlagCompletionFunc(name, fn); err != nil {
		panic(err) // registered twice: a bug of the caller
	}
}

// fixedValues completes from a list, with no file names.
func fixedValues(values ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return matching(plain(values), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// choiceValues completes from a catalogue, each with its description;
// for a comma-separated list (list true) the item after the last comma.
func choiceValues(cs []policy.Choice, list bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var all []cobra.Completion
		for _, c := range cs {
			all = append(all, cobra.CompletionWithDesc(c.Name, c.Description))
		}
		if !list {
			return matching(all, toComplete), cobra.ShellCompDirectiveNoFileComp
		}
		done, last := "", toComplete
		if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
			done, last = toComplete[:i+1], toComplete[i+1:]
		}
		var out []cobra.Completion
		for _, c := range matching(all, last) {
			out = append(out, done+c)
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

func plain(values []string) []cobra.Completion {
	out := make([]cobra.Completion, len(values))
	copy(out, values)
	return out
}

// matching keeps the completions that start with prefix (the text before
// a completion's tab-separated description).
func matching(all []cobra.Completion, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, c := range all {
		value, _, _ := strings.Cut(c, "\t")
		if strings.HasPrefix(value, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// registerGlobalCompletions completes the global flags' values.
func (a *app) registerGlobalCompletions(root *cobra.Command) {
	f := root.PersistentFlags()
	completeFlag(f, "output", fixedValues("text", "json"))
	completeFlag(f, "profile", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return matching(plain(sharedProfiles()), toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	completeFlag(f, "call-timeout", fixedValues("30s", "60s", "2m", "5m"))
	completeFlag(f, "sandbox-state", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{"json"}, cobra.ShellCompDirectiveFilterFileExt
	})
}

// sharedProfiles are the profile names of the shared config and
// credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, or
// ~/.aws/config and ~/.aws/credentials), as the AWS CLI lists them.
func sharedProfiles() []string {
	home, _ := os.UserHomeDir()
	file := func(env, name string) string {
		if v := os.Getenv(env); v != "" {
			return v
		}
		return filepath.Join(home, ".aws", name)
	}
	seen := map[string]bool{}
	var out []string
	for _, src := range []struct {
		path   string
		config bool
	}{{file("AWS_CONFIG_FILE", "config"), true}, {file("AWS_SHARED_CREDENTIALS_FILE", "credentials"), false}} {
		data, err := os.ReadFile(src.path)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "[") || !strings.HasSuffix(line, "]") {
				continue
			}
			name := strings.TrimSpace(line[1 : len(line)-1])
			if src.config && name != "default" {
				// The config file names profiles [profile NAME]; its other
				// sections (sso-session, services) are not profiles.
				rest, ok := strings.CutPrefix(name, "profile ")
				if !ok {
					continue
				}
				name = strings.TrimSpace(rest)
			}
			if name != "" && !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

// Live names. Each lister reads one kind of name from the account.
type lister func(ctx context.Context, b awsops.Backend) ([]cobra.Completion, error)

// completionCacheTTL is how long names read for a completion are kept.
const completionCacheTTL = time.Minute

// completionCallTimeout bounds each call a completion makes: a tab that
// hangs is worse than one that offers nothing.
const completionCallTimeout = 5 * time.Second

// liveNames completes from the account the global flags name, through
// the cache. key names what is listed ("roles", "users d-abc").
func (a *app) liveNames(key string, list lister) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		names, err := a.cachedNames(cmd, key, list)
		if err != nil {
			cobra.CompDebugln("sagerole: "+err.Error(), false)
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return matching(names, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

type cachedCompletions struct {
	Saved time.Time          `json:"saved"`
	Names []cobra.Completion `json:"names"`
}

func (a *app) cachedNames(cmd *cobra.Command, key string, list lister) ([]cobra.Completion, error) {
	if err := a.checkGlobals(cmd); err != nil {
		return nil, err
	}
	file := a.completionCacheFile(key)
	if file != "" {
		if data, err := os.ReadFile(file); err == nil {
			var c cachedCompletions
			if json.Unmarshal(data, &c) == nil && time.Since(c.Saved) < completionCacheTTL && time.Since(c.Saved) >= 0 {
				return c.Names, nil
			}
		}
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	a.g.callTimeout = min(a.g.callTimeout, completionCallTimeout)
	b, err := a.completionBackend(ctx)
	if err != nil {
		return nil, err
	}
	names, err := list(ctx, b)
	if err != nil {
		return nil, err
	}
	if file != "" {
		if data, err := json.Marshal(cachedCompletions{Saved: time.Now(), Names: names}); err == nil {
			// Names of an account are not for other users of the machine.
			if os.MkdirAll(filepath.Dir(file), 0o700) == nil {
				_ = os.WriteFile(file, data, 0o600)
			}
		}
	}
	return names, nil
}

// completionBackend is the account to complete from. A --sandbox-state
// file that does not exist yet is not created by a tab: its names are the
// seed's.
func (a *app) completionBackend(ctx context.Context) (awsops.Backend, error) {
	if a.g.sandboxState != "" {
		if _, err := os.Stat(a.g.sandboxState); errors.Is(err, fs.ErrNotExist) {
			return sandbox.New(sandbox.Options{Region: a.g.region})
		}
	}
	return a.open(ctx)
}

// completionCacheFile is where names listed under key for this account
// are kept: one file per account and key, named by a hash of what selects
// the account (flags and the AWS variables the SDK reads; a sandbox state
// file by its path and when it last changed). "" for the plain sandbox,
// which is in this process's memory anyway.
func (a *app) completionCacheFile(key string) string {
	if a.g.sandbox && a.g.sandboxState == "" {
		return ""
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", key, a.g.profile, a.g.region, a.g.endpointURL)
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_CONFIG_FILE"} {
		fmt.Fprintf(h, "%s=%s\x00", k, os.Getenv(k))
	}
	if a.g.sandboxState != "" {
		abs, _ := filepath.Abs(a.g.sandboxState)
		st, err := os.Stat(abs)
		if err != nil {
			return ""
		}
		fmt.Fprintf(h, "sandbox:%s\x00%d\x00%d", abs, st.ModTime().UnixNano(), st.Size())
	}
	return filepath.Join(dir, "sagerole", "completions", hex.EncodeToString(h.Sum(nil))[:24]+".json")
}

// The names sagerole completes from the account.

func (a *app) completeRoles() cobra.CompletionFunc {
	return a.liveNames("roles", func(ctx context.Context, b awsops.Backend) ([]cobra.Completion, error) {
		roles, err := b.ListRoles(ctx, "/")
		if err != nil {
			return nil, err
		}
		out := make([]cobra.Completion, len(roles))
		for i, r := range roles {
			desc := r.Description
			if desc == "" {
				desc = "path " + r.Path
			}
			out[i] = cobra.CompletionWithDesc(r.Name, desc)
		}
		return out, nil
	})
}

func (a *app) completeBuckets() cobra.CompletionFunc {
	return a.liveNames("buckets", func(ctx context.Context, b awsops.Backend) ([]cobra.Completion, error) {
		buckets, err := b.ListBuckets(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]cobra.Completion, len(buckets))
		for i, bk := range buckets {
			out[i] = bk.Name
		}
		return out, nil
	})
}

func (a *app) completeDomains() cobra.CompletionFunc {
	return a.liveNames("domains", func(ctx context.Context, b awsops.Backend) ([]cobra.Completion, error) {
		ds, err := b.ListDomains(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]cobra.Completion, len(ds))
		for i, d := range ds {
			out[i] = cobra.CompletionWithDesc(d.ID, d.Name)
		}
		return out, nil
	})
}

func (a *app) completeNotebooks() cobra.CompletionFunc {
	return a.liveNames("notebooks", func(ctx context.Context, b awsops.Backend) ([]cobra.Completion, error) {
		nbs, err := b.ListNotebookInstances(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]cobra.Completion, len(nbs))
		for i, n := range nbs {
			out[i] = cobra.CompletionWithDesc(n.Name, n.Status)
		}
		return out, nil
	})
}

// completeInDomain completes user profile or space names (spaces true):
// of the domain --domain names, or of every domain, each described by its
// domain, when it is not given yet.
func (a *app) completeInDomain(spaces bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		domain, _ := cmd.Flags().GetString("domain")
		kind := "users"
		if spaces {
			kind = "spaces"
		}
		return a.liveNames(kind+" "+domain, func(ctx context.Context, b awsops.Backend) ([]cobra.Completion, error) {
			ids := []string{domain}
			if domain == "" {
				ds, err := b.ListDomains(ctx)
				if err != nil {
					return nil, err
				}
				ids = ids[:0]
				for _, d := range ds {
					ids = append(ids, d.ID)
				}
			}
			var out []cobra.Completion
			for _, id := range ids {
				if spaces {
					ss, err := b.ListSpaces(ctx, id)
					if err != nil {
						return nil, err
					}
					for _, s := range ss {
						out = append(out, cobra.CompletionWithDesc(s.Name, strings.ToLower(s.SharingType)+" space in "+id))
					}
					continue
				}
				us, err := b.ListUserProfiles(ctx, id)
				if err != nil {
					return nil, err
				}
				for _, u := range us {
					out = append(out, cobra.CompletionWithDesc(u.Name, "user profile in "+id))
				}
			}
			return out, nil
		})(cmd, args, toComplete)
	}
}

// completeEntries completes journal entry IDs, newest first, each with its
// command and status. The journal is local: no cache.
func (a *app) completeEntries(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 || a.checkGlobals(cmd) != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	j, err := a.journal()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	entries, err := j.List()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, e := range entries {
		out = append(out, cobra.CompletionWithDesc(e.ID, e.Status()+" "+e.Command))
	}
	return matching(out, toComplete), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}

// firstArg completes the first positional argument with fn, and nothing
// after it.
func firstArg(fn cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return fn(cmd, args, toComplete)
	}
}
