package client

import (
	"cmp"
	"context"
	"iter"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// filterFields are the list's exact filters by API name, also the fields a search can name.
var filterFields = map[string]func(Partner) string{
	"name":    func(p Partner) string { return p.Name },
	"code":    func(p Partner) string { return p.Code },
	"country": func(p Partner) string { return p.Country },
	// Not an API filter: the client matches it on the whole list.
	"organization_id": func(p Partner) string { return p.OrganizationID() },
}

// PartnerFilter narrows a partner lookup. Empty fields do not filter.
type PartnerFilter struct {
	Name, Code, Country     string
	SearchText, SearchField string // the API's wildcards (foo*, *foo*, *foo) on a field, name when empty
	OrganizationID          string // matched by the client: the API has no such filter
}

// condition is one filter a lookup sends: an exact field, or a search.
type condition struct {
	field, value string
	search       bool
}

// key names the condition's filter in partnerIndex.filters.
func (k condition) key() string {
	if k.search {
		return "searchText:" + k.field
	}
	return k.field
}

// holds reports whether p meets k: an equal field, or a search's '*' wildcards in any case [inferred]; an unreadable field holds.
func (k condition) holds(p Partner) bool {
	value, ok := filterFields[k.field]
	if !ok || !k.search {
		return !ok || value(p) == k.value
	}
	parts := strings.Split(strings.ToLower(k.value), "*")
	for i, part := range parts {
		parts[i] = regexp.QuoteMeta(part)
	}
	return regexp.MustCompile(`(?s)\A` + strings.Join(parts, ".*") + `\z`).MatchString(strings.ToLower(value(p)))
}

// filter is a lookup's conditions, all of which must hold.
type filter []condition

func (f PartnerFilter) filter() filter {
	return slices.DeleteFunc(filter{{"name", f.Name, false}, {"code", f.Code, false}, {"country", f.Country, false},
		{"organization_id", f.OrganizationID, false}, {cmp.Or(f.SearchField, "name"), f.SearchText, true}},
		func(k condition) bool { return k.value == "" })
}

// Matches reports whether p meets every filter of f (see condition.holds).
func (f PartnerFilter) Matches(p Partner) bool { return f.filter().matches(p) }

func (f filter) matches(p Partner) bool {
	return !slices.ContainsFunc(f, func(k condition) bool { return !k.holds(p) })
}

// query sends exact filters as "eq;<value>" always, so a value starting with "eq;" means itself.
func (f filter) query() url.Values {
	q := url.Values{}
	for _, k := range f {
		switch {
		case k.search:
			q.Set("searchText", k.value)
			q.Set("searchField", k.field)
		case k.field != "organization_id":
			q.Set(k.field, "eq;"+k.value)
		}
	}
	return q
}

// Partners yields the partners f selects, whole, then any error; unfiltered, a page at a time.
func (c *Client) Partners(ctx context.Context, f PartnerFilter) iter.Seq2[Partner, error] {
	return func(yield func(Partner, error) bool) {
		if f != (PartnerFilter{}) {
			found, err := c.FindPartners(ctx, f)
			for _, p := range found {
				if !yield(p, nil) {
					return
				}
			}
			if err != nil {
				yield(Partner{}, err)
			}
			return
		}
		for p, err := range c.StreamPartners(ctx, f) {
			if err == nil {
				var whole []Partner
				if whole, err = c.Complete(ctx, []Partner{p}); err == nil {
					p = whole[0]
				}
			}
			if !yield(p, err) || err != nil {
				return
			}
		}
	}
}

// FindPartners returns every partner f matches, whole, however the server reads filters (unproven ones walk the list).
func (c *Client) FindPartners(ctx context.Context, f PartnerFilter) ([]Partner, error) {
	found, err := c.findPartners(ctx, f.filter(), false)
	if err != nil {
		return nil, err
	}
	return c.Complete(ctx, found)
}

// findPartners is FindPartners without completing; fresh asks the server even if the list is loaded.
// No filter walks the list this Client loads once, which the refresh shares.
func (c *Client) findPartners(ctx context.Context, f filter, fresh bool) ([]Partner, error) {
	ix := c.index
	ix.mu.Lock()
	walk := len(f) == 0 || ix.complete && !fresh || slices.ContainsFunc(f, func(k condition) bool { return ix.filters[k.key()] == no })
	ix.mu.Unlock()
	if walk {
		return c.walk(ctx, f, fresh)
	}
	var matches []Partner
	for p, err := range items[Partner](ctx, c, partnerList(f.query())) {
		if err != nil {
			return nil, err
		}
		match, mismatched, err := c.verified(ctx, []Partner{p}, f)
		switch {
		case err != nil:
			return nil, err
		case mismatched: // the filter is ignored or loosely read: walk instead of paging on
			c.setFilters(f, no)
			return c.walk(ctx, f, fresh)
		}
		matches = append(matches, match...)
	}
	if len(matches) > 0 {
		c.setFilters(f, yes)
		return matches, nil
	}
	for _, k := range f {
		switch honoured, err := c.honours(ctx, k, fresh); {
		case err != nil:
			return nil, err
		case !honoured:
			return c.walk(ctx, f, fresh)
		}
	}
	return nil, nil
}

func (c *Client) setFilters(f filter, t trait) {
	c.index.mu.Lock()
	defer c.index.mu.Unlock()
	for _, k := range f {
		if _, readable := filterFields[k.field]; readable {
			c.index.filters[k.key()] = t
		}
	}
}

// walk matches f against the whole list: this Client's, loaded once, or, if fresh, the server's.
func (c *Client) walk(ctx context.Context, f filter, fresh bool) ([]Partner, error) {
	var all []Partner
	var err error
	if fresh {
		all, err = c.ListPartners(ctx, PartnerFilter{})
	} else {
		all, err = c.loadedList(ctx, func() bool { return c.index.complete })
	}
	if err != nil {
		return nil, err
	}
	matches, _, err := c.verified(ctx, all, f)
	return matches, err
}

// loadedList loads pages until enough, once per Client, refusal included, and returns those loaded.
func (c *Client) loadedList(ctx context.Context, enough func() bool) ([]Partner, error) {
	ix := c.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for !enough() {
		err := ix.refused
		switch {
		case err != nil:
		case ix.busy != nil:
			err = ix.wait(ctx)
		default:
			err = c.loadPages(ctx)
		}
		if err != nil {
			return nil, err
		}
	}
	return slices.Collect(maps.Values(ix.byID)), nil
}

// verified keeps the partners of answer that f matches, unverifiable entries read with GET, and reports whether it held another.
func (c *Client) verified(ctx context.Context, answer []Partner, f filter) (matches []Partner, mismatched bool, err error) {
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
		if f.matches(p) {
			matches = append(matches, p)
		} else {
			mismatched = true
		}
	}
	return matches, mismatched, nil
}

