package io.accesstokens.examples.boot;

import io.accesstokens.jdbc.JdbcDialect;
import io.accesstokens.testing.SecretLeakGuard;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example host on the embedded PostgreSQL (started once for the class; its follower listens
 * with NOTIFY).
 */
@ExtendWith(SecretLeakGuard.class)
class EmbeddedPostgresHostTest extends AbstractHostTest {
  private static EmbeddedPostgres postgres;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry properties) {
    properties.add(
        "spring.datasource.url",
        () -> {
          try {
            if (postgres == null) {
              postgres = EmbeddedPostgres.builder().start();
            }
            return postgres.getJdbcUrl("postgres", "postgres");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Override
  JdbcDialect dialect() {
    return JdbcDialect.POSTGRESQL;
  }
}
