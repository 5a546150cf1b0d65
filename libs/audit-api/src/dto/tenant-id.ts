/** The contract's tenantId alphabet (DESIGN.md "Public contract v1"). */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const TENANT_ID_MESSAGE = 'must match [A-Za-z0-9._-]{1,64}';
