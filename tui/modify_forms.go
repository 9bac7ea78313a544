package tui

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/modify"
)

// modifyImpact is who runs as the role, one line each: a count, then the
// identities (each once), with the apps that keep the old permissions.
func modifyImpact(role string, uses []modify.Use, radius string) []string {
	if len(uses) == 0 {
		return []string{radius}
	}
	out := []string{fmt.Sprintf("%d %s as %s and get this change:", len(uses), plural(len(uses), "identity runs", "identities run"), role)}
	for _, u := range uses {
		line := "  " + modify.UseLabel(u)
		if len(u.RunningApps()) > 0 {
			line += ": running " + strings.Join(u.RunningApps(), ", ") + " keep the old permissions until restarted"
		}
		out = append(out, line)
	}
	return out
}

// addedGuardrails are the guardrails being added ("" when none is).
func (st *modifyState) addedGuardrails() []string {
	if st.has(modGuardrails) {
		return st.guardrails
	}
	return nil
}

// newNameCheck refuses a policy name IAM would refuse, or one the role
// already has (edit that one instead).
func (st *modifyState) newNameCheck(name string) error {
	if err := rules.PolicyName(name); err != nil {
		return err
	}
	if st.details != nil {
		for _, p := range st.details.InlinePolicies {
			if strings.EqualFold(p.Name, name) {
				return &rules.InputError{Field: "policy name", Msg: fmt.Sprintf("role %s already has an inline policy %s: pick “edit inline policy %s” instead, or another name", st.role.value(), p.Name, p.Name)}
			}
		}
	}
	return nil
}

// editDocs are the documents the editor edits: every inline policy picked
// for editing, as it is (or as edited so far), then the new one.
func (st *modifyState) editDocs() []policyDoc {
	var docs []policyDoc
	for _, a := range st.actions {
		name, ok := strings.CutPrefix(a, modEdit)
		if !ok {
			continue
		}
		cur := ""
		for _, p := range st.details.InlinePolicies {
			if p.Name == name {
				cur = strings.Join(prettyJSON(string(p.Document)), "\n")
			}
		}
		doc, ok := st.edits[name]
		if !ok {
			d := cur
			doc = &d
			st.edits[name] = doc
		}
		docs = append(docs, policyDoc{name: name, text: doc, original: cur})
	}
	if st.has(modNewInline) {
		docs = append(docs, policyDoc{name: strings.TrimSpace(st.newName), text: &st.newDoc, original: newInlineTemplate})
	}
	return docs
}

// summary is the role as it is: the intro of the changes step.
func (st *modifyState) summary(c *ProgramContext) string {
	s := c.Styles
	d := st.details
	if st.detailsErr != nil {
		return s.Error.Render(wrapWords("✗ "+st.detailsErr.Error(), c.Width-2))
	}
	trust := s.OK.Render("✓ SageMaker can assume it")
	if !d.TrustsSageMaker {
		trust = s.Warn.Render("⚠ its trust policy does not let sagemaker.amazonaws.com assume it")
	}
	var att, inl []string
	for _, p := range d.AttachedPolicies {
		att = append(att, p.Name)
	}
	rm := roleManagerPolicies(d.RoleManager)
	for _, p := range d.InlinePolicies {
		if !rm[p.Name] {
			inl = append(inl, fmt.Sprintf("%s (%d)", p.Name, p.Size))
		}
	}
	if n := len(d.InlinePolicies) - len(inl); n > 0 {
		// Role Manager's names are long and say little: counted, and r
		// shows each.
		inl = append(inl, fmt.Sprintf("%d of Role Manager's", n))
	}
	lines := []string{s.Bold.Render(d.Role.ARN), trust,
		fmt.Sprintf("attached (%d of %d): %s", d.Usage.AttachedPolicies, d.Usage.AttachedPoliciesQuota, noneIfEmpty(att)),
		fmt.Sprintf("inline (%d of %d characters): %s", d.Usage.InlineSize, d.Usage.InlineSizeQuota, noneIfEmpty(inl))}
	if rm := roleManagerIntro(c, d.RoleManager); rm != "" {
		lines = append(lines, rm)
	}
	return wrapWords(strings.Join(lines, "\n"), c.Width-2)
}

