package io.accesstokens.spi;

import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;

/**
 * The host's answer to "does this organization have access to the application behind this scope?"
 * (for {@link Scope#EDI}: the Harmony EDI application). The page exists only for organizations that
 * do; management calls of other organizations are refused, and their tokens do not validate.
 *
 * <p>Called on every management call and on each validator cache miss, so it should answer from
 * memory. When an answer changes, call {@link io.accesstokens.TokenService#entitlementChanged} so
 * cached validations of the organization's tokens are dropped (a validator built from a {@link
 * io.accesstokens.LookupContext} alone: {@link io.accesstokens.TokenValidator#invalidateAll()}).
 */
@FunctionalInterface
public interface Entitlements {
  boolean isEntitled(OrganizationId organization, Scope scope);

  /** Every organization is entitled; for tests and single-tenant hosts. */
  static Entitlements all() {
    return (organization, scope) -> true;
  }
}
