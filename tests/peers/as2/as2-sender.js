// edihub test peer: an AS2 sender built on the npm package libas2 (0.8.2).
//   node as2-sender.js CONFIG.json FILE
// CONFIG: { "url": "http://127.0.0.1:PORT/as2", "ownId": "PARTNER", "ownCert": "...crt", "ownKey": "...key",
//           "receiverId": "HUB", "receiverCert": "...crt", "sign": "sha-256", "encrypt": "aes256-CBC",
//           "mdnSigning": "sha-256", "contentType": "application/edi-x12", "dumpTo": null,
//           "messageId": null }   (messageId: send under this Message-ID, to test duplicate detection)
// Composes FILE with AS2Composer (signed/encrypted as configured), POSTs it and checks the
// synchronous MDN the way a partner would: signature against receiverCert, Original-Message-ID,
// disposition, and Received-Content-MIC against the MIC computed here. Prints one JSON object;
// exit 0 only when everything matched. "dumpTo" writes the request (headers, CRLF, body) instead.
'use strict'
const http = require('http')
const fs = require('fs')
const path = require('path')
const crypto = require('crypto')
const { AS2Composer, AS2Parser, AS2Disposition, AS2SignedData } = require('libas2')

const cfgFile = path.resolve(process.argv[2])
const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'))
const dir = path.dirname(cfgFile)
const pem = f => fs.readFileSync(path.resolve(dir, f), 'utf8')
const CRLF = Buffer.from('\r\n')

// The parts of a multipart body, exactly (RFC 2046: the CRLF before a delimiter belongs to it).
function parts (contentType, body) {
  const m = /boundary="?([^";]+)"?/i.exec(contentType || '')
  if (!m) return []
  const delim = Buffer.from('--' + m[1])
  const out = []
  let at = body.indexOf(delim)
  while (at >= 0) {
    const start = body.indexOf(CRLF, at) + 2
    const next = body.indexOf(Buffer.concat([CRLF, delim]), start)
    if (next < 0 || body.slice(at + delim.length, at + delim.length + 2).toString() === '--') break
    out.push(body.slice(start, next))
    at = next + 2
  }
  return out
}

async function verifyMdnSignature (contentType, body, cert) {
  if (!/^multipart\/signed/i.test(contentType || '')) return 'not signed'
  const [content, sigPart] = parts(contentType, body)
  const der = Buffer.from(sigPart.slice(sigPart.indexOf('\r\n\r\n') + 4).toString().replace(/\s+/g, ''), 'base64')
  if (await new AS2SignedData(content, der).verify(cert)) return 'standard'
  throw new Error('MDN signature does not verify')
}

function compose (sign, encrypt, content) {
  return new AS2Composer({
    message: { filename: path.basename(process.argv[3]), contentType: cfg.contentType || 'application/edi-x12', content },
    agreement: {
      host: { name: cfg.ownId, id: cfg.ownId, url: 'http://127.0.0.1/unused', certificate: pem(cfg.ownCert), privateKey: pem(cfg.ownKey),
        sign, mdn: { async: false, signing: cfg.mdnSigning || false } },
      partner: { name: cfg.receiverId, id: cfg.receiverId, url: cfg.url, file: 'EDIX12', certificate: pem(cfg.receiverCert),
        encrypt, verify: true }
    }
  })
}

async function main () {
  const content = fs.readFileSync(process.argv[3])
  // Expected MIC: the digest of the signed entity. The same message composed signed but not
  // encrypted has the same first part (no boundary or date inside it), so hash that part.
  let expectedMic
  if (cfg.sign) {
    const plain = await compose(cfg.sign, false, content).toRequestOptions()
    const first = parts(plain.headers['Content-Type'], Buffer.from(plain.body))[0]
    expectedMic = crypto.createHash(cfg.sign.replace('-', '')).update(first).digest('base64')
  }
  const req = await compose(cfg.sign || false, cfg.encrypt || false, content).toRequestOptions()
  if (cfg.messageId) req.headers['Message-ID'] = cfg.messageId
  const messageId = req.headers['Message-ID']
  if (cfg.dumpTo) {
    const head = Object.entries(req.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')
    fs.writeFileSync(path.resolve(dir, cfg.dumpTo), Buffer.concat([Buffer.from(head + '\r\n'), Buffer.from(req.body)]))
    console.log(JSON.stringify({ dumped: cfg.dumpTo, messageId, expectedMic }))
    return 0
  }
  const res = await new Promise((resolve, reject) => {
    const r = http.request(cfg.url, { method: 'POST', headers: req.headers }, resp => {
      const bufs = []
      resp.on('data', b => bufs.push(b))
      resp.on('end', () => { resp.body = Buffer.concat(bufs); resolve(resp) })
    })
    r.on('error', reject)
    r.end(req.body)
  })
  const out = { status: res.statusCode, messageId, expectedMic }
  if (res.statusCode !== 200 || res.body.length === 0) {
    out.ok = false; out.error = res.body.toString(); console.log(JSON.stringify(out)); return 1
  }
  out.signature = await verifyMdnSignature(res.headers['content-type'], res.body, pem(cfg.receiverCert))
  const mdn = await AS2Disposition.incoming(await AS2Parser.parse({ headers: res.rawHeaders, content: res.body }))
  const n = mdn.notification
  out.originalMessageId = n.originalMessageId
  out.processed = !!n.disposition.processed
  out.description = n.disposition.description
  out.mic = n.receivedContentMic
  out.explanation = mdn.explanation
  const warningOnly = !n.disposition.description || /^warning/.test(n.disposition.description.type)
  out.micMatches = !cfg.sign || (!!n.receivedContentMic && n.receivedContentMic.mic === expectedMic)
  out.ok = out.processed && warningOnly && out.micMatches && out.originalMessageId === messageId &&
    (!cfg.mdnSigning || out.signature === 'standard')
  console.log(JSON.stringify(out))
  return out.ok ? 0 : 1
}
main().then(code => process.exit(code), e => { console.error((e && e.stack) || String(e)); process.exit(2) })
