/** A function's construct ID from its folder name: `seal-audit-events` → `SealAuditEvents`. */
export function constructIdOf(functionName: string): string {
  return functionName
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
