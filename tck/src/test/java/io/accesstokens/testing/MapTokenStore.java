package io.accesstokens.testing;

import io.accesstokens.AccessToken;
import io.accesstokens.DuplicateTokenException;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.TokenConflictException;
import io.accesstokens.TokenId;
import io.accesstokens.TokenLimitExceededException;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenFilter;
import io.accesstokens.spi.TokenStore;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The smallest store that passes the whole TCK: one map under one lock, every query a scan. It
 * stands for a host's own {@link TokenStore}, and {@link MapTokenStoreTest} for the one test class
 * such a host writes.
 */
final class MapTokenStore implements TokenStore {
  private static final Comparator<TokenId> UNSIGNED =
      (a, b) -> Long.compareUnsigned(a.bits(), b.bits());
  private static final Comparator<PageCursor> LIST_ORDER =
      Comparator.comparing(PageCursor::createdAt).thenComparing(PageCursor::id, UNSIGNED);

  private final Map<TokenId, StoredToken> rows = new HashMap<>();
  private final Map<TokenId, Reminded> reminded = new HashMap<>();

  /** The tightest reminder a token had, for the expiry it had then. */
  private record Reminded(java.time.Instant expiresAt, java.time.Duration threshold) {}

  @Override
  public synchronized void insert(StoredToken token, Change change, long maxTokens) {
    if (maxTokens < 0) {
      throw new IllegalArgumentException("a token limit must not be negative, was " + maxTokens);
    }
    if (rows.containsKey(token.id()) || findByDigest(token.digest()).isPresent()) {
      throw new DuplicateTokenException("a token with the same id or digest is already stored");
    }
    long held =
        rows.values().stream()
            .filter(row -> row.organization().equals(token.organization()))
            .count();
    if (held >= maxTokens) {
      throw new TokenLimitExceededException(token.organization(), maxTokens);
    }
    rows.put(token.id(), token);
  }

  @Override
  public synchronized Optional<StoredToken> find(OrganizationId organization, TokenId id) {
    return Optional.ofNullable(rows.get(id)).filter(row -> row.organization().equals(organization));
  }

  @Override
  public synchronized Optional<StoredToken> findByDigest(LookupDigest digest) {
    return rows.values().stream().filter(row -> row.digest().equals(digest)).findFirst();
  }

  @Override
  public synchronized List<StoredToken> list(
      OrganizationId organization, TokenFilter filter, @Nullable PageCursor after, int limit) {
    return rows.values().stream()
        .filter(row -> row.organization().equals(organization) && filter.accepts(row.token()))
        .filter(row -> after == null || LIST_ORDER.compare(cursorOf(row), after) > 0)
        .sorted(Comparator.comparing(MapTokenStore::cursorOf, LIST_ORDER))
        .limit(Math.max(limit, 0))
        .toList();
  }

  @Override
  public synchronized List<StoredToken> scan(@Nullable TokenId after, int limit) {
    return rows.values().stream()
        .filter(row -> after == null || UNSIGNED.compare(row.id(), after) > 0)
        .sorted(Comparator.comparing(StoredToken::id, UNSIGNED))
        .limit(Math.max(limit, 0))
        .toList();
  }

  /**
   * The stored row that {@code next} follows: not found if there is none, a conflict unless it is
   * exactly one version older.
   */
  private StoredToken currentBefore(StoredToken next) {
    StoredToken current = find(next.organization(), next.id()).orElse(null);
    if (current == null) {
      throw new TokenNotFoundException(next.organization(), next.id());
    }
    if (current.version() != next.version() - 1) {
      throw TokenConflictException.versionMismatch(
          next.id(), next.version() - 1, current.version());
    }
    return current;
  }

