package io.accesstokens.jdbc;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.accesstokens.AccessToken;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.DeleteOutcome;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.Scope;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.testing.SecretLeakGuard;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL backend terminated by an administrator ({@code pg_terminate_backend}, what a
 * failover, an operator or a connection-reaping policy does) while the store's transaction is in
 * the middle of a write: the store's statement is made to wait for a lock held by another
 * connection, found by that wait (and by the application name the store's pool connects with), and
 * terminated from a third connection. The write fails with {@link StoreUnavailableException}, not a
 * conflict: SQLState 57P01 says the connection is gone, and a connection lost during a write leaves
 * its outcome unknown to the client in general (during a COMMIT it may have happened), while a
 * conflict promises it did not and invites an automatic retry, which for a create could store a
 * second token. Here the server rolled the transaction back, so nothing was written, and the pool
 * replaces the connection by itself.
 */
@ExtendWith(SecretLeakGuard.class)
abstract class AbstractBackendTerminatedTest extends AbstractDatabaseFaultTest {
  private final String applicationName =
      "access-tokens-victim-" + Long.toHexString(System.nanoTime());
  private HikariDataSource pool;

  @BeforeEach
  void connectAsTheVictim() throws Exception {
    db().emptyStore();
    server = new ServerSide(db());
    PGSimpleDataSource plain = (PGSimpleDataSource) db().dataSource();
    PGSimpleDataSource named = new PGSimpleDataSource();
    named.setURL(plain.getURL());
    named.setUser(plain.getUser());
    named.setPassword(plain.getPassword());
    named.setApplicationName(applicationName);
    HikariConfig config = new HikariConfig();
    config.setDataSource(named);
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(2);
    config.setConnectionTimeout(5_000);
    config.setPoolName("victim");
    pool = new HikariDataSource(config);
    closeables.add(pool);
    JdbcTokenStore store =
        JdbcTokenStore.builder(pool)
            .dialect(JdbcDialect.POSTGRESQL)
            .tablePrefix(db().prefix())
            .queryTimeout(Duration.ofSeconds(30))
            .build();
    service = Nodes.sealedService(store);
    validator = TokenValidator.builder(service).build();
    closeables.add(validator);
  }

  @ParameterizedTest
  @EnumSource(PageWrite.class)
  void
      aWriteWhoseBackendIsTerminatedMidTransaction_failsAsUnavailable_writesNothing_andTheNextCallWorks(
          PageWrite write) throws Exception {
    IssuedToken token = cachedToken();
    Throwable failure = writeFailedBy(write, token, call -> terminateTheWaitingBackend());
    assertThat(failure.getCause())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("SQLState 57P01")
        .hasMessageContaining("unreachable or did not answer in time");

    Object retried = assertNothingWritten_thenRetry(write, token);
    switch (write) {
      case DEACTIVATE -> {
        assertThat(((AccessToken) retried).status()).isEqualTo(TokenStatus.INACTIVE);
        assertRefused(token, ErrorCode.INVALID_TOKEN);
      }
      case EDIT -> assertThat(((AccessToken) retried).version()).isEqualTo(2);
      case DELETE -> {
        assertThat(retried).isEqualTo(DeleteOutcome.DELETED);
        assertRefused(token, ErrorCode.INVALID_TOKEN);
      }
    }
  }

  @Test
  void aCreateWhoseBackendIsTerminatedMidTransaction_failsAsUnavailable_andLeavesNoToken()
      throws Exception {
    CompletableFuture<IssuedToken> call;
    try (Connection holder = db().dataSource().getConnection();
        Statement s = holder.createStatement()) {
      holder.setAutoCommit(false);
      s.execute(
          "LOCK TABLE " + db().prefix() + "tokens IN SHARE MODE"); // inserts wait, reads do not
      call = CompletableFuture.supplyAsync(() -> create(service, ACME, PROD, "never", ALICE));
      terminateTheWaitingBackend();

      Throwable failure = catchThrowable(() -> call.get(30, TimeUnit.SECONDS));
      assertThat(failure.getCause())
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("SQLState 57P01");
      holder.rollback();
    }

    assertThat(service.list(ACME, TokenQuery.all()).tokens())
        .as("no token, not even part of one")
        .isEmpty();
    IssuedToken next = create(service, ACME, PROD, "next", ALICE);
    assertValid(next);
  }

  /** What a failover does: every backend of the pool terminated while idle between calls. */
  @Test
  void everyIdleBackendOfThePoolTerminated_failsClosedAtMostOncePerConnection_andRecoversByItself()
      throws Exception {
    List<IssuedToken> tokens = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tokens.add(create(service, ACME, PROD, "t" + i, ALICE));
    }
    ServerSide.await(
        "the pool holds 2 connections",
        Duration.ofSeconds(10),
        () -> {
          try {
            return server.backendsOf(applicationName).size() == 2;
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        });
    for (int pid : server.backendsOf(applicationName)) {
      assertThat(server.terminate(pid)).isTrue();
      faults++;
    }

    int failures = 0;
    int successes = 0;
    for (IssuedToken token : tokens) {
      try {
        assertThat(validator.validate(token.value().reveal(), Scope.EDI, ACME, PROD).id())
            .isEqualTo(token.id());
        successes++;
      } catch (ConnectionOpenException e) {
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(successes).as("no failure after the first success").isZero();
        failures++;
      }
    }
    assertThat(failures).as("at most one failure per terminated connection").isLessThanOrEqualTo(2);
    assertThat(service.list(ACME, TokenQuery.all()).tokens()).hasSize(5);
  }

  /**
   * Finds the store's backend by its wait for the lock, checks it is ours by name, and terminates
   * it.
   */
  private void terminateTheWaitingBackend() throws Exception {
    ServerSide.await(
        "the store's statement waits for the lock",
        Duration.ofSeconds(20),
        () -> {
          try {
            return !server.backendsWaitingForALock().isEmpty();
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        });
    List<Integer> waiting = server.backendsWaitingForALock();
    assertThat(waiting).hasSize(1);
    assertThat(server.backendsOf(applicationName))
        .as("the waiting backend is the store's")
        .contains(waiting.get(0));
    assertThat(server.terminate(waiting.get(0))).isTrue();
    faults++;
  }
}
