// Package livecheck holds the check of the live acceptance run (make
// acc-live): make testacc-live against the emulator started as a separate
// process and reached only through the SERVITLY_* variables, as a tenant
// would be; a live run killed halfway; and make sweep after it.
package livecheck
