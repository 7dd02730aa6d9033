/**
 * Password hashing with scrypt (Node's crypto, run on the libuv pool so logins never block the
 * event loop). Stored as `scrypt$N$r$p$salt$hash`, base64url, so parameters can be raised later
 * without breaking stored hashes. Checks compare in constant time, and an unknown email costs the
 * same scrypt work as a known one.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

/** Accepted passwords: long enough to resist guessing, short enough to bound the work. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

function derive(password: string, salt: Buffer, opts: ScryptOptions, length: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      length,
      { ...opts, maxmem: 64 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P }, KEY_LENGTH);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** The same, blocking: for one-time setup before the server listens. */
export function hashPasswordSync(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, KEY_LENGTH, {
    N,
    r: R,
    p: P,
    maxmem: 64 * 1024 * 1024,
  });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A hash of nothing anyone knows, verified against when the email is unknown. */
let decoy: Promise<string> | undefined;

/** true when `password` matches `stored`; `stored` null/'' (no such user, pending invite) is false. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const usable =
    stored && stored.startsWith('scrypt$')
      ? stored
      : await (decoy ??= hashPassword(randomBytes(16).toString('hex')));
  const [, n, r, p, salt, hash] = usable.split('$');
  const expected = Buffer.from(hash ?? '', 'base64url');
  const key = await derive(
    password,
    Buffer.from(salt ?? '', 'base64url'),
    { N: Number(n), r: Number(r), p: Number(p) },
    expected.length || KEY_LENGTH,
  );
  return (
    timingSafeEqual(key, expected.length ? expected : Buffer.alloc(key.length)) && usable === stored
  );
}
