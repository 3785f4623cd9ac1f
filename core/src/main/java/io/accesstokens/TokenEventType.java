package io.accesstokens;

/** What happened to a token, in an audit event and in a store's change record. */
public enum TokenEventType {
  CREATED,
  STATUS_CHANGED,
  DESCRIPTION_EDITED,
  /** The full value was returned by Copy. Audit only: no stored data changed. */
  VALUE_COPIED,
  /** The digest or sealed value was rewritten under the current keys. Not user-visible. */
  SECRETS_RESEALED,
  DELETED,
  /**
   * The host's {@link io.accesstokens.spi.Entitlements} may answer differently for an organization
   * ({@link TokenService#entitlementChanged}). Change log only, no audit event: no token changed,
   * and the record's token id is the organization's key ({@link
   * io.accesstokens.spi.ChangeRecord#organizationKey}), not a token's.
   */
  ENTITLEMENT_CHANGED,
  /**
   * The token's value was reported as leaked ({@link LeakResponse#revokeLeaked}) and the token
   * deactivated (or deleted, if the host asked for that). The event carries the reporter's reason,
   * never the value. Audit only: the store records the change itself as {@link #STATUS_CHANGED} (or
   * {@link #DELETED}), so every node's change feed carries it like any deactivation.
   */
  TOKEN_LEAK_REPORTED,
  /**
   * The token expires within one of the host's reminder thresholds ({@link
   * TokenService#remindExpiring}): sent once per token and threshold, whichever node sends it. The
   * event's reason says when it expires and which threshold it crossed. Audit only: no stored data
   * a user sees changed.
   */
  TOKEN_EXPIRING,
  /**
   * The token was rotated ({@link TokenService#rotate}): a successor was created (its own {@link
   * #CREATED} event follows, naming this token as its predecessor) and this token now expires at
   * the end of the overlap. The event carries the predecessor's new version, and a reason naming
   * the successor and the predecessor's new expiry. Audit only: the store records the predecessor's
   * change as {@link #STATUS_CHANGED} and the successor as {@link #CREATED}, so followers of every
   * version evict the predecessor's cached answer.
   */
  TOKEN_ROTATED
}
