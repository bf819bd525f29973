// Package routertest checks picket.Require with the routers Go servers use: net/http's
// ServeMux, chi and gorilla/mux. A module of its own, so that the binding's module needs
// none of them (they are test dependencies only, never a user's).
package routertest
