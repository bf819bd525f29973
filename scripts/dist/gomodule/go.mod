module github.com/picket-dev/picket/scripts/dist/gomodule

go 1.26.0

require golang.org/x/mod v0.43.0
