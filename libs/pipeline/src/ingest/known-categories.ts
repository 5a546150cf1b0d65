/** The policy's categories; data-created with another category is dead-lettered. */
export const KNOWN_CATEGORIES = Symbol('KNOWN_CATEGORIES');
