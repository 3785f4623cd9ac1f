package io.accesstokens.web;

import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.spi.TokenStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The REST API on an embedded PostgreSQL 14 (from Maven Central, started for this class): tables of
 * their own for each test, under a fresh prefix, made by the shipped schema.
 */
class EmbeddedPostgresRestApiTest extends AbstractRestApiTest {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  @Override
  protected TokenStore newStore() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(postgres.getJdbcUrl("postgres", "postgres"));
    JdbcTokenStore store =
        JdbcTokenStore.builder(dataSource)
            .tablePrefix("web" + PREFIXES.incrementAndGet() + "_")
            .build();
    store.migrate();
    return store;
  }
}
