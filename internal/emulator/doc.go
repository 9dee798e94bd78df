// Package emulator is an in-memory HTTP server that speaks the subset of the
// Servitly REST API that the provider uses: login, token renewal, partners and
// organizations. Tests run it in-process with
// httptest.NewServer(emulator.New(opts)); cmd/servitly-emulator runs it for demos.
// LoadSeed adds organizations and partners from a JSON seed (format on LoadSeed).
//
// Servitly documents only part of this API, so some behaviour here is a guess.
// Each guess is listed below, in the style of the API notes, so that it can be
// checked against a real tenant and corrected in one place:
//
//   - [inferred] A tenant header naming another tenant is answered
//     404 {"message":"Tenant not found"}; a missing header 400. Tenant names
//     are compared exactly (case-sensitive).
//   - [inferred] Faults, then the tenant header, then the route, then the
//     bearer token, then permissions are checked, in that order. An unknown
//     path is a 404 "Resource not found"; a known path with another method is
//     a 405 {"message":"Method X not allowed"} with an Allow header.
//   - [inferred] Login emails are compared case-insensitively; passwords,
//     API keys and PATs exactly. The login API key is read only from the
//     apiKey query parameter (not apikey).
//   - [inferred] renewToken checks, in order: the bearer was issued here
//     (401), the body decodes (400), the bearer has expired (400 if not),
//     the refresh token, userId and tenantId match the bearer's session (401).
//     The refresh token is rotated on every renewal.
//   - [inferred] logout needs an unexpired bearer and answers 200 with the
//     body 1 even when the refresh token was already invalid.
//   - [inferred] Listing partners needs READ_ALL_PARTNERS; deleting one needs
//     READ_PARTNER and WRITE_PARTNER (no DELETE_PARTNER).
//   - [inferred] Request bodies are decoded strictly: an unknown field is a
//     400 "Request data not valid", malformed JSON a 400 "Bad request".
//     The Content-Type of requests is not checked.
//   - [inferred] A partner needs a non-blank name; its timezone, when set, must
//     be an IANA name; property keys must not be empty; country is free text;
//     codes need not be unique. An unknown organization.id is a 404.
//   - [inferred] In answers, code, country and timezone are omitted when empty,
//     organization is omitted when unset, and properties is always an object.
//     Organizations always carry every field, with parent null at the root.
//   - [inferred] /v2 lists: size defaults to 20 and is clamped to
//     Options.MaxPageSize (default 200); page and size must be numbers (page
//     >= 0, size >= 1). Partners sort by creationTimestamp,ASC by default and
//     can sort by name, code or creationTimestamp; organizations sort by
//     name,ASC and can sort only by name. Id breaks ties. String sorting is
//     case-sensitive. Several sort parameters apply in order, and the "sort"
//     field of the answer joins them with ";".
//   - [inferred] searchText matches case-insensitively and '*' matches any run
//     of characters anywhere in the pattern. Field filters (code, name,
//     country) match exactly, with or without the "eq;" prefix; no other
//     operator and no properties.* filter is understood; a filter given
//     twice must match both times. Only '&' separates query parameters, so
//     "code=eq;C1" works unescaped as well as "code=eq%3BC1". Unknown query
//     parameters are ignored.
//   - [inferred] Paging past the end answers an empty page with last true.
//     An empty filter value (e.g. "code=") matches partners without a code.
//   - [inferred] /v2/network/partners entries are full partner objects, as
//     GET by id answers them. Options.ListSummaries makes them summaries
//     without properties and organization (GET by id stays full), and
//     Options.ListWithoutCodes leaves out every entry's code.
//   - [inferred] PUT /network/partners/{id} replaces every client-managed
//     field, clearing the ones the body omits. Options.MergingUpdate makes
//     it merge: a field absent from the body or JSON null keeps its stored
//     value, any other value (including "" and {}) replaces it, so
//     "organization": null keeps the organization.
//   - [inferred] Field filters strip one leading "eq;" and compare the rest
//     exactly, so "code=eq;eq;X" finds the code "eq;X".
//     Options.LiteralFilterValues compares the value as sent, "eq;"
//     included, in every /v2 list, so "code=eq;P1" never finds the code P1.
//   - [inferred] The /v2 partner list applies code, name, country and
//     searchText. Options.IgnoreListFilters ignores all four (and a
//     searchText without searchField) and lists every partner; paging and
//     sorting still apply.
//   - [inferred] Property values are JSON strings in every answer.
//     Options.TypedPropertyValues writes a value whose text is a JSON number,
//     true, false or null as that literal in every partner answer (GET,
//     list, POST, PUT, DELETE with status 200), e.g. {"a":1,"b":true,"c":null};
//     what is stored stays text.
package emulator
