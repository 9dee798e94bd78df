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
		return fmt.Errorf("expected a number, got %s", excerpt(data))
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
