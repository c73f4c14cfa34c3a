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

/**
 * The feeds bucket's fixed name. The audit stack's access-log bucket lets S3 deliver this bucket's server
 * access logs (its policy names the bucket as the source); a reference would make the audit stack depend on
 * the feeds stack, which reads the access-log bucket from it (a cycle).
 */
export function feedsBucketName(environmentName: string, account: string): string {
  return `contactpoint-${environmentName}-feeds-${account}`;
}

/** The feed-load state machine's fixed name: its role may start its own child executions (Distributed Map). */
export function feedLoadStateMachineName(environmentName: string): string {
  return `contactpoint-${environmentName}-feed-load`;
}

/**
 * R7: the archive bucket's fixed name, for the same reason as the feeds bucket's: the audit stack's access-log
 * bucket names it as the source of the logs it accepts.
 */
export function archiveBucketName(environmentName: string, account: string): string {
  return `contactpoint-${environmentName}-archive-${account}`;
}
