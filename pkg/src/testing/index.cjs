// `require('kcp-wasm/testing')` from CommonJS: the emulator is an ES module, which Node's
// require() loads itself from 20.19 / 22.12 on (the versions `engines` asks for).
'use strict';
module.exports = require('./index.js');
