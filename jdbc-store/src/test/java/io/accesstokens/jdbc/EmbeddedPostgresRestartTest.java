package io.accesstokens.jdbc;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.copy;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.accesstokens.AccessToken;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.testing.Figures;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.SecretLeakGuard;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database stopped and started again under a running service and validator: an embedded
 * PostgreSQL of this class's own (never a shared server), stopped with {@code pg_ctl stop -m fast}
 * and started again on the same data directory and port, as a host's database restarts. While it is
 * down the validator answers {@code STORE_UNAVAILABLE} on a miss and cached answers within their
 * expiry still serve, every management call throws {@link StoreUnavailableException} within the
 * pool's connection timeout, and a write cut by the shutdown writes nothing. Afterwards everything
 * recovers by itself: the service, the validator and the pool are the same objects.
 */
@ExtendWith(SecretLeakGuard.class)
class EmbeddedPostgresRestartTest {
  private static final String PREFIX = "restart_";
  private static Path dataDirectory;
  private static int port;
  private static EmbeddedPostgres postgres;

  private HikariDataSource pool;
  private TokenService service;
  private TokenValidator validator;

  /** Faults injected by the last test, for the figures of docs/testing.md. */
  int faults;

  @BeforeAll
  static void startADatabaseOfOurOwn() throws IOException {
    dataDirectory = Files.createTempDirectory("access-tokens-restart-");
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    postgres = start();
  }

