package io.accesstokens;

/** What {@link TokenService#delete} did. */
public enum DeleteOutcome {
  /** The token existed and is now gone. */
  DELETED,
  /**
   * There was no such token in the organization (never created, already deleted, or another
   * organization's).
   */
  ALREADY_ABSENT
}
