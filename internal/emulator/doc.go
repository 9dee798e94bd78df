// Package emulator is an in-memory HTTP server that speaks the subset of the
// Servitly REST API that the provider uses: login, token renewal, partners and
// organizations. Tests run it in-process with
// httptest.NewServer(emulator.New(opts)); cmd/servitly-emulator runs it for demos.
// LoadSeed adds organizations and partners from a JSON seed (format on LoadSeed).
//
// Servitly documents only part of this API (of the partner calls, only
// POST /network/partners), so some behaviour here is a guess. Each guess is
// an item marked [inferred] in the doc comment of the code that implements
// it, each file holding its own, so that it can be checked against a real
// tenant and corrected in one place. To list them:
//
//	grep -n '\[inferred\]' internal/emulator/*.go
//
// Where the API could plausibly answer another way, the item names the
// switch of Options that makes the emulator answer so and its flag in
// cmd/servitly-emulator. Variants names the switches the acceptance tests
// run the provider against (make acc-variants). Faults are test tools, not
// guesses.
package emulator
