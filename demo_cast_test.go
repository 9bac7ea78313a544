package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// startCast starts recording the terminal with asciinema, in a shell like
// the tape's, cleared first: the recording holds what the tape shows.
func (r *replay) startCast() error {
	cmd := fmt.Sprintf("asciinema rec -q --overwrite -i 2 -c 'clear; exec bash --noprofile --norc +o history' %s; echo $? >%s",
		shellQuote(r.o.cast), shellQuote(r.o.cast+".status"))
	if err := r.s.send(true, cmd); err != nil {
		return err
	}
	if err := r.s.send(false, "Enter"); err != nil {
		return err
	}
	if screen, ok := r.s.poll(10*time.Second, func(s string) bool { return strings.TrimSpace(s) == ">" }); !ok {
		return fmt.Errorf("asciinema did not start:\n%s", screen)
	}
	return nil
}

// endCast leaves the recorded shell and waits for asciinema to finish.
func (r *replay) endCast() error {
	r.hidden = true
	if err := r.s.send(true, "exit"); err != nil {
		return err
	}
	if err := r.s.send(false, "Enter"); err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(r.o.cast + ".status"); err == nil && len(b) > 0 {
			os.Remove(r.o.cast + ".status")
			if s := strings.TrimSpace(string(b)); s != "0" {
				return fmt.Errorf("asciinema exited with status %s", s)
			}
			// The private directory's name is as long as the tape's: the
			// JSON strings stay valid, the lines as wide.
			cast, err := os.ReadFile(r.o.cast)
			if err != nil {
				return err
			}
			return os.WriteFile(r.o.cast, []byte(r.private(string(cast))), 0o644)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("asciinema did not finish %s", r.o.cast)
}
