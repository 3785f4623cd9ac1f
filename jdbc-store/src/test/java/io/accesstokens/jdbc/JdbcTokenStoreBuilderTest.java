package io.accesstokens.jdbc;

import static io.accesstokens.testing.Fixtures.ACME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenId;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/** The builder's rules, and a store whose database cannot be reached (no database needed). */
@ExtendWith(SecretLeakGuard.class)
class JdbcTokenStoreBuilderTest {
  private final PGSimpleDataSource unreachable = unreachablePostgres();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "AT_",
        "1at_",
        "at-",
        "at_tokens; DROP TABLE x; --",
        "at.",
        "\u00e4t_",
        "abcdefghijklmnopqrstuvwxy"
      })
  void tablePrefix_outsideTheAllowList_isRefused_namingTheRule(String prefix) {
    assertThatThrownBy(() -> JdbcTokenStore.builder(unreachable).tablePrefix(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "table prefix must be 1 to 24 characters of a-z, 0-9 and _, starting with a letter"
                + " ([a-z][a-z0-9_]{0,23}), but was \"");
  }

  @Test
  void tablePrefix_blankOrNull_isRefused() {
    assertThatThrownBy(() -> JdbcTokenStore.builder(unreachable).tablePrefix(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("table prefix must not be blank");
    assertThatThrownBy(() -> JdbcTokenStore.builder(unreachable).tablePrefix(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("table prefix must not be null");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "at_", "tokens2", "abcdefghijklmnopqrstuvwx"})
  void tablePrefix_insideTheAllowList_isTaken(String prefix) {
    JdbcTokenStore store =
        JdbcTokenStore.builder(unreachable).dialect(JdbcDialect.H2).tablePrefix(prefix).build();

    assertThat(store.tablePrefix()).isEqualTo(prefix);
  }

  @Test
  void build_writesNoDefaultIntoTheBuilder_soASettingLeftUnsetCanStillBeSet() {
    JdbcTokenStore.Builder builder = JdbcTokenStore.builder(unreachable).dialect(JdbcDialect.H2);
    JdbcTokenStore first = builder.build();

    JdbcTokenStore second =
        builder.tablePrefix("other_").queryTimeout(Duration.ofSeconds(3)).build();

    assertThat(first.tablePrefix()).isEqualTo(JdbcTokenStore.DEFAULT_TABLE_PREFIX);
    assertThat(first.queryTimeout()).isEqualTo(JdbcTokenStore.DEFAULT_QUERY_TIMEOUT);
    assertThat(first.changeLogTimeout()).isEqualTo(JdbcTokenStore.DEFAULT_CHANGE_LOG_TIMEOUT);
    assertThat(first.migrationLockTimeout())
        .isEqualTo(JdbcTokenStore.DEFAULT_MIGRATION_LOCK_TIMEOUT);
    assertThat(second.tablePrefix()).isEqualTo("other_");
    assertThat(second.queryTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void eachSetting_canBeSetOnce() {
    JdbcTokenStore.Builder builder =
        JdbcTokenStore.builder(unreachable)
            .tablePrefix("at_")
            .dialect(JdbcDialect.POSTGRESQL)
            .queryTimeout(Duration.ofSeconds(5))
            .changeLogTimeout(Duration.ofSeconds(2))
            .migrationLockTimeout(Duration.ofSeconds(30));

    assertThatThrownBy(() -> builder.tablePrefix("at_"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("table prefix already set");
    assertThatThrownBy(() -> builder.dialect(JdbcDialect.H2)).hasMessage("dialect already set");
    assertThatThrownBy(() -> builder.queryTimeout(Duration.ofSeconds(5)))
        .hasMessage("query timeout already set");
    assertThatThrownBy(() -> builder.changeLogTimeout(Duration.ofSeconds(1)))
        .hasMessage("change log timeout already set");
    assertThatThrownBy(() -> builder.migrationLockTimeout(Duration.ofSeconds(5)))
        .hasMessage("migration lock timeout already set");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT0S", "PT-1S", "PT0.5S", "PT1.5S", "PT1H0.001S", "PT3601S"})
  void timeouts_outsideTheirRange_areRefused_namingTheRule(String text) {
    Duration timeout = Duration.parse(text);
    assertThatThrownBy(() -> JdbcTokenStore.builder(unreachable).queryTimeout(timeout))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "query timeout must be a whole number of seconds from 1 to 3600 (JDBC counts seconds),"
                + " but was "
                + timeout);
    assertThatThrownBy(() -> JdbcTokenStore.builder(unreachable).migrationLockTimeout(timeout))
        .hasMessageStartingWith(
            "migration lock timeout must be a whole number of seconds from 1 to 3600");
    assertThatThrownBy(() -> JdbcTokenStore.builder(unreachable).changeLogTimeout(timeout))
        .hasMessageStartingWith(
            "change log timeout must be a whole number of seconds from 1 to 3600");
  }

  @Test
  void nullArguments_areRefused_namingThem() {
    assertThatThrownBy(() -> JdbcTokenStore.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("data source must not be null");
    assertThatThrownBy(() -> JdbcTokenStore.builder(unreachable).dialect(null))
        .hasMessage("dialect must not be null");
    assertThatThrownBy(() -> JdbcTokenStore.builder(unreachable).queryTimeout(null))
        .hasMessage("query timeout must not be null");
    assertThatThrownBy(() -> JdbcTokenStore.builder(unreachable).changeLogTimeout(null))
        .hasMessage("change log timeout must not be null");
    JdbcTokenStore store = JdbcTokenStore.builder(unreachable).dialect(JdbcDialect.H2).build();
    assertThatThrownBy(() -> store.changeFeed(null)).hasMessage("mode must not be null");
  }

  @Test
  void defaults_areTheDocumentedOnes() {
    JdbcTokenStore store =
        JdbcTokenStore.builder(unreachable).dialect(JdbcDialect.POSTGRESQL).build();

    assertThat(store.tablePrefix()).isEqualTo("at_").isEqualTo(JdbcTokenStore.DEFAULT_TABLE_PREFIX);
    assertThat(store.queryTimeout())
        .isEqualTo(Duration.ofSeconds(10))
        .isEqualTo(JdbcTokenStore.DEFAULT_QUERY_TIMEOUT);
    assertThat(store.changeLogTimeout())
        .isEqualTo(Duration.ofSeconds(2))
        .isEqualTo(JdbcTokenStore.DEFAULT_CHANGE_LOG_TIMEOUT);
    assertThat(store.migrationLockTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(store).hasToString("JdbcTokenStore[POSTGRESQL, prefix=at_]");
  }

  @Test
  void
      anExplicitDialect_needsNoConnection_andAnUnreachableDatabaseIsUnavailable_withTheDriversReason() {
    JdbcTokenStore store =
        JdbcTokenStore.builder(unreachable).dialect(JdbcDialect.POSTGRESQL).build();
    TokenId id = new TokenId(5);

    assertThatThrownBy(() -> store.find(ACME, id))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessage(
            "find of token "
                + id
                + " failed: the database is unreachable or did not answer in time"
                + " [SQLState 08001, vendor code 0, PSQLException]")
        .cause()
        .hasMessageContaining(
            "Connection to 127.0.0.1:" + unreachable.getPortNumbers()[0] + " refused");
    assertThatThrownBy(store::migrate)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageStartingWith(
            "migration of the token store schema (table prefix at_) failed: the database is"
                + " unreachable");
  }

  @Test
  void detectingTheDialect_ofAnUnreachableDatabase_isUnavailable_andSaysHowToAvoidIt() {
    assertThatThrownBy(() -> JdbcTokenStore.builder(unreachable).build())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageStartingWith(
            "dialect detection (set JdbcTokenStore.Builder.dialect to build without a connection)"
                + " failed: the database is unreachable");
  }

  @Test
  void aFailureOfAnInterruptedCaller_keepsTheInterrupt() {
    JdbcTokenStore store =
        JdbcTokenStore.builder(unreachable).dialect(JdbcDialect.POSTGRESQL).build();

    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> store.scan(null, 10))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageStartingWith("scan was interrupted; the interrupt is kept");
    } finally {
      assertThat(Thread.interrupted()).as("the interrupt was kept").isTrue();
    }
  }

  /** A PostgreSQL data source on a loopback port where nothing listens. */
  private static PGSimpleDataSource unreachablePostgres() {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("none");
    ds.setUser("nobody");
    ds.setConnectTimeout(2);
    return ds;
  }
}
