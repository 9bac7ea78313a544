package tui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sagerole/sagerole/awsops/sandbox"
)

// drain runs cmd as bubbletea would and feeds what it returns to f, until
// nothing is left; a command that does not return at once (a cursor blink,
// a timer) is dropped.
func drain(t *testing.T, f *flow, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		got := make(chan tea.Msg, 1)
		go func() { got <- c() }()
		var msg tea.Msg
		select {
		case msg = <-got:
		case <-time.After(30 * time.Millisecond):
			continue
		}
		switch m := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, m...)
		default:
			_, next := f.Update(m)
			queue = append(queue, next)
		}
	}
}

// Typing right after tab goes to the field tab moved to: huh moves the
// focus with a command, and keys read before its message came back landed
// in the field just left ("/t" in the path, "eam=research" in the tags), so
// a script or a VHS tape typing at speed filled the wrong fields.
func TestTypingRightAfterTab(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := newProgramContext(Options{Backend: acct, Mode: ModeSandbox, Static: true})
	f := newCreateRole(c, createRolePrefill{})
	drain(t, f, f.Init())
	key := func(k string) tea.Cmd {
		_, cmd := f.Update(keyMsg(k))
		return cmd
	}
	for _, k := range []string{"d", "s", "tab"} {
		drain(t, f, key(k))
	}
	drain(t, f, key("tab")) // to the path, which holds "/"
	// At speed: tab to the tags, then the tags typed before any command
	// has run.
	var pending []tea.Cmd
	pending = append(pending, key("tab"))
	for _, r := range "team=research" {
		pending = append(pending, key(string(r)))
	}
	for _, cmd := range pending {
		drain(t, f, cmd)
	}
	field := f.form.GetFocusedField()
	if field == nil || field.GetKey() != "tags" {
		t.Fatalf("focus is on %v, want the tags", field)
	}
	if v := field.GetValue(); v != "team=research" {
		t.Errorf("tags = %q, want team=research", v)
	}
	if v := f.form.GetString("path"); v != "/" {
		t.Errorf("path = %q, want /: keys typed after tab landed in it", v)
	}
	if v := f.form.GetString("name"); v != "ds" {
		t.Errorf("name = %q", v)
	}
}
