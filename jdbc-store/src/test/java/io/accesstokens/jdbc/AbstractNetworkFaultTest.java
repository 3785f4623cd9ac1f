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
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.DeleteOutcome;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.Scope;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.ChangeRecord;
import io.accesstokens.testing.SecretLeakGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Real network faults between a {@link JdbcTokenStore} and its database, made by an in-JVM {@link
 * TcpProxy}: connections cut while a write waits inside the database, a commit that reached the
 * database but whose answer never came back, a partition that answers nothing (to a lookup, and to
 * a follower reading the change log), and every pooled connection lost at once. No partial write,
 * no token lost or brought back, the validator fails closed with {@code STORE_UNAVAILABLE} within
 * its timeout and recovers by itself, and no call stays stuck.
 */
@ExtendWith(SecretLeakGuard.class)
abstract class AbstractNetworkFaultTest extends AbstractDatabaseFaultTest {
  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(1);

  /** The partition test's validator; the others wait longer, since a loaded machine is no fault. */
  private static final Duration LOOKUP_TIMEOUT = Duration.ofMillis(300);

  private static final Duration PATIENT_LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  /**
   * PostgreSQL's driver cancels a timed-out statement over a new connection, waiting this long for
   * it.
   */
  private static final int CANCEL_SIGNAL_TIMEOUT_SECONDS = 2;

  private TcpProxy proxy;
  private final AtomicInteger lookupsEnded = new AtomicInteger();

  /** System.nanoTime() when the last lookup ended. */
  private final AtomicLong lastLookupEnded = new AtomicLong();

  @BeforeEach
  void putAProxyInFrontOfTheDatabase() throws Exception {
    db().emptyStore();
    proxy = TcpProxy.inFrontOf(db());
    closeables.add(proxy);
    server = new ServerSide(db());
    DataSource throughProxy = proxy.dataSource(db());
    service = service(store(throughProxy));
    validator = validator(service, PATIENT_LOOKUP_TIMEOUT);
  }

  /** Before what the test opened is closed (a subclass's after-each methods run first). */
  @AfterEach
  void reconnectTheProxy() {
    proxy.blackhole(false);
  }

  // ---- a connection cut while a write waits inside the database
  // -----------------------------------

  @ParameterizedTest
  @EnumSource(PageWrite.class)
  void aWriteCutWhileItsStatementWaitsForALock_failsAsUnavailable_writesNothing_andTheNextCallWorks(
      PageWrite write) throws Exception {
    IssuedToken token = cachedToken();
    Throwable failure =
        writeFailedBy(
            write,
            token,
            call -> {
              awaitWaitingForALock(call);
              proxy.cut();
              faults++;
            });
    assertThat(failure).as("the cut write").hasCauseInstanceOf(StoreUnavailableException.class);
    assertThat(failure.getCause())
        .hasMessageContaining("unreachable or did not answer in time")
        .hasMessageContaining("SQLState 08");
    server.awaitSessionsGone(
        proxy.upstreamPorts()); // the orphaned statement has ended, one way or the other

    Object retried = assertNothingWritten_thenRetry(write, token);
    switch (write) {
      case DEACTIVATE ->
          assertThat(((AccessToken) retried).status()).isEqualTo(TokenStatus.INACTIVE);
      case EDIT -> assertThat(((AccessToken) retried).description()).isEqualTo("after");
      case DELETE -> assertThat(retried).isEqualTo(DeleteOutcome.DELETED);
    }
  }

  // ---- the commit reached the database, its answer did not come back
  // ------------------------------

  @ParameterizedTest
  @EnumSource(PageWrite.class)
  void aWriteWhoseCommitArrivedButWhoseAnswerWasLost_isWhole_stopsValidationHere_andRetriesCleanly(
      PageWrite write) throws Exception {
    IssuedToken token = cachedToken();
    proxy.cutWhenClientSends("COMMIT");
    faults++;

    Throwable failure = catchThrowable(() -> write.on(service, token.id()));

    assertThat(proxy.markerFired()).as("the commit was sent").isTrue();
    assertThat(failure)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("unreachable or did not answer in time");
    server.awaitSessionsGone(proxy.upstreamPorts());
    switch (write) {
      case DEACTIVATE -> {
        AccessToken stored = service.get(ACME, token.id());
        assertThat(stored.status()).as("the write happened, whole").isEqualTo(TokenStatus.INACTIVE);
        assertThat(stored.version()).isEqualTo(2);
        assertRefused(token, ErrorCode.INVALID_TOKEN);
        assertThat(service.deactivate(ACME, token.id(), ALICE)).isEqualTo(stored);
      }
      case EDIT -> {
        AccessToken stored = service.get(ACME, token.id());
        assertThat(stored.description()).isEqualTo("after");
        assertThat(stored.version()).isEqualTo(2);
        assertThat(service.editDescription(ACME, token.id(), "after", ALICE)).isEqualTo(stored);
        assertValid(token);
      }
      case DELETE -> {
        assertThat(catchThrowable(() -> service.get(ACME, token.id())))
            .isInstanceOf(TokenNotFoundException.class);
        assertRefused(token, ErrorCode.INVALID_TOKEN);
        assertThat(service.delete(ACME, token.id(), ALICE)).isEqualTo(DeleteOutcome.ALREADY_ABSENT);
      }
    }
  }

