// Streams FILE through a peer parser in 64 KiB chunks, visits every element of every
// segment and prints one line in the same key=value form as `edihub_bench --parse-file`.
'use strict'
const fs = require('node:fs')
const { pipeline } = require('node:stream/promises')
const { Writable } = require('node:stream')

async function measure (file, parser, elementsOf) {
  const bytes = fs.statSync(file).size
  let segments = 0
  let checksum = 0
  const visitor = new Writable({
    objectMode: true,
    write (segment, _encoding, done) {
      segments += 1
      for (const value of elementsOf(segment)) {
        checksum = (checksum + value.length + (value.length > 0 ? value.charCodeAt(0) : 0)) >>> 0
      }
      done()
    }
  })
  const start = process.hrtime.bigint()
  await pipeline(fs.createReadStream(file, { highWaterMark: 64 * 1024 }), parser, visitor)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  console.log(`bytes=${bytes} segments=${segments} checksum=${checksum} seconds=${seconds.toFixed(3)} ` +
              `mb_per_s=${(bytes / 1e6 / seconds).toFixed(1)}`)
}

module.exports = { measure }
