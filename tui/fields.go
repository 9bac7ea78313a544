package tui

import (
	"strconv"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops/rules"
)

// kit builds the fields of one step's form. A field built through it says
// its rule the same way on the screen and in accessible mode, and every
// validator it is given also checks the focused field as it is typed (the
// flow's live line): a bad value is refused with the same sentence while it
// is typed, when the field is left, and by the plan.
type kit struct {
	c    *ProgramContext
	live map[string]func(string) error
}

func newKit(c *ProgramContext) *kit { return &kit{c: c, live: map[string]func(string) error{}} }

// label is a field's title and description as the field shows them. On
// the screen the description is the line under the title. huh's
// accessible prompts print the title alone, so there the description,
// and the value an empty answer keeps, are said with the title.
func (k *kit) label(title, desc, keeps string) (string, string) {
	if !k.c.Opts.Accessible {
		return title, desc
	}
	var notes []string
	if desc != "" {
		notes = append(notes, desc)
	}
	if keeps != "" {
		notes = append(notes, "empty keeps "+keeps)
	}
	if len(notes) == 0 {
		return title, ""
	}
	return title + " — " + strings.Join(notes, "; "), ""
}

// input is a one-line text field bound to v, checked with check (nil: any
// value).
func (k *kit) input(key, title, desc string, v *string, check func(string) error) *huh.Input {
	t, d := k.label(title, desc, *v)
	in := huh.NewInput().Key(key).Title(t).Description(d).Value(v)
	if check != nil {
		k.live[key] = check
		in = in.Validate(k.kept(check, v))
	}
	return in
}

// kept is check as a field applies it. In accessible mode an empty answer
// keeps the field's value, and huh validates what was typed before it falls
// back on that value: there the value kept is what is checked.
func (k *kit) kept(check func(string) error, v *string) func(string) error {
	if !k.c.Opts.Accessible {
		return check
	}
	return func(s string) error {
		if s == "" {
			s = *v
		}
		return check(s)
	}
}

// confirm is a yes/no question bound to v.
func (k *kit) confirm(key, title, desc string, v *bool) *huh.Confirm {
	keeps := "No"
	if *v {
		keeps = "Yes"
	}
	t, d := k.label(title, desc, keeps)
	return huh.NewConfirm().Key(key).Title(t).Description(d).Value(v)
}

// pick is a select bound to v, checked with check (nil: any choice).
func (k *kit) pick(key, title, desc string, opts []huh.Option[string], v *string, check func(string) error) *huh.Select[string] {
	// huh's accessible select takes an empty answer as the option
	// selected: its number.
	keeps := ""
	for i, o := range opts {
		if o.Value == *v && *v != "" {
			keeps = strconv.Itoa(i + 1)
		}
	}
	t, d := k.label(title, desc, keeps)
	s := huh.NewSelect[string]().Key(key).Title(t).Description(d).Options(opts...).Value(v)
	if check != nil {
		k.live[key] = check
		s = s.Validate(check)
	}
	return s
}

// pickMany is a multi-select bound to v.
func (k *kit) pickMany(key, title, desc string, opts []huh.Option[string], v *[]string) *huh.MultiSelect[string] {
	t, d := k.label(title, desc, "")
	return huh.NewMultiSelect[string]().Key(key).Title(t).Description(d).Options(opts...).Value(v)
}

// form is the step's form: its fields in one group.
func (k *kit) form(fields ...huh.Field) *huh.Form { return huh.NewForm(huh.NewGroup(fields...)) }

// required refuses an empty value with msg, then checks the rest with
// check: a field the flow must have (the instance types a guardrail
// needs) is refused when left empty, not after the next screens.
func required(msg string, check func(string) error, field string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return inputErr(field, msg)
		}
		if check == nil {
			return nil
		}
		return check(s)
	}
}

// inputErr is bad input found by the wizard itself, in the rules' form.
func inputErr(field, msg string) error { return &rules.InputError{Field: field, Msg: msg} }