  @Test
  void aCreateWhoseCommitArrivedButWhoseAnswerWasLost_leavesOneWholeTokenThatCopiesAndValidates()
      throws Exception {
    proxy.cutWhenClientSends("COMMIT");
    faults++;

    Throwable failure = catchThrowable(() -> create(service, ACME, PROD, "lost answer", ALICE));

    assertThat(proxy.markerFired()).isTrue();
    assertThat(failure).isInstanceOf(StoreUnavailableException.class);
    server.awaitSessionsGone(proxy.upstreamPorts());
    List<AccessToken> rows = service.list(ACME, TokenQuery.all()).tokens();
    assertThat(rows).hasSize(1);
    AccessToken row = rows.get(0);
    assertThat(row.description()).isEqualTo("lost answer");
    assertThat(row.status()).isEqualTo(TokenStatus.ACTIVE);
    assertThat(row.version()).isEqualTo(1);
    String value =
        copy(service, ACME, row.id(), ALICE).reveal(); // not lost: its value can be had again
    assertThat(validator.validate(value, Scope.EDI, ACME, PROD).id()).isEqualTo(row.id());
  }

  // ---- a partition: nothing arrives, nothing fails
  // ------------------------------------------------

  /**
   * The lookup's connection is one the store already had (as from a pool that checks nothing), so
   * the connect timeouts of the driver and the pool cannot help: once the network answers nothing,
   * only the store's own timeouts can end the call.
   */
  @Test
  void aBlackholedLookup_failsClosedWithinTheLookupTimeout_andTheStoresTimeoutEndsTheStuckCall()
      throws Exception {
    DataSource throughProxy = proxy.dataSource(db());
    if (throughProxy instanceof PGSimpleDataSource pg) {
      pg.setCancelSignalTimeout(CANCEL_SIGNAL_TIMEOUT_SECONDS); // 10 by default
    }
    OneConnectionDataSource one = new OneConnectionDataSource(throughProxy);
    closeables.add(one::closePhysical);
    TokenService node = service(store(one));
    TokenValidator partitioned = validator(node, LOOKUP_TIMEOUT);
    IssuedToken token = create(node, ACME, PROD, null, ALICE); // the connection is open and warm
    proxy.blackhole(true);
    faults++;
    lookupsEnded.set(0);

    long start = System.nanoTime(); // when the stuck lookup began, for how long it was stuck
    long failedClosedAfter = millisToFailClosed(partitioned, token);

    assertThat(failedClosedAfter)
        .as("ms until the validator failed closed")
        .isGreaterThanOrEqualTo(LOOKUP_TIMEOUT.toMillis() - 50)
        .isLessThan(LOOKUP_TIMEOUT.toMillis() + 1_500);
    ServerSide.await(
        "the stuck lookup ends by the store's own timeout",
        Duration.ofSeconds(20),
        () -> lookupsEnded.get() == 1);
    long stuckFor = TimeUnit.NANOSECONDS.toMillis(lastLookupEnded.get() - start);
    // A read carries no statement timeout (no cancel request to wait for); the network timeout, at
    // the
    // query timeout, ends it. A write's twice-the-query-timeout, or a cancel, would take 2 s or
    // more.
    assertThat(stuckFor)
        .as("ms the lookup was stuck")
        .isBetween(QUERY_TIMEOUT.toMillis() - 50, QUERY_TIMEOUT.toMillis() + 700);

    Throwable management = catchThrowable(() -> node.list(ACME, TokenQuery.all()));
    assertThat(management).isInstanceOf(StoreUnavailableException.class);
    proxy.blackhole(false);
    assertThat(partitioned.validate(token.value().reveal(), Scope.EDI, ACME, PROD).id())
        .as("recovered by itself")
        .isEqualTo(token.id());
    assertThat(node.list(ACME, TokenQuery.all()).tokens()).hasSize(1);
  }

