package main

import (
	"os"
	"testing"

	"github.com/sagerole/sagerole/awsops/motoserver"
)

// moto is this package's one moto_server, started by the first test that
// needs it and stopped by TestMain. Every command test that runs against
// moto uses it (through motoAccount), resetting it first.
var moto, stopMoto = motoserver.Shared()

func TestMain(m *testing.M) {
	code := m.Run()
	stopMoto()
	os.Exit(code)
}

// motoArgs resets moto, points the SDK at it with test credentials, and
// returns the global flags that send a command there.
func motoArgs(t *testing.T) []string {
	t.Helper()
	srv := moto(t)
	srv.Reset(t)
	motoserver.Env(t)
	return []string{"--endpoint-url", srv.URL(), "--region", "us-east-1"}
}
