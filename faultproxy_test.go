package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// faultMode is what the fault proxy does to the one write it is told to
// fault. "Before" modes never let the write reach moto; "after" modes let
// moto apply it and then lose or withhold the answer.
type faultMode string

const (
	// failBefore closes the connection without forwarding, on every
	// attempt: the write never reaches AWS, and the SDK's retries give up.
	failBefore faultMode = "fail-before"
	// dropFirst forwards the first attempt and drops its response (the
	// connection is reset); the SDK retries a write that was applied.
	dropFirst faultMode = "drop-first"
	// dropAll forwards every attempt and drops every response.
	dropAll faultMode = "drop-all"
	// hangBefore holds the request, unforwarded, until the client gives up.
	hangBefore faultMode = "hang-before"
	// hangAfter forwards the request and withholds the response until the
	// client gives up.
	hangAfter faultMode = "hang-after"
)

// applied reports whether the faulted write reached moto.
func (m faultMode) applied() bool { return m == dropFirst || m == dropAll || m == hangAfter }

// hangs reports whether the client must give up for the run to go on.
func (m faultMode) hangs() bool { return m == hangBefore || m == hangAfter }

// faultProxy is a reverse proxy in front of moto that faults one write: the
// step-th write call the clients make. Attempts of one call are recognised
// by the amz-sdk-invocation-id header, which the SDK keeps across the
// retries of a call, so "every attempt" means every retry of that step.
type faultProxy struct {
	srv  *httptest.Server
	rp   *httputil.ReverseProxy
	done chan struct{} // closed when the test ends: hanging handlers return

	mu       sync.Mutex
	step     int // 1-based write call to fault; 0 faults nothing
	mode     faultMode
	calls    []string       // invocation id of each write call, in order
	apis     []string       // its API, "iam:CreateRole"
	attempts map[string]int // by invocation id
	// hit receives the faulted write's API once, when the fault first fires
	// (for a hang: once the request is being held).
	hit chan string
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{rp: httputil.NewSingleHostReverseProxy(u), done: make(chan struct{}),
		attempts: map[string]int{}, hit: make(chan string, 1)}
	p.rp.ErrorLog = nil
	p.srv = httptest.NewServer(p)
	t.Cleanup(p.srv.Close)
	t.Cleanup(func() { close(p.done) }) // runs first: frees held requests
	return p
}

func (p *faultProxy) URL() string { return p.srv.URL }

// arm faults the step-th write call from now on, counting from the next
// one, and forgets earlier calls.
func (p *faultProxy) arm(step int, mode faultMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.step, p.mode = step, mode
	p.calls, p.apis, p.attempts = nil, nil, map[string]int{}
	select {
	case <-p.hit:
	default:
	}
}

// disarm lets every request through.
func (p *faultProxy) disarm() { p.arm(0, "") }

// writes are the APIs of the write calls seen since arm, in order.
func (p *faultProxy) writes() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.apis...)
}

// iamWrites are the IAM query actions sagerole sends that change something.
var iamWrites = map[string]bool{"CreateRole": true, "DeleteRole": true, "UpdateAssumeRolePolicy": true,
	"AttachRolePolicy": true, "DetachRolePolicy": true, "PutRolePolicy": true, "DeleteRolePolicy": true,
	"TagRole": true, "UntagRole": true}

// writeAPI names the write a request makes, "" for a read: IAM's query
// Action, SageMaker's X-Amz-Target, S3's PUT or DELETE of a bucket.
func writeAPI(r *http.Request, body []byte) string {
	if target := r.Header.Get("X-Amz-Target"); strings.HasPrefix(target, "SageMaker.") {
		op := strings.TrimPrefix(target, "SageMaker.")
		for _, verb := range []string{"Update", "Stop", "Start", "Create", "Delete"} {
			if strings.HasPrefix(op, verb) {
				return "sagemaker:" + op
			}
		}
		return ""
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		v, err := url.ParseQuery(string(body))
		if err == nil && iamWrites[v.Get("Action")] {
			return "iam:" + v.Get("Action")
		}
		return ""
	}
	switch r.Method {
	case http.MethodPut:
		return "s3:CreateBucket"
	case http.MethodDelete:
		return "s3:DeleteBucket"
	}
	return ""
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	api := writeAPI(r, body)
	if api == "" {
		p.rp.ServeHTTP(w, r)
		return
	}
	id := r.Header.Get("Amz-Sdk-Invocation-Id")
	p.mu.Lock()
	n := 0
	for i, c := range p.calls {
		if c == id && id != "" {
			n = i + 1
		}
	}
	if n == 0 {
		p.calls, p.apis = append(p.calls, id), append(p.apis, api)
		n = len(p.calls)
	}
	p.attempts[id]++
	attempt, mode := p.attempts[id], p.mode
	faulted := p.step == n && !(mode == dropFirst && attempt > 1)
	p.mu.Unlock()
	if !faulted {
		p.rp.ServeHTTP(w, r)
		return
	}
	if mode == dropFirst || mode == dropAll || mode == hangAfter {
		// moto applies the write; its answer goes nowhere.
		p.rp.ServeHTTP(httptest.NewRecorder(), r)
	}
	select {
	case p.hit <- api:
	default:
	}
	if mode.hangs() {
		select {
		case <-r.Context().Done():
		case <-p.done:
		}
	}
	reset(w)
}

// reset drops the client's connection with a TCP reset, as a network that
// fails mid-request does.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
