//go:build !race

package main

// raceEnabled is true when the tests run with -race: the server binary is then built with
// -race too.
const raceEnabled = false
