package client

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
)

// filterFields are the partner list's exact filters, which are also the
// fields a search can name, by their API names.
var filterFields = map[string]func(Partner) string{
	"name":    func(p Partner) string { return p.Name },
	"code":    func(p Partner) string { return p.Code },
	"country": func(p Partner) string { return p.Country },
}

// searchKey is the filter key of a search: it depends on the field searched.
func searchKey(field string) string { return "searchText:" + field }

// PartnerFilter narrows a partner lookup. Empty fields do not filter.
type PartnerFilter struct {
	Name, Code, Country string
	// SearchText uses the API's wildcards (foo*, *foo*, *foo) on SearchField.
	SearchText, SearchField string
}

// exact is f's exact filters by field.
func (f PartnerFilter) exact() map[string]string {
	out := map[string]string{}
	for field, value := range map[string]string{"name": f.Name, "code": f.Code, "country": f.Country} {
		if value != "" {
			out[field] = value
		}
	}
	return out
}

func (f PartnerFilter) searchField() string {
	if f.SearchText == "" {
		return ""
	}
	if f.SearchField == "" {
		return "name"
	}
	return f.SearchField
}

// keys are the filters f sends, as partnerIndex.filters names them.
func (f PartnerFilter) keys() []string {
	var keys []string
	for field := range f.exact() {
		keys = append(keys, field)
	}
	if field := f.searchField(); field != "" {
		keys = append(keys, searchKey(field))
	}
	return keys
}

// query sends the exact-match filters in the documented predicate form,
// "eq;<value>", always: a value that itself starts with "eq;" then still
// means itself.
func (f PartnerFilter) query() map[string][]string {
	q := map[string][]string{}
	for field, value := range f.exact() {
		q[field] = []string{"eq;" + value}
	}
	if field := f.searchField(); field != "" {
		q["searchText"], q["searchField"] = []string{f.SearchText}, []string{field}
	}
	return q
}

// Matches reports whether p passes every filter of f as the API documents
// them: exact fields equal, and the search's '*' wildcards (foo*, *foo*,
// *foo, or the whole value without one). [inferred] A search ignores letter
// case. A search of a field other than name, code and country cannot be
// checked here: it matches, and the server's answer stands.
func (f PartnerFilter) Matches(p Partner) bool {
	for field, want := range f.exact() {
		if filterFields[field](p) != want {
			return false
		}
	}
	value, ok := filterFields[f.searchField()]
	return !ok || wildcard(f.SearchText).MatchString(strings.ToLower(value(p)))
}

// wildcard compiles a search pattern, lower-cased, each '*' standing for any run.
func wildcard(pattern string) *regexp.Regexp {
	parts := strings.Split(strings.ToLower(pattern), "*")
	for i, part := range parts {
		parts[i] = regexp.QuoteMeta(part)
	}
	return regexp.MustCompile(`(?s)\A` + strings.Join(parts, ".*") + `\z`)
}

// FindPartners returns every partner that f matches, each with every field,
// however the server reads the list's filters and whatever its entries
// leave out. A filter the server has not been seen to honour is never
// trusted with an empty answer: it is tested once per Client on a partner
// the list shows, and a filter that is ignored or misread makes the Client
// walk the whole list once and match partners itself. Entries that leave a
// field out are completed with the partner's GET.
func (c *Client) FindPartners(ctx context.Context, f PartnerFilter) ([]Partner, error) {
	found, err := c.findPartners(ctx, f, false)
	if err != nil {
		return nil, err
	}
	return c.Complete(ctx, found)
}

// findPartners is FindPartners without completing the fields no filter
// reads. fresh asks the server even when this Client holds the whole list,
// for a partner it may have created a moment ago without knowing.
func (c *Client) findPartners(ctx context.Context, f PartnerFilter, fresh bool) ([]Partner, error) {
	ix := c.index
	ix.mu.Lock()
	complete, misbehaves := ix.complete && !fresh, slices.ContainsFunc(f.keys(), func(k string) bool { return ix.filters[k] == no })
	ix.mu.Unlock()
	if complete || misbehaves {
		return c.walk(ctx, f, fresh)
	}
	// Entry by entry: a page that shows the filter ignored ends the paging.
	var matches []Partner
	for p, err := range c.StreamPartners(ctx, f) {
		if err != nil {
			return nil, err
		}
		match, mismatched, err := c.verified(ctx, []Partner{p}, f)
		switch {
		case err != nil:
			return nil, err
		case mismatched: // ignored or loosely read: the server's answer cannot be trusted whole
			c.setFilters(f.keys(), no)
			return c.walk(ctx, f, fresh)
		}
		matches = append(matches, match...)
	}
	if len(matches) > 0 {
		c.setFilters(f.keys(), yes)
		return matches, nil
	}
	for _, key := range f.keys() {
		if fresh && c.filterIs(key, unknown) {
			return c.walk(ctx, f, fresh) // a fresh walk costs no more than a test of the filter
		}
		if honoured, err := c.honours(ctx, key); err != nil || !honoured {
			if err != nil {
				return nil, err
			}
			return c.walk(ctx, f, fresh)
		}
	}
	return nil, nil
}

