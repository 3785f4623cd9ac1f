package io.accesstokens.examples.boot;

import io.accesstokens.jdbc.JdbcDialect;
import io.accesstokens.testing.SecretLeakGuard;
import org.junit.jupiter.api.extension.ExtendWith;

/** The example host on its default database, H2 in memory. */
@ExtendWith(SecretLeakGuard.class)
class H2HostTest extends AbstractHostTest {
  @Override
  JdbcDialect dialect() {
    return JdbcDialect.H2;
  }
}
