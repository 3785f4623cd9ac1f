package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.accesstokens.testing.SecretLeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MariaDB Connector/J logs through SLF4J under {@code org.mariadb.jdbc}; at TRACE {@code
 * org.mariadb.jdbc.client.socket.impl.PacketWriter} and {@code PacketReader} dump every packet in
 * hex, the lookup's digest among the bytes; at DEBUG it logs statements without their parameters
 * (docs/jdbc-store.md, "Drivers' own logs").
 */
@ExtendWith(SecretLeakGuard.class)
class MariaDbDriverTraceTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Test
  void atTrace_theDriverDumpsTheLookupDigest() {
    DriverLogs.Captured log =
        DriverLogs.slf4j(
            "org.mariadb.jdbc", Level.TRACE, x -> DriverLogs.lookUpANewToken(DB.emptyStore()));

    assertThat(log.dumpsTheDigest()).isTrue();
    assertThat(log.lines())
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("TRACE org.mariadb.jdbc.client.socket.impl.PacketWriter: "));
  }

  @Test
  void atDebug_itDoesNot() {
    DriverLogs.Captured log =
        DriverLogs.slf4j(
            "org.mariadb.jdbc", Level.DEBUG, x -> DriverLogs.lookUpANewToken(DB.emptyStore()));

    assertThat(log.lines()).as("the driver logged at DEBUG").isNotEmpty();
    assertThat(log.dumpsTheDigest()).isFalse();
    assertThat(log.linesWithTheDigest()).isEmpty();
  }
}
