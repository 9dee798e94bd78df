package client

import (
	"context"
	"net/http"
	"net/url"
)

// Organization is an organization as the API returns it.
type Organization struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Country  string `json:"country"`
	Timezone string `json:"timezone"`
	Parent   *Ref   `json:"parent"`
}

// GetOrganization reads one organization.
func (c *Client) GetOrganization(ctx context.Context, id string) (*Organization, error) {
	var o Organization
	if err := c.do(ctx, request{method: http.MethodGet, path: "/network/organizations/" + url.PathEscape(id)}, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// ListOrganizations returns the organizations the caller may see, filtered
// by exact name when name is not empty.
func (c *Client) ListOrganizations(ctx context.Context, name string) ([]Organization, error) {
	q := url.Values{}
	if name != "" {
		q.Set("name", "eq;"+name)
	}
	return collect(items[Organization](ctx, c, "/v2/network/organizations", q))
}