  /** zonky skips initdb when the directory already holds a cluster, and keeps it when closed. */
  private static EmbeddedPostgres start() throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  @AfterAll
  static void stopAndRemoveIt() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
    if (dataDirectory != null) {
      try (Stream<Path> files = Files.walk(dataDirectory)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @BeforeEach
  void buildTheNode() throws Exception {
    PGSimpleDataSource plain = plainDataSource();
    JdbcTokenStore.builder(plain).tablePrefix(PREFIX).build().migrate();
    try (Connection c = plain.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM " + PREFIX + "tokens")) {
      s.executeUpdate();
    }
    HikariConfig config = new HikariConfig();
    config.setDataSource(plain);
    config.setMaximumPoolSize(2);
    config.setConnectionTimeout(1_000);
    config.setPoolName("restart");
    pool = new HikariDataSource(config);
    JdbcTokenStore store =
        JdbcTokenStore.builder(pool)
            .dialect(JdbcDialect.POSTGRESQL)
            .tablePrefix(PREFIX)
            .queryTimeout(Duration.ofSeconds(5))
            .build();
    service = Nodes.sealedService(store);
    validator = TokenValidator.builder(service).build();
  }

  @AfterEach
  void closeTheNode() {
    if (validator != null) {
      validator.close();
    }
    if (pool != null) {
      pool.close();
    }
  }

  @AfterEach
  void reportFigures(TestInfo info) {
    Figures.report(this, info, "faults", faults);
  }

  private static PGSimpleDataSource plainDataSource() {
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL(postgres.getJdbcUrl("postgres", "postgres"));
    return pg;
  }

  @Test
  void
      whileTheDatabaseIsDown_missesFailClosed_hitsServe_managementIsUnavailable_andAllRecoversByItself()
          throws Exception {
    IssuedToken cached = create(service, ACME, PROD, "cached", ALICE);
    IssuedToken notCached = create(service, ACME, PROD, "not cached", ALICE);
    IssuedToken inactive = create(service, ACME, PROD, "inactive", ALICE);
    service.deactivate(ACME, inactive.id(), ALICE);
    assertValid(cached);
    Map<Object, AccessToken> before = rows();

    postgres.close(); // pg_ctl stop -m fast
    faults++;

    assertValid(cached); // a cached answer within its expiry still serves
    assertRefused(notCached, ErrorCode.STORE_UNAVAILABLE);
    assertRefused(
        inactive, ErrorCode.STORE_UNAVAILABLE); // unknown to the cache: fail closed, not "invalid"
    assertRefused(Fixtures.mint(TokenMint.newId()), ErrorCode.STORE_UNAVAILABLE);
    assertRefused("atk_not-even-well-formed", ErrorCode.INVALID_TOKEN); // needs no store
    List<Runnable> management =
        List.of(
            () -> create(service, ACME, PROD, "while down", ALICE),
            () -> service.list(ACME, TokenQuery.all()),
            () -> copy(service, ACME, cached.id(), ALICE),
            () -> service.editDescription(ACME, notCached.id(), "while down", ALICE),
            () -> service.activate(ACME, inactive.id(), ALICE),
            () -> service.delete(ACME, notCached.id(), ALICE),
            () -> service.deactivate(ACME, cached.id(), ALICE));
    for (Runnable call : management) {
      long start = System.nanoTime();
      assertThat(catchThrowable(call::run)).isInstanceOf(StoreUnavailableException.class);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .as("ms to fail")
          .isLessThan(10_000);
    }
    // The deactivation failed on its read, before anything could be written: the cached answer
    // stands.
    assertValid(cached);

    postgres = start();

    long restarted = System.nanoTime();
    ServerSide.await(
        "the validator answers again",
        Duration.ofSeconds(30),
        () -> Fixtures.accepts(validator, notCached, ErrorCode.STORE_UNAVAILABLE));
    long recoveredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
    org.slf4j.LoggerFactory.getLogger("io.accesstokens.figures")
        .info("The validator answered again {} ms after the restart", recoveredAfter);
    assertThat(rows()).as("no token lost, none brought back, none changed").isEqualTo(before);
    assertValid(cached);
    assertValid(notCached);
    assertRefused(inactive, ErrorCode.INVALID_TOKEN);
    assertThat(service.deactivate(ACME, cached.id(), ALICE).status())
        .isEqualTo(TokenStatus.INACTIVE);
    assertRefused(cached, ErrorCode.INVALID_TOKEN);
  }

  @Test
  void aWriteCutByTheShutdown_leavesTheAnswerAndTheStoredStateInAgreement() throws Exception {
    IssuedToken token = create(service, ACME, PROD, "before", ALICE);
    assertValid(token);
    Connection holder = plainDataSource().getConnection();
    holder.setAutoCommit(false);
    try (PreparedStatement lock =
        holder.prepareStatement(
            "SELECT version FROM " + PREFIX + "tokens WHERE id_key = ? FOR UPDATE")) {
      lock.setLong(1, io.accesstokens.jdbc.internal.TokenRows.key(token.id()));
      lock.executeQuery().close();
    }
    CompletableFuture<AccessToken> call =
        CompletableFuture.supplyAsync(() -> service.deactivate(ACME, token.id(), ALICE));
    ServerSide.await(
        "the deactivation waits for the lock", Duration.ofSeconds(20), () -> waitingForALock());

    // A fast shutdown terminates the backends in no fixed order: once the lock holder's backend is
    // gone, the waiting deactivation may commit before its own backend is terminated. Either
    // outcome is correct; what must hold is that the caller's answer and the stored state agree.
    postgres.close();
    faults++;
    Throwable failure = catchThrowable(() -> call.get(30, TimeUnit.SECONDS));
    holder.close();
    assertRefused(token, ErrorCode.STORE_UNAVAILABLE); // evicted, since it might have happened

    postgres = start();

    ServerSide.await(
        "the service answers again",
        Duration.ofSeconds(30),
        () -> {
          try {
            service.get(ACME, token.id());
            return true;
          } catch (StoreUnavailableException e) {
            return false;
          }
        });
    AccessToken stored = service.get(ACME, token.id());
    if (failure == null) {
      AccessToken answered = call.get();
      assertThat(answered.status()).isEqualTo(TokenStatus.INACTIVE);
      assertThat(stored).as("the deactivation that was answered is stored").isEqualTo(answered);
      assertRefused(token, ErrorCode.INVALID_TOKEN);
    } else {
      assertThat(failure.getCause()).isInstanceOf(StoreUnavailableException.class);
      // "Unavailable" promises no outcome: the commit may have reached the disk just before the
      // backend ended. What was stored is then one whole state, never a half-written one.
      if (stored.equals(token.token())) {
        assertValid(token);
      } else {
        assertThat(stored.status()).isEqualTo(TokenStatus.INACTIVE);
        assertThat(stored.version()).isEqualTo(token.token().version() + 1);
        assertThat(stored.description()).isEqualTo(token.token().description());
        assertRefused(token, ErrorCode.INVALID_TOKEN);
      }
    }
  }

  /** Asked on a connection of its own: within a transaction, pg_stat_activity is a snapshot. */
  private static boolean waitingForALock() {
    try {
      return ServerSide.count(
              plainDataSource(),
              "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query"
                  + " LIKE ?",
              "%" + PREFIX + "tokens%")
          > 0;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<Object, AccessToken> rows() {
    Map<Object, AccessToken> rows = new LinkedHashMap<>();
    service.list(ACME, TokenQuery.all()).tokens().forEach(t -> rows.put(t.id(), t));
    return rows;
  }

  private void assertValid(IssuedToken token) {
    Nodes.assertValid(validator, token);
  }

  private void assertRefused(IssuedToken token, ErrorCode code) {
    assertRefused(token.value().reveal(), code);
  }

  private void assertRefused(String value, ErrorCode code) {
    assertThat(Nodes.refusal(validator, value).errorCode())
        .as("refusal of a value")
        .isEqualTo(code);
  }
}
