package io.accesstokens.spi;

import io.accesstokens.OrganizationId;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One committed entry of a store's change log: which token changed, how, and its position.
 *
 * @param sequence the position in the log; unique, allocated in increasing order (but transactions
 *     may commit out of that order, and a rolled-back one leaves a gap)
 * @param tokenId the token that changed; for {@link TokenEventType#ENTITLEMENT_CHANGED}, the
 *     organization's key ({@link #organizationKey}) in its place, which a follower that does not
 *     know the kind evicts as a token id no token has (harmless)
 * @param type status change, description edit or delete; {@code null} for a kind of change this
 *     version of the library does not know (written by a newer node during a rolling upgrade): a
 *     follower evicts the token all the same, since it evicts whatever changed
 * @param version the token's version after the change (the version it had, for a delete)
 * @param at when, from the writing node's clock
 */
public record ChangeRecord(
    long sequence, TokenId tokenId, @Nullable TokenEventType type, long version, Instant at) {
  public ChangeRecord {
    SpiChecks.argument(sequence > 0, "sequence must be positive, but was " + sequence);
    Objects.requireNonNull(tokenId, "token id must not be null");
    Objects.requireNonNull(at, "change time must not be null");
  }

  /**
   * What an {@link TokenEventType#ENTITLEMENT_CHANGED} record carries in place of a token id: the
   * first 64 bits of SHA-256 over {@code access-tokens/entitlement/} and the organization's id, the
   * same on every node and version. Two organizations with one key only cost each other a spurious
   * eviction.
   *
   * @throws NullPointerException if {@code organization} is null
   */
  public static TokenId organizationKey(OrganizationId organization) {
    Objects.requireNonNull(organization, "organization must not be null");
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    byte[] digest =
        sha256.digest(
            ("access-tokens/entitlement/" + organization.value()).getBytes(StandardCharsets.UTF_8));
    return new TokenId(ByteBuffer.wrap(digest).getLong());
  }
}
