package io.accesstokens.memory;

import io.accesstokens.AccessToken;
import io.accesstokens.ChangeFollower;
import io.accesstokens.DuplicateTokenException;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.TokenConflictException;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import io.accesstokens.TokenLimitExceededException;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.TokenStatus;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.ChangeRecord;
import io.accesstokens.spi.LastUse;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenFilter;
import io.accesstokens.spi.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TokenStore} in this JVM's heap, for tests and single-node hosts that need no
 * persistence:
 *
 * <pre>{@code
 * TokenStore store = new MemoryTokenStore();
 * }</pre>
 *
 * <p>Reads never block. Updates and deletes are serialized, which keeps the id, digest and
 * per-organization indexes in step (a reader may see a row a moment before or after a concurrent
 * write, never half of one). Inserts take no lock: a new token's id and digest are claimed with
 * {@code putIfAbsent}, so two inserts never both win either, and nobody else can address a token
 * before its insert returns; creating tokens from several threads scales. Like every store it keeps
 * digests and sealed values only, never clear values; pair it with {@code CopyPolicy.ephemeral()}
 * when Copy should work for the life of the process.
 *
 * <p>It is also a {@link ChangeFeed}, so several services in one JVM sharing one store behave like
 * nodes sharing a database: creations, status changes, description edits and deletes are logged in
 * the same critical section as the write (a creation just after its row is visible). The log prunes
 * itself: each write drops the changes written more than {@link #CHANGE_RETENTION} before it (by
 * the writers' clocks), whether or not a follower prunes too, so a store that nobody follows does
 * not grow without limit.
 */
public final class MemoryTokenStore implements TokenStore, ChangeFeed {
  private static final Comparator<TokenId> BY_UNSIGNED_ID =
      (a, b) -> Long.compareUnsigned(a.bits(), b.bits());

  /**
   * The list's order; written out rather than composed from lambdas, since every insert runs it.
   */
  private static final Comparator<PageCursor> BY_CREATION =
      (a, b) -> {
        int byTime = a.createdAt().compareTo(b.createdAt());
        return byTime != 0 ? byTime : Long.compareUnsigned(a.id().bits(), b.id().bits());
      };

  /**
   * How long a change stays in the log after it was written, counted on the clock of the writes
   * that come after it: a follower's default retention ({@link
   * io.accesstokens.ChangeFollower#DEFAULT_RETENTION}). A follower that fell further behind finds
   * the changes pruned and drops its cache, as with any store.
   */
  public static final Duration CHANGE_RETENTION = ChangeFollower.DEFAULT_RETENTION;

  private final Object writeLock = new Object();

  /**
   * Rows by id: a hash map, not a sorted one. Creating a token and every lookup touch it, and on a
   * large store a skip list costs one cache miss per level (a profile of creating tokens from two
   * threads spent over a third of its time there); only {@link #scan}, a maintenance call, needs id
   * order, and it selects its page from the whole map instead.
   */
  private final ConcurrentHashMap<TokenId, StoredToken> byId = new ConcurrentHashMap<>();

  private final ConcurrentHashMap<LookupDigest, TokenId> byDigest = new ConcurrentHashMap<>();

  /**
   * Every stored id in unsigned order, for {@link #scan}: a page is a walk from the cursor, not a
   * pass over every row (a million tokens' pages were quadratic). Added before the row is published
   * and removed after it is gone, so a scan that finds an id here without its row skips it.
   */
  private final ConcurrentSkipListSet<TokenId> idsInOrder =
      new ConcurrentSkipListSet<>(BY_UNSIGNED_ID);

  private final ConcurrentHashMap<OrganizationId, ConcurrentSkipListMap<PageCursor, TokenId>>
      byOrganization = new ConcurrentHashMap<>();

  /**
   * How many tokens each organization holds, for the limit: taken by an insert before its row is
   * published, given back by the delete that removes the row (or by the insert that failed).
   */
  private final ConcurrentHashMap<OrganizationId, AtomicLong> held = new ConcurrentHashMap<>();

  /** The tightest expiry reminder each token had ({@link #markReminded}); guarded by writeLock. */
  private final Map<TokenId, Reminded> reminded = new HashMap<>();

  /** Each rotated token's successor (a token has at most one); guarded by writeLock. */
  private final Map<TokenId, TokenId> successorOf = new HashMap<>();

  /** The tightest reminder a token had, for the expiry it had then. */
  private record Reminded(Instant expiresAt, Duration threshold) {}

  private final ConcurrentSkipListMap<Long, ChangeRecord> changes = new ConcurrentSkipListMap<>();
  private long lastSequence; // guarded by writeLock
  private volatile long prunedThrough;

  /** An empty store. */
  public MemoryTokenStore() {}

  @Override
  public void insert(StoredToken token, Change change, long maxTokens) {
    if (maxTokens < 0) {
      throw new IllegalArgumentException(
          "a token limit must not be negative (0 refuses every create), was " + maxTokens);
    }
    AtomicLong count = takePlace(token.organization(), maxTokens);
    try {
      claim(token, change);
    } catch (RuntimeException e) {
      count.decrementAndGet();
      throw e;
    }
  }

  /**
   * Takes one of the organization's places, by compare-and-set on its count, so inserts running at
   * once never take more places than the limit; the caller gives it back (decrements the count it
   * returns) if its insert fails.
   */
  private AtomicLong takePlace(OrganizationId organization, long maxTokens) {
    AtomicLong count = held.computeIfAbsent(organization, o -> new AtomicLong());
    long before;
    do {
      before = count.get();
      if (before >= maxTokens) {
        throw new TokenLimitExceededException(organization, maxTokens);
      }
    } while (!count.compareAndSet(before, before + 1));
    return count;
  }

  private void claim(StoredToken token, Change change) {
    publish(token);
    synchronized (writeLock) { // logged once the row is visible, as a database's commit would
      record(token.id(), change, token.version());
    }
  }

  /** Claims the token's digest, list place and id, publishing its row last; no change record. */
  private void publish(StoredToken token) {
    // The row is published last, in byId: until then a lookup that finds the digest, or a list that
    // finds the cursor, finds no row (the answer it would have had a moment earlier), and a delete
    // of the id finds nothing to delete, so no index is ever left pointing at a deleted row. Update
    // claims a new digest the same way.
    if (byDigest.putIfAbsent(token.digest(), token.id()) != null) {
      throw new DuplicateTokenException("a token with the same digest is already stored");
    }
    ConcurrentSkipListMap<PageCursor, TokenId> listed =
        byOrganization.computeIfAbsent(
            token.organization(), o -> new ConcurrentSkipListMap<>(BY_CREATION));
    PageCursor cursor = PageCursor.after(token.token());
    if (listed.putIfAbsent(cursor, token.id()) != null) { // the same creation time and id: taken
      byDigest.remove(token.digest(), token.id());
      throw new DuplicateTokenException("a token with id " + token.id() + " is already stored");
    }
    boolean ordered = idsInOrder.add(token.id());
    if (byId.putIfAbsent(token.id(), token) != null) {
      if (ordered) {
        idsInOrder.remove(token.id()); // ours: the id was absent a moment ago
      }
      listed.remove(cursor, token.id()); // ours: the cursor was free a moment ago
      byDigest.remove(token.digest(), token.id());
      throw new DuplicateTokenException("a token with id " + token.id() + " is already stored");
    }
  }

  @Override
  public Optional<StoredToken> find(OrganizationId organization, TokenId id) {
    StoredToken row = byId.get(id);
    return row != null && row.organization().equals(organization)
        ? Optional.of(row)
        : Optional.empty();
  }

  @Override
  public Optional<StoredToken> findByDigest(LookupDigest digest) {
    TokenId id = byDigest.get(digest);
    if (id == null) {
      return Optional.empty();
    }
    StoredToken row = byId.get(id);
    // The row may have been rewritten under another digest between the two reads.
    return row != null && row.digest().equals(digest) ? Optional.of(row) : Optional.empty();
  }

  @Override
  public List<StoredToken> list(
      OrganizationId organization, TokenFilter filter, @Nullable PageCursor after, int limit) {
    ConcurrentSkipListMap<PageCursor, TokenId> rows = byOrganization.get(organization);
    if (rows == null || limit <= 0) {
      return List.of();
    }
    NavigableMap<PageCursor, TokenId> tail = after == null ? rows : rows.tailMap(after, false);
    List<StoredToken> page = new ArrayList<>(Math.min(limit, 64));
    for (TokenId id : tail.values()) {
      StoredToken row = byId.get(id);
      if (row != null && row.organization().equals(organization) && filter.accepts(row.token())) {
        page.add(row);
        if (page.size() == limit) {
          break;
        }
      }
    }
    return page;
  }

  @Override
  public List<StoredToken> scan(@Nullable TokenId after, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    // The page is the limit smallest ids after the cursor: a walk of the ordered ids from it.
    List<StoredToken> page = new ArrayList<>(Math.min(limit, 1024));
    for (TokenId id : after == null ? idsInOrder : idsInOrder.tailSet(after, false)) {
      StoredToken row = byId.get(id);
      if (row != null) { // null: being inserted or just deleted
        page.add(row);
        if (page.size() == limit) {
          break;
        }
      }
    }
    return page;
  }

  @Override
  public void update(StoredToken next, Change change) {
    synchronized (writeLock) {
      StoredToken current = byId.get(next.id());
      if (current == null || !current.organization().equals(next.organization())) {
        throw new TokenNotFoundException(next.organization(), next.id());
      }
      if (current.version() != next.version() - 1) {
        throw TokenConflictException.versionMismatch(
            next.id(), next.version() - 1, current.version());
      }
      if (!current.digest().equals(next.digest())) {
        // Claimed atomically: inserts run outside the lock.
        TokenId holder = byDigest.putIfAbsent(next.digest(), next.id());
        if (holder != null && !holder.equals(next.id())) {
          throw new DuplicateTokenException("another token already has the same digest");
        }
        byDigest.remove(current.digest(), next.id());
      }
      // Only the mutable fields come from next; the rest of the row never changes.
      AccessToken was = current.token();
      AccessToken now = next.token();
      byId.put(
          next.id(),
          new StoredToken(
              new AccessToken(
                  was.id(),
                  was.organization(),
                  was.environment(),
                  now.status(),
                  now.description(),
                  was.scope(),
                  was.createdAt(),
                  now.updatedAt(),
                  now.version(),
                  now.expiresAt(),
                  was.rotatedFrom(),
                  was.lastUsedAt(), // a use is the flush's to record, never an update's
                  was.retiresPredecessorOnFirstUse(), // cleared by retirePredecessor only
                  was.lastUsedFrom()),
              next.digest(),
              next.sealedValue()));
      record(next.id(), change, next.version());
    }
  }

  /**
   * Under the write lock, so two rotations of one token are decided one after the other: the
   * version and the one-successor rule are checked, the organization's place taken, the successor's
   * id and digest claimed, and only then is anything published (the successor's row a moment before
   * the predecessor's new one, as an insert publishes its row last). A failure at any step leaves
   * nothing behind.
   */
  @Override
  public void rotate(
      StoredToken predecessorNext, StoredToken successor, Change change, long maxTokens) {
    if (maxTokens < 0) {
      throw new IllegalArgumentException(
          "a token limit must not be negative (0 refuses every create), was " + maxTokens);
    }
    TokenId predecessorId = predecessorNext.id();
    if (!predecessorId.equals(successor.token().rotatedFrom())) {
      throw new IllegalArgumentException(
          "the successor must name token " + predecessorId + " as the token it was rotated from");
    }
    if (!successor.organization().equals(predecessorNext.organization())) {
      throw new IllegalArgumentException("the successor must be of the predecessor's organization");
    }
    synchronized (writeLock) {
      StoredToken current = byId.get(predecessorId);
      if (current == null || !current.organization().equals(predecessorNext.organization())) {
        throw new TokenNotFoundException(predecessorNext.organization(), predecessorId);
      }
      if (current.version() != predecessorNext.version() - 1) {
        throw TokenConflictException.versionMismatch(
            predecessorId, predecessorNext.version() - 1, current.version());
      }
      TokenId existing = successorOf.get(predecessorId);
      if (existing != null) {
        throw TokenConflictException.notRotatable(
            predecessorId, "it was already rotated (its successor is " + existing + ")");
      }
      AtomicLong count = takePlace(successor.organization(), maxTokens);
      try {
        publish(successor);
      } catch (RuntimeException e) {
        count.decrementAndGet();
        throw e;
      }
      successorOf.put(predecessorId, successor.id());
      AccessToken was = current.token();
      AccessToken now = predecessorNext.token();
      byId.put(
          predecessorId,
          new StoredToken(
              new AccessToken(
                  was.id(),
                  was.organization(),
                  was.environment(),
                  was.status(),
                  was.description(),
                  was.scope(),
                  was.createdAt(),
                  now.updatedAt(),
                  now.version(),
                  now.expiresAt(),
                  was.rotatedFrom(),
                  was.lastUsedAt(),
                  was.retiresPredecessorOnFirstUse(),
                  was.lastUsedFrom()),
              current.digest(),
              current.sealedValue()));
      // Kinds every follower knows: the predecessor's as a status change (its expiry changed), the
      // successor's as a creation (for the issued ids).
      Change changed = new Change(TokenEventType.STATUS_CHANGED, change.actor(), change.at());
      record(predecessorId, changed, predecessorNext.version());
      Change created = new Change(TokenEventType.CREATED, change.actor(), change.at());
      record(successor.id(), created, successor.version());
    }
  }

  /**
   * Under the write lock, so of several calls for one successor the first finds the flag and the
   * others find it cleared.
   */
  @Override
  public Optional<AccessToken> retirePredecessor(
      OrganizationId organization, TokenId successor, Change change) {
    synchronized (writeLock) {
      StoredToken current = byId.get(successor);
      if (current == null
          || !current.organization().equals(organization)
          || !current.token().retiresPredecessorOnFirstUse()) {
        return Optional.empty();
      }
      Change changed = new Change(TokenEventType.STATUS_CHANGED, change.actor(), change.at());
      Optional<AccessToken> retired = Optional.empty();
      TokenId predecessorId = current.token().rotatedFrom();
      StoredToken predecessor = predecessorId == null ? null : byId.get(predecessorId);
      if (predecessor != null
          && predecessor.organization().equals(organization)
          && predecessor.token().isActive()) {
        AccessToken was = predecessor.token();
        AccessToken inactive = was.withStatus(TokenStatus.INACTIVE, later(change.at(), was));
        byId.put(was.id(), predecessor.withToken(inactive));
        record(was.id(), changed, inactive.version());
        retired = Optional.of(inactive);
      }
      AccessToken was = current.token();
      AccessToken cleared = was.withPredecessorRetired(later(change.at(), was));
      byId.put(successor, current.withToken(cleared));
      record(successor, changed, cleared.version());
      return retired;
    }
  }

  /** {@code at}, or the row's updated time if the writer's clock is behind it. */
  private static Instant later(Instant at, AccessToken row) {
    return at.isBefore(row.updatedAt()) ? row.updatedAt() : at;
  }

  @Override
  public boolean markReminded(
      OrganizationId organization, TokenId id, Instant expiresAt, Duration threshold) {
    synchronized (writeLock) {
      StoredToken current = byId.get(id);
      if (current == null
          || !current.organization().equals(organization)
          || !expiresAt.equals(current.token().expiresAt())) {
        return false;
      }
      Reminded was = reminded.get(id);
      if (was != null
          && was.expiresAt().equals(expiresAt)
          && was.threshold().compareTo(threshold) <= 0) {
        return false;
      }
      reminded.put(id, new Reminded(expiresAt, threshold));
      return true;
    }
  }

  /**
   * Raises each token's last-used time to the use's, with the use's connection source (or none),
   * under the write lock (so never between an update's read and write of the row): no version, no
   * change record.
   */
  @Override
  public void recordLastUsed(Collection<LastUse> uses) {
    synchronized (writeLock) {
      for (LastUse use : uses) {
        StoredToken current = byId.get(use.id());
        if (current == null || !current.organization().equals(use.organization())) {
          continue; // absent, deleted or another organization's: nothing to write
        }
        AccessToken was = current.token();
        Instant lastUsedAt = was.lastUsedAt();
        if (lastUsedAt != null && !lastUsedAt.isBefore(use.usedAt())) {
          continue; // never backwards
        }
        byId.put(use.id(), current.withToken(was.withLastUse(use.usedAt(), use.from())));
      }
    }
  }

  /** Appends a record with the organization's key to the change log, for every node's follower. */
  @Override
  public void recordEntitlementChange(OrganizationId organization, Change change) {
    TokenId key = ChangeRecord.organizationKey(organization);
    synchronized (writeLock) {
      long sequence = ++lastSequence;
      changes.put(sequence, new ChangeRecord(sequence, key, change.type(), 0, change.at()));
      pruneOlderThanRetention(change.at());
    }
  }

  /** Appends to the change log; called with the write lock held, so the log is in commit order. */
  private void record(TokenId id, Change change, long version) {
    if (change.type() == TokenEventType.CREATED
        || change.type() == TokenEventType.STATUS_CHANGED
        || change.type() == TokenEventType.DESCRIPTION_EDITED
        || change.type() == TokenEventType.DELETED) {
      long sequence = ++lastSequence;
      changes.put(sequence, new ChangeRecord(sequence, id, change.type(), version, change.at()));
      pruneOlderThanRetention(change.at());
    }
  }

  /**
   * Drops the changes written more than {@link #CHANGE_RETENTION} before {@code now} (never the
   * newest); called with the write lock held, after each change is logged.
   */
  private void pruneOlderThanRetention(Instant now) {
    Instant cutoff = now.minus(CHANGE_RETENTION);
    while (changes.size() > 1) {
      var oldest = changes.firstEntry();
      if (oldest == null || !oldest.getValue().at().isBefore(cutoff)) {
        return;
      }
      changes.remove(oldest.getKey());
      prunedThrough = Math.max(prunedThrough, oldest.getKey());
    }
  }

  @Override
  public Optional<StoredToken> delete(OrganizationId organization, TokenId id, Change change) {
    synchronized (writeLock) {
      StoredToken current = byId.get(id);
      if (current == null || !current.organization().equals(organization)) {
        return Optional.empty();
      }
      byId.remove(id);
      idsInOrder.remove(id);
      reminded.remove(id);
      successorOf.remove(id);
      TokenId predecessor = current.token().rotatedFrom();
      if (predecessor != null) {
        successorOf.remove(predecessor, id); // as a database's unique index would forget it
      }
      byDigest.remove(current.digest(), id);
      AtomicLong count = held.get(organization);
      if (count != null) {
        count.decrementAndGet(); // there since the insert, which took the place before publishing
      }
      ConcurrentSkipListMap<PageCursor, TokenId> rows = byOrganization.get(organization);
      if (rows != null) {
        rows.remove(PageCursor.after(current.token()), id);
      }
      record(id, change, current.version());
      return Optional.of(current);
    }
  }

  /** Creations are logged too, so validators following this store keep their issued ids. */
  @Override
  public boolean recordsCreations() {
    return true;
  }

  @Override
  public List<ChangeRecord> changesAfter(long after, int limit) {
    List<ChangeRecord> out = new ArrayList<>(Math.min(Math.max(limit, 0), 64));
    for (ChangeRecord change : changes.tailMap(after, false).values()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(change);
    }
    return out;
  }

  @Override
  public long head() {
    synchronized (writeLock) {
      return lastSequence;
    }
  }

  @Override
  public long prunedThrough() {
    return prunedThrough;
  }

  @Override
  public void pruneBefore(Instant cutoff) {
    synchronized (writeLock) {
      for (var entry : changes.entrySet()) {
        if (!entry.getValue().at().isBefore(cutoff)) {
          break;
        }
        changes.remove(entry.getKey());
        prunedThrough = Math.max(prunedThrough, entry.getKey());
      }
    }
  }

  /** Tokens stored, in all organizations. */
  public int size() {
    return byId.size();
  }

  @Override
  public String toString() {
    return "MemoryTokenStore[" + byId.size() + " tokens]";
  }
}