  @Override
  public synchronized void update(StoredToken next, Change change) {
    StoredToken current = currentBefore(next);
    Optional<StoredToken> holder = findByDigest(next.digest());
    if (holder.isPresent() && !holder.get().id().equals(next.id())) {
      throw new DuplicateTokenException("another token already has the same digest");
    }
    AccessToken was = current.token();
    AccessToken now = next.token();
    AccessToken merged =
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
            was.lastUsedAt(),
            was.retiresPredecessorOnFirstUse(),
            was.lastUsedFrom());
    rows.put(next.id(), new StoredToken(merged, next.digest(), next.sealedValue()));
  }

  @Override
  public synchronized void rotate(
      StoredToken predecessorNext, StoredToken successor, Change change, long maxTokens) {
    if (!predecessorNext.id().equals(successor.token().rotatedFrom())
        || !predecessorNext.organization().equals(successor.organization())) {
      throw new IllegalArgumentException("the successor must name its predecessor");
    }
    StoredToken current = currentBefore(predecessorNext);
    Optional<StoredToken> successorOf =
        rows.values().stream()
            .filter(row -> current.id().equals(row.token().rotatedFrom()))
            .findFirst();
    if (successorOf.isPresent()) {
      throw TokenConflictException.notRotatable(
          current.id(), "it was already rotated (its successor is " + successorOf.get().id() + ")");
    }
    insert(successor, change, maxTokens); // the same lock: nothing is seen in between
    AccessToken was = current.token();
    rows.put(
        current.id(),
        current.withToken(
            was.withExpiry(
                predecessorNext.token().expiresAt(), predecessorNext.token().updatedAt())));
  }

  @Override
  public synchronized Optional<AccessToken> retirePredecessor(
      OrganizationId organization, TokenId successor, Change change) {
    StoredToken row = find(organization, successor).orElse(null);
    if (row == null || !row.token().retiresPredecessorOnFirstUse()) {
      return Optional.empty();
    }
    Optional<AccessToken> retired = Optional.empty();
    TokenId predecessorId = row.token().rotatedFrom();
    StoredToken predecessor =
        predecessorId == null ? null : find(organization, predecessorId).orElse(null);
    if (predecessor != null && predecessor.token().isActive()) {
      AccessToken inactive =
          predecessor
              .token()
              .withStatus(io.accesstokens.TokenStatus.INACTIVE, later(change, predecessor));
      rows.put(inactive.id(), predecessor.withToken(inactive));
      retired = Optional.of(inactive);
    }
    rows.put(successor, row.withToken(row.token().withPredecessorRetired(later(change, row))));
    return retired;
  }

  private static java.time.Instant later(Change change, StoredToken row) {
    java.time.Instant updated = row.token().updatedAt();
    return change.at().isBefore(updated) ? updated : change.at();
  }

  @Override
  public synchronized Optional<StoredToken> delete(
      OrganizationId organization, TokenId id, Change change) {
    Optional<StoredToken> current = find(organization, id);
    current.ifPresent(row -> rows.remove(id));
    current.ifPresent(row -> reminded.remove(id));
    return current;
  }

  @Override
  public synchronized boolean markReminded(
      OrganizationId organization,
      TokenId id,
      java.time.Instant expiresAt,
      java.time.Duration threshold) {
    StoredToken row = find(organization, id).orElse(null);
    if (row == null || !expiresAt.equals(row.token().expiresAt())) {
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

  @Override
  public synchronized void recordLastUsed(java.util.Collection<io.accesstokens.spi.LastUse> uses) {
    for (io.accesstokens.spi.LastUse use : uses) {
      StoredToken row = find(use.organization(), use.id()).orElse(null);
      if (row == null) {
        continue;
      }
      AccessToken t = row.token();
      if (t.lastUsedAt() != null && !t.lastUsedAt().isBefore(use.usedAt())) {
        continue;
      }
      rows.put(use.id(), row.withToken(t.withLastUse(use.usedAt(), use.from())));
    }
  }

  private static PageCursor cursorOf(StoredToken row) {
    return PageCursor.after(row.token());
  }
}
