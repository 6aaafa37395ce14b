// The numbers of KCP's replies reach `raw` as the same JavaScript numbers as when the crate read
// JSON with serde_json (issue 12 replaced it with src/json.rs): serde_json's reading of a
// number, which for a long fraction or a large exponent is not JavaScript's own (JSON.parse)
// by an ulp. The expected values are serde_json 1.0.154's `as_f64()` of each text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KcpClient, KcpRejectedError } from 'kcp-wasm';
import { KCP } from './helpers.mjs';

const TNO = '21234567890123';

function client(text) {
  return new KcpClient({
    ...KCP.options,
    environment: 'staging',
    fetch: async () => new Response(text, { status: 200, headers: { 'content-type': 'application/json' } }),
  });
}

// [text in the reply, the number in raw]
const NUMBERS = [
  ['0', 0],
  ['-0', -0],
  ['1.5', 1.5],
  ['-2.5e3', -2500],
  ['1e30', 1e30],
  ['0.1', 0.1],
  ['5e-324', 5e-324],
  ['1e-400', 0],
  ['-1e-400', -0],
  ['9007199254740991', 9007199254740991],
  ['-9007199254740991', -9007199254740991],
  ['1.7976931348623157e308', 1.7976931348623157e308],
  // Where serde_json's reading differs from JSON.parse's (shown in the comment).
  ['99.400363901854861e297', 9.940036390185487e298], // JSON.parse: 9.940036390185485e298
  ['494.47179790361460777', 494.4717979036146], // JSON.parse: 494.47179790361463
  ['9007199254740993.0', 9007199254740994], // JSON.parse: 9007199254740992
  ['125038.2304e254', 1.2503823039999998e259], // JSON.parse: 1.250382304e259
];

test('numbers in raw are the numbers they always were', async () => {
  const fields = NUMBERS.map(([text], i) => `"n${i}":${text}`).join(',');
  const reply = `{"res_cd":"0000","res_msg":"ok","tno":"${TNO}",${fields},"list":[${NUMBERS.map(([t]) => t).join(',')}]}`;
  const r = await client(reply).inquire({ tno: TNO, payType: 'PACA' });
  NUMBERS.forEach(([text, expected], i) => {
    assert.ok(Object.is(r.raw[`n${i}`], expected), `${text}: ${r.raw[`n${i}`]}, expected ${expected}`);
    assert.ok(Object.is(r.raw.list[i], expected), `${text} in an array`);
  });
  // The differences are real: JSON.parse reads the last rows otherwise.
  assert.notEqual(JSON.parse('99.400363901854861e297'), 9.940036390185487e298);
});

test('numbers too large for a double are refused, as before', async () => {
  for (const text of ['1e400', '1.7976931348623158e308', '1e99999999999']) {
    const reply = `{"res_cd":"0000","res_msg":"ok","tno":"${TNO}","x":${text}}`;
    await assert.rejects(client(reply).inquire({ tno: TNO, payType: 'PACA' }), (e) => e.code === 'RESPONSE_MALFORMED', text);
  }
});

test('a refusal carries its numbers alike', async () => {
  const reply = '{"res_cd":"8012","res_msg":"x","f":99.400363901854861e297,"big":-9007199254740993}';
  await assert.rejects(client(reply).cancel({ tno: TNO }), (e) => {
    assert.ok(e instanceof KcpRejectedError);
    assert.equal(e.raw.f, 9.940036390185487e298);
    assert.equal(e.raw.big, '-9007199254740993');
    return true;
  });
});
