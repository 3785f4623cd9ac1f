package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.testing.TokenStoreTck;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The TCK and this module's own suites on one database. A database's test class extends this (or
 * {@link ServerStoreTck}) and hands it its {@link TestDatabase}, registered as a static extension,
 * which gives each nested suite tables of its own and reports every test as skipped, with the
 * reason, where the database is not configured.
 */
@ExtendWith(SecretLeakGuard.class)
abstract class JdbcStoreTck extends TokenStoreTck {
  private final TestDatabase db;

  /** {@code db}: the subclass's database, registered with {@code @RegisterExtension} as well. */
  JdbcStoreTck(TestDatabase db) {
    this.db = db;
  }

  protected final TestDatabase db() {
    return db;
  }

  @Override
  protected TokenStore createStore() {
    return db().emptyStore();
  }

  /**
   * Thousands of calls: through a small pool, since a new connection costs more than most calls.
   */
  @Override
  protected TokenStore createStoreForManyCalls() {
    return db().emptyPooledStore();
  }

  /** Two nodes, each a store with a connection pool of its own, on the same tables. */
  @Override
  protected TokenStore[] createNodeStores() {
    db().emptyStore();
    return new TokenStore[] {
      JdbcTokenStore.builder(db().newPool(4)).tablePrefix(db().prefix()).build(),
      JdbcTokenStore.builder(db().newPool(4)).tablePrefix(db().prefix()).build()
    };
  }

  /** The store's change log, polled (as every dialect can be). */
  @Override
  protected io.accesstokens.spi.@Nullable ChangeFeed changeFeedOf(TokenStore store) {
    return ((JdbcTokenStore) store).changeFeed(JdbcChangeFeed.Mode.POLLING);
  }

  @Override
  protected @Nullable String unavailableReason() {
    return db().unavailableReason();
  }

  /** jqwik's properties run after Jupiter's suites: the same database, with tables of their own. */
  @Override
  protected void openOutsideJupiter() throws Exception {
    db().start();
  }

  @Override
  protected void closeOutsideJupiter() throws Exception {
    db().stop();
  }

  @Nested
  class JdbcStore extends AbstractJdbcStoreTest {
    @Override
    protected TestDatabase db() {
      return JdbcStoreTck.this.db();
    }
  }

  @Nested
  class ChangeFeed extends AbstractJdbcChangeFeedTest {
    @Override
    protected TestDatabase db() {
      return JdbcStoreTck.this.db();
    }
  }

  @Nested
  class ServerErrorText extends AbstractServerErrorTextTest {
    @Override
    protected TestDatabase db() {
      return JdbcStoreTck.this.db();
    }
  }
}
