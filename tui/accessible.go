package tui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sagerole/sagerole/awsops/rules"
)

// errInputEnded: stdin ended in the middle of a flow. Nothing was sent.
var errInputEnded = errors.New("the input ended before the flow was complete; nothing was sent")

// lineReader reads one byte at a time, so that each of huh's accessible
// prompts (which wraps its input in a scanner of its own) takes exactly
// one line and leaves the next answers where they are; and it remembers
// that the input ended, which huh's prompts do not report.
type lineReader struct {
	r   io.Reader
	mu  sync.Mutex
	eof bool
}

func (l *lineReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := l.r.Read(p[:1])
	if errors.Is(err, io.EOF) {
		l.mu.Lock()
		l.eof = true
		l.mu.Unlock()
	}
	return n, err
}

func (l *lineReader) ended() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.eof
}

// accessible runs the flows as plain line-by-line prompts: what a screen
// reader reads out, or a script answers through stdin. The same flows, the
// same validators (a refusal is the same sentence), the same plan, the
// same executor and journal as the screens.
type accessible struct {
	ctx *ProgramContext
	in  *lineReader
	out io.Writer
}

// RunAccessible runs the wizard in accessible mode until the user quits or
// the input ends.
func RunAccessible(opts Options) error {
	opts.Accessible = true
	opts.Static = true
	if opts.In == nil {
		opts.In = os.Stdin
	}
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	a := &accessible{ctx: newProgramContext(opts), in: &lineReader{r: opts.In}, out: opts.Out}
	// Plain prompts: no escape codes for a screen reader to read out.
	a.ctx.Styles = NewStyles(true, true)
	a.ctx.Styles.Huh = huh.ThemeFunc(huh.ThemeBase)
	return a.run()
}

func (a *accessible) say(format string, args ...any) { fmt.Fprintf(a.out, format+"\n", args...) }

func (a *accessible) run() error {
	c := a.ctx
	id, err := c.Opts.Backend.CallerIdentity(c.ctx())
	if err != nil {
		return fmt.Errorf("reading the account: %w", err)
	}
	c.Identity = id
	a.say("sagerole, %s: account %s, region %s.", modeWords(c.Opts.Mode), id.Account, c.Opts.Backend.Region())
	items := menuItems()
	for {
		choice := 0
		opts := make([]huh.Option[int], len(items))
		for i, it := range items {
			opts[i] = huh.NewOption(it.title, i)
		}
		if err := a.form(huh.NewSelect[int]().Title("What do you want to do?").Options(opts...).Value(&choice)); err != nil {
			return err
		}
		if a.in.ended() {
			a.say("The input ended: quitting.")
			return nil
		}
		it := items[choice]
		if it.open == nil {
			return nil
		}
		if err := a.item(it); err != nil {
			return err
		}
	}
}

// item runs a menu item: its own plain version when it has one (find,
// undo), otherwise its flow's questions as prompts.
func (a *accessible) item(it menuItem) error {
	if it.plain != nil {
		return it.plain(a)
	}
	f, ok := it.open(a.ctx).(*flow)
	if !ok {
		return fmt.Errorf("%s has no line-by-line version", it.title)
	}
	return a.flow(f)
}

// plainScreen is a screen a flow ends on (finish's) that says itself line
// by line in accessible mode.
type plainScreen interface{ plain(a *accessible) error }

func modeWords(mode string) string {
	switch mode {
	case ModeSandbox:
		return "sandbox mode (nothing reaches AWS)"
	case ModeDryRun:
		return "dry run (nothing is sent)"
	}
	return "LIVE (changes are sent to AWS)"
}

// form runs fields as one accessible form.
func (a *accessible) form(fields ...huh.Field) error {
	return a.run1(huh.NewForm(huh.NewGroup(fields...)))
}

func (a *accessible) run1(f *huh.Form) error {
	err := f.WithAccessible(true).WithInput(a.in).WithOutput(a.out).WithTheme(a.ctx.Styles.Huh).Run()
	if err != nil {
		return fmt.Errorf("prompt: %w", err)
	}
	return nil
}

// flow asks a flow's steps in order, builds its plan, shows it, and runs
// it once confirmed.
func (a *accessible) flow(f *flow) error {
	c := a.ctx
	// The reads a flow starts with, done before its first question.
	for _, l := range f.loads {
		l(c.ctx())()
	}
	tries := 0
	i := f.nextShown(0, 1)
	for {
		for i < len(f.steps) {
			s := f.steps[i]
			if s.ready != nil && !s.ready() && s.fetch != nil {
				if l := s.fetch(); l != nil {
					l(c.ctx())()
				}
				// What was read may show the step is not needed.
				if s.skip != nil && s.skip() {
					i = f.nextShown(i+1, 1)
					continue
				}
			}
			form := s.form
			if s.screen != nil {
				form = s.plain
			}
			if s.intro != nil {
				// Plain words: no styles, no lines cut to a screen's width.
				if text := strings.Join(strings.Fields(ansi.Strip(s.intro())), " "); text != "" {
					a.say("%s", text)
				}
			}
			if s.explain != nil {
				for _, l := range s.explain() {
					a.say("%s", l)
				}
			}
			if err := a.run1(form(newKit(c))); err != nil {
				return err
			}
			if a.in.ended() {
				return errInputEnded
			}
			if s.answered != nil {
				s.answered()
			}
			i = f.nextShown(i+1, 1)
		}
		var err error
		if f.finish != nil {
			var ch Child
			if ch, err = f.finish(c.ctx()); err == nil {
				p, ok := ch.(plainScreen)
				if !ok {
					return fmt.Errorf("%s has no line-by-line version", f.name)
				}
				return p.plain(a)
			}
		} else {
			var rv *review
			if rv, err = planHeld(c.ctx(), c, f.plan); err == nil {
				return a.review(rv)
			}
		}
		var ie *rules.InputError
		if !errors.As(err, &ie) || a.in.ended() || tries > 5 {
			return err
		}
		// Bad input: the wizard's sentence (the fact, and what to do here),
		// then the question that asked for it again.
		tries++
		text, _ := f.sentence(err)
		a.say("✗ %s", text)
		i = f.nextShown(0, 1)
		for j, s := range f.steps {
			if slices.Contains(s.fields, ie.Field) {
				i = j
				break
			}
		}
	}
}
