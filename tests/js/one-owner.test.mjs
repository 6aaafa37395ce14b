// One place knows KCP: the core. The JavaScript layer, the CLI, the playground and the emulator
// read its facts and its checks, and restate none of them; the declarations match the runtime.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as kcp from 'kcp-wasm';
import { runCli } from '../../pkg/src/cli.js';
import { explain, fieldInput, useFacts } from '../../www/messages.js';
import { KCP, interfaceMembers, root } from './helpers.mjs';

const { KcpClient, kcpFacts } = kcp;
const TNO = '21234567890123';
const good = KCP.options;

function clientError(options) {
  try {
    new KcpClient({ ...good, ...options }).free();
  } catch (e) {
    return { code: e.code, field: e.field };
  }
  return null;
}

async function cliError(args, env = {}) {
  const lines = [];
  const code = await runCli(['cancel', '--cert', KCP.certPath, '--key', KCP.keyPath, '--tno', TNO, '--dry-run', ...args], {
    env: { KCP_KEY_PASSWORD: KCP.password, ...env },
    stdout: () => {},
    stderr: (s) => lines.push(s),
  });
  const text = lines.join('\n');
  return { exit: code, code: /error ([A-Z_]+):/.exec(text)?.[1], field: /field: (\S+)/.exec(text)?.[1] };
}

describe('one validation owner: the same bad configuration, the same code and field everywhere', () => {
  const cases = [
    { what: 'a short site_cd', options: { siteCd: 'T00' }, args: ['--site-cd', 'T00'], want: { code: 'CONFIG_INVALID', field: 'site_cd' } },
    { what: 'a site_cd with a ^', options: { siteCd: 'T0^00' }, args: ['--site-cd', 'T0^00'], want: { code: 'CONFIG_INVALID', field: 'site_cd' } },
    { what: 'an unknown environment', options: { environment: 'prod' }, args: ['--site-cd', 'T0000', '--env', 'prod'], want: { code: 'CONFIG_INVALID', field: 'environment' } },
    { what: 'a base URL that is not http(s)', options: { baseUrl: 'ftp://example.com' }, args: ['--site-cd', 'T0000', '--base-url', 'ftp://example.com'], want: { code: 'CONFIG_INVALID', field: 'baseUrl' } },
    { what: 'a wrong password', options: { password: 'nope' }, args: ['--site-cd', 'T0000'], env: { KCP_KEY_PASSWORD: 'nope' }, want: { code: 'KEY_PASSWORD_INCORRECT', field: undefined } },
  ];
  for (const { what, options, args, env, want } of cases) {
    test(what, async () => {
      assert.deepEqual(clientError(options), want, 'constructor');
      const cli = await cliError(args, env);
      assert.deepEqual({ code: cli.code, field: cli.field }, want, 'CLI');
      assert.equal(cli.exit, 1);
      if (want.field === 'site_cd') {
        assert.equal(fieldInput(want.field), 'site-cd', 'playground');
        assert.match(explain({ ...want, message: 'x' }).text, /^site_cd is your KCP merchant id/, 'playground');
      }
    });
  }
  test('a site_cd of the wrong type is the same field, spelled once', () => {
    assert.deepEqual(clientError({ siteCd: 123 }), { code: 'CONFIG_INVALID', field: 'site_cd' });
    assert.deepEqual(clientError({ siteCd: undefined }), { code: 'CONFIG_INVALID', field: 'site_cd' });
    assert.equal(fieldInput('siteCd'), null, 'the playground knows one spelling');
  });
  test('a password of the wrong type is CONFIG_INVALID on password (constructor and signer)', () => {
    assert.deepEqual(clientError({ password: 1 }), { code: 'CONFIG_INVALID', field: 'password' });
    assert.throws(() => kcp.KcpSigner.fromPem(KCP.key, 1), { code: 'CONFIG_INVALID', field: 'password' });
  });
  test('cheap checks first: a bad site_cd is reported before a bad certificate or key', () => {
    assert.deepEqual(clientError({ siteCd: 'T00', certificate: 'nope', privateKey: 'nope' }), { code: 'CONFIG_INVALID', field: 'site_cd' });
    assert.deepEqual(clientError({ environment: 'prod', privateKey: 'nope' }), { code: 'CONFIG_INVALID', field: 'environment' });
  });
});

