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
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A store that counts every call it receives before passing it on, so a benchmark can prove from
 * the store's side (not only from the validator's own counters) that a path never reached it.
 */
final class CountingTokenStore implements TokenStore {
  private final TokenStore delegate;
  private final LongAdder calls = new LongAdder();

  CountingTokenStore(TokenStore delegate) {
    this.delegate = delegate;
  }

  /** Calls of any method so far. */
  long calls() {
    return calls.sum();
  }

  @Override
  public void insert(StoredToken token, Change change) {
    calls.increment();
    delegate.insert(token, change);
  }

  @Override
  public Optional<StoredToken> find(OrganizationId organization, TokenId id) {
    calls.increment();
    return delegate.find(organization, id);
  }

  @Override
  public Optional<StoredToken> findByDigest(LookupDigest digest) {
    calls.increment();
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
    delegate.update(next, change);
  }

  @Override
  public Optional<StoredToken> delete(OrganizationId organization, TokenId id, Change change) {
    calls.increment();
    return delegate.delete(organization, id, change);
  }

  @Override
  public void recordEntitlementChange(OrganizationId organization, Change change) {
    calls.increment();
    delegate.recordEntitlementChange(organization, change);
  }
}
