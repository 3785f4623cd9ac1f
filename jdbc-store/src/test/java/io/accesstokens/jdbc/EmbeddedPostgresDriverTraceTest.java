package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.testing.SecretLeakGuard;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL driver logs through java.util.logging under {@code org.postgresql}; at FINEST
 * (TRACE through a bridge to SLF4J) {@code org.postgresql.core.v3.QueryExecutorImpl} writes every
 * bound parameter, the lookup's digest among them; at FINE it writes none (docs/jdbc-store.md,
 * "Drivers' own logs").
 */
@ExtendWith(SecretLeakGuard.class)
class EmbeddedPostgresDriverTraceTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Test
  void atFinest_theDriverLogsTheLookupDigest() {
    DriverLogs.Captured log =
        DriverLogs.jul(
            "org.postgresql", Level.FINEST, x -> DriverLogs.lookUpANewToken(DB.emptyStore()));

    assertThat(log.linesWithTheDigest())
        .isNotEmpty()
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("FINEST org.postgresql.core.v3.QueryExecutorImpl:  FE=> Bind(")
                    .contains("$1=<'\\x" + log.digestHex() + "'::bytea>"));
  }

  @Test
  void atFine_itDoesNot() {
    DriverLogs.Captured log =
        DriverLogs.jul(
            "org.postgresql", Level.FINE, x -> DriverLogs.lookUpANewToken(DB.emptyStore()));

    assertThat(log.lines()).as("the driver logged at FINE").isNotEmpty();
    assertThat(log.linesWithTheDigest()).isEmpty();
  }
}
