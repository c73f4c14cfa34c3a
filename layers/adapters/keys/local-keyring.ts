import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The local stand-in for KMS and Secrets Manager: one JSON file under .local/, readable only by its owner.
 * Each secret is an entry, created on first use; the file is replaced whole (write, then rename), so a
 * reader never sees half of it, and other entries are kept.
 */
export function keyringEntry<T>(path: string, name: string, create: () => T): T {
  const keyring = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  if (keyring[name] === undefined) {
    keyring[name] = create();
    mkdirSync(dirname(path), { recursive: true });
    const next = `${path}.${process.pid}.tmp`;
    writeFileSync(next, JSON.stringify(keyring, null, 2), { mode: 0o600 });
    renameSync(next, path);
  }
  return keyring[name] as T;
}
