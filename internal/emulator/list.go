package emulator

import (
	"cmp"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// page is the wrapper every /v2 list answers with.
type page[T any] struct {
	Content          []T    `json:"content"`
	First            bool   `json:"first"`
	Last             bool   `json:"last"`
	TotalPages       int    `json:"totalPages"`
	TotalElements    int    `json:"totalElements"`
	Sort             string `json:"sort"`
	NumberOfElements int    `json:"numberOfElements"`
	Size             int    `json:"size"`
	Number           int    `json:"number"`
}

// listing describes how one resource's /v2 list filters and sorts.
type listing[T any] struct {
	fields      map[string]func(T) string   // usable as field filters and as searchField
	orders      map[string]func(a, b T) int // usable in sort
	defaultSort string                      // used when the query has no sort
	id          func(T) string              // breaks ties
	ignorable   bool                        // Options.IgnoreListFilters applies
}

const defaultPageSize = 20

// writePage answers with the page of items the request selects, each converted to its wire form.
//
//   - [inferred] The partner list is GET /v2/network/partners and answers
//     with the documented paging wrapper (page); the provider accepts a plain
//     JSON array too.
//   - [inferred] size defaults to 20 and is clamped to Options.MaxPageSize
//     (default 200); page and size must be numbers (page >= 0, size >= 1).
//     Paging past the end answers an empty page with last true.
//   - [inferred] Only '&' separates query parameters, so "code=eq;C1" works
//     unescaped as well as "code=eq%3BC1". Unknown query parameters are
//     ignored.
//   - [inferred] The partner list applies code, name, country and
//     searchText. Other answer: filters ignored (switch IgnoreListFilters,
//     flag -ignore-list-filters): all four, and a searchText without
//     searchField, are ignored and every partner is listed; paging and
//     sorting still apply. Every read of the provider gives the same answer
//     either way (README, How the provider reads the list).
func writePage[T, U any](w http.ResponseWriter, r *http.Request, items []T, l listing[T], opts Options, convert func(T) U) error {
	// Filters look like "code=eq;C1", and url.ParseQuery refuses a raw ';'.
	query, err := url.ParseQuery(strings.ReplaceAll(r.URL.RawQuery, ";", "%3B"))
	if err != nil {
		return errBadRequest
	}
	number, err := intParam(query, "page", 0, 0)
	if err != nil {
		return err
	}
	size, err := intParam(query, "size", defaultPageSize, 1)
	if err != nil {
		return err
	}
	size = min(size, opts.MaxPageSize)
	matched := slices.Clone(items)
	if !l.ignorable || !opts.IgnoreListFilters {
		if matched, err = l.filter(matched, query, opts.LiteralFilterValues); err != nil {
			return err
		}
	}
	sortText, err := l.sort(matched, query)
	if err != nil {
		return err
	}

	totalPages := (len(matched) + size - 1) / size
	start := len(matched)
	if number < totalPages { // also keeps number*size from overflowing
		start = number * size
	}
	selected := matched[start:min(start+size, len(matched))]
	content := make([]U, len(selected)) // [] rather than null when empty
	for i, item := range selected {
		content[i] = convert(item)
	}
	return writeJSON(w, http.StatusOK, page[U]{
		Content:          content,
		First:            number == 0,
		Last:             number >= totalPages-1,
		TotalPages:       totalPages,
		TotalElements:    len(matched),
		Sort:             sortText,
		NumberOfElements: len(content),
		Size:             size,
		Number:           number,
	})
}

func intParam(query url.Values, name string, fallback, least int) (int, error) {
	text := query.Get(name)
	if text == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < least {
		return 0, invalidData("%s must be a whole number of at least %d", name, least)
	}
	return n, nil
}

// filter drops the items that fail searchText or any field filter. A field
// filter value loses one leading "eq;" unless literal is set.
//
//   - [inferred] The provider sends searchText with searchField, and the
//     field filters code, name and country as eq;<value>.
//   - [inferred] searchText ignores letter case, and '*' matches any run of
//     characters anywhere in the pattern; a pattern without '*' must match
//     the whole field. The provider matches searches of name, code and
//     country the same way when it has to match partners itself.
//   - [inferred] Field filters (code, name, country) match exactly, with or
//     without the "eq;" prefix: one leading "eq;" is stripped and the rest
//     compared, so "code=eq;eq;X" finds the code "eq;X". No other operator
//     and no properties.* filter is understood; a filter given twice must
//     match both times. An empty filter value (e.g. "code=") matches
//     partners without a code. Other answer: values compared literally,
//     "eq;" included, in every /v2 list, the organization list too (switch
//     LiteralFilterValues, flag -literal-filter-values), so "code=eq;P1"
//     never finds the code P1. Every read of the provider gives the same
//     answer either way (README, How the provider reads the list).
func (l listing[T]) filter(items []T, query url.Values, literal bool) ([]T, error) {
	if text := query.Get("searchText"); text != "" {
		name := query.Get("searchField")
		field, ok := l.fields[name]
		switch {
		case name == "":
			return nil, invalidData("searchText needs searchField")
		case !ok:
			return nil, invalidData("cannot search by %q", name)
		}
		pattern := wildcardPattern(strings.ToLower(text))
		items = slices.DeleteFunc(items, func(item T) bool { return !pattern.MatchString(strings.ToLower(field(item))) })
	}
	for name, field := range l.fields {
		for _, value := range query[name] {
			want := value
			if !literal {
				want = strings.TrimPrefix(value, "eq;")
			}
			items = slices.DeleteFunc(items, func(item T) bool { return field(item) != want })
		}
	}
	return items, nil
}

// sort orders items by the sort parameters ("field,ASC|DESC", possibly
// repeated), then by id, and returns their normalised text for the answer.
// Each listing says which fields its list sorts by.
//
//   - [inferred] Id breaks ties. String sorting is case-sensitive. Several
//     sort parameters apply in order, and the "sort" field of the answer
//     joins them with ";".
func (l listing[T]) sort(items []T, query url.Values) (string, error) {
	specs := query["sort"]
	if len(specs) == 0 {
		specs = []string{l.defaultSort}
	}
	var compares []func(a, b T) int
	var texts []string
	for _, spec := range specs {
		name, direction, _ := strings.Cut(spec, ",")
		compare, ok := l.orders[name]
		if !ok {
			return "", invalidData("cannot sort by %q", name)
		}
		switch strings.ToUpper(direction) {
		case "", "ASC":
			direction = "ASC"
		case "DESC":
			direction = "DESC"
			ascending := compare
			compare = func(a, b T) int { return ascending(b, a) }
		default:
			return "", invalidData("sort direction must be ASC or DESC, not %q", direction)
		}
		compares = append(compares, compare)
		texts = append(texts, name+","+direction)
	}
	slices.SortFunc(items, func(a, b T) int {
		for _, compare := range compares {
			if c := compare(a, b); c != 0 {
				return c
			}
		}
		return cmp.Compare(l.id(a), l.id(b)) // ids are unique, so pages never overlap
	})
	return strings.Join(texts, ";"), nil
}

// wildcardPattern compiles a searchText pattern, where each '*' stands for any run of
// characters: "foo*" is a prefix, "*foo*" a substring, and "foo" must match exactly.
func wildcardPattern(pattern string) *regexp.Regexp {
	parts := strings.Split(pattern, "*")
	for i, part := range parts {
		parts[i] = regexp.QuoteMeta(part)
	}
	return regexp.MustCompile(`(?s)\A` + strings.Join(parts, ".*") + `\z`)
}
