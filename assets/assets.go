// Package assets owns the go:embed data every layer reads: the sandbox's
// seed account, policy templates and demo tapes. Each kind of data has its
// own file with its own embed line.
package assets
