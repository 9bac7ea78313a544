package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

// fileVersion is the state file format this package reads and writes.
const fileVersion = 1

// docText is a policy document kept as the exact text it was given, since
// IAM hands documents back as they were sent. In a state file it is a JSON
// string; the seed may write it as an object for readability, which is then
// kept compact.
type docText string

func (d *docText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = docText(s)
	case len(b) > 0 && b[0] == '{':
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			return err
		}
		*d = docText(buf.String())
	default:
		return errors.New("a policy document must be a JSON object or a string")
	}
	return nil
}

// The file format: the seed and every state file. Slices, not maps, so that
// the file reads in a stable order.
type fileState struct {
	Version         int            `json:"version"`
	Account         string         `json:"account"`
	Region          string         `json:"region"`
	Caller          fileCaller     `json:"caller"`
	Clock           time.Time      `json:"clock"`
	ManagedPolicies []filePolicy   `json:"managedPolicies"`
	Roles           []fileRole     `json:"roles"`
	Buckets         []fileBucket   `json:"buckets"`
	OtherBuckets    []string       `json:"bucketsOfOtherAccounts,omitempty"`
	Domains         []fileDomain   `json:"domains"`
	Notebooks       []fileNotebook `json:"notebookInstances"`
	KMSKeys         []fileKey      `json:"kmsKeys,omitempty"`
}

// fileKey is a KMS key: what kms:GetKeyPolicy reads.
type fileKey struct {
	ID          string  `json:"id"`
	Region      string  `json:"region"`
	Description string  `json:"description,omitempty"`
	Policy      docText `json:"policy"`
}

type fileCaller struct {
	RoleName    string `json:"roleName"`
	SessionName string `json:"sessionName"`
}

type filePolicy struct {
	ARN         string  `json:"arn"`
	Description string  `json:"description,omitempty"`
	Document    docText `json:"document"`
}

type fileInline struct {
	Name     string  `json:"name"`
	Document docText `json:"document"`
}

type fileRole struct {
	Name             string       `json:"name"`
	Path             string       `json:"path"`
	RoleID           string       `json:"roleId,omitempty"`
	Description      string       `json:"description,omitempty"`
	CreateDate       time.Time    `json:"createDate"`
	TrustPolicy      docText      `json:"trustPolicy"`
	Tags             []awsops.Tag `json:"tags,omitempty"`
	AttachedPolicies []string     `json:"attachedPolicies,omitempty"`
	InlinePolicies   []fileInline `json:"inlinePolicies,omitempty"`
	// InstanceProfiles are the instance profiles that hold the role (made
	// by fixtures: sagerole never adds a role to one).
	InstanceProfiles []string `json:"instanceProfiles,omitempty"`
	// PermissionsBoundary is a managed policy ARN (seeded, or set by the test
	// fixture; sagerole itself sets none).
	PermissionsBoundary string `json:"permissionsBoundary,omitempty"`
}

type fileBucket struct {
	Name         string    `json:"name"`
	Region       string    `json:"region"`
	CreationDate time.Time `json:"creationDate"`
	// Objects is how many objects the bucket holds: DeleteBucket refuses
	// a bucket that is not empty, as S3 does.
	Objects int `json:"objects,omitempty"`
	// Policy is the bucket policy ("" for none); KMSKey the ARN of the key
	// of its default encryption ("" for S3-managed keys).
	Policy docText `json:"policy,omitempty"`
	KMSKey string  `json:"kmsKey,omitempty"`
}

type fileDomain struct {
	ID               string        `json:"id"`
	Name             string        `json:"name"`
	Status           string        `json:"status"`
	NextStatus       string        `json:"nextStatus,omitempty"`
	CreationTime     time.Time     `json:"creationTime"`
	LastModifiedTime time.Time     `json:"lastModifiedTime,omitzero"`
	DefaultUserRole  string        `json:"defaultUserRole"`
	DefaultSpaceRole string        `json:"defaultSpaceRole,omitempty"`
	Tags             []awsops.Tag  `json:"tags,omitempty"`
	UserProfiles     []fileProfile `json:"userProfiles,omitempty"`
	Spaces           []fileSpace   `json:"spaces,omitempty"`
	Apps             []fileApp     `json:"apps,omitempty"`
}

type fileProfile struct {
	Name         string    `json:"name"`
	Status       string    `json:"status"`
	NextStatus   string    `json:"nextStatus,omitempty"`
	CreationTime time.Time `json:"creationTime"`
	// LastModifiedTime is when an update last changed the profile; its
	// creation time until then.
	LastModifiedTime time.Time    `json:"lastModifiedTime,omitzero"`
	ExecutionRole    string       `json:"executionRole,omitempty"`
	Tags             []awsops.Tag `json:"tags,omitempty"`
}

type fileSpace struct {
	Name        string       `json:"name"`
	Status      string       `json:"status"`
	SharingType string       `json:"sharingType"`
	Owner       string       `json:"owner,omitempty"`
	Tags        []awsops.Tag `json:"tags,omitempty"`
}

