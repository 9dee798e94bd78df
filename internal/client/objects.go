package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// object is an API object with an id: one without must never reach Terraform state.
type object interface{ objectID() string }

// get reads the object req (a GET) names; IsNotFound(err) means it does not exist (see gone).
func get[T object](ctx context.Context, c *Client, req request) (*T, error) {
	var v T
	if err := c.do(ctx, req, &v); err != nil {
		return nil, c.gone(ctx, err)
	}
	return withID(v, req)
}

// put sends req (a PUT) and reads the object back when the answer lacks it: [inferred] any 2xx is success.
func put[T object](ctx context.Context, c *Client, req request) (*T, error) {
	var v T
	if err := c.do(ctx, req, &v); err != nil {
		return nil, err
	}
	if v.objectID() == "" {
		req.method, req.body = http.MethodGet, nil
		return get[T](ctx, c, req)
	}
	return &v, nil
}

// remove sends req (a DELETE); an object already gone counts as removed.
func (c *Client) remove(ctx context.Context, req request) error {
	if err := c.gone(ctx, c.do(ctx, req, nil)); !IsNotFound(err) {
		return err
	}
	return nil
}

// withID rejects a decoded answer to req without an id.
func withID[T object](v T, req request) (*T, error) {
	if v.objectID() == "" {
		return nil, fmt.Errorf("%s %s: the server's answer has no id", req.method, req.path)
	}
	return &v, nil
}

// gone makes a 404 a *NotFoundError only in the API's shape from a server proven right, else an
// *UnprovenNotFoundError: a wrong tenant or base_url must never read as "every object was deleted".
func (c *Client) gone(ctx context.Context, err error) error {
	apiErr, ok := errors.AsType[*APIError](err)
	if !ok || apiErr.StatusCode != http.StatusNotFound || errors.As(err, new(*LoginError)) {
		return err
	}
	if !apiErr.Structured {
		return &UnprovenNotFoundError{Err: apiErr, Reason: `its body is not the API's {"message": ...} (a web server or proxy may have answered instead of the Servitly API)`}
	}
	if !c.proven.Load() {
		if proofErr := c.proveServer(ctx); proofErr != nil {
			return &UnprovenNotFoundError{Err: apiErr, Reason: fmt.Sprintf("the server has not shown that this tenant and base_url are right (%v)", proofErr)}
		}
	}
	return &NotFoundError{Err: apiErr}
}

// proveServer sends proofRequest: a 2xx or an API-shaped 403 proves base_url, tenant and credentials.
func (c *Client) proveServer(ctx context.Context) error {
	err := c.do(ctx, proofRequest, new(Page[json.RawMessage]))
	if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.StatusCode == http.StatusForbidden && apiErr.Structured {
		c.proven.Store(true)
		return nil
	}
	return err
}
