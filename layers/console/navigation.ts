import { hasRole } from './page.ts';
import type { Session } from './session.ts';

export interface NavigationItem {
  href: string;
  text: string;
  active?: boolean;
}

/** The links a user's roles make useful; the API still decides every request. */
export function navigationFor(session: Session, currentPath: string): NavigationItem[] {
  const items: NavigationItem[] = [];
  if (hasRole(session, 'practitioner', 'data-manager')) {
    items.push({ href: '/search', text: 'Find a child' }, { href: '/caseload', text: 'My caseload' });
  }
  items.push({ href: '/alerts', text: 'Alerts' });
  if (hasRole(session, 'data-manager')) {
    items.push(
      { href: '/children/new', text: 'Create a record' },
      { href: '/reviews', text: 'Review queue' },
      { href: '/contact-requests', text: 'Contact requests' },
    );
  }
  if (hasRole(session, 'user-admin')) items.push({ href: '/users', text: 'Users' });
  if (hasRole(session, 'auditor')) items.push({ href: '/audit', text: 'Audit' });
  return items.map((item) => ({
    ...item,
    active: currentPath === item.href || currentPath.startsWith(`${item.href}/`),
  }));
}
