package find

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/pool"
)

// Session is one run's reader of an account: find, change's impact
// preview, modify's blast radius and the wizard's find screen read through
// one. It reads the caller identity once, each role once (however many
// identities name it), each domain's description once, and makes every
// call through one limiter, so that its reads share one bound of calls in
// flight and back off together when AWS throttles. A Session remembers
// what it read: make a new one for each run (each command, each screen
// that reads the account afresh).
type Session struct {
	r   awsops.Reader
	lim *pool.Limiter

	mu      sync.Mutex
	id      *awsops.Identity
	roles   map[string]*roleEntry
	domains map[string]*domainEntry
}

type roleEntry struct {
	done  chan struct{}
	check RoleCheck
	then  []func() // called once the check is done
}

type domainEntry struct {
	done chan struct{}
	d    awsops.Domain
	err  error
}

// NewSession reads r through lim (nil: a limiter of pool.Default).
func NewSession(r awsops.Reader, lim *pool.Limiter) *Session {
	if lim == nil {
		lim = pool.New(pool.Default)
	}
	return &Session{r: r, lim: lim, roles: map[string]*roleEntry{}, domains: map[string]*domainEntry{}}
}

// Reader is the backend the session reads.
func (s *Session) Reader() awsops.Reader { return s.r }

// Limiter is the limiter every call of the session goes through.
func (s *Session) Limiter() *pool.Limiter { return s.lim }

// Region is the backend's region, when it knows it.
func (s *Session) Region() string { return RegionOf(s.r) }

// SetIdentity gives the session the caller identity when it is known
// already (the wizard reads it once at start).
func (s *Session) SetIdentity(id awsops.Identity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.id = &id
}

// Identity is sts:GetCallerIdentity, read once: a failure is not kept, so
// a later call tries again.
func (s *Session) Identity(ctx context.Context) (awsops.Identity, error) {
	s.mu.Lock()
	if s.id != nil {
		defer s.mu.Unlock()
		return *s.id, nil
	}
	s.mu.Unlock()
	var id awsops.Identity
	err := s.lim.Do(ctx, func(ctx context.Context) (err error) {
		id, err = s.r.CallerIdentity(ctx)
		return err
	})
	if err != nil {
		return awsops.Identity{}, fmt.Errorf("who am I: %w", err)
	}
	s.SetIdentity(id)
	return id, nil
}

// Role checks the role an ARN names (CheckRole), once per ARN for the
// session: a second caller waits for the first one's answer.
func (s *Session) Role(ctx context.Context, account, arn string) RoleCheck {
	e, first := s.roleEntry(arn)
	if first {
		s.checkRole(ctx, e, account, arn)
	}
	select {
	case <-e.done:
		return e.check
	case <-ctx.Done():
		return RoleCheck{ARN: arn, Problem: RoleUnchecked, Detail: ctx.Err().Error()}
	}
}

// roleEntry returns the entry of arn, and whether the caller is the first
// to ask (and must check it).
func (s *Session) roleEntry(arn string) (*roleEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.roles[arn]; ok {
		return e, false
	}
	e := &roleEntry{done: make(chan struct{}), check: RoleCheck{ARN: arn}}
	s.roles[arn] = e
	return e, true
}

// checkRole checks arn into e, then calls what waits for it.
func (s *Session) checkRole(ctx context.Context, e *roleEntry, account, arn string) {
	c := CheckRole(ctx, limitedIAM{s.r, s.lim}, account, arn)
	s.mu.Lock()
	e.check = c
	close(e.done)
	then := e.then
	e.then = nil
	s.mu.Unlock()
	for _, f := range then {
		f()
	}
}

// afterRole arranges for then to be called once arn is checked: now, when
// it is already, or when its check ends. first says that no check of arn
// has started: the caller must run it (checkRole).
func (s *Session) afterRole(arn string, then func()) (e *roleEntry, first bool) {
	s.mu.Lock()
	e, ok := s.roles[arn]
	if !ok {
		e = &roleEntry{done: make(chan struct{}), check: RoleCheck{ARN: arn}}
		s.roles[arn] = e
	}
	select {
	case <-e.done:
		s.mu.Unlock()
		then()
	default:
		e.then = append(e.then, then)
		s.mu.Unlock()
	}
	return e, !ok
}

// knownRole is the role named name when the session has read it already
// (checking an ARN of that name reads the role by name).
func (s *Session) knownRole(name string) (awsops.Role, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.roles {
		select {
		case <-e.done:
			if e.check.Role != nil && strings.EqualFold(e.check.Role.Name, name) {
				return *e.check.Role, true
			}
		default:
		}
	}
	return awsops.Role{}, false
}

// checked returns what the session knows of each ARN among arns that has
// been checked.
func (s *Session) checked(arns map[string]bool) map[string]RoleCheck {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]RoleCheck, len(arns))
	for arn := range arns {
		if e, ok := s.roles[arn]; ok {
			select {
			case <-e.done:
				out[arn] = e.check
			default:
			}
		}
	}
	return out
}

// limitedIAM makes a reader's GetRole through a limiter.
type limitedIAM struct {
	awsops.IAMReader
	lim *pool.Limiter
}

func (l limitedIAM) GetRole(ctx context.Context, name string) (role awsops.Role, err error) {
	err = l.lim.Do(ctx, func(ctx context.Context) error {
		role, err = l.IAMReader.GetRole(ctx, name)
		return err
	})
	return role, err
}

// DescribeDomain reads a domain once for the session; an unknown domain
// is bad input.
func (s *Session) DescribeDomain(ctx context.Context, id string) (awsops.Domain, error) {
	if err := CheckDomainID(id); err != nil {
		return awsops.Domain{}, err
	}
	d, err := s.describeDomain(ctx, id)
	if awsops.IsNotFound(err) {
		return d, notFound("domain", "domain %s does not exist in region %s (see sagerole find)", id, s.Region())
	}
	if err != nil {
		return d, fmt.Errorf("reading domain %s: %w", id, err)
	}
	return d, nil
}

// describeDomain is sagemaker:DescribeDomain, once per domain for the
// session; a failure is not kept.
func (s *Session) describeDomain(ctx context.Context, id string) (awsops.Domain, error) {
	s.mu.Lock()
	e, ok := s.domains[id]
	if !ok {
		e = &domainEntry{done: make(chan struct{})}
		s.domains[id] = e
	}
	s.mu.Unlock()
	if !ok {
		e.err = s.lim.Do(ctx, func(ctx context.Context) (err error) {
			e.d, err = s.r.DescribeDomain(ctx, id)
			return err
		})
		if e.err != nil {
			s.mu.Lock()
			delete(s.domains, id)
			s.mu.Unlock()
		}
		close(e.done)
	}
	select {
	case <-e.done:
		return e.d, e.err
	case <-ctx.Done():
		return awsops.Domain{}, ctx.Err()
	}
}

// do makes one call through the session's limiter.
func (s *Session) do(ctx context.Context, call func(ctx context.Context) error) error {
	return s.lim.Do(ctx, call)
}
