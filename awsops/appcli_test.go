package awsops

import (
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var (
	spaceApp = AppRef{DomainID: "d-1", SpaceName: "alice-lab", AppType: AppJupyterLab, AppName: "default"}
	userApp  = AppRef{DomainID: "d-1", UserProfile: "-bob", AppType: AppCanvas, AppName: "default"}
)

// The app writes print the call, then the loop that waits as sagerole
// waits: bash must hand the AWS CLI exactly these arguments, the describe
// asking for the status as text.
func TestAppCLIArguments(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	spec := ResourceSpec{InstanceType: "ml.t3.large", ImageARN: "arn:aws:sagemaker:us-east-1:081325390199:image/sagemaker-distribution-cpu",
		LifecycleConfigARN: "arn:aws:sagemaker:us-east-1:111122223333:studio-lifecycle-config/it's"}
	describe := func(owner ...string) []string {
		return append(append([]string{"sagemaker", "describe-app", "--domain-id", "d-1"}, owner...), "--query", "Status", "--output", "text")
	}
	tests := []struct {
		name string
		op   Op
		opts CLIOptions
		want [][]string // the aws command, then the describe of the loop (run once: it prints nothing)
	}{
		{"delete a space's app", DeleteAppOp(spaceApp), CLIOptions{Region: "us-east-1"},
			[][]string{
				{"sagemaker", "delete-app", "--domain-id", "d-1", "--space-name", "alice-lab", "--app-type", "JupyterLab", "--app-name", "default", "--region", "us-east-1"},
				append(describe("--space-name", "alice-lab", "--app-type", "JupyterLab", "--app-name", "default"), "--region", "us-east-1"),
			}},
		{"create with the recorded spec", CreateAppOp(spaceApp, spec), CLIOptions{Profile: "admin"},
			[][]string{
				{"sagemaker", "create-app", "--domain-id", "d-1", "--space-name", "alice-lab", "--app-type", "JupyterLab", "--app-name", "default",
					"--resource-spec", `{"InstanceType":"ml.t3.large","LifecycleConfigArn":"arn:aws:sagemaker:us-east-1:111122223333:studio-lifecycle-config/it's","SageMakerImageArn":"arn:aws:sagemaker:us-east-1:081325390199:image/sagemaker-distribution-cpu"}`,
					"--profile", "admin"},
				append(describe("--space-name", "alice-lab", "--app-type", "JupyterLab", "--app-name", "default"), "--profile", "admin"),
			}},
		{"a user profile's app, a name with a dash, no spec", CreateAppOp(userApp, ResourceSpec{}), CLIOptions{},
			[][]string{
				{"sagemaker", "create-app", "--domain-id", "d-1", "--user-profile-name=-bob", "--app-type", "Canvas", "--app-name", "default"},
				describe("--user-profile-name=-bob", "--app-type", "Canvas", "--app-name", "default"),
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cli := tt.op.CLI(tt.opts)
			// The fake aws prints its arguments and succeeds without a
			// status: the loop's describe runs once, and the line fails
			// because no status came.
			out, err := exec.Command("bash", "-c", `aws() { printf '%s\0' "$@" >&2; }; `+cli).CombinedOutput()
			if err == nil {
				t.Errorf("the line succeeded although the describe printed no status: %s", cli)
			}
			var got [][]string
			for _, w := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
				if w == "sagemaker" {
					got = append(got, nil)
				}
				got[len(got)-1] = append(got[len(got)-1], w)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("bash ran\n%q\nwant\n%q\nfrom %s", got, tt.want, cli)
			}
		})
	}
}

// The loop polls until the wanted status, and the line fails on Failed or
// on a describe that fails; the fake aws answers from a list of statuses.
func TestAppCLIWaitLoop(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	tests := []struct {
		name     string
		op       Op
		statuses string // what each describe-app prints, in turn; "!" fails
		ok       bool
		polls    int
	}{
		{"deleting, then deleted", DeleteAppOp(spaceApp), "InService Deleting Deleting Deleted", true, 4},
		{"deleted at once", DeleteAppOp(spaceApp), "Deleted", true, 1},
		{"pending, then in service", CreateAppOp(spaceApp, ResourceSpec{}), "Pending Pending InService", true, 3},
		{"pending, then failed", CreateAppOp(spaceApp, ResourceSpec{}), "Pending Failed", false, 2},
		{"the describe fails", CreateAppOp(spaceApp, ResourceSpec{}), "Pending !", false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			script := `set -- ` + tt.statuses + `
echo 0 > ` + dir + `/polls
printf '%s\n' "$@" > ` + dir + `/statuses
sleep() { :; }
aws() {
  case "$2" in
  describe-app)
    # The describe runs in $(...), a subshell: the count is kept in a file.
    n=$(($(cat ` + dir + `/polls)+1)); echo $n > ` + dir + `/polls
    [ $n -gt 20 ] && return 99
    s=$(sed -n "${n}p" ` + dir + `/statuses)
    [ "$s" = "!" ] && return 254
    echo "$s" ;;
  esac
}
` + tt.op.CLI(CLIOptions{})
			out, err := exec.Command("bash", "-c", script).CombinedOutput()
			if (err == nil) != tt.ok {
				t.Errorf("the line succeeded = %v, want %v (%v): %s", err == nil, tt.ok, err, out)
			}
			polls, _ := exec.Command("cat", dir+"/polls").Output()
			if got := strings.TrimSpace(string(polls)); got != strconv.Itoa(tt.polls) {
				t.Errorf("described %s times, want %d", got, tt.polls)
			}
		})
	}
}
