// Every input is possibly hostile: each gets the protocol's answer, exit 1, no AWS call, no file written,
// and nothing echoed that could drive a terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { useFakeAws } from '../support/use-fake-aws';
import { runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';
import { NOT_FOUND_MESSAGE } from '../../src/platform/errors';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const fake = useFakeAws({ resetEach: false });

const HOSTILE: Array<[string, string | Buffer]> = [
  ['4 MiB of stdin', Buffer.alloc(4 * 1024 * 1024, 'a')],
  [
    '4 MiB that starts with a valid host',
    Buffer.concat([Buffer.from(`${HOST}\n`), Buffer.alloc(4 * 1024 * 1024, 'b')]),
  ],
  ['NUL bytes', Buffer.from(`${HOST}\0.evil.example`)],
  ['a lone NUL', Buffer.from([0])],
  ['invalid UTF-8', Buffer.concat([Buffer.from(HOST), Buffer.from([0xc3, 0x28, 0xff])])],
  ['control characters', `${HOST}\x07\x08`],
  ['terminal escape sequence', `\x1b]2;owned\x07\x1b[2J${HOST}`],
  ['user info', `https://AWS:guess@${HOST}`],
  ['path with ..', `https://${HOST}/../../etc/passwd`],
  ['encoded ..', `https://${HOST}/%2e%2e/x`],
  ['Cyrillic look-alike', `123456789012.dkr.ecr.us-east-1.\u0430mazonaws.com`],
  ['fullwidth dot', `123456789012.dkr.ecr.us-east-1.amazonaws\uff0ecom`],
  ['overlong label', `123456789012.dkr.ecr.us-east-1.${'a'.repeat(64)}.amazonaws.com`],
  ['overlong host', `${'a.'.repeat(200)}${HOST}`],
  ['port out of range', `${HOST}:70000`],
  ['negative port', `${HOST}:-1`],
  ['JSON instead of a URL', JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: 'x' })],
  ['a look-alike suffix', `${HOST}.evil.example`],
  ['a look-alike prefix', `evil-${HOST}`],
  ['11-digit account', HOST.replace('123456789012', '12345678901')],
  ['plain http', `http://${HOST}`],
  ['file URL', `file:///${HOST}`],
  ['two lines', `${HOST}\nevil.example`],
  ['whitespace only', '   \t '],
];

for (const [name, input] of HOSTILE) {
  test(`hostile stdin: ${name}`, async () => {
    const home = tempDir();
    const callsBefore = fake.calls.length;
    const result = await runExecutable(['get'], {
      stdin: input,
      // No store on PATH to hand over to: what is not ECR would otherwise go to docker-credential-pass (installed here).
      env: {
        HOME: home,
        PATH: '/nonexistent',
        AWS_ACCESS_KEY_ID: 'AKIAHOSTILE000000001',
        AWS_SECRET_ACCESS_KEY: 'hostile-secret',
        AWS_ENDPOINT_URL_ECR: fake.url,
        DOCKER_CREDENTIAL_ECR_LOG: 'debug',
      },
    });
    assert.equal(result.code, 1);
    assert.ok(
      [`${NOT_FOUND_MESSAGE}\n`, 'no credentials server URL\n'].includes(result.stdout),
      JSON.stringify(result.stdout),
    );
    assert.equal(fake.calls.length, callsBefore, 'no AWS call');
    assert.deepEqual(readdirSync(home), [], 'nothing written');
    // Only printable ASCII and newlines reach the terminal, even at debug level.
    assert.match(result.stderr, /^[\x20-\x7e\n]*$/);
    assert.ok(result.stderr.length < 4_000, 'the input is not echoed back at length');
    assert.doesNotMatch(result.stderr, /hostile-secret/);
  });
}