describe("the core's facts, and requests that carry them", () => {
  const facts = kcpFacts();
  const client = new KcpClient(good);

  test('every mod_type: what the facts say is what the core enforces', () => {
    assert.deepEqual(facts.modTypes.map((m) => m.code), ['STSC', 'STPC', 'STMR', 'STHD', 'STPD', 'STE1', 'STE2', 'STE3', 'STE4', 'STE5']);
    for (const m of facts.modTypes) {
      const account = { bankCode: 'BK04', account: '123-456', depositor: '홍길동' };
      const input = { tno: TNO, modType: m.code, ...(m.partial ? { amount: 100, remaining: 1000 } : {}), ...(m.needsRefundAccount ? { refundAccount: account } : {}) };
      const p = client.prepareModify(input);
      assert.equal(p.operation, m.operation, m.code);
      assert.equal(p.movesMoney, m.movesMoney, m.code);
      assert.equal(p.expect.remainingAfter, m.partial ? 900 : undefined, m.code);
      if (m.needsRefundAccount) {
        const { refundAccount: _gone, ...without } = input;
        assert.throws(() => client.prepareModify(without), { code: 'FIELD_INVALID', field: 'mod_account' }, m.code);
      } else {
        assert.throws(() => client.prepareModify({ ...input, refundAccount: account }), { code: 'FIELD_INVALID', field: 'mod_account' }, m.code);
      }
      if (m.partial) {
        assert.throws(() => client.prepareModify({ tno: TNO, modType: m.code, ...(m.needsRefundAccount ? { refundAccount: account } : {}) }), { field: 'mod_mny' }, m.code);
      }
      if (m.full) assert.throws(() => client.prepareModify({ ...input, amount: 1 }), { field: 'mod_mny' }, m.code);
    }
  });

  test("the playground's sentences state the core's limits and codes", () => {
    useFacts(facts);
    assert.match(explain({ code: 'FIELD_INVALID', field: 'tno' }).text, new RegExp(`1 to ${facts.tnoMaxDigits} digits`));
    assert.match(explain({ code: 'FIELD_INVALID', field: 'mod_desc' }).text, new RegExp(`${facts.maxReasonBytes} bytes`));
    assert.ok(explain({ code: 'FIELD_INVALID', field: 'pay_type' }).text.includes(facts.payTypes.map((p) => p.code).join(', ')));
  });

  test('pay_types, paths, the method and the limits', () => {
    for (const p of facts.payTypes) {
      const prepared = client.prepareInquiry({ tno: TNO, payType: p.code });
      assert.equal(prepared.movesMoney, p.movesMoney);
      assert.equal(prepared.movesMoney, false);
      assert.equal(new URL(prepared.url).pathname, facts.inquiryPath);
      assert.equal(prepared.method, facts.method);
    }
    assert.equal(new URL(client.prepareCancel({ tno: TNO }).url).pathname, facts.modifyPath);
    assert.equal(client.baseUrl, facts.stagingUrl);
    const longest = '1'.repeat(facts.tnoMaxDigits);
    assert.equal(client.prepareCancel({ tno: longest }).expect.tno, longest);
    assert.throws(() => client.prepareCancel({ tno: `${longest}1` }), { code: 'FIELD_INVALID', field: 'tno' });
    assert.ok(client.prepareRefund({ tno: TNO, amount: facts.maxAmount, remaining: facts.maxAmount }));
    assert.throws(() => client.prepareRefund({ tno: TNO, amount: 1, remaining: facts.maxAmount + 1 }), { field: 'rem_mny' });
    assert.ok(client.prepareCancel({ tno: TNO, reason: 'a'.repeat(facts.maxReasonBytes) }));
    assert.throws(() => client.prepareCancel({ tno: TNO, reason: 'a'.repeat(facts.maxReasonBytes + 1) }), { field: 'mod_desc' });
  });

  test('an HTTP error says whether the request moved money, as the prepared request said', async () => {
    const fetch = async () => new Response('busy', { status: 503 });
    const c = new KcpClient({ ...good, fetch });
    const onRefund = await c.refund({ tno: TNO, amount: 1, remaining: 2 }).catch((e) => e);
    const onInquiry = await c.inquire({ tno: TNO, payType: 'PACA' }).catch((e) => e);
    assert.equal(onRefund.code, 'HTTP_ERROR');
    assert.equal(onRefund.movesMoney, true);
    assert.match(onRefund.message, /may or may not have been applied/);
    assert.equal(onInquiry.movesMoney, false);
    assert.doesNotMatch(onInquiry.message, /may or may not/);
    c.free();
  });
});

