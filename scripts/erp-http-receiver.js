// A stand-in ERP inbound endpoint for demos: accepts JSON POSTs on 127.0.0.1 (a free port,
// or the one given), prints one line per transaction and writes each body to OUT_DIR.
//   node scripts/erp-http-receiver.js OUT_DIR [PORT]
// Prints "listening http://127.0.0.1:PORT/erp/inbound" first. Answers 200 {"accepted":true};
// a key it has seen before is answered 200 too (idempotent, like a real ERP should be).
'use strict'
const http = require('http')
const fs = require('fs')
const path = require('path')

const out = process.argv[2]
if (!out) {
  console.error('usage: node erp-http-receiver.js OUT_DIR [PORT]')
  process.exit(2)
}
fs.mkdirSync(out, { recursive: true })
const seen = new Set()
const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', c => chunks.push(c))
  req.on('end', () => {
    const key = req.headers['idempotency-key'] || ''
    const body = Buffer.concat(chunks)
    if (req.method !== 'POST' || !key) {
      res.writeHead(400, { 'content-type': 'application/json' })
      return res.end('{"error":"POST with an Idempotency-Key header expected"}')
    }
    const name = key.replace(/[^A-Za-z0-9_-]/g, '_') + '.json'
    if (!seen.has(key)) fs.writeFileSync(path.join(out, name), body)
    console.log(`${seen.has(key) ? 'again' : 'received'} ${key} (${body.length} bytes) -> ${path.join(out, name)}`)
    seen.add(key)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"accepted":true}')
  })
})
server.listen(Number(process.argv[3] || 0), '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}/erp/inbound`)
})
