// Package change switches the execution role of a SageMaker identity: a
// domain's default user or space role, a user profile's role, a space's
// (resolved to its owner or to the domain's space default), or a notebook
// instance's. It checks the role before anything is sent, previews who
// moves and which running apps keep the old role, and builds the plan the
// executor runs; it also holds what the run needs around the executor:
// retries while IAM propagates a new role, and waits for SageMaker to
// settle.
package change

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/export"
	"github.com/sagerole/sagerole/flows/find"
)

// TargetKind is what a change is aimed at.
type TargetKind string

const (
	TargetDefaultUser  TargetKind = "default-user"  // a domain's DefaultUserSettings.ExecutionRole
	TargetDefaultSpace TargetKind = "default-space" // a domain's DefaultSpaceSettings.ExecutionRole
	TargetUser         TargetKind = "user"          // a user profile's UserSettings.ExecutionRole
	TargetSpace        TargetKind = "space"         // resolved to TargetUser or TargetDefaultSpace
	TargetNotebook     TargetKind = "notebook"      // a notebook instance's RoleArn
)

// Request is a change as asked for.
type Request struct {
	Target   TargetKind
	DomainID string
	// Name is the user profile, space or notebook instance.
	Name string
	// Role is the new role, a name or an ARN.
	Role string
	// Restart lets a notebook instance that is running be stopped, changed
	// and started again.
	Restart bool
	// Apps is what happens to the running Studio apps of the identities
	// that move ("" leaves them running).
	Apps AppAction
	// ActiveWithin is how recent user activity makes an app "active"
	// (0: DefaultActiveWithin). IncludeActive stops or restarts active
	// apps too; otherwise they are left running, with a warning.
	ActiveWithin  time.Duration
	IncludeActive bool
	// Now is the time activity is measured from; nil is time.Now.
	Now func() time.Time
	// Command is what the journal records; built from the request when "".
	Command string
}

// CheckStatus is how a pre-flight check came out.
type CheckStatus string

const (
	CheckOK      CheckStatus = "ok"
	CheckWarn    CheckStatus = "warning"
	CheckSkipped CheckStatus = "not-checked"
)

// Check is one pre-flight check, as shown before anything is sent. Checks
// that fail with bad input stop Prepare instead.
type Check struct {
	Status CheckStatus `json:"status"`
	Text   string      `json:"text"`
}

// Move is one identity whose effective role changes.
type Move struct {
	Kind     find.UseKind `json:"kind"`
	DomainID string       `json:"domainId,omitempty"`
	Name     string       `json:"name,omitempty"`
	From     string       `json:"from"` // "" when it had none (or it was unresolved)
	To       string       `json:"to"`
	// Why says how the change reaches it.
	Why string `json:"why"`
}

// RunningApp is an app that is InService: it keeps the role it started
// with until it is restarted. What DescribeApp says of it (spec, times)
// is filled in by Prepare.
type RunningApp struct {
	DomainID         string              `json:"domainId"`
	UserProfile      string              `json:"userProfile,omitempty"`
	Space            string              `json:"space,omitempty"`
	Type             string              `json:"type"`
	Name             string              `json:"name"`
	Status           string              `json:"status"`
	InstanceType     string              `json:"instanceType,omitempty"`
	ResourceSpec     awsops.ResourceSpec `json:"resourceSpec"`
	CreationTime     time.Time           `json:"creationTime,omitzero"`
	LastUserActivity time.Time           `json:"lastUserActivity,omitzero"`
	// RecentActivity is user activity within the request's ActiveWithin.
	RecentActivity bool `json:"recentActivity"`
	// Action is what the plan does with the app; StopOnly, why a restart
	// only stops it.
	Action   AppAction `json:"action"`
	StopOnly string    `json:"stopOnly,omitempty"`
	// Error is why the app could not be described.
	Error string `json:"error,omitempty"`
}

// Impact is who moves, who does not and why, and the running apps of
// those who move.
type Impact struct {
	Moves []Move       `json:"moves"`
	Stays []Stay       `json:"stays"`
	Apps  []RunningApp `json:"apps"`
}

