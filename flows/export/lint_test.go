package export_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/flows/createrole"
	"github.com/sagerole/sagerole/flows/export"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
	"github.com/sagerole/sagerole/flows/policy/sweep"
)

// sweepRole is the role create-role writes for scope s: its policies as
// Assemble makes them (a FullAccess role's guardrails with the policy
// attached), and the bucket policy when the scope names buckets. With
// planned, it is the role of a plan made with no AWS call: the account and
// region are the stand-ins.
func sweepRole(t *testing.T, name string, s policy.Scope, planned bool) (export.Role, bool) {
	t.Helper()
	acct, region := sweep.Account, sweep.Region
	if planned {
		acct, region = export.OfflineAccount, export.OfflineRegion
	}
	arn := "arn:aws:iam::" + acct + ":role/service-role/ds-role"
	s.Account, s.Region, s.RoleARN = acct, region, arn
	named, err := policy.Assemble(s, policy.DefaultLimits())
	if sweep.Meaningless(err) {
		return export.Role{}, false // there is no template to write
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	r := export.Role{Name: "ds-role", Path: "/service-role/", Trust: policy.TrustDocument(), ARN: arn,
		Partition: "aws", Account: acct, Region: region, Exists: !planned, Placeholders: planned}
	for _, p := range named {
		r.Inline = append(r.Inline, export.Inline{Name: p.Name, Document: p.Document})
	}
	if len(s.Allowed) > 0 {
		r.Managed = []string{policy.FullAccessARN}
	}
	if len(s.Buckets) > 0 {
		d, err := policy.S3Policy("", s.Buckets, s.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		r.Inline = append(r.Inline, export.Inline{Name: policy.BucketPolicyName, Document: d})
	}
	return r, true
}

// TestTemplatesPassCfnLint writes the CloudFormation templates sagerole
// writes — for every scope of the policy sweep, in turn the role as
// exported, as a StackSet and as written from a plan (all three, and JSON,
// for the scopes with every guardrail); every role and domain of the
// sandbox in YAML and JSON; the create-role plans — and lints them in one
// batch: no error and no warning, but cfn-lint's own list of actions being
// older than the Service Authorization Reference sagerole carries.
func TestTemplatesPassCfnLint(t *testing.T) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("cfn-lint is not on PATH; CI needs it (python3 -m pip install cfn-lint)")
		}
		t.Skip("cfn-lint is not on PATH")
	}
	dir := t.TempDir()
	var files []string
	var roles []export.Role
	write := func(name string, c export.Code) {
		t.Helper()
		f := filepath.Join(dir, fmt.Sprintf("%04d-%s.%s", len(files), strings.NewReplacer(" ", "-", `"`, "", ",", "").Replace(name), c.Syntax))
		if err := os.WriteFile(f, []byte(c.Code), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	code := func(r export.Role, o export.Options) export.Code {
		t.Helper()
		roles = append(roles, r)
		o.Format = export.CloudFormation
		c, err := export.RoleCode(r, o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Every scope once, in turn as exported, as a StackSet and as written
	// from a plan; the scopes with every guardrail in all forms, JSON too.
	scopes := 0
	all := sweep.Scopes()
	for i, name := range slices.Sorted(maps.Keys(all)) {
		s := all[name]
		r, ok := sweepRole(t, name, s, false)
		if !ok {
			continue
		}
		scopes++
		p, _ := sweepRole(t, name, s, true)
		if strings.HasSuffix(name, "every guardrail") {
			write(name, code(r, export.Options{}))
			write(name+" stackset", code(r, export.Options{StackSet: true}))
			write(name+" plan", code(p, export.Options{}))
			write(name+" json", code(r, export.Options{JSON: true}))
			write(name+" stackset json", code(r, export.Options{StackSet: true, JSON: true}))
			continue
		}
		switch i % 3 {
		case 0:
			write(name, code(r, export.Options{}))
		case 1:
			write(name+" stackset", code(r, export.Options{StackSet: true}))
		default:
			write(name+" plan", code(p, export.Options{}))
		}
	}
	a := newSandbox(t)
	ctx := context.Background()
	for _, r := range sandboxRoles(t, a) {
		for _, v := range variants {
			if v.o.Format == export.CloudFormation {
				write(r.Name+" "+v.name, code(r, v.o))
			}
		}
	}
	for _, in := range planInputs {
		plan, err := createrole.Plan(ctx, export.NewOffline(in.Name, "", in.Custom.PassRoles...), in)
		if err != nil {
			t.Fatal(err)
		}
		r, err := export.FromPlan(plan, export.OfflineRegion)
		if err != nil {
			t.Fatal(err)
		}
		write("plan "+in.Name, code(r, export.Options{}))
		write("plan "+in.Name+" json", code(r, export.Options{JSON: true}))
	}
	for _, id := range []string{"d-research1", "d-mlplatform"} {
		as, err := export.ReadDomain(ctx, find.NewSession(a, nil), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, json := range []bool{false, true} {
			c, err := export.DomainCode(as, export.Options{Format: export.CloudFormation, JSON: json})
			if err != nil {
				t.Fatal(err)
			}
			write("domain "+id, c)
		}
	}
	if scopes < 500 {
		t.Fatalf("only %d sweep scopes made templates: the sweep lost its cases", scopes)
	}

	// cfn-lint's W3037 (IAM action names) takes most of its time and is
	// the same question for every template: which actions exist. So one run
	// checks every template with every other rule, and another, beside it,
	// checks one template that holds every distinct action of them all.
	actions := actionsTemplate(t, dir, roles)
	var whole, names []finding
	done := make(chan struct{})
	go func() {
		defer close(done)
		names = cfnLint(t, bin, []string{actions})
	}()
	// Two processes, one per core, over halves of the templates.
	half := make(chan []finding)
	go func() { half <- cfnLint(t, bin, files[len(files)/2:], "--ignore-checks", "W3037") }()
	whole = cfnLint(t, bin, files[:len(files)/2], "--ignore-checks", "W3037")
	whole = append(whole, <-half...)
	<-done
	report(t, dir, whole)
	ref, err := policy.Reference()
	if err != nil {
		t.Fatal(err)
	}
	lagging := 0
	var others []finding
	for _, f := range names {
		// W3037 on an action the Service Authorization Reference sagerole
		// carries has: cfn-lint's own list is older than it (a warning, and
		// no error of the template's).
		if a := quoted(f.msg); f.rule == "W3037" && a != "" && knownAction(ref, actionSet(roles), a) {
			lagging++
			continue
		}
		others = append(others, f)
	}
	report(t, dir, others)
	t.Logf("cfn-lint passed %d templates (%d sweep scopes, each in turn as a role, a StackSet or a plan) and their %d distinct actions (%d newer than cfn-lint's list)",
		len(files), scopes, countActions(roles), lagging)
}

type finding struct{ file, rule, msg string }

// cfnLint runs cfn-lint once over files and returns its findings.
func cfnLint(t *testing.T, bin string, files []string, args ...string) []finding {
	t.Helper()
	cmd := exec.Command(bin, append(append(args, "--format", "parseable", "--"), files...)...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	var fs []finding
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	for sc.Scan() {
		// FILE:LINE:COL:ENDLINE:ENDCOL:RULE:MESSAGE
		parts := strings.SplitN(sc.Text(), ":", 7)
		if len(parts) == 7 {
			fs = append(fs, finding{file: parts[0] + ":" + parts[1], rule: parts[5], msg: parts[6]})
		} else if strings.TrimSpace(sc.Text()) != "" {
			fs = append(fs, finding{rule: "?", msg: sc.Text()})
		}
	}
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && len(fs) > 0) {
		t.Fatalf("cfn-lint did not run: %v\n%s", err, stderr.String())
	}
	return fs
}

func report(t *testing.T, dir string, fs []finding) {
	t.Helper()
	for i, f := range fs {
		if i == 20 {
			t.Errorf("… and %d more", len(fs)-20)
			return
		}
		msg := f.msg
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		t.Errorf("cfn-lint: %s: %s %s", strings.TrimPrefix(f.file, dir+string(filepath.Separator)), f.rule, msg)
	}
}

// quoted is the first '…' of a message: the action W3037 names.
func quoted(msg string) string {
	_, rest, ok := strings.Cut(msg, "'")
	if !ok {
		return ""
	}
	a, _, _ := strings.Cut(rest, "'")
	return a
}

// knownAction: cfn-lint names the action (or pattern) in lower case
// without its service; it is known when one of the actions written has
// that name and the reference has it (or, for a pattern, actions it
// stands for).
func knownAction(ref *iamref.Reference, written []string, lower string) bool {
	for _, a := range written {
		if _, name, _ := strings.Cut(a, ":"); strings.EqualFold(name, lower) && len(ref.Expand(a)) > 0 {
			return true
		}
	}
	return false
}

func actionSet(roles []export.Role) []string {
	seen := map[string]bool{}
	for _, r := range roles {
		docs := []policy.Document{r.Trust}
		for _, p := range r.Inline {
			docs = append(docs, p.Document)
		}
		for _, d := range docs {
			for _, st := range d.Statement {
				for _, a := range append(append([]string(nil), st.Action...), st.NotAction...) {
					seen[a] = true
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

func countActions(roles []export.Role) int { return len(actionSet(roles)) }

// actionsTemplate writes one template whose role allows every distinct
// action of roles, a hundred to a policy.
func actionsTemplate(t *testing.T, dir string, roles []export.Role) string {
	t.Helper()
	all := actionSet(roles)
	r := export.Role{Name: "every-action", Path: "/", Trust: policy.TrustDocument(), Partition: "aws", Account: sweep.Account, Region: sweep.Region,
		ARN: "arn:aws:iam::" + sweep.Account + ":role/every-action"}
	for i := 0; i < len(all); i += 100 {
		var acts []string
		for _, a := range all[i:min(i+100, len(all))] {
			if !strings.HasPrefix(a, "sts:") { // trust actions belong in a trust policy
				acts = append(acts, a)
			}
		}
		r.Inline = append(r.Inline, export.Inline{Name: fmt.Sprintf("actions-%d", i/100+1),
			Document: policy.Document{Version: policy.Version, Statement: []policy.Statement{{Effect: "Allow", Action: acts, Resource: []string{"*"}}}}})
	}
	c, err := export.RoleCode(r, export.Options{Format: export.CloudFormation})
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "every-action.yaml")
	if err := os.WriteFile(f, []byte(c.Code), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}
