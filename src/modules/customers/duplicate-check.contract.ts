/**
 * What the duplicate check answers (GET /customers/duplicate-check: the create form's 「可能重复」 warning), shared with
 * the web UI. Types and plain constants only, and no imports.
 */

/** Why an existing customer may be the one being entered: the same phone, the same ID number, the same address with a similar name. */
export const DUPLICATE_CHECK_REASONS = ['phone', 'id_number', 'name_address'] as const;
export type DuplicateCheckReason = (typeof DUPLICATE_CHECK_REASONS)[number];

/** An existing live customer within the caller's data scope that matches; phone and ID numbers masked. */
export type DuplicateCheckMatch = {
  id: string;
  kind: 'person' | 'organization';
  name: string;
  /** Masked (138****5678), as the customer list shows them. */
  phones: string[];
  /** Masked (110***********123X). */
  idNumber: string | null;
  address: {
    province: string | null;
    city: string | null;
    district: string | null;
    street: string | null;
    compound: string | null;
    building: string | null;
    unit: string | null;
    room: string | null;
  };
  ownerName: string | null;
  reasons: DuplicateCheckReason[];
};

/**
 * The matches the caller may see (at most 10, oldest first), and — per reason — how many live customers outside the
 * caller's data scope match too (only that they exist: no name, no id).
 */
export type DuplicateCheckView = {
  matches: DuplicateCheckMatch[];
  outsideScope: { reason: DuplicateCheckReason; count: number }[];
  /**
   * The phone or ID number typed belonged to a person whose data was erased at their request (issue #18), and the day
   * (YYYY-MM-DD, UTC): the form warns, the agent confirms the person's consent before saving. Never who they were.
   */
  erased: { reason: 'phone' | 'id_number'; erasedOn: string }[];
};
