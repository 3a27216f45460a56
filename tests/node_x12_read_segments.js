// Reads interchanges with node-x12 (an independent npm X12 parser, pinned in
// tests/peers/package-lock.json) and prints every segment as it understood it, for the
// round-trip tests of our outbound documents to compare with what we meant to write.
// Usage: NODE_PATH=tests/peers/node_modules node node_x12_read_segments.js FILE...
// Output per file: "ISA <ISA06> <ISA08>", "GS <GS01> <GS08>", then per set "ST <ST01>",
// each body segment as "TAG*EL1*EL2..." (elements as read, trailing ones as sent),
// "SE <SE01>", then "GE <GE01>" and "IEA <IEA01>". Exit 2 when node-x12 rejects a file
// (strict mode).
'use strict'
const fs = require('fs')
const { X12Parser } = require('node-x12')

const values = (segment) => segment.elements.map((e) => e.value)

try {
  for (const file of process.argv.slice(2)) {
    const interchange = new X12Parser(true).parse(fs.readFileSync(file, 'utf8'))
    const isa = values(interchange.header)
    console.log(`ISA ${isa[5].trim()} ${isa[7].trim()}`)
    for (const group of interchange.functionalGroups) {
      const gs = values(group.header)
      console.log(`GS ${gs[0]} ${gs[7]}`)
      for (const transaction of group.transactions) {
        console.log(`ST ${values(transaction.header)[0]}`)
        for (const segment of transaction.segments) console.log([segment.tag, ...values(segment)].join('*'))
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
