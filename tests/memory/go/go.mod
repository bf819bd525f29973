module picket.test/memory

go 1.22

require github.com/picket-dev/picket/bindings/go v0.0.0

replace github.com/picket-dev/picket/bindings/go => ../../../bindings/go