// Prepared is a change checked and resolved against the account, ready to
// be shown and run.
type Prepared struct {
	Request Request
	// Effective is the target after a space is resolved (TargetUser or
	// TargetDefaultSpace); otherwise Request.Target.
	Effective TargetKind
	DomainID  string // of the effective target
	Name      string // of the effective target (user or notebook)
	// Resolution says, for a space, which identity the change really is
	// on, and why. It is shown before anything else.
	Resolution string
	// Target describes the effective target in words.
	Target string
	// ResourceARN is the SageMaker resource that is updated.
	ResourceARN string
	// Role is the new role, as IAM has it; Role.ARN (path included) is
	// what is set.
	Role awsops.Role
	// Current is the target's role now ("" for none), and where it comes
	// from for a user profile.
	Current       string
	CurrentSource find.Source
	Checks        []Check
	Impact        Impact
	Steps         []awsops.Op
	Warnings      []string
	Notes         []string
	// Notebook is the notebook instance as it was, for a notebook target.
	Notebook *awsops.NotebookInstance
	// now is when the change was prepared: activity is measured from it.
	now time.Time
}

// Command rebuilds the command line of a request, for the journal.
func (r Request) command() string {
	if r.Command != "" {
		return r.Command
	}
	var b strings.Builder
	b.WriteString("change")
	switch r.Target {
	case TargetDefaultUser:
		fmt.Fprintf(&b, " --domain %s --default-user", r.DomainID)
	case TargetDefaultSpace:
		fmt.Fprintf(&b, " --domain %s --default-space", r.DomainID)
	case TargetUser:
		fmt.Fprintf(&b, " --domain %s --user %s", r.DomainID, r.Name)
	case TargetSpace:
		fmt.Fprintf(&b, " --domain %s --space %s", r.DomainID, r.Name)
	case TargetNotebook:
		fmt.Fprintf(&b, " --notebook %s", r.Name)
		if r.Restart {
			b.WriteString(" --restart")
		}
	}
	fmt.Fprintf(&b, " --role %s", r.Role)
	switch r.Apps {
	case AppsStop:
		b.WriteString(" --stop-apps")
	case AppsRestart:
		b.WriteString(" --restart-apps")
	}
	if r.ActiveWithin != 0 && r.ActiveWithin != DefaultActiveWithin {
		fmt.Fprintf(&b, " --active-within %s", r.ActiveWithin)
	}
	return b.String()
}

