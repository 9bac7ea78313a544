package main

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/tui"
)

// bigAccount is the seed with a domain large enough that its lists take
// several pages (100 items a page).
func bigAccount(t *testing.T) *sandbox.Account {
	t.Helper()
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 230 {
		name := fmt.Sprintf("user-%03d", i)
		if err := acct.AddUserProfile("d-research1", name, ""); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := acct.AddSpace("d-research1", "space-"+name, "Private", name); err != nil {
				t.Fatal(err)
			}
		}
	}
	return acct
}

// frameProbe keeps the wizard's last frame, for the test to read.
type frameProbe struct {
	*tui.Model
	mu    *sync.Mutex
	frame *string
}

func (p frameProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

func (p frameProbe) View() tea.View {
	v := p.Model.View()
	p.mu.Lock()
	*p.frame = ansi.Strip(v.Content)
	p.mu.Unlock()
	return v
}

// The wizard's find screen reads the account as `sagerole find` does: one
// inventory through one session, so the same API calls, API by API, for
// the same account — the caller identity and each role once, the lists a
// page of 100 at a time, no DescribeSpace where the list says enough.
func TestWizardFindCallsAsTheCLI(t *testing.T) {
	isolate(t)
	ctx := context.Background()

	cliAcct := bigAccount(t)
	cli := &app{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, backend: cliAcct, backendName: "sandbox"}
	root := cli.rootCommand()
	root.SetArgs([]string{"--sandbox", "find"})
	root.SetOut(cli.stdout)
	root.SetErr(cli.stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatalf("find: %v\n%s", err, cli.stderr)
	}
	if !strings.Contains(cli.stdout.(*bytes.Buffer).String(), "user-229") {
		t.Fatalf("find did not read the whole domain:\n%s", cli.stdout)
	}
	want := cliAcct.Calls()

	wizAcct := bigAccount(t)
	wiz := &app{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, backend: wizAcct, backendName: "sandbox"}
	wiz.g.sandbox, wiz.g.noColor = true, true
	opts := wiz.wizardOptions(ctx, wizAcct, &awsops.Journal{Dir: filepath.Join(t.TempDir(), "journal")})
	frame, mu := "", &sync.Mutex{}
	tm := teatest.NewTestModel(t, frameProbe{Model: tui.New(opts), mu: mu, frame: &frame},
		teatest.WithInitialTermSize(100, 40), teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { _ = tm.Quit() })
	tm.Send(tea.BackgroundColorMsg{Color: color.Black})
	waitFrame := func(what string, ok func(string) bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			f := frame
			mu.Unlock()
			if ok(f) {
				return
			}
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the wizard never showed %s:\n%s", what, frame)
	}
	waitFrame("the account", func(f string) bool { return strings.Contains(f, "account 111122223333") })
	before := wizAcct.Calls()
	tm.Send(tea.KeyPressMsg{Code: '3', Text: "3"})
	waitFrame("the whole tree", func(f string) bool {
		return strings.Contains(f, "2 domains · 2 notebook instances") && !strings.Contains(f, "reading the account")
	})
	got := wizAcct.Calls()
	for api, n := range before {
		got[api] -= n
		if got[api] == 0 {
			delete(got, api)
		}
	}

	total := 0
	for _, api := range slices.Sorted(maps.Keys(want)) {
		total += want[api]
		if got[api] != want[api] {
			t.Errorf("%s: the wizard's find made %d calls, sagerole find %d", api, got[api], want[api])
		}
	}
	for api, n := range got {
		if _, ok := want[api]; !ok {
			t.Errorf("%s: the wizard's find made %d calls, sagerole find none", api, n)
		}
	}
	if want["sagemaker:ListUserProfiles"] < 3 || want["sts:GetCallerIdentity"] != 1 {
		t.Errorf("sagerole find's calls %v: want the profiles' list in 3 pages or more, the identity once", want)
	}
	t.Logf("%d calls each: %v", total, want)
}
