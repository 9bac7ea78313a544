package tui

import "charm.land/bubbles/v2/key"

// KeyMap holds every binding of the wizard. Screens pick the ones they use
// for their help bar, so the help shown is always what works.
type KeyMap struct {
	Up, Down         key.Binding
	PageUp, PageDown key.Binding
	Top, Bottom      key.Binding
	Enter            key.Binding
	Back             key.Binding
	Quit             key.Binding
	Interrupt        key.Binding
	Help             key.Binding

	Run      key.Binding // confirm a plan
	Rollback key.Binding
	Copy     key.Binding
	Menu     key.Binding
	Force    key.Binding
	Offer    key.Binding // do what an error offers (fix the trust policy now)

	Filter key.Binding
	Change key.Binding // find: change the selected identity's role
	Modify key.Binding // find: modify the selected identity's role
	Uses   key.Binding // find: who else uses the selected role
	Why    key.Binding // find: why was the selected identity's role denied
}

// NewKeyMap returns the default bindings.
func NewKeyMap() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "f", " "), key.WithHelp("pgdn", "page down")),
		Top:       key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:    key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
		Enter:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Run:       key.NewBinding(key.WithKeys("enter", "y"), key.WithHelp("enter/y", "run it")),
		Rollback:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "roll back")),
		Copy:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy ARN")),
		Menu:      key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "menu")),
		Force:     key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "undo anyway")),
		Offer:     key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "do it now")),
		Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Change:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "change role")),
		Modify:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "modify role")),
		Uses:      key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "who uses it")),
		Why:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "why denied?")),
	}
}

// keyHelp is a help.KeyMap made of a screen's bindings.
type keyHelp struct {
	short []key.Binding
	full  [][]key.Binding
}

func (k keyHelp) ShortHelp() []key.Binding { return k.short }

func (k keyHelp) FullHelp() [][]key.Binding {
	if k.full == nil {
		return [][]key.Binding{k.short}
	}
	return k.full
}