  /**
   * The outage bound with the validator's defaults (issue 13): a HikariCP pool that waits its
   * default 30 s for a connection, the database unreachable (a partition: connections are accepted
   * and nothing answers, so each connection attempt hangs for the pool's whole timeout), and a
   * validator with no executor and the default lookup timeout. An uncached validation fails closed
   * within the lookup timeout, not the pool's; a second one, while the first lookup still hangs,
   * too. Wall time, asserted generously.
   */
  @Test
  void withAPoolWaiting30sForAConnection_anUncachedValidationFailsClosedWithinTheDefaultTimeout()
      throws Exception {
    IssuedToken first = create(service, ACME, PROD, null, ALICE);
    IssuedToken second = create(service, ACME, PROD, null, ALICE);
    proxy.blackhole(true);
    HikariConfig config = new HikariConfig();
    config.setDataSource(proxy.dataSource(db()));
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(30_000);
    config.setInitializationFailTimeout(-1); // starts with the database unreachable
    config.setPoolName("unreachable-pool");
    HikariDataSource pool = new HikariDataSource(config);
    closeables.add(pool);
    TokenValidator defaults = TokenValidator.builder(service(store(pool))).build();
    closeables.add(defaults);
    long timeoutMillis = TokenValidator.DEFAULT_LOOKUP_TIMEOUT.toMillis();

    for (IssuedToken token : List.of(first, second)) {
      faults++;
      long failedClosedAfter = millisToFailClosed(defaults, token);

      assertThat(failedClosedAfter)
          .as("ms until the validator failed closed (the pool waits 30,000)")
          .isGreaterThanOrEqualTo(timeoutMillis - 100)
          .isLessThan(timeoutMillis + 5_000);
    }
    assertThat(defaults.stats().failClosed()).isEqualTo(2);
  }

  /**
   * What a {@link io.accesstokens.ChangeFollower} reads from its feed, on its own thread, every
   * poll.
   */
  enum FollowerRead {
    CHANGES_AFTER {
      @Override
      Object on(JdbcChangeFeed feed) {
        return feed.changesAfter(0, 100);
      }
    },
    HEAD {
      @Override
      Object on(JdbcChangeFeed feed) {
        return feed.head();
      }
    },
    PRUNED_THROUGH {
      @Override
      Object on(JdbcChangeFeed feed) {
        return feed.prunedThrough();
      }
    };

    abstract Object on(JdbcChangeFeed feed);
  }

  /**
   * A follower's read of the change log, on a connection the feed already had, once the network
   * answers nothing: only the feed's own bound can end it, and the follower's thread (which also
   * serves its invalidations) must not hang there. It fails as unavailable at the query timeout, as
   * a lookup does, and the next poll works once the network does. The JUnit timeout only keeps a
   * feed without that bound from hanging the build.
   */
  @ParameterizedTest
  @EnumSource(FollowerRead.class)
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aBlackholedFollowerRead_failsAsUnavailableWithinTheQueryTimeout_andTheNextPollWorks(
      FollowerRead read) throws Exception {
    DataSource throughProxy = proxy.dataSource(db());
    if (throughProxy instanceof PGSimpleDataSource pg) {
      pg.setCancelSignalTimeout(CANCEL_SIGNAL_TIMEOUT_SECONDS); // 10 by default
    }
    OneConnectionDataSource one = new OneConnectionDataSource(throughProxy);
    closeables.add(one::closePhysical);
    IssuedToken token = service.create(ACME, PROD, null, ALICE);
    service.deactivate(ACME, token.id(), ALICE);
    JdbcChangeFeed feed = store(one).changeFeed(JdbcChangeFeed.Mode.POLLING);
    closeables.add(feed);
    read.on(feed); // the connection is open and warm
    proxy.blackhole(true);
    faults++;

    long start = System.nanoTime();
    Throwable failure = catchThrowable(() -> read.on(feed));
    long failedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(failure)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("unreachable or did not answer in time");
    assertThat(failedAfter)
        .as("ms until the read failed: a read's bound, the query timeout, not a write's")
        .isGreaterThanOrEqualTo(QUERY_TIMEOUT.toMillis() - 50)
        .isLessThan(2 * QUERY_TIMEOUT.toMillis());
    proxy.blackhole(false);
    read.on(feed);
    assertThat(feed.changesAfter(0, 1_000))
        .as("recovered by itself")
        .extracting(ChangeRecord::tokenId)
        .contains(token.id());
  }

