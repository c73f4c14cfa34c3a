/** Seal objects (and the events kept with each, under events/) live under this prefix of the Object Lock bucket. */
export const AUDIT_SEAL_PREFIX = 'audit-seals/';
/** The chain-head hint: outside the write-once prefix, overwritten after every seal, trusted only as a start. */
export const AUDIT_SEAL_HEAD_KEY = 'audit-seal-head.json';
