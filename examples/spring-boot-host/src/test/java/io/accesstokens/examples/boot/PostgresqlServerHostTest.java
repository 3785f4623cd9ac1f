package io.accesstokens.examples.boot;

import io.accesstokens.jdbc.JdbcDialect;
import io.accesstokens.testing.SecretLeakGuard;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example host on the machine's server, when ACCESS_TOKENS_TEST_POSTGRESQL_URL is set (as in
 * .ci/run).
 */
@ExtendWith(SecretLeakGuard.class)
@EnabledIfEnvironmentVariable(named = "ACCESS_TOKENS_TEST_POSTGRESQL_URL", matches = ".+")
class PostgresqlServerHostTest extends AbstractHostTest {
  @DynamicPropertySource
  static void database(DynamicPropertyRegistry properties) {
    properties.add(
        "spring.datasource.url", () -> System.getenv("ACCESS_TOKENS_TEST_POSTGRESQL_URL"));
  }

  @Override
  JdbcDialect dialect() {
    return JdbcDialect.POSTGRESQL;
  }
}
