module picket.invalid/picket

go 1.22