// ---- the declarations against the runtime -----------------------------------------------------

const dts = fs.readFileSync(path.join(root, 'pkg/types/index.d.ts'), 'utf8');

/** Names declared as runtime values (functions, classes, consts) by `export declare`. */
function declaredValues() {
  return new Set([...dts.matchAll(/^export declare (?:function|class|const) (\w+)/gm)].map((m) => m[1]));
}

/** The members of `export interface name { ... }`: { key: optional }. Top level only. */
const members = (name) => interfaceMembers(dts, name);

function assertShape(name, value) {
  const declared = members(name);
  for (const key of Object.keys(value)) assert.ok(key in declared, `${name}: the runtime's \`${key}\` is declared`);
  for (const [key, optional] of Object.entries(declared)) {
    if (!optional) assert.ok(key in value, `${name}: the declared \`${key}\` is in the runtime's object`);
  }
}

describe('the declarations cannot drift from the runtime', () => {
  test('every export has a declaration, and every declaration an export', () => {
    const runtime = new Set(Object.keys(kcp).filter((k) => k !== 'default'));
    const declared = declaredValues();
    assert.deepEqual([...runtime].filter((k) => !declared.has(k)).sort(), [], 'exported but not declared');
    assert.deepEqual([...declared].filter((k) => !runtime.has(k)).sort(), [], 'declared but not exported');
  });

  test('result objects have exactly their declared keys', async () => {
    const client = new KcpClient({
      ...good,
      fetch: async (url) =>
        new Response(
          JSON.stringify(
            url.endsWith('/std/inquery')
              ? { res_cd: '0000', res_msg: 'OK', tno: TNO }
              : { res_cd: '0000', res_msg: 'OK', tno: TNO, canc_time: '20260101000000', mod_mny: '1', rem_mny: '5', mod_pacn_seq_no: '1' },
          ),
        ),
    });
    const prepared = client.prepareRefund({ tno: TNO, amount: 1, remaining: 2 });
    assertShape('PreparedRequest', prepared);
    assertShape('Expect', prepared.expect);
    const refund = await client.refund({ tno: TNO, amount: 1, remaining: 2 });
    assertShape('ModifyResult', refund);
    assertShape('ResultWarning', refund.warnings[0]);
    assertShape('InquiryResult', await client.inquire({ tno: TNO, payType: 'PACA' }));
    assertShape('CertificateInfo', kcp.inspectCertificate(KCP.cert));
    for (const r of kcp.resultCodes()) assertShape('ResultCodeInfo', r);
    const facts = kcpFacts();
    assertShape('KcpFacts', facts);
    for (const m of facts.modTypes) assertShape('ModTypeFacts', m);
    for (const p of facts.payTypes) assertShape('PayTypeFacts', p);
    client.free();
  });

  test('kcp-wasm/testing: every export has a declaration, and every declaration an export', async () => {
    const testing = await import('kcp-wasm/testing');
    const text = fs.readFileSync(path.join(root, 'pkg/src/testing/index.d.ts'), 'utf8');
    const declared = new Set([...text.matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)].map((m) => m[1]));
    assert.deepEqual(Object.keys(testing).filter((k) => k !== 'default').sort(), [...declared].sort());
  });

  test('ERROR_CODES and the KcpErrorCode union are the same list', () => {
    const union = /export type KcpErrorCode =([\s\S]*?);/.exec(dts)[1];
    const declared = [...union.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
    assert.deepEqual(declared, [...kcp.ERROR_CODES]);
  });
});
