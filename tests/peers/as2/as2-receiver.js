// edihub test peer: an AS2 receiver built on the npm package libas2 (0.8.2, pkijs pinned to
// 2.1.90 in ../package.json). Started and stopped by tests/fixtures/as2_peer.cc.
//   node as2-receiver.js CONFIG.json
// CONFIG: { "port": 0, "ownId": "PARTNER", "ownCert": "...crt", "ownKey": "...key",
//           "senderId": "HUB", "senderCert": "...crt", "outDir": "received", "readyFile": "ready.json" }
// Listens on 127.0.0.1:port (0 = any free port) and writes readyFile = {"pid":..,"port":..}
// once listening. Each POST: AS2 header checks (400 missing, 403 unknown pair), libas2 parse,
// decrypt + verify + MIC (AS2Disposition.outgoing), payload saved in outDir, then the MDN:
// none, sync in the response, or async (200 at once, MDN POSTed to Receipt-Delivery-Option).
// libas2 does not read Disposition-Notification-Options itself; this script does.
// One JSON line per message on stdout.
'use strict'
const http = require('http')
const fs = require('fs')
const path = require('path')
const { AS2Parser, AS2Disposition } = require('libas2')

const cfgFile = path.resolve(process.argv[2])
const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'))
const dir = path.dirname(cfgFile)
const pem = f => fs.readFileSync(path.resolve(dir, f), 'utf8')
const own = { cert: pem(cfg.ownCert), key: pem(cfg.ownKey) }
const senderCert = pem(cfg.senderCert)
const outDir = path.resolve(dir, cfg.outDir || 'received')
fs.mkdirSync(outDir, { recursive: true })
const log = o => process.stdout.write(JSON.stringify(o) + '\n')
const unquote = s => (s || '').replace(/^"(.*)"$/, '$1')

// "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256"
function mdnOptions (value) {
  const out = {}
  for (const item of (value || '').split(';')) {
    const eq = item.indexOf('=')
    if (eq < 0) continue
    const values = item.slice(eq + 1).split(',').map(v => v.trim().toLowerCase())
    out[item.slice(0, eq).trim().toLowerCase()] = values.slice(1)
  }
  return out
}

function post (url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, res => { res.resume(); res.on('end', () => resolve(res.statusCode)) })
    req.on('error', reject)
    req.end(body)
  })
}

async function handle (req, res, body) {
  const h = req.headers
  const rec = { messageId: h['message-id'], from: h['as2-from'], to: h['as2-to'], bytes: body.length }
  if (req.method !== 'POST') { res.writeHead(405).end(); return }
  const missing = ['as2-from', 'as2-to', 'message-id'].filter(k => !h[k])
  if (missing.length) { rec.error = 'missing ' + missing.join(','); log(rec); res.writeHead(400).end(rec.error); return }
  if (unquote(h['as2-to']) !== cfg.ownId || unquote(h['as2-from']) !== cfg.senderId) {
    rec.error = 'unknown partner pair'; log(rec); res.writeHead(403).end(rec.error); return
  }
  const node = await AS2Parser.parse({ headers: req.rawHeaders, content: body })
  const opts = mdnOptions(h['disposition-notification-options'])
  const signed = (opts['signed-receipt-protocol'] || []).includes('pkcs7-signature')
  const micalg = signed ? ((opts['signed-receipt-micalg'] || [])[0] || 'sha-256') : undefined
  const { contentNode, dispositionNode, disposition } = await AS2Disposition.outgoing({
    node,
    returnNode: false,
    agreement: {
      host: { name: cfg.ownId, id: cfg.ownId, url: 'http://127.0.0.1/unused', certificate: own.cert, privateKey: own.key, decrypt: true },
      partner: { name: cfg.senderId, id: cfg.senderId, url: 'http://127.0.0.1/unused', certificate: senderCert, verify: true,
        mdn: micalg ? { signing: micalg } : undefined }
    }
  })
  const n = disposition.notification
  rec.processed = !!n.disposition.processed
  rec.failure = n.disposition.description ? n.disposition.description.text : undefined
  rec.mic = n.receivedContentMic ? `${n.receivedContentMic.mic}, ${n.receivedContentMic.algorithm}` : undefined
  if (contentNode && rec.processed) {
    const name = (contentNode.filename || 'payload').replace(/[^\w.-]/g, '_')
    const file = path.join(outDir, name)
    const content = contentNode.content
    fs.writeFileSync(file, Buffer.isBuffer(content) ? content : Buffer.from(content || ''))
    rec.savedAs = file
    rec.payloadType = contentNode.contentType
  }
  if (!h['disposition-notification-to']) { rec.mdn = 'none'; log(rec); res.writeHead(200).end(); return }
  const { headers, body: mdnBody } = await dispositionNode.buildObject()
  const asyncUrl = h['receipt-delivery-option']
  if (asyncUrl) {
    res.writeHead(200).end()
    rec.mdn = 'async'
    rec.mdnStatus = await post(asyncUrl, headers, mdnBody)
  } else {
    res.writeHead(200, headers).end(mdnBody)
    rec.mdn = micalg ? 'sync signed' : 'sync unsigned'
  }
  log(rec)
}

const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', c => chunks.push(c))
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks)).catch(e => {
      log({ messageId: req.headers['message-id'], error: (e && e.stack) || String(e) })
      if (!res.headersSent) res.writeHead(500).end(String(e))
    })
  })
})
server.listen(cfg.port || 0, '127.0.0.1', () => {
  const port = server.address().port
  if (cfg.readyFile) fs.writeFileSync(path.resolve(dir, cfg.readyFile), JSON.stringify({ pid: process.pid, port }))
  log({ listening: port, pid: process.pid })
})
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); process.exit(0) })
