package io.accesstokens;

/**
 * The page's Status toggle. A new token is {@link #ACTIVE}; an {@link #INACTIVE} token never
 * validates.
 */
public enum TokenStatus {
  ACTIVE,
  INACTIVE
}
