package motoserver

import (
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestStartResetStop(t *testing.T) {
	s := Start(t)
	resp, err := http.Get(s.URL() + "/moto-api/")
	if err != nil {
		t.Fatalf("moto does not answer: %v", err)
	}
	resp.Body.Close()
	s.Reset(t)

	pid := s.cmd.Process.Pid
	s.Stop()
	s.Stop() // a second Stop (t.Cleanup's) is harmless
	// The whole process group is gone: signal 0 to it fails.
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(-pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("process group %d still alive after Stop", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestStartWithoutMotoSkips(t *testing.T) {
	if os.Getenv("CI") == "true" {
		t.Skip("with CI=true a missing moto_server fails instead")
	}
	t.Setenv("PATH", t.TempDir())
	var inner *testing.T
	t.Run("start", func(t *testing.T) {
		inner = t
		Start(t)
		t.Error("Start returned without moto_server on PATH")
	})
	if !inner.Skipped() {
		t.Error("Start without moto_server did not skip")
	}
}

func TestEnv(t *testing.T) {
	t.Setenv("AWS_PROFILE", "someone-elses")
	Env(t)
	if _, ok := os.LookupEnv("AWS_PROFILE"); ok {
		t.Error("AWS_PROFILE is still set")
	}
	for k, want := range map[string]string{"AWS_ACCESS_KEY_ID": "testing", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"} {
		if got := os.Getenv(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"} {
		b, err := os.ReadFile(os.Getenv(k))
		if err != nil || len(b) != 0 {
			t.Errorf("%s: %q, %v; want an empty file", k, b, err)
		}
	}
}
