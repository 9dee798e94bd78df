package client

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sync"
)

// Organization is an organization as the API returns it.
type Organization struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Country  string `json:"country"`
	Timezone string `json:"timezone"`
	Parent   *Ref   `json:"parent"`
}

func (o Organization) objectID() string { return o.ID }

// GetOrganization reads one organization; IsNotFound(err) means it does not exist.
func (c *Client) GetOrganization(ctx context.Context, id string) (*Organization, error) {
	return call[Organization](ctx, c, request{method: http.MethodGet, path: "/network/organizations/" + url.PathEscape(id), permission: "READ_ORGANIZATION"})
}

// ListOrganizations returns the organizations the caller may see, named name if set, as the server filters.
func (c *Client) ListOrganizations(ctx context.Context, name string) ([]Organization, error) {
	q := url.Values{}
	if name != "" {
		q.Set("name", "eq;"+name)
	}
	list := request{method: http.MethodGet, path: "/v2/network/organizations", query: q, permission: "READ_ALL_ORGANIZATIONS"}
	return collect(items[Organization](ctx, c, list))
}

// organizationIndex is what a Client knows of the organization list.
type organizationIndex struct {
	mu     sync.Mutex // held across the requests: lookups by name are few
	filter trait      // whether the server honours the name filter
	all    []Organization
	walked bool
}

// FindOrganizations returns the organizations named exactly name that the caller may see, however
// the server reads the name filter: else the whole list, walked once per Client, decides.
func (c *Client) FindOrganizations(ctx context.Context, name string) ([]Organization, error) {
	ix := &c.orgs
	ix.mu.Lock()
	defer ix.mu.Unlock()
	otherName := func(o Organization) bool { return o.Name != name }
	if ix.filter != no {
		answer, err := c.ListOrganizations(ctx, name)
		if err != nil {
			return nil, err
		}
		matches := slices.DeleteFunc(slices.Clone(answer), otherName)
		switch {
		case len(matches) < len(answer):
			ix.filter = no
		case len(matches) > 0:
			ix.filter = yes
			return matches, nil
		case ix.filter == yes:
			return nil, nil
		}
	}
	if !ix.walked {
		all, err := c.ListOrganizations(ctx, "")
		if err != nil {
			return nil, err
		}
		ix.all, ix.walked = all, true
	}
	matches := slices.DeleteFunc(slices.Clone(ix.all), otherName)
	if len(matches) > 0 {
		ix.filter = no // the filter answered none of them
	}
	return matches, nil
}
