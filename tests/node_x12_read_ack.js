// Reads acknowledgment interchanges with node-x12 (an independent npm X12 parser, pinned
// in tests/peers/package-lock.json) and prints what it understood, one line per segment
// of interest, for formats/ack_test.cc to compare with what we meant to write.
// Usage: NODE_PATH=tests/peers/node_modules node node_x12_read_ack.js FILE...
// Output per file: "ISA <ISA06> <ISA08> <ISA13 as a number>" (node-x12 drops its leading
// zeros), "GS <GS01> <GS02> <GS03> <GS06> <GS08>", "ST <ST01> <ST02> [ST03]", then the
// AK1..AK9/IK3..IK5 segments as
// "TAG*EL1*EL2..." (components of AK4/IK4 kept as written), "SE <SE01>", "GE <GE01>",
// "IEA <IEA01>". Exit 2 when node-x12 rejects a file (strict mode).
'use strict'
const fs = require('fs')
const { X12Parser } = require('node-x12')

const shown = new Set(['AK1', 'AK2', 'AK3', 'AK4', 'AK5', 'IK3', 'IK4', 'IK5', 'AK9'])
const values = (segment) => segment.elements.map((e) => e.value)
const line = (segment) => [segment.tag, ...values(segment)].join('*')

try {
  for (const file of process.argv.slice(2)) {
    const interchange = new X12Parser(true).parse(fs.readFileSync(file, 'utf8'))
    const isa = values(interchange.header)
    console.log(`ISA ${isa[5].trim()} ${isa[7].trim()} ${Number(isa[12])}`)
    for (const group of interchange.functionalGroups) {
      const gs = values(group.header)
      console.log(`GS ${gs[0]} ${gs[1]} ${gs[2]} ${gs[5]} ${gs[7]}`)
      for (const transaction of group.transactions) {
        console.log(['ST', ...values(transaction.header)].join(' '))
        for (const segment of transaction.segments) {
          if (shown.has(segment.tag)) console.log(line(segment))
        }
        console.log(`SE ${values(transaction.trailer)[0]}`)
      }
      console.log(`GE ${values(group.trailer)[0]}`)
    }
    console.log(`IEA ${values(interchange.trailer)[0]}`)
  }
} catch (e) {
  console.error(`node-x12: ${e.message}`)
  process.exit(2)
}
