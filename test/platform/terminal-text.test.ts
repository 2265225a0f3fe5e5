import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControls, hasControls, safeJson } from '../../src/platform/terminal-text';
import { printable } from '../../src/platform/log';

const EVERY_UNSAFE = [
  ...Array.from({ length: 0x20 }, (_, i) => i).filter((c) => c !== 0x09 && c !== 0x0a),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
  0x2028,
  0x2029,
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
].map((c) => String.fromCharCode(c));

test('escapeControls: every C0 but tab and line feed, a lone CR, DEL, C1, the separators and bidi controls; CR LF stays', () => {
  for (const ch of EVERY_UNSAFE) {
    const escaped = escapeControls(`a${ch}b`);
    assert.equal(escaped, `a\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}b`);
    assert.ok(hasControls(ch));
  }
  assert.equal(escapeControls('line\r\nnext\tcol\n'), 'line\r\nnext\tcol\n');
  assert.equal(escapeControls('caf\u00e9 \u4e2d'), 'caf\u00e9 \u4e2d', 'text that is not a control stays');
});

test('safeJson: the same JSON value, with no raw C1, DEL or bidi control (JSON.stringify leaves those raw)', () => {
  const value = { ServerURL: 'host', Secret: `x${EVERY_UNSAFE.join('')}y` };
  assert.match(JSON.stringify(value), /\u009b/, 'test of the test: JSON.stringify leaves C1 raw');
  const text = safeJson(value);
  assert.doesNotMatch(text, /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  assert.deepEqual(JSON.parse(text), value);
});

test('printable: characters past U+00FF are escaped whole (they lost their high byte)', () => {
  assert.equal(printable('a\u202eb\u009b'), 'a\\u202eb\\x9b');
});

test('escapeControls: the same as the pattern alone for every character up to U+2FFF, alone and after printable ASCII', () => {
  const pattern = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;
  const byPattern = (text: string): string =>
    text.replace(pattern, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  for (let code = 0; code < 0x3000; code++) {
    for (const text of [
      String.fromCharCode(code),
      `{"Secret":"abc${String.fromCharCode(code)}"}\n`,
      `${String.fromCharCode(code)}\n`,
    ])
      assert.equal(escapeControls(text), byPattern(text), `U+${code.toString(16)}`);
  }
  for (const text of ['', 'a\r', '\r\n', '\r\r\n', 'a\tb\nc', '\ud800', 'x\u{1f600}y'])
    assert.equal(escapeControls(text), byPattern(text), JSON.stringify(text));
});
