package io.accesstokens.benchmarks;

import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.TokenId;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenFilter;
import io.accesstokens.spi.TokenStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A store that counts every call it receives before passing it on, so a benchmark can prove from
 * the store's side (not only from the validator's own counters) that a path never reached it; and
 * times its updates, whose transaction is the longest a row lock is held by a status change.
 */
final class CountingTokenStore implements TokenStore {
  private final TokenStore delegate;
  private final LongAdder calls = new LongAdder();
  private final LongAdder findByDigestCalls = new LongAdder();
  private final LongAdder lastUsedWrites = new LongAdder();
  private final AtomicLong longestUpdateNanos = new AtomicLong();

  CountingTokenStore(TokenStore delegate) {
    this.delegate = delegate;
  }

  /** Calls of any method so far. */
  long calls() {
    return calls.sum();
  }

  /** Calls of {@code findByDigest} so far. */
  long findByDigestCalls() {
    return findByDigestCalls.sum();
  }

  /** The longest {@code update} so far (its whole transaction, round trips included), in ns. */
  long longestUpdateNanos() {
    return longestUpdateNanos.get();
  }

  @Override
  public void insert(StoredToken token, Change change, long maxTokens) {
    calls.increment();
    delegate.insert(token, change, maxTokens);
  }

  @Override
  public Optional<StoredToken> find(OrganizationId organization, TokenId id) {
    calls.increment();
    return delegate.find(organization, id);
  }

  /** Uses passed to {@code recordLastUsed} so far: the row writes a last-used flush asked for. */
  long lastUsedWrites() {
    return lastUsedWrites.sum();
  }

  @Override
  public void recordLastUsed(java.util.Collection<io.accesstokens.spi.LastUse> uses) {
    calls.increment();
    lastUsedWrites.add(uses.size());
    delegate.recordLastUsed(uses);
  }

  @Override
  public Optional<StoredToken> findByDigest(LookupDigest digest) {
    calls.increment();
    findByDigestCalls.increment();
    return delegate.findByDigest(digest);
  }

  @Override
  public List<StoredToken> list(
      OrganizationId organization, TokenFilter filter, @Nullable PageCursor after, int limit) {
    calls.increment();
    return delegate.list(organization, filter, after, limit);
  }

  @Override
  public List<StoredToken> scan(@Nullable TokenId after, int limit) {
    calls.increment();
    return delegate.scan(after, limit);
  }

  @Override
  public void update(StoredToken next, Change change) {
    calls.increment();
    long start = System.nanoTime();
    try {
      delegate.update(next, change);
    } finally {
      long took = System.nanoTime() - start;
      longestUpdateNanos.accumulateAndGet(took, Math::max);
    }
  }

  @Override
  public Optional<StoredToken> delete(OrganizationId organization, TokenId id, Change change) {
    calls.increment();
    return delegate.delete(organization, id, change);
  }

  @Override
  public boolean markReminded(
      OrganizationId organization,
      TokenId id,
      java.time.Instant expiresAt,
      java.time.Duration threshold) {
    calls.increment();
    return delegate.markReminded(organization, id, expiresAt, threshold);
  }

  @Override
  public void recordEntitlementChange(OrganizationId organization, Change change) {
    calls.increment();
    delegate.recordEntitlementChange(organization, change);
  }
}
