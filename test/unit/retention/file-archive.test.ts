import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveLockedError, FileChildArchive } from '#adapters/archive/child-archive.ts';
import type { ArchivedChild } from '#domain/retention/archive.ts';
import { aChild, anInvolvement } from '../../support/builders.ts';

function archived(overrides: Partial<ArchivedChild> = {}): ArchivedChild {
  const record = aChild();
  return {
    childId: record.childId,
    record,
    involvements: [anInvolvement()],
    contactRequests: [],
    leftBecause: 'age-18',
    archivedAt: '2030-06-15T02:30:00.000Z',
    archivedOn: '2030-06-15',
    purgeOn: '2036-06-15',
    ...overrides,
  };
}

function anArchive(today: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cp-archive-'));
  let now = new Date(`${today}T12:00:00Z`);
  const archive = new FileChildArchive(join(dir, 'archive'), join(dir, 'keyring.json'), () => now);
  return {
    archive,
    dir: join(dir, 'archive'),
    setToday: (day: string) => (now = new Date(`${day}T12:00:00Z`)),
  };
}

describe('the local archive (R7 stand-in for the Object Lock bucket)', () => {
  it('reads back what it wrote, and keeps no name, postcode or date of birth in clear on disk', async () => {
    const { archive, dir } = anArchive('2030-06-15');
    const child = archived();
    await archive.put(child);
    expect(await archive.get(child.childId)).toEqual(child);
    const [file] = readdirSync(dir);
    const onDisk = readFileSync(join(dir, file as string), 'utf8');
    for (const clear of [child.record.familyName, child.record.dateOfBirth, child.record.address?.postcode]) {
      expect(onDisk).not.toContain(clear as string);
    }
  });

  it('refuses to destroy an archive before its purge day, and destroys every version on it', async () => {
    const { archive, dir, setToday } = anArchive('2030-06-15');
    const child = archived();
    await archive.put(child);
    await archive.put({ ...child, involvements: [] });
    expect(readdirSync(dir)).toHaveLength(2);
    setToday('2036-06-14');
    await expect(archive.destroy(child.childId)).rejects.toBeInstanceOf(ArchiveLockedError);
    expect(await archive.get(child.childId)).toBeDefined();
    setToday('2036-06-15');
    await archive.destroy(child.childId);
    expect(readdirSync(dir)).toEqual([]);
    expect(await archive.get(child.childId)).toBeUndefined();
  });

  it('cannot be read as another child’s archive: each file is bound to its ContactPoint ID', async () => {
    const { archive, dir } = anArchive('2030-06-15');
    await archive.put(archived());
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, 'CP7M3K9P2XN.json.enc'), join(dir, 'CP0000000000.json.enc'));
    await expect(archive.get('CP0000000000')).rejects.toThrow();
  });
});
