package tui

import (
	"bytes"
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/modify"
	"github.com/sagerole/sagerole/flows/why"
)

// whyPrefill is what the why flow opens with: a role from Find, or every
// answer again from the explanation's result.
type whyPrefill struct {
	message, role, action, resource, context string
}

// whyState holds the answers of "Why was I denied?": the message, and the
// three fields it fills (or that are typed without one), and context keys.
type whyState struct {
	whyPrefill
	// filledFrom is the message the three fields were last filled from:
	// a message changed since fills them again.
	filledFrom string
}

func newWhy(c *ProgramContext, pre whyPrefill) *flow {
	st := &whyState{whyPrefill: pre, filledFrom: pre.message}
	f := newFlow(c, "Why was I denied?")
	f.steps = []step{
		{name: "Message", fields: []string{"message"}, form: st.messageForm},
		{name: "Request", fields: []string{"role", "action", "resource", "context"}, form: st.requestForm},
	}
	f.remedy = func(ie *rules.InputError) (string, *offer) {
		switch ie.Flag {
		case "--role":
			return "give it under Role", nil
		case "--resource":
			return "give it under Resource", nil
		case "--action":
			return "give it under Action", nil
		case "--profile":
			return "start sagerole with that account's profile", nil
		}
		return "", nil
	}
	f.finish = func(ctx context.Context) (Child, error) { return st.explain(ctx, c) }
	return f
}

func (st *whyState) messageForm(k *kit) *huh.Form {
	check := func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		_, err := why.Parse(s)
		return err
	}
	return k.form(k.input("message", "The AccessDenied message (optional)",
		"paste the text AWS printed; leave it empty to type the role, action and resource", &st.message, check))
}

// fill sets the three fields from the message when it names them and it
// changed since they were last filled (a message pasted, then edited).
func (st *whyState) fill() {
	if st.message == st.filledFrom {
		return
	}
	st.filledFrom = st.message
	m, err := why.Parse(st.message)
	if err != nil {
		return
	}
	for _, p := range []struct {
		dst *string
		v   string
	}{{&st.role, m.Role}, {&st.action, m.Action}, {&st.resource, m.Resource}} {
		if p.v != "" {
			*p.dst = p.v
		}
	}
}

func (st *whyState) requestForm(k *kit) *huh.Form {
	st.fill()
	role := func(s string) error {
		if rules.IsARN(strings.TrimSpace(s)) {
			return rules.RoleARN(strings.TrimSpace(s))
		}
		return rules.RoleName(strings.TrimSpace(s))
	}
	action := func(s string) error {
		if s = strings.TrimSpace(s); !strings.Contains(s, ":") || strings.ContainsAny(s, "*? ") {
			return inputErr("action", "the action is one action of the form service:Action, such as s3:GetObject")
		}
		return nil
	}
	resource := func(s string) error {
		s = strings.TrimSpace(s)
		if s == "*" || strings.HasPrefix(s, "s3://") && len(s) > len("s3://") || rules.IsARN(s) && strings.Count(s, ":") >= 5 {
			return nil
		}
		return inputErr("resource", "the resource is an ARN (arn:partition:service:region:account:…), s3://BUCKET/KEY, or * for an action without a resource type")
	}
	context := func(s string) error {
		_, err := why.ParseContext(splitList(s))
		return err
	}
	return k.form(
		k.input("role", "Role", "the role that was denied: its name or ARN", &st.role, required("the role is empty; give its name or ARN", role, "role")),
		k.input("action", "Action", "service:Action, such as s3:GetObject or iam:PassRole", &st.action, required("the action is empty; give it as service:Action", action, "action")),
		k.input("resource", "Resource", "an ARN, s3://BUCKET/KEY, or * for an action without one", &st.resource, required("the resource is empty; give an ARN, s3://BUCKET/KEY or *", resource, "resource")),
		k.input("context", "Context (optional)", "condition keys the request carried, KEY=VALUE, comma-separated (sagemaker:NetworkIsolation=true)", &st.context, context),
	)
}