func (c *Client) setFilters(keys []string, t trait) {
	c.index.mu.Lock()
	defer c.index.mu.Unlock()
	for _, key := range keys {
		if _, checkable := filterFields[strings.TrimPrefix(key, "searchText:")]; checkable {
			c.index.filters[key] = t
		}
	}
}

func (c *Client) filterIs(key string, t trait) bool {
	c.index.mu.Lock()
	defer c.index.mu.Unlock()
	return c.index.filters[key] == t
}

// walk matches f against the whole list: this Client's, loaded once, or,
// when fresh, the server's list as it is now.
func (c *Client) walk(ctx context.Context, f PartnerFilter, fresh bool) ([]Partner, error) {
	var all []Partner
	var err error
	if fresh {
		all, err = c.ListPartners(ctx, PartnerFilter{})
	} else {
		all, err = c.wholeList(ctx)
	}
	if err != nil {
		return nil, err
	}
	matches, _, err := c.verified(ctx, all, f)
	return matches, err
}

// wholeList loads every page of the list not loaded yet, once per Client.
func (c *Client) wholeList(ctx context.Context) ([]Partner, error) {
	ix := c.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for !ix.complete {
		var err error
		switch {
		case ix.refused != nil:
			err = ix.refused
		case ix.busy != nil:
			err = ix.wait(ctx)
		default:
			err = c.loadPages(ctx)
		}
		if err != nil {
			return nil, err
		}
	}
	return ix.matching(PartnerFilter{}), nil
}

// verified keeps the partners f matches. An entry that leaves a filtered
// field empty, where the list is not known to show that field, is read
// with its GET first. mismatched is set when the answer held a partner
// that f does not match.
func (c *Client) verified(ctx context.Context, answer []Partner, f PartnerFilter) (matches []Partner, mismatched bool, err error) {
	for _, p := range answer {
		if c.unverifiable(&p, f) {
			got, err := c.readWhole(ctx, p)
			if IsNotFound(err) {
				continue // deleted since it was listed
			}
			if err != nil {
				return nil, false, err
			}
			p = *got
		}
		if f.Matches(p) {
			matches = append(matches, p)
		} else {
			mismatched = true
		}
	}
	return matches, mismatched, nil
}

// unverifiable: p's entry leaves a field empty that f filters on, and the
// list is not known to show that field.
// p becomes the whole partner when this Client has read or written it.
func (c *Client) unverifiable(p *Partner, f PartnerFilter) bool {
	ix := c.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var whole bool
	if *p, whole = ix.wholeOr(*p); whole {
		return false
	}
	unverifiable := false
	for field, value := range filterFields {
		switch filtered := f.exact()[field] != "" || f.searchField() == field; {
		case value(*p) != "":
			ix.shows[field] = yes // the list shows this field
		case filtered && ix.shows[field] != yes:
			unverifiable = true
		}
	}
	return unverifiable
}

// readWhole reads a listed partner with its GET, compares the answer with
// the list entry if no entry has been compared yet, and keeps it.
func (c *Client) readWhole(ctx context.Context, listed Partner) (*Partner, error) {
	p, err := c.GetPartner(ctx, listed.ID)
	if err != nil {
		return nil, err
	}
	c.index.mu.Lock()
	defer c.index.mu.Unlock()
	c.index.compare(listed, *p)
	c.index.learn(*p)
	return p, nil
}

// Complete returns partners with every field: list entries are read with
// their GET unless entries are known to be whole. One GET learns that.
func (c *Client) Complete(ctx context.Context, partners []Partner) ([]Partner, error) {
	out := slices.Clone(partners)
	for i, p := range out {
		c.index.mu.Lock()
		var whole bool
		out[i], whole = c.index.wholeOr(p)
		whole = whole || c.index.entriesComplete()
		c.index.mu.Unlock()
		if whole {
			continue
		}
		got, err := c.readWhole(ctx, p)
		if err != nil {
			return nil, err
		}
		out[i] = *got
	}
	return out, nil
}