func bad(field, format string, args ...any) error {
	return &rules.InputError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// check validates the request's shape before anything is read.
func (r Request) check() error {
	switch r.Target {
	case TargetDefaultUser, TargetDefaultSpace, TargetUser, TargetSpace:
		if err := find.CheckDomainID(r.DomainID); err != nil {
			return err
		}
	case TargetNotebook:
	default:
		return bad("target", "change needs a target: --domain ID with --default-user, --default-space, --user NAME or --space NAME, or --notebook NAME")
	}
	switch r.Target {
	case TargetUser:
		if err := find.CheckName("user profile", r.Name); err != nil {
			return err
		}
	case TargetSpace:
		if err := find.CheckName("space", r.Name); err != nil {
			return err
		}
	case TargetNotebook:
		if err := find.CheckName("notebook instance", r.Name); err != nil {
			return err
		}
	}
	if r.Role == "" {
		return bad("role", "change needs --role ROLE: the name or ARN of the new execution role")
	}
	if r.Restart && r.Target != TargetNotebook {
		return bad("restart", "--restart is for --notebook: only notebook instances must be stopped to change their role")
	}
	switch r.Apps {
	case "", AppsLeave:
	case AppsStop, AppsRestart:
		if r.Target == TargetNotebook {
			return bad("apps", "--%s-apps is for Studio targets: a notebook instance has no Studio apps (it restarts with --restart)", r.Apps)
		}
	default:
		return bad("apps", "apps must be leave, stop or restart, not %q", r.Apps)
	}
	if r.ActiveWithin < 0 {
		return bad("active-within", "--active-within must be a duration of 0 or more (like 15m), not %s", r.ActiveWithin)
	}
	return find.CheckRoleInput(r.Role)
}

// Prepare checks and resolves a change against the account through the
// session s (a dry run is fine: it only reads). It reads only what the
// change reaches: the target, and for the impact preview a domain's
// profiles (a default user role), its list of spaces (a default space
// role, or a user's private spaces), and their apps. Bad input — an
// unknown domain, user, space, notebook or role, a role SageMaker cannot
// assume, a running notebook without --restart — is a *rules.InputError,
// found before anything is sent.
func Prepare(ctx context.Context, s *find.Session, req Request) (*Prepared, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	r := s.Reader()
	id, err := s.Identity(ctx)
	if err != nil {
		return nil, err
	}
	p := &Prepared{Request: req, Effective: req.Target, DomainID: req.DomainID, Name: req.Name, now: time.Now()}
	if req.Now != nil {
		p.now = req.Now()
	}
	if p.Role, err = resolveRole(ctx, r, id.Account, req.Role); err != nil {
		return nil, err
	}
	p.Checks = append(p.Checks,
		Check{CheckOK, fmt.Sprintf("role %s exists; its full ARN (path %s included) is what will be set", p.Role.ARN, p.Role.Path)},
		Check{CheckOK, "its trust policy lets " + find.SageMakerService + " call sts:AssumeRole"})

	switch req.Target {
	case TargetDefaultUser, TargetDefaultSpace:
		d, err := s.DescribeDomain(ctx, req.DomainID)
		if err != nil {
			return nil, err
		}
		err = p.prepareDomain(ctx, s, d, req.Target)
		if err != nil {
			return nil, err
		}
	case TargetUser:
		d, err := s.DescribeDomain(ctx, req.DomainID)
		if err != nil {
			return nil, err
		}
		if err := p.prepareUser(ctx, s, d, req.Name); err != nil {
			return nil, err
		}
	case TargetSpace:
		if err := p.prepareSpace(ctx, s); err != nil {
			return nil, err
		}
	case TargetNotebook:
		if err := p.prepareNotebook(ctx, r); err != nil {
			return nil, err
		}
	}
	p.describeApps(ctx, s)
	p.planApps()
	p.checkManaged(ctx, r)
	if err := p.previewUndo(ctx, r); err != nil {
		return nil, err
	}
	return p, nil
}

// resolveRole finds the new role and refuses one SageMaker could not use:
// missing, at another path than the ARN given, in another account, or not
// trusting SageMaker.
func resolveRole(ctx context.Context, r awsops.IAMReader, account, role string) (awsops.Role, error) {
	name := role
	if rules.IsARN(role) {
		name = rules.RoleNameFromARN(role)
		if a := rules.AccountFromARN(role); a != account {
			return awsops.Role{}, bad("role", "role %s is in account %s; SageMaker takes an execution role of this account, %s", role, a, account)
		}
	}
	got, err := r.GetRole(ctx, name)
	if awsops.IsNotFound(err) {
		return awsops.Role{}, &rules.InputError{Field: "role", Msg: fmt.Sprintf("role %s does not exist in account %s", role, account),
			Remedy: "create it with: sagerole create-role " + name, Flag: "create-role"}
	}
	if err != nil {
		return awsops.Role{}, fmt.Errorf("reading role %s: %w", role, err)
	}
	if rules.IsARN(role) && got.ARN != role {
		return awsops.Role{}, &rules.InputError{Field: "role", Msg: fmt.Sprintf("role %s does not exist: the role named %s is %s (path %s)", role, got.Name, got.ARN, got.Path),
			Remedy: "pass that ARN, or just --role " + got.Name, Flag: "--role"}
	}
	if !find.TrustsSageMaker(got.TrustPolicy) {
		return awsops.Role{}, NoTrust(got.Name)
	}
	return got, nil
}

// NoTrust is the refusal of a role whose trust policy does not let
// SageMaker assume it: a *rules.InputError whose Flag is --fix-trust.
func NoTrust(role string) *rules.InputError {
	return &rules.InputError{Field: "role", Msg: fmt.Sprintf("role %s cannot be used by SageMaker: its trust policy does not let %s call sts:AssumeRole", role, find.SageMakerService),
		Remedy: "fix it with: sagerole modify " + role + " --fix-trust", Flag: "--fix-trust"}
}

func domainWords(d awsops.Domain) string {
	if d.Name == "" {
		return "domain " + d.ID
	}
	return fmt.Sprintf("domain %s (%s)", d.Name, d.ID)
}

// checkManaged warns when the updated resource belongs to a CloudFormation
// stack or is tagged as Terraform's: its code would put its own role back.
// The warning offers the export that writes the assignment as that code.
func (p *Prepared) checkManaged(ctx context.Context, r awsops.Reader) {
	what := p.Target
	domainID := p.DomainID
	switch p.Effective {
	case TargetDefaultUser, TargetDefaultSpace:
		what = "domain " + p.DomainID
	case TargetNotebook:
		domainID = ""
	}
	if p.ResourceARN == "" {
		p.Checks = append(p.Checks, Check{CheckSkipped, "whether " + what + " is managed by CloudFormation or Terraform was not checked: its ARN is not known"})
		return
	}
	tags, err := awsops.SageMakerTags(ctx, r, p.ResourceARN)
	switch {
	case errors.Is(err, awsops.ErrTagsNotSupported):
		p.Checks = append(p.Checks, Check{CheckSkipped, "whether " + what + " is managed by CloudFormation or Terraform was not checked: this backend cannot read tags"})
		return
	case err != nil:
		p.Checks = append(p.Checks, Check{CheckWarn, "whether " + what + " is managed by CloudFormation or Terraform could not be checked: " + err.Error()})
		return
	}
	if m, ok := export.ManagedBy(tags); ok {
		p.Checks = append(p.Checks, Check{CheckWarn, export.AssignmentWarning(what, domainID, p.Role.ARN, m)})
		return
	}
	p.Checks = append(p.Checks, Check{CheckOK, what + " is not managed by CloudFormation or Terraform (no " + awsops.TagCloudFormationStack + " tag, no Terraform tag)"})
}

// previewUndo says before the run what undo will do, and when it cannot.
func (p *Prepared) previewUndo(ctx context.Context, r awsops.Reader) error {
	for _, op := range p.Steps {
		if op.API == awsops.APIStopNotebookInstance || op.API == awsops.APIStartNotebookInstance || awsops.IsAppOp(op) {
			continue
		}
		before, err := awsops.Snapshot(ctx, r, op)
		if err != nil {
			return fmt.Errorf("reading what %s replaces: %w", op.API, err)
		}
		undo, reason := awsops.Inverse(op, before)
		if reason != "" {
			p.Warnings = append(p.Warnings, "this change cannot be undone: "+reason)
		}
		for _, u := range undo {
			if u.Note != "" {
				p.Notes = append(p.Notes, "undo: "+u.Note)
			}
		}
	}
	return nil
}

// Plan is the plan the executor runs. withImpact adds the resolution and
// the impact preview as notes and warnings, for a plan read as JSON; text
// output shows them in a block of their own (WritePreview).
func (p *Prepared) Plan(withImpact bool) awsops.Plan {
	plan := awsops.Plan{Command: p.Request.command(), Steps: p.Steps}
	if withImpact {
		plan.Impact = p.Impact
		if p.Resolution != "" {
			plan.Notes = append(plan.Notes, p.Resolution)
		}
		for _, m := range p.Impact.Moves {
			plan.Notes = append(plan.Notes, "moves: "+m.String())
		}
		for _, c := range p.Checks {
			if c.Status != CheckOK {
				plan.Warnings = append(plan.Warnings, c.Text)
			}
		}
		for _, st := range p.Impact.Stays {
			plan.Notes = append(plan.Notes, "does not move: "+st.String())
		}
		for _, a := range p.Impact.Apps {
			if a.Action == AppsLeave {
				plan.Warnings = append(plan.Warnings, appText(a)+" keeps the old role until it is restarted")
			}
		}
	}
	plan.Notes = append(plan.Notes, p.Notes...)
	plan.Warnings = append(plan.Warnings, p.Warnings...)
	return plan
}