// unverifiable reports whether entry p leaves empty a field of f no entry showed; p becomes whole if known.
func (c *Client) unverifiable(p *Partner, f filter) bool {
	ix := c.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var whole bool
	if *p, whole = ix.wholeOr(*p); whole {
		return false
	}
	ix.noteShown(*p)
	return slices.ContainsFunc(f, func(k condition) bool {
		value, readable := filterFields[k.field]
		return readable && value(*p) == "" && !ix.shows[k.field]
	})
}

// readWhole reads a listed partner with its GET, compares it with its entry and keeps it.
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

// Complete returns partners with every field, reading entries with GET unless the index vouches for them.
func (c *Client) Complete(ctx context.Context, partners []Partner) ([]Partner, error) {
	out := slices.Clone(partners)
	for i, p := range out {
		c.index.mu.Lock()
		var whole bool
		out[i], whole = c.index.wholeOr(p)
		whole = whole || c.index.vouched(p, nil)
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

// honours reports whether the server honours k's filter, tested once per Client on a loaded partner's
// value; false, so the caller walks, where walking costs no more (loaded whole, nothing to ask, fresh).
func (c *Client) honours(ctx context.Context, k condition, fresh bool) (honoured bool, err error) {
	value, readable := filterFields[k.field]
	if !readable {
		return true, nil // the server's answer stands
	}
	ix := c.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for triedGET := false; ; {
		switch sample := ix.sample(k.field); {
		case ix.filters[k.key()] != unknown:
			return ix.filters[k.key()] == yes, nil
		case fresh:
			return false, nil
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
			control := filter{{k.field, value(*sample), k.search}}
			err = ix.run(ctx, func(ctx context.Context) (func(), error) {
				page, err := c.firstPage(ctx, control)
				seen := slices.ContainsFunc(page, func(p Partner) bool { return p.ID == sample.ID })
				contradicted := slices.ContainsFunc(page, func(p Partner) bool { return !c.unverifiable(&p, control) && !control.matches(p) })
				return func() { ix.filters[k.key()] = map[bool]trait{true: yes, false: no}[seen && !contradicted] }, err
			})
		}
		if err != nil {
			return false, err
		}
	}
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

// readOneListed GETs a partner only the list gave, under mu: it shows what entries leave out.
func (c *Client) readOneListed(ctx context.Context) error {
	for id, listed := range c.index.byID {
		if !c.index.whole[id] {
			return c.index.run(ctx, func(ctx context.Context) (func(), error) {
				_, err := c.readWhole(ctx, listed)
				return nil, err
			})
		}
	}
	return nil
}

// firstPage is the first page of the partners f selects.
func (c *Client) firstPage(ctx context.Context, f filter) ([]Partner, error) {
	page, err := fetchPage[Partner](ctx, c, partnerList(f.query()), 0)
	if err != nil {
		return nil, err
	}
	return page.Content, nil
}

// CodeHolder returns a partner but self with exactly code, or nil, from page 0 first; an unused code is not asked again.
func (c *Client) CodeHolder(ctx context.Context, code, self string) (*Partner, error) {
	loaded, err := c.loadedList(ctx, func() bool { return c.index.nextPage > 0 })
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(loaded, func(p Partner) bool { return p.Code == code && p.ID != self }); i >= 0 {
		return &loaded[i], nil
	}
	ix := c.index
	ix.mu.Lock()
	unused := ix.unused[code]
	ix.mu.Unlock()
	if unused {
		return nil, nil
	}
	matches, err := c.findPartners(ctx, filter{{"code", code, false}}, false)
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(matches, func(p Partner) bool { return p.ID != self }); i >= 0 {
		return &matches[i], nil
	}
	if len(matches) == 0 {
		ix.mu.Lock()
		ix.unused[code] = true
		ix.mu.Unlock()
	}
	return nil, nil
}

// SettleCode decides which partner keeps the code of p, just created: the earliest creationTimestamp, then
// the smallest id. p (no customers yet) is deleted if another stays. It returns that one and the newer ones.
func (c *Client) SettleCode(ctx context.Context, p *Partner) (stays *Partner, newer []Partner, err error) {
	ctx, cancel := evenIfGivenUp(ctx) // the create was finished after the caller gave up
	defer cancel()
	others, err := c.findPartners(ctx, filter{{"code", p.Code, false}}, true)
	if err != nil {
		return nil, nil, err
	}
	stays = p
	for _, o := range others {
		if o.ID != p.ID && cmp.Or(cmp.Compare(o.CreationTimestamp, stays.CreationTimestamp), cmp.Compare(o.ID, stays.ID)) < 0 {
			stays = &o
		}
	}
	if stays.ID != p.ID {
		return stays, nil, c.DeletePartner(ctx, p.ID)
	}
	return p, slices.DeleteFunc(others, func(o Partner) bool { return o.ID == p.ID }), nil
}

// LoadedInOtherCase returns the loaded partners whose code is code in another letter case. It sends no request.
func (c *Client) LoadedInOtherCase(code string) []Partner {
	c.index.mu.Lock()
	defer c.index.mu.Unlock()
	return c.index.loadedLike(code, "", false)
}

// loadedLike is the partners of byID but self whose code is code, exactly or in another case. Under mu.
func (ix *partnerIndex) loadedLike(code, self string, exact bool) []Partner {
	var out []Partner
	for _, p := range ix.byID {
		if p.ID != self && p.Code != "" && strings.EqualFold(p.Code, code) && (p.Code == code) == exact {
			out = append(out, p)
		}
	}
	return out
}

// SharedCodes notes refreshed partner p and, once the list is loaded whole, returns each noted partner
// whose code others have, followed by them, once, so a later refresh points out an earlier one.
func (c *Client) SharedCodes(p Partner) [][]Partner {
	ix := c.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if p.Code != "" {
		ix.unchecked[p.ID] = p
	}
	if !ix.complete {
		return nil
	}
	var shared [][]Partner
	for id, q := range ix.unchecked {
		delete(ix.unchecked, id)
		if others := ix.loadedLike(q.Code, id, true); len(others) > 0 {
			shared = append(shared, append([]Partner{q}, others...))
		}
	}
	return shared
}
