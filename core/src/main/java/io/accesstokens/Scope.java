package io.accesstokens;

/**
 * What a token may be used for. EDI is the only scope the page supports today.
 *
 * <p>Stores keep a scope by its {@link #name()}, so adding a scope is one constant here and no
 * schema change. A token presented for a scope other than its own is refused with {@code
 * INVALID_TOKEN}.
 */
public enum Scope {
  /** Connections of the EDI for Cloud v2 connector. */
  EDI
}
