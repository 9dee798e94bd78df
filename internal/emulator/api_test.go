package emulator

import (
	"net/http"
	"time"
)

// Other packages are written against these exact signatures; this file
// fails to compile if one drifts.
var (
	_ http.Handler                                      = (*Server)(nil)
	_ func(Options) *Server                             = New
	_ func(*Server, Faults)                             = (*Server).SetFaults
	_ func(*Server, time.Duration) string               = (*Server).IssueToken
	_ func(*Server) []Partner                           = (*Server).Partners
	_ func(*Server, string) (Partner, bool)             = (*Server).Partner
	_ func(*Server, Partner) Partner                    = (*Server).AddPartner
	_ func(*Server, Partner) bool                       = (*Server).UpdatePartner
	_ func(*Server, string) bool                        = (*Server).DeletePartner
	_ func(*Server, Organization) Organization          = (*Server).AddOrganization
	_ func(*Server) []Organization                      = (*Server).Organizations
	_ func(*Server) string                              = (*Server).RootOrganizationID
	_ func(*Server) Stats                               = (*Server).Stats
	_ func(*Server)                                     = (*Server).ResetStats
	_ func(*Server, http.ResponseWriter, *http.Request) = (*Server).ServeHTTP
)
