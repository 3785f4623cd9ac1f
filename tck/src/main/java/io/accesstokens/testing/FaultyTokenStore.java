package io.accesstokens.testing;

import io.accesstokens.DuplicateTokenException;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenId;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenFilter;
import io.accesstokens.spi.TokenStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a real store to count calls and to inject faults where a failure must be provoked: every
 * call can be made to throw, and a hook can run inside {@code findByDigest} after the real store
 * answered (to block it, or to change the token while the answer is on its way back). Records the
 * digest of every row written in {@link IssuedSecrets}, so the leak guard knows digests made under
 * any digest policy.
 */
public final class FaultyTokenStore implements TokenStore {
  private final TokenStore delegate;
  private final AtomicInteger findByDigestCalls = new AtomicInteger();
  private final AtomicInteger writeCalls = new AtomicInteger();
  private final AtomicInteger readCalls = new AtomicInteger();
  private final AtomicInteger lastUsedWrites = new AtomicInteger();
  private volatile boolean down;
  private volatile boolean failAfterWrite;
  private final AtomicInteger collisionsToCome = new AtomicInteger();
  private final AtomicReference<@Nullable Consumer<Optional<StoredToken>>> afterFindByDigest =
      new AtomicReference<>();

  public FaultyTokenStore(TokenStore delegate) {
    this.delegate = delegate;
  }

  /** Every call throws {@link StoreUnavailableException} until {@code down(false)}. */
  public void down(boolean isDown) {
    this.down = isDown;
  }

  /** Writes reach the real store, then throw as if the connection broke before the answer came. */
  public void failAfterWrite(boolean fail) {
    this.failAfterWrite = fail;
  }

  /**
   * The next {@code count} inserts and rotations throw {@link DuplicateTokenException} without
   * reaching the real store, as if the id just minted were already stored: a collision of 64 random
   * bits, which no test could otherwise provoke.
   */
  public void collideOnNextMints(int count) {
    collisionsToCome.set(count);
  }

  private void collide() {
    if (collisionsToCome.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new DuplicateTokenException("token id already stored (injected collision)");
    }
  }

  /** Runs inside the next and every later {@code findByDigest}, after the real store answered. */
  public void afterFindByDigest(@Nullable Consumer<Optional<StoredToken>> hook) {
    afterFindByDigest.set(hook);
  }

  public int findByDigestCalls() {
    return findByDigestCalls.get();
  }

  /** Every call of any method. */
  public int calls() {
    return findByDigestCalls.get() + writeCalls.get() + readCalls.get();
  }

  private void check() {
    if (down) {
      throw new StoreUnavailableException("store is down (injected fault)");
    }
  }

  private void afterWrite() {
    if (failAfterWrite) {
      throw new StoreUnavailableException("connection lost after the write (injected fault)");
    }
  }

  @Override
  public void insert(StoredToken token, Change change, long maxTokens) {
    IssuedSecrets.recordDigest(token.digest().value()); // HMAC digests too, whatever the policy
    writeCalls.incrementAndGet();
    check();
    collide();
    delegate.insert(token, change, maxTokens);
    afterWrite();
  }

  @Override
  public Optional<StoredToken> find(OrganizationId organization, TokenId id) {
    readCalls.incrementAndGet();
    check();
    return delegate.find(organization, id);
  }

  @Override
  public Optional<StoredToken> findByDigest(LookupDigest digest) {
    findByDigestCalls.incrementAndGet();
    check();
    Optional<StoredToken> found = delegate.findByDigest(digest);
    Consumer<Optional<StoredToken>> hook = afterFindByDigest.get();
    if (hook != null) {
      hook.accept(found);
    }
    return found;
  }

  @Override
  public List<StoredToken> list(
      OrganizationId organization, TokenFilter filter, @Nullable PageCursor after, int limit) {
    readCalls.incrementAndGet();
    check();
    return delegate.list(organization, filter, after, limit);
  }

  @Override
  public List<StoredToken> scan(@Nullable TokenId after, int limit) {
    readCalls.incrementAndGet();
    check();
    return delegate.scan(after, limit);
  }

  @Override
  public void update(StoredToken next, Change change) {
    IssuedSecrets.recordDigest(next.digest().value());
    writeCalls.incrementAndGet();
    check();
    delegate.update(next, change);
    afterWrite();
  }

  @Override
  public void rotate(
      StoredToken predecessorNext, StoredToken successor, Change change, long maxTokens) {
    IssuedSecrets.recordDigest(successor.digest().value());
    writeCalls.incrementAndGet();
    check();
    collide();
    delegate.rotate(predecessorNext, successor, change, maxTokens);
    afterWrite();
  }

  @Override
  public Optional<StoredToken> delete(OrganizationId organization, TokenId id, Change change) {
    writeCalls.incrementAndGet();
    check();
    Optional<StoredToken> removed = delegate.delete(organization, id, change);
    afterWrite();
    return removed;
  }

  @Override
  public Optional<io.accesstokens.AccessToken> retirePredecessor(
      OrganizationId organization, TokenId successor, Change change) {
    writeCalls.incrementAndGet();
    check();
    Optional<io.accesstokens.AccessToken> retired =
        delegate.retirePredecessor(organization, successor, change);
    afterWrite();
    return retired;
  }

  @Override
  public boolean markReminded(
      OrganizationId organization,
      TokenId id,
      java.time.Instant expiresAt,
      java.time.Duration threshold) {
    writeCalls.incrementAndGet();
    check();
    boolean won = delegate.markReminded(organization, id, expiresAt, threshold);
    afterWrite();
    return won;
  }

  @Override
  public void recordLastUsed(java.util.Collection<io.accesstokens.spi.LastUse> uses) {
    writeCalls.incrementAndGet();
    lastUsedWrites.addAndGet(uses.size());
    check();
    delegate.recordLastUsed(uses);
    afterWrite();
  }

  /** Uses passed to {@code recordLastUsed} (one per token per call), failed calls included. */
  public int lastUsedWrites() {
    return lastUsedWrites.get();
  }

  @Override
  public void recordEntitlementChange(OrganizationId organization, Change change) {
    writeCalls.incrementAndGet();
    check();
    delegate.recordEntitlementChange(organization, change);
    afterWrite();
  }

  @Override
  public String toString() {
    return "FaultyTokenStore[" + delegate + "]";
  }
}
