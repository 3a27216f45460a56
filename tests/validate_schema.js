// Validates JSON files against a JSON Schema with Ajv (Debian's node-ajv), an
// independent validator. Usage: NODE_PATH=/usr/share/nodejs node validate_schema.js SCHEMA FILE...
// Exit 0 when every file is valid; otherwise prints each error with the file and path.
'use strict';
const fs = require('fs');
const Ajv = require('ajv');  // Debian's node-ajv: run with NODE_PATH=/usr/share/nodejs

const [schemaFile, ...files] = process.argv.slice(2);
if (!schemaFile || files.length === 0) {
  console.error('usage: node validate_schema.js SCHEMA FILE...');
  process.exit(2);
}
const ajv = new Ajv({allErrors: true});
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
let failed = 0;
for (const file of files) {
  if (!validate(JSON.parse(fs.readFileSync(file, 'utf8')))) {
    failed++;
    for (const e of validate.errors) console.log(`${file}: ${e.dataPath || '/'} ${e.message}`);
  }
}
console.log(`${files.length - failed} valid, ${failed} invalid`);
process.exit(failed ? 1 : 0);
