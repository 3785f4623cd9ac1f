package io.accesstokens.web;

import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.spi.TokenStore;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The REST API on H2, in memory: a database of its own for each test, made by the shipped schema.
 */
class H2RestApiTest extends AbstractRestApiTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Override
  protected TokenStore newStore() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:web_rest_" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    JdbcTokenStore store = JdbcTokenStore.builder(h2).build();
    store.migrate();
    return store;
  }
}
