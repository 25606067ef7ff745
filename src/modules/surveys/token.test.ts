import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from './token.js';

describe('survey tokens', () => {
  const secret = randomBytes(32);
  it('round-trips an id and refuses forgeries, other keys and other purposes', () => {
    const id = randomUUID();
    const token = signToken(secret, id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    expect(verifyToken(secret, token)).toBe(id);
    expect(verifyToken(randomBytes(32), token)).toBeNull();
    expect(verifyToken(secret, token, 'qr')).toBeNull();
    expect(verifyToken(secret, signToken(secret, id, 'qr'), 'qr')).toBe(id);
    const other = signToken(secret, randomUUID());
    expect(verifyToken(secret, `${token.split('.')[0]}.${other.split('.')[1]}`)).toBeNull();
    for (const bad of ['', 'abc', `${token}.x`, `${token}x`, token.replace('.', ''), 'x'.repeat(200)]) expect(verifyToken(secret, bad)).toBeNull();
  });
});