// changesForm asks what to change in the role.
func (st *modifyState) changesForm(k *kit) *huh.Form {
	d := st.details
	var opts []huh.Option[string]
	if st.detailsErr == nil {
		if m := d.RoleManager; m != nil && m.Command != "" {
			opts = append(opts, huh.NewOption("adopt it: sagerole's activities instead of Role Manager's policies", modAdopt))
		}
		if !d.TrustsSageMaker {
			opts = append(opts, huh.NewOption("fix the trust policy: let SageMaker assume the role", modFixTrust))
		}
		full := false
		for _, p := range d.AttachedPolicies {
			full = full || strings.HasSuffix(p.ARN, ":policy/AmazonSageMakerFullAccess")
		}
		if !full {
			opts = append(opts, huh.NewOption("attach AmazonSageMakerFullAccess", modAttachFull))
		}
		opts = append(opts, huh.NewOption("attach another managed policy (by ARN)", modAttach))
		for _, p := range d.AttachedPolicies {
			opts = append(opts, huh.NewOption("detach "+p.Name, modDetach+p.ARN))
		}
		for _, p := range d.InlinePolicies {
			opts = append(opts, huh.NewOption("edit inline policy "+p.Name, modEdit+p.Name))
			opts = append(opts, huh.NewOption("delete inline policy "+p.Name, modDelete+p.Name))
		}
		opts = append(opts, huh.NewOption("create a new inline policy", modNewInline))
		opts = append(opts,
			huh.NewOption("add S3 buckets", modBuckets),
			huh.NewOption("add ML activities", modActivities),
			huh.NewOption("add guardrails", modGuardrails))
	}
	for i, o := range opts {
		opts[i] = o.Selected(slices.Contains(st.actions, o.Value))
	}
	return k.form(k.pickMany("actions", "What to change in "+st.role.value(),
		"x or space picks; each change is shown as a diff before anything is sent", opts, &st.actions).
		Height(min(len(opts)+2, 13)))
}

// checkInline is the modify flow's refusal of an inline policy document.
func checkInline(name, doc string) error {
	return modify.CheckPermissionsPolicy("inline policy "+name, doc)
}

// filesForm is the editor in accessible mode: each document is read from a
// file, as the command line's --put-inline NAME=FILE does, and checked as
// the editor checks it.
func (st *modifyState) filesForm(k *kit) *huh.Form {
	var fields []huh.Field
	for _, d := range st.editDocs() {
		path := new(string)
		desc := "a JSON file; empty keeps the document as it is"
		if d.original == newInlineTemplate {
			desc = "a JSON file with the new policy"
		}
		check := func(p string) error {
			if p == "" && d.original != newInlineTemplate {
				return nil
			}
			b, err := os.ReadFile(strings.TrimSpace(p))
			if err != nil {
				return inputErr("put-inline", fmt.Sprintf("the file for inline policy %s cannot be read: %v", d.name, err))
			}
			if f, bad := jsonError(string(b)); bad {
				return inputErr("put-inline", fmt.Sprintf("the file for inline policy %s is not a policy: %s", d.name, f))
			}
			if err := checkInline(d.name, string(b)); err != nil {
				return err
			}
			for _, f := range policyLint(k.c)(string(b)) {
				if f.severity == "error" {
					return inputErr("put-inline", fmt.Sprintf("the policy validator refuses the file for inline policy %s: %s", d.name, f))
				}
			}
			*d.text = string(b)
			return nil
		}
		fields = append(fields, k.input("file:"+d.name, "File with inline policy "+d.name, desc, path, check))
	}
	return k.form(fields...)
}

func (st *modifyState) bucketForm(k *kit) *huh.Form {
	fields := bucketPicker(k, &st.accountBuckets, "Buckets to add (read-write)", &st.buckets, st.granted.note)
	fields = append(fields, k.input("otherBuckets", "Other buckets (optional)", "BUCKET or BUCKET/PREFIX, comma-separated",
		&st.otherBuckets, checkGrants))
	return k.form(fields...)
}

// input is the flow's input from the answers.
func (st *modifyState) input() (modify.Input, error) {
	in := modify.Input{Role: st.role.value()}
	for _, a := range st.actions {
		switch {
		case a == modFixTrust:
			in.FixTrust = true
		case a == modAttachFull:
			in.Attach = append(in.Attach, modify.Full)
		case a == modAttach:
			in.Attach = append(in.Attach, strings.TrimSpace(st.attachARN))
		case strings.HasPrefix(a, modDetach):
			in.Detach = append(in.Detach, strings.TrimPrefix(a, modDetach))
		case strings.HasPrefix(a, modDelete):
			in.DeleteInline = append(in.DeleteInline, strings.TrimPrefix(a, modDelete))
		case strings.HasPrefix(a, modEdit):
			name := strings.TrimPrefix(a, modEdit)
			if doc := st.edits[name]; doc != nil {
				in.PutInline = append(in.PutInline, modify.Inline{Name: name, Document: *doc})
			}
		case a == modNewInline:
			in.PutInline = append(in.PutInline, modify.Inline{Name: strings.TrimSpace(st.newName), Document: st.newDoc})
		case a == modBuckets:
			in.AddBuckets = append(append(in.AddBuckets, st.buckets...), splitList(st.otherBuckets)...)
		}
	}
	if st.has(modActivities) {
		in.Scope.Activities = st.activities
	}
	if st.has(modGuardrails) {
		in.Scope.Guardrails = st.guardrails
	}
	st.settings.apply(&in.Scope, in.Scope.Guardrails, st.has(modActivities))
	// Kept in the editor despite the validator's errors: put as it is.
	in.Force = st.editor != nil && st.editor.forced
	return in, in.Validate()
}

func noneIfEmpty(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}