// explain runs the explanation, holding the account as a plan is held,
// and prepares the fix's review when one is offered.
func (st *whyState) explain(ctx context.Context, c *ProgramContext) (Child, error) {
	b := c.Opts.Backend
	why.UseEvaluator(b)
	ctxKeys, err := why.ParseContext(splitList(st.context))
	if err != nil {
		return nil, err
	}
	in := why.Input{Message: strings.TrimSpace(st.message), Role: strings.TrimSpace(st.role), Action: strings.TrimSpace(st.action),
		Resource: strings.TrimSpace(st.resource), Context: ctxKeys}
	var res *why.Result
	rv, err := planHeld(ctx, c, func(ctx context.Context) (*review, error) {
		r, err := why.Explain(ctx, b, in, why.Options{Uses: modify.AccountUses(c.session())})
		if err != nil {
			return nil, err
		}
		res = r
		if !r.Fix.Offered {
			return nil, nil
		}
		// The plan is the modify flow's, named as the wizard names it: the
		// command line's equivalent carries flags.
		plan := r.Fix.Modify.Plan
		plan.Command = "modify " + r.Request.Role
		rv := newReview(c, "Why was I denied? › Fix", plan)
		rv.blast = []string{r.Request.Role}
		name, pre := r.Request.Role, st.whyPrefill
		rv.next = []nextAction{
			{key: "w", label: "explain the request again", short: "explain again", open: func(c *ProgramContext) Child { return newWhy(c, pre) }},
			{key: "o", label: "modify this role's other permissions", short: "modify", open: func(c *ProgramContext) Child { return newModify(c, name) }},
			{key: "f", label: "find execution roles", short: "find", open: func(c *ProgramContext) Child { return newFind(c) }},
		}
		return rv, nil
	})
	if err != nil {
		return nil, err
	}
	return newWhyScreen(c, res, rv), nil
}

// whyScreen is the explanation: the decision and why, the statements,
// what sagerole cannot see, the simulator, and the fix, which f reviews.
type whyScreen struct {
	ctx   *ProgramContext
	id    int
	res   *why.Result
	fix   *review // nil when no fix is offered
	lines []string
	top   int
}

func newWhyScreen(c *ProgramContext, res *why.Result, fix *review) *whyScreen {
	var b bytes.Buffer
	_ = why.WriteTextWith(&b, res, why.TextOptions{Wizard: true}) // writing to a buffer cannot fail
	return &whyScreen{ctx: c, id: c.newID(), res: res, fix: fix, lines: strings.Split(strings.TrimRight(b.String(), "\n"), "\n")}
}

var (
	whyFixKey    = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "review the fix"))
	whyModifyKey = key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "modify role"))
)

func (w *whyScreen) ID() int       { return w.id }
func (w *whyScreen) Title() string { return "Why was I denied? › " + w.res.Request.Role }
func (w *whyScreen) Init() tea.Cmd { return nil }

// wrapped are the lines wrapped to the screen's width, a continued line
// indented under its first.
func (w *whyScreen) wrapped() []string {
	width := max(w.ctx.Width, 20)
	var out []string
	for _, l := range w.lines {
		body := strings.TrimLeft(l, " ")
		ind := l[:len(l)-len(body)]
		parts := strings.Split(wrapWords(body, width-len(ind)-2), "\n")
		out = append(out, ind+parts[0])
		for _, p := range parts[1:] {
			out = append(out, ind+"  "+p)
		}
	}
	return out
}

func (w *whyScreen) Update(msg tea.Msg) (Child, tea.Cmd) {
	m, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return w, nil
	}
	k := w.ctx.Keys
	page := max(w.ctx.BodyHeight-1, 1)
	last := max(len(w.wrapped())-page, 0)
	switch {
	case key.Matches(m, whyFixKey) && w.fix != nil:
		return w, push(w.id, w.fix)
	case key.Matches(m, whyModifyKey):
		return w, push(w.id, newModify(w.ctx, w.res.Request.Role))
	case key.Matches(m, k.Back):
		return w, pop(w.id)
	}
	w.top, _ = scroll(k, m, w.top, page, last)
	return w, nil
}

func (w *whyScreen) View() string {
	lines := w.wrapped()
	page := max(w.ctx.BodyHeight-1, 1)
	top := min(w.top, max(len(lines)-page, 0))
	end := min(top+page, len(lines))
	return strings.Join(lines[top:end], "\n")
}

func (w *whyScreen) Help() keyHelp {
	k := w.ctx.Keys
	short := []key.Binding{k.Down, k.PageDown, whyModifyKey, k.Back, k.Quit}
	if w.fix != nil {
		short = append([]key.Binding{whyFixKey}, short...)
	}
	return keyHelp{short: short, full: [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {whyFixKey, whyModifyKey, k.Back, k.Quit}}}
}

// plain says the explanation line by line and, when a fix is offered,
// reviews it as every plan is reviewed in accessible mode.
func (w *whyScreen) plain(a *accessible) error {
	for _, l := range w.lines {
		a.say("%s", l)
	}
	if w.fix == nil {
		return nil
	}
	a.say("")
	a.say("The fix, as a plan:")
	return a.review(w.fix)
}
