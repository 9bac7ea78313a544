package tui

import (
	"errors"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops/rules"
)

// intro is the current step's intro ("" when it has none).
func (f *flow) intro() string {
	if f.i < 0 || f.i >= len(f.steps) || f.steps[f.i].intro == nil {
		return ""
	}
	return f.steps[f.i].intro()
}

// below is what the current step shows under its form about the option
// the cursor is on ("" when it shows nothing).
func (f *flow) below() string {
	if f.i < 0 || f.i >= len(f.steps) || f.steps[f.i].below == nil || f.form == nil {
		return ""
	}
	h, ok := f.form.GetFocusedField().(interface{ Hovered() (string, bool) })
	if !ok {
		return ""
	}
	v, ok := h.Hovered()
	if !ok {
		return ""
	}
	return f.steps[f.i].below(v)
}

// stepKeys are the current step's own keys (none when it has none).
func (f *flow) stepKeys() []stepKey {
	if f.i < 0 || f.i >= len(f.steps) || f.steps[f.i].keys == nil {
		return nil
	}
	return f.steps[f.i].keys()
}

// typingField reports whether the focused field takes letters as text
// (an input): a step's own keys are then letters typed.
func (f *flow) typingField() bool {
	if f.form == nil {
		return false
	}
	switch f.form.GetFocusedField().(type) {
	case *huh.Input, *huh.Text:
		return true
	}
	return false
}

// sentence is how the wizard says a refusal: the fact, then what to do
// about it in the wizard (and an offer to do it), never a command-line
// flag its user did not type.
func (f *flow) sentence(err error) (string, *offer) {
	var ie *rules.InputError
	if !errors.As(err, &ie) || ie.Flag == "" {
		return err.Error(), nil
	}
	words, o := "", (*offer)(nil)
	if f.remedy != nil {
		words, o = f.remedy(ie)
	}
	text := ie.Msg
	if words != "" {
		text += "; " + words
	}
	if o != nil && !f.ctx.Opts.Accessible {
		text += " (ctrl+o " + o.label + ")"
	}
	return text, o
}

// filtering reports whether the focused field wants esc itself: a
// multi-select that is filtering, or that has a filter applied, clears it
// with esc; only then does esc not go back a step.
func (f *flow) filtering() bool {
	if f.form == nil {
		return false
	}
	field := f.form.GetFocusedField()
	if field == nil {
		return false
	}
	for _, b := range field.KeyBinds() {
		if b.Enabled() && slices.Contains(b.Keys(), "esc") {
			return true
		}
	}
	return false
}

// checkLive checks the focused field's value as it is, with the validator
// the field itself refuses it with.
func (f *flow) checkLive() {
	f.liveErr = ""
	if f.form == nil {
		return
	}
	field := f.form.GetFocusedField()
	if field == nil {
		return
	}
	check := f.live[field.GetKey()]
	v, ok := field.GetValue().(string)
	if check == nil || !ok || v == "" {
		return
	}
	if err := check(v); err != nil {
		f.liveErr, f.offer = f.sentence(err)
	}
}

func (f *flow) Help() keyHelp {
	k := f.ctx.Keys
	// esc first: the form's own keys are many, and the bar cuts the last.
	binds := []key.Binding{k.Back}
	if f.offer != nil {
		binds = append(binds, key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", f.offer.label)))
	}
	if f.form != nil {
		for _, sk := range f.stepKeys() {
			binds = append(binds, sk.bind)
		}
	}
	switch {
	case f.screen != nil:
		binds = append(binds, f.screen.Help()...)
	case f.form != nil:
		binds = append(binds, f.form.KeyBinds()...)
	}
	return keyHelp{short: binds, full: [][]key.Binding{binds, {k.Interrupt}}}
}

func (f *flow) View() string {
	s := f.ctx.Styles
	var b strings.Builder
	if f.errMsg != "" {
		b.WriteString(s.Error.Render(wrapText("✗ "+f.errMsg, f.ctx.Width-2)) + "\n\n")
	}
	if f.liveErr != "" && f.form != nil {
		b.WriteString(s.Error.Render(wrapText("✗ "+f.liveErr, f.ctx.Width-2)) + "\n\n")
	}
	switch {
	case f.planning:
		b.WriteString("\n " + f.spin.view() + " Reading the account and building the plan…\n")
	case f.screen != nil:
		b.WriteString(f.screen.View())
	case f.form == nil && f.i < len(f.steps):
		b.WriteString("\n " + f.spin.view() + " " + f.steps[f.i].waiting + "…\n")
	case f.form != nil:
		if intro := f.intro(); intro != "" {
			b.WriteString(intro + "\n\n")
		}
		b.WriteString(f.form.View())
		if below := f.below(); below != "" {
			b.WriteString("\n" + below)
		}
	}
	return b.String()
}
