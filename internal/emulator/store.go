package emulator

import "slices"

// store holds one entity's records by id, in the order they were first put.
type store[T any] struct {
	byID map[string]T
	ids  []string
}

// storeKey names an entity's store in a Server. The entity's file declares it,
// so a new entity adds no field to Server. s.mu guards every store of s.
type storeKey[T any] string

// in returns k's store in s, made on first use. s.mu must be held.
func (k storeKey[T]) in(s *Server) *store[T] {
	st, ok := s.stores[k].(*store[T])
	if !ok {
		st = &store[T]{byID: map[string]T{}}
		s.stores[k] = st
	}
	return st
}

func (st *store[T]) get(id string) (T, bool) {
	v, ok := st.byID[id]
	return v, ok
}

// put replaces the record with that id in its place, or adds v at the end.
func (st *store[T]) put(id string, v T) {
	if _, ok := st.byID[id]; !ok {
		st.ids = append(st.ids, id)
	}
	st.byID[id] = v
}

func (st *store[T]) delete(id string) (T, bool) {
	v, ok := st.byID[id]
	delete(st.byID, id)
	st.ids = slices.DeleteFunc(st.ids, func(x string) bool { return x == id })
	return v, ok
}

// all returns the records in order, in a new slice.
func (st *store[T]) all() []T {
	out := make([]T, len(st.ids))
	for i, id := range st.ids {
		out[i] = st.byID[id]
	}
	return out
}