type fileApp struct {
	UserProfile string `json:"userProfile,omitempty"`
	SpaceName   string `json:"spaceName,omitempty"`
	AppType     string `json:"appType"`
	AppName     string `json:"appName"`
	Status      string `json:"status"`
	// NextStatus is where Status goes once Polls more DescribeApp calls
	// have seen it (Deleting → Deleted, Pending → InService or Failed).
	NextStatus    string `json:"nextStatus,omitempty"`
	Polls         int    `json:"polls,omitempty"`
	FailureReason string `json:"failureReason,omitempty"`
	// NextFailure makes the next CreateApp of this app end Failed with it.
	NextFailure  string               `json:"nextFailure,omitempty"`
	CreationTime time.Time            `json:"creationTime,omitzero"`
	ResourceSpec *awsops.ResourceSpec `json:"resourceSpec,omitempty"`
	// LastUserActivity and LastHealthCheck are DescribeApp's timestamps;
	// UserActive says someone works in the app now: its last activity is
	// always a minute and a half ago.
	LastUserActivity time.Time `json:"lastUserActivity,omitzero"`
	LastHealthCheck  time.Time `json:"lastHealthCheck,omitzero"`
	UserActive       bool      `json:"userActive,omitempty"`
	RecoveryMode     bool      `json:"recoveryMode,omitempty"`
}

type fileNotebook struct {
	Name         string       `json:"name"`
	Status       string       `json:"status"`
	NextStatus   string       `json:"nextStatus,omitempty"`
	InstanceType string       `json:"instanceType,omitempty"`
	CreationTime time.Time    `json:"creationTime"`
	RoleARN      string       `json:"roleArn"`
	Tags         []awsops.Tag `json:"tags,omitempty"`
}

// The in-memory account, indexed for lookups at inventory scale.
type state struct {
	account, region string
	caller          fileCaller
	clock           time.Time
	policies        map[string]*filePolicy // by ARN
	roles           map[string]*role       // by lower-case name: IAM names are case-insensitive
	buckets         map[string]*fileBucket
	otherBuckets    map[string]bool
	domains         map[string]*domain
	notebooks       map[string]*fileNotebook
	keys            map[string]*fileKey // by key ID
}

type role struct {
	fileRole
	inline map[string]string // name → document
}

type domain struct {
	fileDomain
	profiles map[string]*fileProfile
	spaces   map[string]*fileSpace
	apps     []*fileApp // in creation order
}

var accountRE = regexp.MustCompile(`^\d{12}$`)

// decodeState parses and checks a seed or state file.
func decodeState(data []byte) (*state, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f fileState
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	if f.Version != fileVersion {
		return nil, fmt.Errorf("format version %d, expected %d", f.Version, fileVersion)
	}
	if !accountRE.MatchString(f.Account) {
		return nil, fmt.Errorf("account %q is not 12 digits", f.Account)
	}
	if f.Region == "" {
		return nil, errors.New("no region")
	}
	if f.Caller.RoleName == "" || f.Caller.SessionName == "" {
		return nil, errors.New("no caller role or session name")
	}
	s := &state{account: f.Account, region: f.Region, caller: f.Caller, clock: f.Clock,
		policies: map[string]*filePolicy{}, roles: map[string]*role{}, buckets: map[string]*fileBucket{},
		otherBuckets: map[string]bool{}, domains: map[string]*domain{}, notebooks: map[string]*fileNotebook{},
		keys: map[string]*fileKey{}}
	if s.clock.IsZero() {
		s.clock = defaultClockStart
	}
	for i := range f.ManagedPolicies {
		p := f.ManagedPolicies[i]
		if _, dup := s.policies[p.ARN]; dup || p.ARN == "" {
			return nil, fmt.Errorf("managed policy %q is empty or listed twice", p.ARN)
		}
		s.policies[p.ARN] = &p
	}
	for _, fr := range f.Roles {
		key := strings.ToLower(fr.Name)
		if _, dup := s.roles[key]; dup || fr.Name == "" {
			return nil, fmt.Errorf("role %q is empty or listed twice", fr.Name)
		}
		if fr.Path == "" {
			fr.Path = "/"
		}
		if fr.RoleID == "" {
			fr.RoleID = roleID(s.account, fr.Name, fr.CreateDate)
		}
		r := &role{fileRole: fr, inline: map[string]string{}}
		for _, ip := range fr.InlinePolicies {
			r.inline[ip.Name] = string(ip.Document)
		}
		r.InlinePolicies = nil
		for _, arn := range fr.AttachedPolicies {
			if _, ok := s.policies[arn]; !ok {
				return nil, fmt.Errorf("role %s: attached policy %s is not among the managed policies", fr.Name, arn)
			}
		}
		if b := fr.PermissionsBoundary; b != "" {
			if _, ok := s.policies[b]; !ok {
				return nil, fmt.Errorf("role %s: permissions boundary %s is not among the managed policies", fr.Name, b)
			}
		}
		s.roles[key] = r
	}
	for i := range f.Buckets {
		b := f.Buckets[i]
		if _, dup := s.buckets[b.Name]; dup || b.Name == "" {
			return nil, fmt.Errorf("bucket %q is empty or listed twice", b.Name)
		}
		s.buckets[b.Name] = &b
	}
	for i := range f.KMSKeys {
		k := f.KMSKeys[i]
		if _, dup := s.keys[k.ID]; dup || k.ID == "" || k.Region == "" {
			return nil, fmt.Errorf("KMS key %q is empty, has no region or is listed twice", k.ID)
		}
		s.keys[k.ID] = &k
	}
	for _, n := range f.OtherBuckets {
		s.otherBuckets[n] = true
	}
	for _, fd := range f.Domains {
		if _, dup := s.domains[fd.ID]; dup || fd.ID == "" {
			return nil, fmt.Errorf("domain %q is empty or listed twice", fd.ID)
		}
		d := &domain{fileDomain: fd, profiles: map[string]*fileProfile{}, spaces: map[string]*fileSpace{}}
		for i := range fd.UserProfiles {
			p := fd.UserProfiles[i]
			if _, dup := d.profiles[p.Name]; dup {
				return nil, fmt.Errorf("domain %s: user profile %q listed twice", fd.ID, p.Name)
			}
			d.profiles[p.Name] = &p
		}
		for i := range fd.Spaces {
			sp := fd.Spaces[i]
			if _, dup := d.spaces[sp.Name]; dup {
				return nil, fmt.Errorf("domain %s: space %q listed twice", fd.ID, sp.Name)
			}
			d.spaces[sp.Name] = &sp
		}
		for i := range fd.Apps {
			a := fd.Apps[i]
			d.apps = append(d.apps, &a)
		}
		d.UserProfiles, d.Spaces, d.Apps = nil, nil, nil
		s.domains[fd.ID] = d
	}
	for i := range f.Notebooks {
		n := f.Notebooks[i]
		if _, dup := s.notebooks[n.Name]; dup || n.Name == "" {
			return nil, fmt.Errorf("notebook instance %q is empty or listed twice", n.Name)
		}
		s.notebooks[n.Name] = &n
	}
	return s, nil
}

