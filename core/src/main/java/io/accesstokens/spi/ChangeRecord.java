package io.accesstokens.spi;

import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import io.accesstokens.internal.Checks;
import java.time.Instant;

/**
 * One committed entry of a store's change log: which token changed, how, and its position.
 *
 * @param sequence the position in the log; unique, allocated in increasing order (but transactions
 *     may commit out of that order, and a rolled-back one leaves a gap)
 * @param tokenId the token that changed
 * @param type status change, description edit or delete
 * @param version the token's version after the change (the version it had, for a delete)
 * @param at when, from the writing node's clock
 */
public record ChangeRecord(long sequence, TokenId tokenId, TokenEventType type, long version, Instant at) {
  public ChangeRecord {
    Checks.argument(sequence > 0, "sequence must be positive, but was " + sequence);
    Checks.notNull(tokenId, "token id");
    Checks.notNull(type, "change type");
    Checks.notNull(at, "change time");
  }
}
