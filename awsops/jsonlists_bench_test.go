package awsops

import (
	"encoding/json"
	"fmt"
	"io"
	"testing"
)

// A tree shaped as find's at scale: 5,000 user profiles with two apps
// each, and as many spaces, some lists nil.
type benchApp struct{ Type, Name, Status string }
type benchNode struct {
	Name, Role, Source, Error string
	Apps                      []benchApp
}
type benchDomain struct {
	ID     string
	Users  []benchNode
	Spaces []benchNode
}
type benchTree struct {
	Domains  []benchDomain
	Warnings []string
}

func benchInventory() benchTree {
	var t benchTree
	for d := range 10 {
		dom := benchDomain{ID: fmt.Sprintf("d-%d", d)}
		for u := range 500 {
			n := benchNode{Name: fmt.Sprintf("user-%d", u), Role: "arn:aws:iam::111122223333:role/service-role/R", Source: "own"}
			if u%2 == 0 {
				n.Apps = []benchApp{{"JupyterLab", "default", "InService"}, {"Canvas", "default", "Deleted"}}
			}
			dom.Users = append(dom.Users, n)
			dom.Spaces = append(dom.Spaces, n)
		}
		t.Domains = append(t.Domains, dom)
	}
	return t
}

// What withLists costs WriteJSON on the largest answer sagerole writes.
func BenchmarkWriteJSON(b *testing.B) {
	t := benchInventory()
	b.Run("withLists", func(b *testing.B) {
		for b.Loop() {
			_ = WriteJSON(io.Discard, t)
		}
	})
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			enc := json.NewEncoder(io.Discard)
			enc.SetIndent("", "  ")
			_ = enc.Encode(t)
		}
	})
}
