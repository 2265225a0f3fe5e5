// Throwaway certificate authority and leaf certificates for tests, made with the openssl CLI.
// Used by the fake AWS proxy (TLS inside CONNECT tunnels) and by the real-registry tests, so it
// stays free of anything specific to either.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface CaFiles {
  certFile: string;
  keyFile: string;
}

export interface LeafCert {
  certFile: string;
  keyFile: string;
  /** PEM text of certFile. */
  cert: string;
  /** PEM text of keyFile. */
  key: string;
}

export interface CertOptions {
  /** Validity in days (default 7). Short, because nothing should outlive a test run. */
  days?: number;
}

const OPENSSL = process.env.OPENSSL ?? 'openssl';

function openssl(args: string[]): void {
  try {
    execFileSync(OPENSSL, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // execFileSync's own message omits openssl's stderr, which is the only useful part.
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed${stderr ? `: ${stderr}` : ''}`, { cause: err });
  }
}

// EC P-256 rather than RSA: key generation is ~100x faster, and both Node and Go's crypto/tls
// (Docker) accept it.
const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function safeName(s: string): string {
  return s
    .replace(/\*/g, 'wildcard')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 60);
}

/** Creates a self-signed CA (ca.pem / ca-key.pem) in dir. */
export function makeCa(dir: string, opts: CertOptions & { commonName?: string } = {}): CaFiles {
  mkdirSync(dir, { recursive: true });
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca-key.pem');
  const cn = opts.commonName ?? `docker-credential-ecr test CA ${randomBytes(4).toString('hex')}`;
  openssl([
    'req',
    '-x509',
    ...KEY_ARGS,
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    String(opts.days ?? 7),
    '-subj',
    `/CN=${cn}`,
    // Go refuses a CA without these; OpenSSL 3's defaults for -x509 are not guaranteed to include keyUsage.
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-addext',
    'subjectKeyIdentifier=hash',
  ]);
  return { certFile, keyFile };
}

/**
 * Creates a server certificate for hostnames (DNS names, wildcards or IP addresses; the first
 * one is also the CN) signed by ca. Files are named after the names, so calling it again with the
 * same list overwrites the same files.
 */
export function makeLeaf(ca: CaFiles, dir: string, hostnames: string[], opts: CertOptions = {}): LeafCert {
  if (hostnames.length === 0) throw new Error('makeLeaf needs at least one host name');
  mkdirSync(dir, { recursive: true });
  const id = `${safeName(hostnames[0])}-${createHash('sha256').update(hostnames.join(',')).digest('hex').slice(0, 8)}`;
  const keyFile = join(dir, `${id}-key.pem`);
  const csrFile = join(dir, `${id}.csr`);
  const certFile = join(dir, `${id}.pem`);
  const extFile = join(dir, `${id}.ext`);
  const san = hostnames.map((h) => {
    const bare = h.replace(/^\[(.*)\]$/, '$1');
    return isIP(bare) ? `IP:${bare}` : `DNS:${h}`;
  });
  writeFileSync(
    extFile,
    [
      'basicConstraints=critical,CA:FALSE',
      // digitalSignature only: keyEncipherment is meaningless for an EC key.
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${san.join(',')}`,
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'),
  );
  // The CN is informational only (clients match the SAN) and is limited to 64 bytes.
  const cn = hostnames[0].replace(/[/\\]/g, '_').slice(0, 64);
  openssl(['req', '-new', ...KEY_ARGS, '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${cn}`]);
  openssl([
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    // A random serial instead of -CAcreateserial: leaves made concurrently must not share a serial file.
    '-set_serial',
    `0x${randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1')}`,
    '-days',
    String(opts.days ?? 7),
    '-extfile',
    extFile,
    '-out',
    certFile,
  ]);
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}
