package awsops

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// WriteJSON writes every list, [] when nil, and leaves alone what encodes
// itself, absent objects, omitted fields and unexported ones.
func TestWriteJSONLists(t *testing.T) {
	type inner struct {
		Names []string `json:"names"`
	}
	type doc struct {
		List     []string          `json:"list"`
		Omitted  []string          `json:"omitted,omitempty"`
		Map      map[string]int    `json:"map"`
		Raw      json.RawMessage   `json:"raw"`
		When     time.Time         `json:"when"`
		Absent   *inner            `json:"absent"`
		Present  *inner            `json:"present"`
		Nested   []inner           `json:"nested"`
		Any      any               `json:"any"`
		ByName   map[string]inner  `json:"byName"`
		Bytes    []byte            `json:"bytes"`
		Status   StepStatus        `json:"status"`
		Docs     map[string]string `json:"docs,omitempty"`
		internal []string
	}
	v := doc{Raw: json.RawMessage(`{"a":null}`), When: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Present: &inner{},
		Nested: []inner{{}}, Any: inner{}, ByName: map[string]inner{"x": {}}, Status: StepDone, internal: []string{"x"}}
	var b bytes.Buffer
	if err := WriteJSON(&b, v); err != nil {
		t.Fatal(err)
	}
	var got, want any
	_ = json.Unmarshal(b.Bytes(), &got)
	_ = json.Unmarshal([]byte(`{"list":[],"map":{},"raw":{"a":null},"when":"2026-12-01T00:00:00Z","absent":null,
		"present":{"names":[]},"nested":[{"names":[]}],"any":{"names":[]},"byName":{"x":{"names":[]}},"bytes":null,"status":"done"}`), &want)
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if !bytes.Equal(gj, wj) {
		t.Errorf("WriteJSON = %s\nwant        %s", gj, wj)
	}
	if v.List != nil || v.Present.Names != nil {
		t.Errorf("WriteJSON changed the value it wrote: %+v", v)
	}
}
