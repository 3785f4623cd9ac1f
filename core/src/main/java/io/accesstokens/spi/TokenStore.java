package io.accesstokens.spi;

import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.TokenId;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where tokens are kept. Implementations must be thread-safe; the contract suite in this module's
 * test-jar ({@code AbstractTokenStoreContractTest}) states every rule below as a test, and a store
 * is correct when it passes it.
 *
 * <p>Stores receive what the service computed (digest, sealed value) and never a clear token value.
 * Every failure to reach the underlying storage is a {@link
 * io.accesstokens.StoreUnavailableException}; no exception message contains a digest or a sealed
 * value. Rows are compared by organization <em>and</em> id: an id of another organization is
 * absent.
 */
public interface TokenStore {

  /**
   * Stores a new token (version 1) atomically with its change record, without a limit: the same as
   * {@code insert(token, change, TokenLimits.UNLIMITED)}.
   *
   * @throws io.accesstokens.DuplicateTokenException if the id or the digest is already stored;
   *     nothing is written
   */
  default void insert(StoredToken token, Change change) {
    insert(token, change, TokenLimits.UNLIMITED);
  }

  /**
   * Stores a new token (version 1) atomically with its change record, if its organization then
   * holds at most {@code maxTokens} tokens (active and inactive count alike). The count and the
   * insert are one atomic step: inserts running at once, on any number of nodes, never leave an
   * organization with more than the limit it was given (a read-then-write in the caller could).
   * Only {@link #delete} lowers the count.
   *
   * @param maxTokens at least 0; {@link TokenLimits#UNLIMITED} for none
   * @throws io.accesstokens.TokenLimitExceededException if the organization already holds {@code
   *     maxTokens} tokens or more; nothing is written
   * @throws io.accesstokens.DuplicateTokenException if the id or the digest is already stored;
   *     nothing is written
   * @throws IllegalArgumentException if {@code maxTokens} is negative
   */
  void insert(StoredToken token, Change change, long maxTokens);

  /**
   * The token with this id in this organization; empty if none (including another organization's).
   */
  Optional<StoredToken> find(OrganizationId organization, TokenId id);

  /**
   * The token whose digest equals {@code digest} (key id and bytes), in any organization; or empty.
   */
  Optional<StoredToken> findByDigest(LookupDigest digest);

  /**
   * Up to {@code limit} tokens of the organization that pass {@code filter}, ordered by creation
   * time and then id, both ascending, starting strictly after {@code after} (or at the first when
   * null).
   */
  List<StoredToken> list(
      OrganizationId organization, TokenFilter filter, @Nullable PageCursor after, int limit);

  /**
   * Up to {@code limit} tokens of every organization with an id greater than {@code after}
   * (unsigned), in id order, for maintenance such as {@link io.accesstokens.TokenService#reseal}.
   */
  List<StoredToken> scan(@Nullable TokenId after, int limit);

  /**
   * Replaces the stored row by {@code next} if, and only if, the stored version is {@code
   * next.version() - 1}, atomically with its change record. Status, description, updated time,
   * version, expiry, digest and sealed value are taken from {@code next}; id, organization,
   * environment, scope, created time, the predecessor ({@code rotatedFrom}) and whether the token
   * retires it on first use never change, and the stored ones are kept (only {@link
   * #retirePredecessor} clears that flag).
   *
   * @throws io.accesstokens.TokenNotFoundException if the token is absent (a deleted token is never
   *     brought back by an update)
   * @throws io.accesstokens.TokenConflictException if the stored version differs; nothing is
   *     written
   */
  void update(StoredToken next, Change change);

  /**
   * Removes the token, whatever its version, atomically with its change record.
   *
   * @return the row as it was just before it was removed; empty if it was already absent
   */
  Optional<StoredToken> delete(OrganizationId organization, TokenId id, Change change);

