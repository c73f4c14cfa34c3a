import { hasRole, type Principal } from '../access/principal.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import {
  type CloseContactRequest,
  type ContactRequest,
  type ContactRequestBody,
  PASSED_ON,
} from '../contact/request.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { AuditSink, ChildRepository, ContactRequestRepository, Environment } from '../ports.ts';
import { checkVersion, refuse, requireVersion } from './guard.ts';

type Deps = {
  children: Pick<ChildRepository, 'get'>;
  contactRequests: ContactRequestRepository;
  audit: AuditSink;
  env: Environment;
};

/**
 * R2/R3: passes a request for contact to the team that can broker it — the shielding council's for a
 * shielded child, otherwise the maintaining council's — and answers the requester the same way whatever
 * the record holds, so the answer reveals no council, place, or whether any specialist service exists.
 */
export async function requestContact(
  deps: Deps,
  principal: Principal,
  childId: string,
  body: ContactRequestBody,
  facts: RequestFacts,
): Promise<{ requestId: string; status: 'passed-on'; message: typeof PASSED_ON }> {
  const record = await deps.children.get(childId);
  if (!record)
    return refuse(deps, principal, facts, 'request-contact', [childId], new NotFoundError('Child'));
  const now = deps.env.now().toISOString();
  const request: ContactRequest = {
    ...body,
    childId,
    requestId: deps.env.newId('CR'),
    brokerAuthority: record.shield?.authority ?? record.localAuthority,
    requesterId: principal.userId,
    requesterRoles: principal.roles,
    requesterOrganisationId: principal.organisationId,
    requesterOrganisationName: principal.organisationName,
    status: 'open',
    openedAt: now,
    version: 1,
  };
  await deps.contactRequests.create(
    request,
    auditEventFor(deps.env, principal, facts, {
      action: 'request-contact',
      outcome: 'success',
      childIds: [childId],
      reason: { code: body.reason },
    }),
  );
  return { requestId: request.requestId, status: 'passed-on', message: PASSED_ON };
}

/** The brokering team: data managers of the council the request was passed to. */
function brokers(principal: Principal, request: Pick<ContactRequest, 'brokerAuthority'>): boolean {
  return hasRole(principal, 'data-manager') && principal.localAuthority === request.brokerAuthority;
}

/** A child's requests, for the team that brokers them; anyone else sees what they would for no child (404). */
export async function listChildContactRequests(
  deps: Deps,
  principal: Principal,
  childId: string,
  facts: RequestFacts,
): Promise<ContactRequest[]> {
  const record = await deps.children.get(childId);
  const broker = record && { brokerAuthority: record.shield?.authority ?? record.localAuthority };
  if (!record || !broker || !brokers(principal, broker)) {
    return refuse(deps, principal, facts, 'broker-contact', [childId], new NotFoundError('Child'));
  }
  const requests = (await deps.contactRequests.listForChild(childId)).filter((r) => brokers(principal, r));
  await deps.audit.record(
    auditEventFor(deps.env, principal, facts, {
      action: 'broker-contact',
      outcome: 'success',
      childIds: [childId],
    }),
  );
  return requests;
}

/** The team's queue: requests passed to its council, open or closed. */
export async function listContactRequestQueue(
  deps: Deps,
  principal: Principal,
  status: ContactRequest['status'],
  facts: RequestFacts,
): Promise<ContactRequest[]> {
  const requests = principal.localAuthority
    ? await deps.contactRequests.listForBroker(principal.localAuthority, status)
    : [];
  await deps.audit.record(
    auditEventFor(deps.env, principal, facts, {
      action: 'broker-contact',
      outcome: requests.length > 0 ? 'success' : 'no-match',
      childIds: [...new Set(requests.map((r) => r.childId))],
    }),
  );
  return requests;
}

/** The team closes a request once it has called back (or could not); audited, guarded by If-Match. */
export async function closeContactRequest(
  deps: Deps,
  principal: Principal,
  childId: string,
  requestId: string,
  close: CloseContactRequest,
  expectedVersion: number | undefined,
  facts: RequestFacts,
): Promise<ContactRequest> {
  const version = requireVersion(expectedVersion);
  const current = await deps.contactRequests.get(childId, requestId);
  if (!current || !brokers(principal, current)) {
    return refuse(deps, principal, facts, 'broker-contact', [childId], new NotFoundError('Contact request'));
  }
  checkVersion(version, current.version);
  if (current.status === 'closed') {
    return refuse(
      deps,
      principal,
      facts,
      'broker-contact',
      [childId],
      new ConflictError('The request is already closed'),
    );
  }
  const next: ContactRequest = {
    ...current,
    status: 'closed',
    outcome: close.outcome,
    ...(close.note !== undefined && { note: close.note }),
    closedBy: principal.userId,
    closedAt: deps.env.now().toISOString(),
    version: current.version + 1,
  };
  await deps.contactRequests.replace(
    next,
    current.version,
    auditEventFor(deps.env, principal, facts, {
      action: 'broker-contact',
      outcome: 'success',
      childIds: [childId],
      note: `closed: ${close.outcome}`,
    }),
  );
  return next;
}
