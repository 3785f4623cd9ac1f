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
  DELETED
}
