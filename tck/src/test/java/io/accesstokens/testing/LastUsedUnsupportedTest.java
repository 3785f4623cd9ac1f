package io.accesstokens.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.TokenId;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.LastUse;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenFilter;
import io.accesstokens.spi.TokenStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14: a host's store written before last-used times existed (it does not override {@code
 * recordLastUsed}) refuses them naming itself, and a validator asked to record them on it fails
 * when built, not at its first flush; one that does not record them works on it as before.
 */
@ExtendWith(SecretLeakGuard.class)
class LastUsedUnsupportedTest {
  private final TokenStore older = new StoreWithoutLastUse(new MapTokenStore());
  private final TokenService service = Fixtures.serviceOn(older).build();

  @Test
  void theSpisDefault_refusesNamingTheStore() {
    assertThatThrownBy(
            () ->
                older.recordLastUsed(
                    List.of(new LastUse(OrganizationId.of("acme"), new TokenId(1), Instant.EPOCH))))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("StoreWithoutLastUse keeps no last-used times");
  }

  @Test
  void aValidatorRecordingLastUse_onSuchAStore_failsWhenBuilt() {
    assertThatThrownBy(() -> TokenValidator.builder(service).recordLastUsed(true).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "recordLastUsed(true) needs a store that keeps last-used times: StoreWithoutLastUse"
                + " keeps no last-used times");
    try (TokenValidator plain = TokenValidator.builder(service).build()) {
      assertThat(plain.flushLastUsed()).isZero();
    }
  }

  /** Delegates everything but {@code recordLastUsed}, as a store written before it would. */
  private static final class StoreWithoutLastUse implements TokenStore {
    private final TokenStore delegate;

    StoreWithoutLastUse(TokenStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public void insert(StoredToken token, Change change, long maxTokens) {
      delegate.insert(token, change, maxTokens);
    }

    @Override
    public Optional<StoredToken> find(OrganizationId organization, TokenId id) {
      return delegate.find(organization, id);
    }

    @Override
    public Optional<StoredToken> findByDigest(LookupDigest digest) {
      return delegate.findByDigest(digest);
    }

    @Override
    public List<StoredToken> list(
        OrganizationId organization, TokenFilter filter, @Nullable PageCursor after, int limit) {
      return delegate.list(organization, filter, after, limit);
    }

    @Override
    public List<StoredToken> scan(@Nullable TokenId after, int limit) {
      return delegate.scan(after, limit);
    }

    @Override
    public void update(StoredToken next, Change change) {
      delegate.update(next, change);
    }

    @Override
    public Optional<StoredToken> delete(OrganizationId organization, TokenId id, Change change) {
      return delegate.delete(organization, id, change);
    }
  }
}
