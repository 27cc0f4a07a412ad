import type { Account } from './account.ts';

/** What a staff member may do in the helpdesk console (src/flows/admin): helpdesk work, or that and managing roles. */
export const ROLES = ['helpdesk', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isStaff = (account: Account): boolean => (account.roles ?? []).length > 0;

/** An admin may do all a helpdesk member may. */
export const holds = (account: Account, role: Role): boolean => {
  const roles = account.roles ?? [];
  return roles.includes('admin') || roles.includes(role);
};
