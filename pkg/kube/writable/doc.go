// Package writable is a cluster the writing commands act on: the mover's
// source and destination, unpause's management cluster. It holds the
// dynamic client and the kinds the server serves, discovered once. Status's
// read-only pipeline never imports it (the boundaries test says so): it
// reads through pkg/reader, whose clients cannot write.
package writable
