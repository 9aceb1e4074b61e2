/** Take stored deals in again, once their cause is fixed: the given CRM deal ids, or every deal with a status. */
export type ReplayDealsCommand =
  { readonly ids: readonly string[] } | { readonly status: 'rejected' | 'held' };
