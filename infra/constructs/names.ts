/** A function's construct ID from its folder name: `seal-audit-events` → `SealAuditEvents`. */
export function constructIdOf(functionName: string): string {
  return functionName
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The fixed IAM role name of the function that seals (or verifies) the audit chain. The keys stack
 * names these roles in the HMAC key's policy before the jobs stack creates them: a name both stacks
 * derive from the environment, so the key policy needs no reference to the jobs stack (no cycle).
 */
export function auditSealRoleName(environmentName: string, mode: 'seal' | 'verify'): string {
  return `contactpoint-${environmentName}-audit-${mode === 'seal' ? 'sealer' : 'verifier'}`;
}
