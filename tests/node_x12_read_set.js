// Reads X12 interchanges with node-x12 (an independent npm X12 parser, pinned in
// tests/peers/package-lock.json) and prints, as JSON, every transaction set as it
// understood it, for tests that compare it with what we meant to write.
// Usage: NODE_PATH=tests/peers/node_modules node node_x12_read_set.js FILE...
// Output: one JSON document per line and file: {"isa13": n, "groups": [{"gs": [GS01..GS08],
// "ge01": n, "sets": [{"st": [ST01, ST02], "se01": n, "segments": [["BSN", "00", ...], ...]}]}]}.
// Exit 2 when node-x12 rejects a file (strict mode).
'use strict'
const fs = require('fs')
const { X12Parser } = require('node-x12')

const values = (segment) => segment.elements.map((e) => e.value)

try {
  for (const file of process.argv.slice(2)) {
    const interchange = new X12Parser(true).parse(fs.readFileSync(file, 'utf8'))
    console.log(JSON.stringify({
      isa13: Number(values(interchange.header)[12]),
      groups: interchange.functionalGroups.map((group) => ({
        gs: values(group.header),
        ge01: Number(values(group.trailer)[0]),
        sets: group.transactions.map((set) => ({
          st: values(set.header),
          se01: Number(values(set.trailer)[0]),
          segments: set.segments.map((s) => [s.tag, ...values(s)])
        }))
      }))
    }))
  }
} catch (e) {
  console.error(`node-x12: ${e.message}`)
  process.exit(2)
}