// honours reports whether the server has shown that it honours filter key:
// asked for the value of a partner the index holds, it answers that
// partner and no other. It is learnt once per Client. When the list is
// whole, or no loaded partner has a value to ask for, honoured is false:
// the caller walks the list, which then costs no request or is the only way.
func (c *Client) honours(ctx context.Context, key string) (honoured bool, err error) {
	field := strings.TrimPrefix(key, "searchText:")
	if _, ok := filterFields[field]; !ok {
		return true, nil // a search of a field we cannot read: the server's answer stands
	}
	ix := c.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for triedGET := false; ; {
		switch sample := ix.sample(field); {
		case ix.filters[key] != unknown:
			return ix.filters[key] == yes, nil
		case ix.refused != nil:
			return false, ix.refused
		case ix.busy != nil:
			err = ix.wait(ctx)
		case ix.nextPage == 0:
			err = c.loadPages(ctx)
		case ix.complete || (sample == nil && triedGET):
			return false, nil
		case sample == nil: // the entries may leave the field out: ask one partner's GET
			triedGET = true
			err = c.readOneListed(ctx)
		default:
			control := filterOn(field, filterFields[field](*sample))
			if key != field {
				control = PartnerFilter{SearchText: filterFields[field](*sample), SearchField: field}
			}
			err = ix.run(ctx, func(ctx context.Context) (func(), error) {
				page, err := c.firstPage(ctx, control)
				seen := slices.ContainsFunc(page, func(p Partner) bool { return p.ID == sample.ID })
				contradicted := slices.ContainsFunc(page, func(p Partner) bool { return !c.unverifiable(&p, control) && !control.Matches(p) })
				return func() { ix.filters[key] = map[bool]trait{true: yes, false: no}[seen && !contradicted] }, err
			})
		}
		if err != nil {
			return false, err
		}
	}
}

// filterOn is the filter of one exact field.
func filterOn(field, value string) PartnerFilter {
	switch field {
	case "name":
		return PartnerFilter{Name: value}
	case "code":
		return PartnerFilter{Code: value}
	}
	return PartnerFilter{Country: value}
}

// sample is a partner of the index with a value for field, under mu.
func (ix *partnerIndex) sample(field string) *Partner {
	for _, p := range ix.byID {
		if filterFields[field](p) != "" {
			return &p
		}
	}
	return nil
}

// readOneListed reads the first loaded partner that only the list has
// given, with its GET, under mu: the comparison shows what the entries
// leave out, and the partner can then serve as a sample.
func (c *Client) readOneListed(ctx context.Context) error {
	ix := c.index
	for id, listed := range ix.byID {
		if !ix.whole[id] {
			return ix.run(ctx, func(ctx context.Context) (func(), error) {
				p, err := c.GetPartner(ctx, id)
				if err != nil {
					return nil, err
				}
				return func() { ix.compare(listed, *p); ix.learn(*p) }, nil
			})
		}
	}
	return nil
}

// firstPage is the first page of the partners f selects.
func (c *Client) firstPage(ctx context.Context, f PartnerFilter) ([]Partner, error) {
	for page, err := range pages[Partner](ctx, c, partnersListPath, f.query(), 0, 1, 1) {
		if err != nil {
			return nil, err
		}
		return page.Content, nil
	}
	return nil, errors.New("no page") // pages yields at least once
}

// CodeHolder returns a partner other than self whose code is exactly code,
// or nil when there is none, for a guard against a second partner of one
// code. It loads page 0 of the list first: in a tenant of up to PageSize
// partners that answers every code with one request. A refused list is
// remembered and returned at once after that. A code found unused is not
// asked again, until this Client writes a partner with it.
func (c *Client) CodeHolder(ctx context.Context, code, self string) (*Partner, error) {
	ix := c.index
	ix.mu.Lock()
	for ix.nextPage == 0 && ix.refused == nil {
		var err error
		if ix.busy != nil {
			err = ix.wait(ctx)
		} else {
			err = c.loadPages(ctx)
		}
		if err != nil && !IsListRefused(err) {
			ix.mu.Unlock()
			return nil, err
		}
	}
	if err := ix.refused; err != nil {
		ix.mu.Unlock()
		return nil, err
	}
	for id, p := range ix.byID {
		if p.Code == code && id != self {
			ix.mu.Unlock()
			return &p, nil
		}
	}
	unused := ix.unused[code]
	ix.mu.Unlock()
	if unused {
		return nil, nil
	}
	matches, err := c.findPartners(ctx, PartnerFilter{Code: code}, false)
	if err != nil {
		return nil, err
	}
	for _, p := range matches {
		if p.ID != self {
			return &p, nil
		}
	}
	if len(matches) == 0 {
		ix.mu.Lock()
		ix.unused[code] = true
		ix.mu.Unlock()
	}
	return nil, nil
}
