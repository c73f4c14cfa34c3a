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

/**
 * The fixed IAM role name of a function that declares the `searchKeys` settings (it reads the blocking-key
 * secret). The keys stack names these roles in the secret's resource policy and its key's policy before
 * the API and jobs stacks create them, the same way as the audit seal roles: no reference, no cycle.
 */
export function searchKeysRoleName(environmentName: string, functionName: string): string {
  const name = `contactpoint-${environmentName}-${functionName}`;
  if (name.length > 64) throw new Error(`The role name ${name} is longer than IAM's 64 characters`);
  return name;
}