  /**
   * Rotates a token, as one atomic step: stores {@code successor} (a new token, version 1, whose
   * {@code rotatedFrom} is the predecessor's id, with its {@code retiresPredecessorOnFirstUse} as
   * given) and sets the predecessor's expiry, updated time and version to {@code predecessorNext}'s
   * if its stored version is {@code predecessorNext.version() - 1} (the rest of its row stays as
   * stored), both or neither. A token has at most one successor: of several rotations of one token,
   * on any number of nodes, at most one ever stores one (the predecessor's version condition
   * decides between concurrent ones, and the stored successor refuses any later one). The successor
   * counts against {@code maxTokens} as an {@link #insert} does, since the predecessor stays stored
   * during the overlap. A store with a change log records the predecessor's change as {@link
   * io.accesstokens.TokenEventType#STATUS_CHANGED} (whatever {@code change.type()} says: a follower
   * of any version evicts it) and the successor's creation as {@link
   * io.accesstokens.TokenEventType#CREATED}, both with {@code change}'s actor and time.
   *
   * @param predecessorNext the predecessor's new row: its stored version plus one
   * @param successor the new token, of the predecessor's organization, with {@code rotatedFrom} the
   *     predecessor's id
   * @param change who rotated and when ({@link io.accesstokens.TokenEventType#TOKEN_ROTATED})
   * @param maxTokens at least 0; {@link TokenLimits#UNLIMITED} for none
   * @throws io.accesstokens.TokenNotFoundException if the predecessor is absent (another
   *     organization's included); nothing is written
   * @throws io.accesstokens.TokenConflictException if the predecessor's stored version differs, or
   *     it already has a successor (then {@link
   *     io.accesstokens.TokenConflictException#notRotatable} saying "it was already rotated");
   *     nothing is written
   * @throws io.accesstokens.TokenLimitExceededException if the organization already holds {@code
   *     maxTokens} tokens or more; nothing is written
   * @throws io.accesstokens.DuplicateTokenException if the successor's id or digest is already
   *     stored; nothing is written
   * @throws IllegalArgumentException if the successor does not name the predecessor as {@code
   *     rotatedFrom}, or is of another organization, or {@code maxTokens} is negative
   * @throws UnsupportedOperationException the default: a store that cannot rotate
   */
  default void rotate(
      StoredToken predecessorNext, StoredToken successor, Change change, long maxTokens) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot rotate tokens");
  }

  /**
   * Retires a successor's predecessor on the successor's first use, as one atomic step: if the
   * token {@code successor} of {@code organization} still {@linkplain
   * io.accesstokens.AccessToken#retiresPredecessorOnFirstUse retires its predecessor on first use},
   * clears that flag (its version plus one, its updated time the later of {@code change.at()} and
   * the stored one) and, if its predecessor ({@code rotatedFrom}, of the same organization) is
   * still Active, makes it Inactive (likewise version and updated time; the rest of both rows stays
   * as stored). Of several calls for one successor, on any number of nodes at once, exactly one
   * finds the flag and acts; the others change nothing. A store with a change log records each row
   * it changed as {@link io.accesstokens.TokenEventType#STATUS_CHANGED} (whatever {@code
   * change.type()} says), with {@code change}'s time: every node's follower then evicts the
   * predecessor, and the successor's cached answer, which still carries the flag.
   *
   * @param change who retires and when (a validator names the successor's first use as the actor)
   * @return the predecessor's new row if this call deactivated it; empty if the successor is absent
   *     (another organization's included) or no longer has the flag (nothing is written), or if its
   *     predecessor is absent or already Inactive (then only the flag is cleared)
   * @throws io.accesstokens.StoreUnavailableException if the store could not be reached; nothing is
   *     written, and a later call may try again
   * @throws UnsupportedOperationException the default: a store that cannot retire predecessors
   */
  default Optional<io.accesstokens.AccessToken> retirePredecessor(
      OrganizationId organization, TokenId successor, Change change) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot retire predecessors on first use");
  }

  /**
   * Records that the token was reminded of its expiry at {@code threshold} (for example 30 days
   * ahead), if, and only if, its stored expiry is still {@code expiresAt} and it was not reminded
   * yet at that threshold or a tighter one for that expiry (a token given another expiry is
   * reminded afresh): a conditional write, atomic against every node, so that of several nodes
   * sending reminders together exactly one wins each (token, threshold).
   *
   * @return true if this call recorded it (its caller sends the reminder); false if the token was
   *     already reminded at this threshold or a tighter one, is absent (another organization's
   *     included) or has another expiry now
   * @throws UnsupportedOperationException the default: a store that keeps no reminders
   */
  default boolean markReminded(
      OrganizationId organization,
      TokenId id,
      java.time.Instant expiresAt,
      java.time.Duration threshold) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " keeps no expiry reminders");
  }

  /**
   * Records when tokens were last used, as a monotonic maximum: a token's stored {@link
   * io.accesstokens.AccessToken#lastUsedAt} becomes the later of the stored time and the use's, so
   * a write from a slow node, or one delayed by an outage, never moves it backwards. Each use is
   * written only to the token with its id <em>and</em> organization (another organization's token,
   * or an absent or deleted one, is left alone and not brought back). Neither the token's {@link
   * io.accesstokens.AccessToken#version version} nor its updated time changes, and no change record
   * is written: a use is not a change, and never conflicts with one. The uses may be written one by
   * one or together; callers pass at most one use per token.
   *
   * @throws io.accesstokens.StoreUnavailableException if the store could not be reached; some of
   *     the uses may have been written (writing them again is harmless)
   * @throws UnsupportedOperationException the default: a store that keeps no last-used times
   */
  default void recordLastUsed(java.util.Collection<LastUse> uses) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " keeps no last-used times");
  }

  /**
   * Logs that the host's entitlement of {@code organization} changed ({@code change.type()} is
   * {@link io.accesstokens.TokenEventType#ENTITLEMENT_CHANGED}), for a store that keeps a change
   * log ({@link ChangeFeed}): one record with {@link ChangeRecord#organizationKey} as its token id,
   * so every node's follower evicts that organization's cached answers. A store without a change
   * log (one node) does nothing, the default.
   */
  default void recordEntitlementChange(OrganizationId organization, Change change) {}
}
