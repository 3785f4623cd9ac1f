package io.accesstokens;

import io.accesstokens.internal.Checks;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenStore;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a validator needs to answer a cache miss, and nothing more: the store to look the value up
 * in, the digest policy the values were stored under, and the host's entitlements. An EDI connector
 * that only validates builds its validator from this, without a {@link TokenService}:
 *
 * <pre>{@code
 * LookupContext context = LookupContext.of(store, DigestPolicy.sha256(), entitlements);
 * TokenValidator validator = TokenValidator.builder(context)
 *     .changeFollower(ChangeFollower.builder(store.changeFeed()).build())
 *     .build();
 * }</pre>
 *
 * <p>A validator built this way hears of no change made through a service (there is none in its
 * process): it learns of changes, entitlement changes included ({@link
 * TokenService#entitlementChanged} on any node), from its {@link ChangeFollower}, or only by its
 * hard expiry; without a follower, the host calls {@link TokenValidator#invalidateOrganization}.
 * {@link TokenValidator#builder(TokenService)} uses the service's context and also hears of every
 * change made through that service.
 *
 * <p>Immutable; {@link #toString()} names the store and the policy, never a key.
 */
public final class LookupContext {
  private final TokenStore store;
  private final DigestPolicy digestPolicy;
  private final Entitlements entitlements;

  private LookupContext(TokenStore store, DigestPolicy digestPolicy, Entitlements entitlements) {
    this.store = store;
    this.digestPolicy = digestPolicy;
    this.entitlements = entitlements;
  }

  /**
   * The context of lookups in {@code store}.
   *
   * @param digestPolicy the policy the tokens' services store digests under (the services' {@link
   *     TokenService.Builder#digestPolicy}; {@link DigestPolicy#sha256()} unless they set another)
   * @param entitlements which organizations have the EDI application; asked on every miss
   * @throws NullPointerException if any argument is null
   */
  public static LookupContext of(
      TokenStore store, DigestPolicy digestPolicy, Entitlements entitlements) {
    return new LookupContext(
        Checks.notNull(store, "store"),
        Checks.notNull(digestPolicy, "digest policy"),
        Checks.notNull(entitlements, "entitlements"));
  }

  TokenStore store() {
    return store;
  }

  DigestPolicy digestPolicy() {
    return digestPolicy;
  }

  Entitlements entitlements() {
    return entitlements;
  }

  /**
   * The row stored under a digest of {@code value}, looked up as every miss of a validator is (and
   * as {@link LeakResponse#revokeLeaked} finds a reported value): one indexed {@code findByDigest}
   * per candidate key of the digest policy, the current key first, stopping at the first row found;
   * with one key, exactly one store call. A row whose digest is not equal to the one asked for
   * (compared in constant time: a store whose index matched loosely) counts as none. The caller
   * checks that the row is the token the value names.
   *
   * @param storeCall run before each store call, to count them
   */
  @Nullable StoredToken rowOf(String value, Runnable storeCall) {
    List<LookupDigest> candidates = digestPolicy.candidates(value);
    for (LookupDigest digest : candidates) {
      StoredToken row = findByDigest(digest, storeCall);
      if (row != null) {
        return row;
      }
    }
    if (candidates.size() > 1) {
      // A reseal may have moved the row from a retired digest to the current one between our
      // lookups; rows only ever move to the current key, so one more look there closes the gap.
      return findByDigest(candidates.get(0), storeCall);
    }
    return null;
  }

  private @Nullable StoredToken findByDigest(LookupDigest digest, Runnable storeCall) {
    storeCall.run();
    Optional<StoredToken> row = store.findByDigest(digest);
    return row.isPresent() && row.get().digest().equals(digest) ? row.get() : null;
  }

  @Override
  public String toString() {
    return "LookupContext[store=" + store + ", " + digestPolicy + "]";
  }
}
