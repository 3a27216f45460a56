// x12-parser (stream mode): segments arrive as {name, '1': ..., '1-1': ...} objects.
'use strict'
const { X12parser } = require('x12-parser')
const { measure } = require('./measure')

function * elementsOf (segment) {
  for (const key in segment) if (key !== 'name') yield segment[key]
}

measure(process.argv[2], new X12parser(), elementsOf).catch((e) => { console.error(e); process.exit(2) })
