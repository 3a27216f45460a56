// node-x12 (stream mode): its X12Parser is a Transform stream of X12Segment objects.
'use strict'
const { X12Parser } = require('node-x12')
const { measure } = require('./measure')

function * elementsOf (segment) {
  for (const element of segment.elements) yield element.value
}

measure(process.argv[2], new X12Parser(), elementsOf).catch((e) => { console.error(e); process.exit(2) })
