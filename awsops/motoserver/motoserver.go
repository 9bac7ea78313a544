// Package motoserver starts moto_server (a local AWS emulator) for tests of
// the aws backend, and sets up an environment in which the AWS SDK finds
// only static test credentials and never reaches a real account.
package motoserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long moto may take to answer after it starts
// (usually 1–2 s; more on a loaded machine).
const startTimeout = 20 * time.Second

// Server is a running moto_server on 127.0.0.1.
type Server struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	out  *syncBuffer   // its output, shown when it fails to start
}

// Start starts moto_server on a free port and stops it when t's test ends.
// Without moto_server on PATH the test is skipped, except in CI (CI=true),
// where a missing emulator must not pass silently.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := start()
	requireStarted(t, err)
	t.Cleanup(s.Stop)
	return s
}

// requireStarted ends t when moto_server did not start: skipped when it is
// not on PATH, except in CI (CI=true), failed otherwise.
func requireStarted(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, exec.ErrNotFound) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("moto_server is not on PATH (CI=true, so not skipping): %v", err)
		}
		t.Skipf("moto_server is not on PATH: %v", err)
	}
	if err != nil {
		t.Fatalf("start moto_server: %v", err)
	}
}

// Shared starts one moto_server for a whole test package: the first call
// starts it, later calls return the same server. Call the returned stop
// function from TestMain after m.Run. Without moto_server on PATH, get
// skips the test (fails it in CI) as Start does.
func Shared() (get func(t testing.TB) *Server, stop func()) {
	var (
		once sync.Once
		srv  *Server
		err  error
	)
	get = func(t testing.TB) *Server {
		t.Helper()
		once.Do(func() { srv, err = start() })
		requireStarted(t, err)
		return srv
	}
	stop = func() {
		if srv != nil {
			srv.Stop()
		}
	}
	return get, stop
}

func start() (*Server, error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("find moto_server: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	out := &syncBuffer{}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	// Without this moto does not know AWS managed policies such as
	// AmazonSageMakerFullAccess.
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cmd.Stdout = out
	cmd.Stderr = out
	// Its own process group, so that Stop also ends anything moto spawned
	// (moto_server may be a pyenv shim that execs python).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", bin, err)
	}
	s := &Server{url: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, done: make(chan struct{}), out: out}
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%w\nmoto_server output:\n%s", err, out.String())
	}
	return s, nil
}

// freePort asks the kernel for a free port on 127.0.0.1. Another process
// could take it before moto binds it; for tests that risk is accepted.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/moto-api/", nil)
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return errors.New("moto_server exited before it answered")
		case <-ctx.Done():
			return fmt.Errorf("moto_server did not answer on %s within %s", s.url, startTimeout)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// URL is the server's base URL, for --endpoint-url.
func (s *Server) URL() string { return s.url }

// Reset forgets every resource moto holds (POST /moto-api/reset), so that
// tests sharing one server start from an empty account.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(s.url+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("reset moto_server: %v", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset moto_server: HTTP %s", resp.Status)
	}
}

// Stop ends moto_server's process group and waits for it to exit. It is
// safe to call more than once.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	pgid := s.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.done
	}
}

// Env points the AWS SDK at nothing but static test credentials: empty
// config and credentials files (so no developer profile is read), no
// profile or SSO, no instance metadata (which would otherwise be probed
// and hang outside EC2), and region us-east-1. Values are restored when t
// ends.
func Env(t testing.TB) {
	t.Helper()
	EnvNoCredentials(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_SESSION_TOKEN", "testing")
	t.Setenv("AWS_REGION", "us-east-1")
}

// EnvNoCredentials is Env without credentials or region: an environment in
// which the SDK can find neither, for testing what the user is told then.
func EnvNoCredentials(t testing.TB) {
	t.Helper()
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "config")
	credFile := filepath.Join(dir, "credentials")
	for _, f := range []string{cfgFile, credFile} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatalf("write %s: %v", f, err)
		}
	}
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_IAM",
		"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SAGEMAKER",
		"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_CA_BUNDLE", "AWS_DEFAULTS_MODE",
	} {
		unsetenv(t, k)
	}
}

// unsetenv removes k for the rest of t, restoring it afterwards (t.Setenv
// can only set, and an empty AWS_PROFILE is not the same as none).
func unsetenv(t testing.TB, k string) {
	t.Helper()
	t.Setenv(k, "") // registers the restore, and forbids parallel tests
	if err := os.Unsetenv(k); err != nil {
		t.Fatalf("unset %s: %v", k, err)
	}
}

// syncBuffer keeps the start of the process's output (where a failure to
// start shows), safe for its two output streams. moto logs every request,
// so the rest is dropped rather than kept for the whole test run.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

const maxOutput = 64 << 10

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := maxOutput - b.b.Len(); room > 0 {
		b.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
