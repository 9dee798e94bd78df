package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// Int64 decodes a JSON number that should be a whole number, whether the
// server writes it as 3, 3.0 or 3e0. null decodes as 0.
type Int64 int64

func (n *Int64) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		*n = 0
		return nil
	}
	var num json.Number
	if err := json.Unmarshal(data, &num); err != nil {
		return fmt.Errorf("expected a number, got %s", Excerpt(data))
	}
	if i, err := num.Int64(); err == nil {
		*n = Int64(i)
		return nil
	}
	f, err := num.Float64()
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return fmt.Errorf("expected a whole number, got %s", num)
	}
	*n = Int64(f)
	return nil
}

// Properties are a partner's custom properties. The API documents string
// values; a value of another JSON type (a tenant with typed properties) is
// kept as its JSON text, so that one odd value never fails a whole answer.
type Properties map[string]string

func (p *Properties) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if raw == nil {
		*p = nil
		return nil
	}
	out := make(Properties, len(raw))
	for key, value := range raw {
		var s string
		if !bytes.Equal(bytes.TrimSpace(value), []byte("null")) && json.Unmarshal(value, &s) == nil {
			out[key] = s
			continue
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, value); err != nil {
			return err
		}
		out[key] = compact.String()
	}
	*p = out
	return nil
}
