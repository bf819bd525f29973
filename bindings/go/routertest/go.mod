module github.com/picket-dev/picket/bindings/go/routertest

go 1.24

require (
	github.com/go-chi/chi/v5 v5.5.0
	github.com/gorilla/mux v1.8.1
	github.com/picket-dev/picket/bindings/go v0.0.0
)

replace github.com/picket-dev/picket/bindings/go => ../
