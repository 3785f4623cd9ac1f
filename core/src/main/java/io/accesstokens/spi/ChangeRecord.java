package io.accesstokens.spi;

import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One committed entry of a store's change log: which token changed, how, and its position.
 *
 * @param sequence the position in the log; unique, allocated in increasing order (but transactions
 *     may commit out of that order, and a rolled-back one leaves a gap)
 * @param tokenId the token that changed
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
}
