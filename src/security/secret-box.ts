import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for second-factor secrets at rest, with key rotation: the first
 * key seals, every key opens. Format: v2.<key id>.<iv>.<tag>.<ciphertext>,
 * base64url; the key id (a hash prefix of the key) says which key opens it.
 * Secrets sealed before key ids existed (v1.<iv>.<tag>.<ciphertext>) are opened
 * by whichever key authenticates them.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('base64url').slice(0, 8);

function decrypt(key: Buffer, iv: string, tag: string, data: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

export function createSecretBox(keys: Buffer | Buffer[]): SecretBox {
  const list = Array.isArray(keys) ? keys : [keys];
  if (!list.length || list.some((k) => k.length !== 32)) throw new Error('every secrets key must be 32 bytes');
  const byId = new Map(list.map((k) => [keyId(k), k]));
  const sealing = list[0]!;
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', sealing, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v2', keyId(sealing), ...[iv, cipher.getAuthTag(), data].map((p) => p.toString('base64url'))].join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      if (parts[0] === 'v2' && parts.length === 5) {
        const key = byId.get(parts[1]!);
        if (!key) throw new Error('sealed with a key that is no longer configured');
        return decrypt(key, parts[2]!, parts[3]!, parts[4]!);
      }
      if (parts[0] !== 'v1' || parts.length !== 4) throw new Error('not a sealed secret');
      for (const key of list) {
        try {
          return decrypt(key, parts[1]!, parts[2]!, parts[3]!);
        } catch {
          /* not this key: try the next */
        }
      }
      throw new Error('no configured key opens this secret');
    },
  };
}