// encode writes the account in the file format, every list sorted.
func (s *state) encode() ([]byte, error) {
	f := fileState{Version: fileVersion, Account: s.account, Region: s.region, Caller: s.caller, Clock: s.clock,
		ManagedPolicies: []filePolicy{}, Roles: []fileRole{}, Buckets: []fileBucket{}, Domains: []fileDomain{},
		Notebooks: []fileNotebook{}}
	for _, k := range slices.Sorted(maps.Keys(s.policies)) {
		f.ManagedPolicies = append(f.ManagedPolicies, *s.policies[k])
	}
	for _, k := range slices.Sorted(maps.Keys(s.roles)) {
		r := s.roles[k]
		fr := r.fileRole
		fr.Tags = append([]awsops.Tag(nil), r.Tags...)
		fr.AttachedPolicies = append([]string(nil), r.AttachedPolicies...)
		fr.InstanceProfiles = append([]string(nil), r.InstanceProfiles...)
		for _, n := range slices.Sorted(maps.Keys(r.inline)) {
			fr.InlinePolicies = append(fr.InlinePolicies, fileInline{Name: n, Document: docText(r.inline[n])})
		}
		f.Roles = append(f.Roles, fr)
	}
	for _, k := range slices.Sorted(maps.Keys(s.buckets)) {
		f.Buckets = append(f.Buckets, *s.buckets[k])
	}
	f.OtherBuckets = slices.Sorted(maps.Keys(s.otherBuckets))
	for _, k := range slices.Sorted(maps.Keys(s.domains)) {
		d := s.domains[k]
		fd := d.fileDomain
		for _, n := range slices.Sorted(maps.Keys(d.profiles)) {
			fd.UserProfiles = append(fd.UserProfiles, *d.profiles[n])
		}
		for _, n := range slices.Sorted(maps.Keys(d.spaces)) {
			fd.Spaces = append(fd.Spaces, *d.spaces[n])
		}
		for _, a := range d.apps {
			fd.Apps = append(fd.Apps, *a)
		}
		f.Domains = append(f.Domains, fd)
	}
	for _, k := range slices.Sorted(maps.Keys(s.notebooks)) {
		f.Notebooks = append(f.Notebooks, *s.notebooks[k])
	}
	for _, k := range slices.Sorted(maps.Keys(s.keys)) {
		f.KMSKeys = append(f.KMSKeys, *s.keys[k])
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode sandbox state: %w", err)
	}
	return append(b, '\n'), nil
}

// roleID is the role's unique ID: AROA and 17 characters derived from what
// makes a role unique in time, so a recreated role gets a new ID (as in
// IAM) while every run of a demo prints the same ones.
func roleID(account, name string, created time.Time) string {
	sum := sha256.Sum256([]byte(account + "/" + name + "/" + created.UTC().Format(time.RFC3339Nano)))
	return "AROA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}
