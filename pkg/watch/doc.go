// Package watch re-reads both clusters when what status reads changes:
// it watches the kinds status lists (metadata only), coalesces bursts of
// events into one re-read, re-lists after a watch error, and re-reads on a
// bounded interval when nothing arrives. It also says, for a person, what
// changed between two reports. It never writes to a cluster and never
// prints.
package watch
