import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { profileOf } from '#domain/search/profile.ts';
import { aChild } from '../../support/builders.ts';
import { apiEvent, lambdaContext, mockDirectory, practitionerClaims } from '../../support/events.ts';

describe('logging', () => {
  it('never writes a child’s name, date of birth or ID to the log, even at DEBUG and when a request fails', async () => {
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const spies = [
      vi.spyOn(process.stdout, 'write').mockImplementation(capture),
      vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    // Loaded after the level is set: the logger reads it once, like configuration at a cold start.
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    const { handler } = await import('#functions/search-children/handler.ts');
    const child = aChild();
    const db = mockClient(DynamoDBDocumentClient);
    mockDirectory(db, GetCommand);
    db.on(QueryCommand).resolves({ Items: [{ profile: profileOf(child) }] });
    const query = {
      familyName: 'Walker',
      givenName: 'Amelia',
      dateOfBirth: '2016-04-09',
      reason: 'SAFEGUARDING',
    };
    const search = (q: Record<string, string>) =>
      handler(apiEvent({ path: '/children', query: q, claims: practitionerClaims }) as never, lambdaContext);
    try {
      db.on(PutCommand).resolves({});
      expect((await search(query)).statusCode).toBe(200);
      db.on(PutCommand).rejects(new Error('audit table unreachable'));
      expect((await search(query)).statusCode).toBe(503);
      expect((await search({ ...query, reason: 'CURIOSITY' })).statusCode).toBe(400);
    } finally {
      for (const spy of spies) spy.mockRestore();
      process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    }
    const log = written.join('');
    expect(log).toContain('request failed');
    expect(log).toContain('request refused');
    for (const secret of ['Amelia', 'Walker', '2016-04-09', child.childId]) expect(log).not.toContain(secret);
  });
});
