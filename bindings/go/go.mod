module github.com/picket-dev/picket/bindings/go

go 1.22