  // ---- every pooled connection lost at once
  // -------------------------------------------------------

  @Test
  void afterEveryPooledConnectionIsCut_thePooledStoreFailsClosedAtWorst_andRecoversByItself()
      throws Exception {
    HikariConfig config = new HikariConfig();
    config.setDataSource(proxy.dataSource(db()));
    config.setMaximumPoolSize(3);
    config.setMinimumIdle(3);
    config.setConnectionTimeout(2_000);
    config.setPoolName("cut-pool");
    HikariDataSource pool = new HikariDataSource(config);
    closeables.add(pool);
    TokenService node = service(store(pool));
    TokenValidator nodeValidator = validator(node, PATIENT_LOOKUP_TIMEOUT);
    List<IssuedToken> tokens = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      tokens.add(create(node, ACME, PROD, "t" + i, ALICE));
    }
    ServerSide.await(
        "the pool holds 3 connections", Duration.ofSeconds(10), () -> proxy.open() >= 3);
    proxy.cut();
    faults++;

    int failures = 0;
    int successes = 0;
    for (IssuedToken token : tokens) {
      try {
        assertThat(nodeValidator.validate(token.value().reveal(), Scope.EDI, ACME, PROD).id())
            .isEqualTo(token.id());
        successes++;
      } catch (ConnectionOpenException e) {
        assertThat(e.errorCode())
            .as("a failure fails closed")
            .isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(successes).as("no failure after the first success").isZero();
        failures++;
      }
    }
    assertThat(failures)
        .as("at most one failure per dead pooled connection")
        .isLessThanOrEqualTo(3);
    assertThat(node.list(ACME, TokenQuery.all()).tokens()).hasSize(6);
    for (IssuedToken token : tokens) {
      assertThat(nodeValidator.validate(token.value().reveal(), Scope.EDI, ACME, PROD).id())
          .isEqualTo(token.id());
    }
  }

  // ---- helpers
  // -------------------------------------------------------------------------------------

  /**
   * Waits until the store's statement waits for the row lock; fails with the call's outcome if it
   * ended.
   */
  private void awaitWaitingForALock(CompletableFuture<?> call) throws Exception {
    try {
      server.awaitWaitingForALock();
    } catch (AssertionError e) {
      Object outcome;
      try {
        outcome = call.isDone() ? call.get() : "still running";
      } catch (Exception failure) {
        outcome = failure.getCause();
      }
      throw new AssertionError(e.getMessage() + "; the call: " + outcome, e);
    }
  }

  private JdbcTokenStore store(DataSource dataSource) {
    return JdbcTokenStore.builder(dataSource)
        .dialect(db().dialect())
        .tablePrefix(db().prefix())
        .queryTimeout(QUERY_TIMEOUT)
        .build();
  }

  private TokenService service(JdbcTokenStore store) {
    return Nodes.sealedService(store);
  }

  /** A validator whose lookups run on threads of their own, counted as they end. */
  private TokenValidator validator(TokenService service, Duration lookupTimeout) {
    ExecutorService threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "lookup");
              t.setDaemon(true);
              return t;
            });
    closeables.add(threads::shutdownNow);
    TokenValidator built =
        TokenValidator.builder(service)
            .lookupExecutor(
                task ->
                    threads.execute(
                        () -> {
                          try {
                            task.run();
                          } finally {
                            lastLookupEnded.set(System.nanoTime());
                            lookupsEnded.incrementAndGet();
                          }
                        }))
            .lookupTimeout(lookupTimeout)
            .build();
    closeables.add(built);
    return built;
  }

  /**
   * Validates {@code token} on {@code validator}, which must fail closed (STORE_UNAVAILABLE); the
   * milliseconds until it did.
   */
  private static long millisToFailClosed(TokenValidator validator, IssuedToken token) {
    long start = System.nanoTime();
    ConnectionOpenException refused = refusal(validator, token);
    long failedClosedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(refused.errorCode()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    return failedClosedAfter;
  }

  private static ConnectionOpenException refusal(TokenValidator validator, IssuedToken token) {
    return Nodes.refusal(validator, token.value().reveal());
  }
}
