package io.accesstokens.jdbc;

import static io.accesstokens.jdbc.TestRows.T0;
import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.accesstokens.AccessToken;
import io.accesstokens.Scope;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import io.accesstokens.TokenStatus;
import io.accesstokens.jdbc.internal.Sql;
import io.accesstokens.jdbc.internal.SqlStatements;
import io.accesstokens.jdbc.internal.TokenRows;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.ChangeRecord;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.SealedValue;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.testing.CapturingAppender;
import io.accesstokens.testing.Concurrently;
import io.accesstokens.testing.SecretLeakGuard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link io.accesstokens.spi.ChangeFeed} contract of the JDBC change log, on a real database:
 * what is logged and how it reads back, sequence order, the head, pruning and its marker (with
 * several pruners at once), visibility only at commit, rollbacks, the change-log timeout, and on
 * PostgreSQL the listening connection. Each test gets tables of its own, so every log starts empty.
 */
@ExtendWith(SecretLeakGuard.class)
abstract class AbstractJdbcChangeFeedTest {
  protected abstract TestDatabase db();

  private final TestRows rows = new TestRows(11, "made by the change feed tests");
  private String prefix;
  private JdbcTokenStore store;
  private final List<JdbcChangeFeed> feeds = new ArrayList<>();
  private long nextId = 1;

  @BeforeEach
  void freshTables() {
    prefix = db().newPrefix();
    store = db().newStore(prefix);
    store.migrate();
  }

  @AfterEach
  void closeFeeds() {
    feeds.forEach(JdbcChangeFeed::close);
  }

  private JdbcChangeFeed feed(JdbcTokenStore on, JdbcChangeFeed.Mode mode) {
    JdbcChangeFeed feed = on.changeFeed(mode);
    feeds.add(feed);
    return feed;
  }

  private JdbcChangeFeed polling() {
    return feed(store, JdbcChangeFeed.Mode.POLLING);
  }

  // ---- what is logged, and how it reads back
  // -------------------------------------------------------

  @Test
  void statusChangesEditsAndDeletes_areLogged_inSequenceOrder_withIdTypeVersionAndTime() {
    StoredToken a = inserted();
    StoredToken b = inserted();
    StoredToken c = inserted();
    StoredToken aOff = deactivate(a, T0.plusSeconds(1));
    StoredToken bEdited = edit(b, "edited", T0.plusSeconds(2));
    store.delete(ACME, c.id(), new Change(TokenEventType.DELETED, ALICE, T0.plusSeconds(3)));
    StoredToken resealed = TestRows.rewritten(aOff, T0.plusSeconds(4), aOff.version() + 1, null);
    store.update(resealed, new Change(TokenEventType.SECRETS_RESEALED, ALICE, T0.plusSeconds(4)));

    List<ChangeRecord> changes = polling().changesAfter(0, 100);

    assertThat(changes)
        .extracting(
            ChangeRecord::tokenId, ChangeRecord::type, ChangeRecord::version, ChangeRecord::at)
        .as("reseals are not logged (nor are these rows' creations, written without records)")
        .containsExactly(
            tuple(a.id(), TokenEventType.STATUS_CHANGED, aOff.version(), T0.plusSeconds(1)),
            tuple(b.id(), TokenEventType.DESCRIPTION_EDITED, bEdited.version(), T0.plusSeconds(2)),
            tuple(c.id(), TokenEventType.DELETED, c.version(), T0.plusSeconds(3)));
    assertThat(changes).extracting(ChangeRecord::sequence).isSorted().doesNotHaveDuplicates();
    assertThat(changes.get(0).sequence()).isPositive();
  }

  /**
   * Issue 13: the store's insert logs the creation, with version 1, in the insert's transaction, so
   * every node's set of issued ids hears of it; the feed says so.
   */
  @Test
  void aCreation_isLogged_withVersion1_andTheFeedSaysCreationsAreLogged() {
    TokenId id = new TokenId(nextId++);
    StoredToken row =
        new StoredToken(
            new AccessToken(id, ACME, PROD, TokenStatus.ACTIVE, null, Scope.EDI, T0, T0, 1),
            new LookupDigest("sha256", rows.randomBytes(32)),
            new SealedValue("k1", rows.randomBytes(60)));
    store.insert(row, new Change(TokenEventType.CREATED, ALICE, T0.plusSeconds(5)));

    JdbcChangeFeed feed = polling();
    assertThat(feed.recordsCreations()).isTrue();
    assertThat(feed.changesAfter(0, 100))
        .extracting(
            ChangeRecord::tokenId, ChangeRecord::type, ChangeRecord::version, ChangeRecord::at)
        .containsExactly(tuple(id, TokenEventType.CREATED, 1L, T0.plusSeconds(5)));
  }

  /** A rolling upgrade: a newer node logged a kind of change this version has no name for. */
  @Test
  void aChangeTypeThisVersionDoesNotKnow_isReadWithoutAType_notRefused() throws SQLException {
    StoredToken a = inserted();
    StoredToken b = inserted();
    try (Connection c = db().dataSource().getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO "
                    + prefix
                    + "changes (id_key, change_type, version, changed_at) VALUES (?, ?, ?, ?)")) {
      insert.setLong(1, TokenRows.key(a.id()));
      insert.setString(2, "TOKEN_RENAMED");
      insert.setLong(3, 2);
      insert.setLong(4, TokenRows.micros(T0));
      insert.executeUpdate();
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    StoredToken bOff = deactivate(b, T0.plusSeconds(1));

    List<ChangeRecord> changes = polling().changesAfter(0, 100);

    assertThat(changes)
        .extracting(ChangeRecord::tokenId, ChangeRecord::type, ChangeRecord::version)
        .as("the unknown row does not stop the ones after it")
        .containsExactly(
            tuple(a.id(), null, 2L), tuple(b.id(), TokenEventType.STATUS_CHANGED, bOff.version()));
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }

  @Test
  void changesAfter_readsStrictlyAfterTheSequence_andAtMostTheLimit() {
    StoredToken token = inserted();
    for (int i = 1; i <= 5; i++) {
      token = edit(token, "edit " + i, T0.plusSeconds(i));
    }
    JdbcChangeFeed feed = polling();
    List<ChangeRecord> all = feed.changesAfter(0, 100);
    assertThat(all).hasSize(5);

    assertThat(feed.changesAfter(all.get(1).sequence(), 2)).containsExactly(all.get(2), all.get(3));
    assertThat(feed.changesAfter(all.get(4).sequence(), 10)).isEmpty();
    assertThat(feed.changesAfter(0, 0)).isEmpty();
    assertThat(feed.changesAfter(-5, 1)).containsExactly(all.get(0));
  }

  @Test
  void head_isZeroForAnEmptyLog_andAtLeastTheSequenceOfEveryCommittedChange() {
    JdbcChangeFeed feed = polling();
    assertThat(feed.head()).isZero();
    assertThat(feed.prunedThrough()).isZero();

    StoredToken token = inserted();
    assertThat(feed.head()).as("a row written without its record").isZero();
    for (int i = 1; i <= 3; i++) {
      token = edit(token, "edit " + i, T0.plusSeconds(i));
      long newest =
          feed.changesAfter(0, 100).stream().mapToLong(ChangeRecord::sequence).max().orElseThrow();
      assertThat(feed.head()).isGreaterThanOrEqualTo(newest);
    }
    feed.pruneBefore(T0.plusSeconds(100));
    assertThat(feed.head())
        .as("after pruning")
        .isGreaterThanOrEqualTo(feed.prunedThrough())
        .isPositive();
  }

  // ---- pruning
  // -------------------------------------------------------------------------------------

  @Test
  void pruneBefore_deletesWhatWasWrittenBeforeTheCutoff_raisesTheMarker_andKeepsTheNewestChange() {
    StoredToken token = inserted();
    for (int i = 0; i < 4; i++) {
      token = edit(token, "edit " + i, T0.plusSeconds(i));
    }
    JdbcChangeFeed feed = polling();
    List<ChangeRecord> all = feed.changesAfter(0, 100);

    feed.pruneBefore(T0.plusSeconds(2));
    assertThat(feed.prunedThrough()).isEqualTo(all.get(1).sequence());
    assertThat(feed.changesAfter(0, 100)).containsExactly(all.get(2), all.get(3));

    feed.pruneBefore(T0.plusSeconds(60));
    assertThat(feed.prunedThrough())
        .as("the newest change is kept")
        .isEqualTo(all.get(2).sequence());
    assertThat(feed.changesAfter(0, 100)).containsExactly(all.get(3));

    feed.pruneBefore(T0.plusSeconds(60));
    feed.pruneBefore(T0);
    assertThat(feed.prunedThrough())
        .as("pruning again, or to an earlier cutoff, never lowers the marker")
        .isEqualTo(all.get(2).sequence());
    assertThat(feed.head()).isGreaterThanOrEqualTo(all.get(3).sequence());
  }

  /**
   * Clocks of writing nodes disagree: a change stamped later than the cutoff can sit below one
   * stamped earlier. The marker promises that everything up to it is gone, so that change goes too.
   */
  @Test
  void pruneBefore_deletesEverythingUpToTheMarker_evenAChangeStampedAfterTheCutoff() {
    StoredToken token = inserted();
    token = edit(token, "from a fast clock", T0.plusSeconds(50));
    token = edit(token, "from a slow clock", T0);
    edit(token, "newest", T0.plusSeconds(60));
    JdbcChangeFeed feed = polling();
    List<ChangeRecord> all = feed.changesAfter(0, 100);

    feed.pruneBefore(T0.plusSeconds(10));

    assertThat(feed.prunedThrough()).isEqualTo(all.get(1).sequence());
    assertThat(feed.changesAfter(0, 100)).containsExactly(all.get(2));
  }

  /**
   * Four nodes prune at once, with cutoffs that keep moving, while two others keep writing: every
   * prune succeeds, nothing at or below the marker is left, nothing above it is lost, and the
   * marker is the highest sequence deleted.
   *
   * <p>The cutoffs keep the feed's precondition ({@link io.accesstokens.spi.ChangeFeed}): every
   * change written before a cutoff has committed, as a follower's retention, longer than the
   * longest transaction, makes sure in use. A change that took its sequence and commits after a
   * prune deleted higher ones is below the marker by construction, whatever the store does (a run
   * that picked its cutoffs as "now" failed that way under load). So a writer holds a shared lock
   * from taking its time stamp until its commit, and a pruner reads its cutoff under the exclusive
   * lock: writers run concurrently with each other and with the prunes, and each cutoff lies below
   * every change still in flight, in time and so in sequence.
   */
  @Test
  void concurrentPruners_whileNodesWrite_keepTheMarkersPromise() throws Exception {
    List<JdbcTokenStore> nodes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      nodes.add(JdbcTokenStore.builder(db().newPool(2)).tablePrefix(prefix).build());
    }
    List<StoredToken> tokens = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      tokens.add(inserted());
    }
    AtomicLong clock = new AtomicLong(); // seconds after T0, shared by writers and pruners
    ReadWriteLock inFlight = new ReentrantReadWriteLock();
    List<Long> written = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();

    // Pruners run until both writers are done, then once more: however the threads are scheduled,
    // they prune while changes are written and after the last one.
    CountDownLatch writersDone = new CountDownLatch(2);
    Concurrently.run(
        6,
        t -> {
          JdbcTokenStore node = nodes.get(t);
          if (t < 2) {
            StoredToken token = tokens.get(t);
            for (int i = 0; i < 40; i++) {
              inFlight.readLock().lock();
              try {
                token =
                    editOn(node, token, "w" + t + "-" + i, T0.plusSeconds(clock.incrementAndGet()));
              } finally {
                inFlight.readLock().unlock();
              }
              written.add(token.version());
            }
            writersDone.countDown();
          } else {
            JdbcChangeFeed feed = feed(node, JdbcChangeFeed.Mode.POLLING);
            boolean last = false;
            while (!last) {
              last = writersDone.getCount() == 0;
              long cutoff;
              inFlight.writeLock().lock();
              try {
                cutoff = clock.get(); // every change stamped before it has committed
              } finally {
                inFlight.writeLock().unlock();
              }
              try {
                feed.pruneBefore(T0.plusSeconds(cutoff));
              } catch (RuntimeException e) {
                failures.add(e);
              }
            }
          }
        });
    JdbcChangeFeed feed = polling();

    assertThat(failures).isEmpty();
    assertThat(written).hasSize(80);
    long marker = feed.prunedThrough();
    long head = feed.head();
    List<Long> left = feed.changesAfter(-1, 1000).stream().map(ChangeRecord::sequence).toList();
    assertThat(marker).as("the pruners deleted something").isPositive();
    assertThat(head).as("80 changes, numbered without gaps (nothing rolled back)").isEqualTo(80);
    assertThat(left)
        .as("exactly the changes above the marker are left; the newest always")
        .isEqualTo(LongStream.rangeClosed(marker + 1, head).boxed().toList());
    assertThat(countChanges()).isEqualTo(left.size());
  }

  // ---- transactions
  // --------------------------------------------------------------------------------

  /**
   * A transaction takes its sequence number, then waits at its commit while a later one takes a
   * higher number and commits: the higher change is visible alone until the lower one commits.
   */
  @Test
  void aChange_isVisibleOnlyOnceItsTransactionCommits_evenBelowOneThatCommittedFirst()
      throws Exception {
    StoredToken first = inserted();
    StoredToken second = inserted();
    CommitGate gate = new CommitGate(db().dataSource());
    JdbcTokenStore held = JdbcTokenStore.builder(gate).tablePrefix(prefix).build();
    JdbcChangeFeed feed = polling();
    CommitGate.Held commit = gate.holdNextCommit();
    CompletableFuture<StoredToken> slow =
        CompletableFuture.supplyAsync(() -> deactivateOn(held, first, T0.plusSeconds(1)));
    commit.awaitReached(Duration.ofSeconds(30));

    assertThat(feed.changesAfter(0, 100)).as("taken but not committed").isEmpty();
    deactivate(second, T0.plusSeconds(2));
    List<ChangeRecord> before = feed.changesAfter(0, 100);
    assertThat(before).extracting(ChangeRecord::tokenId).containsExactly(second.id());
    assertThat(feed.head()).isGreaterThanOrEqualTo(before.get(0).sequence());

    commit.release();
    slow.get(30, TimeUnit.SECONDS);
    List<ChangeRecord> after = feed.changesAfter(0, 100);
    assertThat(after).extracting(ChangeRecord::tokenId).containsExactly(first.id(), second.id());
    assertThat(after.get(0).sequence())
        .as("the late commit took the lower number")
        .isLessThan(after.get(1).sequence());
  }

  @Test
  void aWriteWhoseCommitFails_leavesNoChange_onlyAGapInTheSequence() {
    StoredToken token = inserted();
    StoredToken other = inserted();
    CommitGate gate = new CommitGate(db().dataSource());
    JdbcTokenStore failing = JdbcTokenStore.builder(gate).tablePrefix(prefix).build();
    JdbcChangeFeed feed = polling();
    StoredToken otherOff = deactivate(other, T0);
    long before = feed.head();

    gate.failNextCommit();
    assertThatThrownBy(() -> deactivateOn(failing, token, T0.plusSeconds(1)))
        .isInstanceOf(StoreUnavailableException.class);

    assertThat(store.find(ACME, token.id())).contains(token);
    assertThat(feed.changesAfter(before, 100)).isEmpty();
    edit(otherOff, "after the rollback", T0.plusSeconds(2));
    assertThat(feed.changesAfter(before, 100))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.sequence())
                    .as("the rolled-back number is a gap")
                    .isGreaterThanOrEqualTo(before + 2));
  }

  /**
   * The statement that takes the sequence runs under the change-log timeout, not the query timeout.
   */
  @Test
  void aChangeInsertHeldUpPastTheChangeLogTimeout_failsTheWholeWrite() throws Exception {
    assumeThat(db().dialect())
        .as("H2 has no table lock another session can hold")
        .isNotEqualTo(JdbcDialect.H2);
    JdbcTokenStore impatient =
        JdbcTokenStore.builder(db().dataSource())
            .tablePrefix(prefix)
            .queryTimeout(Duration.ofSeconds(30))
            .changeLogTimeout(Duration.ofSeconds(1))
            .build();
    StoredToken token = inserted();
    try (Connection holder = db().dataSource().getConnection();
        Statement s = holder.createStatement()) {
      if (db().dialect() == JdbcDialect.POSTGRESQL) {
        holder.setAutoCommit(false);
        s.execute("LOCK TABLE " + prefix + "changes IN EXCLUSIVE MODE");
      } else {
        s.execute("LOCK TABLES " + prefix + "changes WRITE");
      }
      long start = System.nanoTime();

      assertThatThrownBy(() -> deactivateOn(impatient, token, T0.plusSeconds(1)))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("did not answer in time");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
      if (db().dialect() == JdbcDialect.POSTGRESQL) {
        holder.rollback();
      } else {
        s.execute("UNLOCK TABLES");
      }
    }
    assertThat(store.find(ACME, token.id()))
        .as("the row change rolled back with it")
        .contains(token);
    assertThat(polling().changesAfter(0, 100)).isEmpty();
  }

  @Test
  void aCommitLaterThanTheChangeLogTimeoutAfterTakingTheSequence_isLoggedAsAWarning()
      throws Exception {
    StoredToken token = inserted();
    CommitGate gate = new CommitGate(db().dataSource());
    JdbcTokenStore slow =
        JdbcTokenStore.builder(gate)
            .tablePrefix(prefix)
            .changeLogTimeout(Duration.ofSeconds(1))
            .build();
    CommitGate.Held commit = gate.holdNextCommit();
    int mark = CapturingAppender.mark();
    long[] heldSince = new long[1];
    CompletableFuture<Void> write =
        CompletableFuture.runAsync(() -> deactivateOn(slow, token, T0.plusSeconds(1)));
    commit.awaitReached(Duration.ofSeconds(30));
    heldSince[0] = System.nanoTime();
    Await.until(
        Duration.ofSeconds(10),
        "1.1 s passed",
        () -> System.nanoTime() - heldSince[0] > 1_100_000_000L);
    commit.release();
    write.get(30, TimeUnit.SECONDS);

    assertThat(CapturingAppender.lines().stream().skip(mark).toList())
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("WARN io.accesstokens.jdbc.JdbcTokenStore")
                    .contains("update of token " + token.id() + " committed")
                    .contains("longer than the change-log timeout (PT1S)"));
  }

  // ---- errors and modes
  // ----------------------------------------------------------------------------

  @Test
  void aFeedOnTablesNeverMigrated_failsAsUnavailable_andSaysSo() {
    JdbcChangeFeed feed = feed(db().newStore(db().newPrefix()), JdbcChangeFeed.Mode.POLLING);

    assertThatThrownBy(() -> feed.changesAfter(0, 10))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageStartingWith("reading the change log failed")
        .hasNoCause();
    assertThatThrownBy(feed::head).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> feed.pruneBefore(T0)).isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void theDefaultMode_isNotifyOnPostgreSql_andPollingElsewhere_whereNotifyIsRefused() {
    boolean postgres = db().dialect() == JdbcDialect.POSTGRESQL;
    JdbcChangeFeed feed = store.changeFeed();
    feeds.add(feed);

    assertThat(feed.mode())
        .isEqualTo(postgres ? JdbcChangeFeed.Mode.NOTIFY : JdbcChangeFeed.Mode.POLLING);
    assertThat(feed.stats()).isEqualTo(new JdbcChangeFeed.Stats(false, 0, 0, 0));
    if (!postgres) {
      assertThatThrownBy(() -> store.changeFeed(JdbcChangeFeed.Mode.NOTIFY))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "change notifications (LISTEN/NOTIFY) need PostgreSQL, but this store's dialect is "
                  + db().dialect()
                  + "; use Mode.POLLING");
    }
  }

  @Test
  void awaitChanges_inPollingMode_waitsTheWholeTimeout() throws InterruptedException {
    JdbcChangeFeed feed = polling();
    edit(inserted(), "a change", T0);
    long start = System.nanoTime();

    feed.awaitChanges(Duration.ofMillis(150));

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(150));
  }

  // ---- PostgreSQL: LISTEN/NOTIFY
  // --------------------------------------------------------------------

  @Test
  void awaitChanges_inNotifyMode_returnsAsSoonAsAChangeCommits_andWaitsTheTimeoutOtherwise()
      throws Exception {
    assumePostgres();
    JdbcChangeFeed feed = listening(feed(store, JdbcChangeFeed.Mode.NOTIFY));
    StoredToken token = inserted();

    long quiet = System.nanoTime();
    feed.awaitChanges(Duration.ofMillis(300));
    assertThat(Duration.ofNanos(System.nanoTime() - quiet))
        .as("no change: the whole timeout")
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));

    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      for (int i = 0; i < 5; i++) {
        StoredToken current = token;
        int n = i;
        Future<StoredToken> write =
            writer.submit(() -> edit(current, "edit " + n, T0.plusSeconds(n)));
        long start = System.nanoTime();
        feed.awaitChanges(Duration.ofSeconds(60));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("woken by the commit, round %d", i)
            .isLessThan(Duration.ofSeconds(10));
        token = write.get(30, TimeUnit.SECONDS);
        // A notification of this round's commit may arrive after the wake-up it caused: drain it.
        Await.until(
            Duration.ofSeconds(10),
            "notification " + (n + 1),
            () -> feed.stats().notifications() >= n + 1);
        feed.awaitChanges(Duration.ofMillis(1));
      }
    } finally {
      writer.shutdownNow();
    }
    assertThat(feed.stats().notifications()).isEqualTo(5);
  }

  @Test
  void aRolledBackWrite_sendsNoNotification() throws Exception {
    assumePostgres();
    JdbcChangeFeed feed = listening(feed(store, JdbcChangeFeed.Mode.NOTIFY));
    StoredToken token = inserted();
    CommitGate gate = new CommitGate(db().dataSource());
    JdbcTokenStore failing = JdbcTokenStore.builder(gate).tablePrefix(prefix).build();
    gate.failNextCommit();
    assertThatThrownBy(() -> deactivateOn(failing, token, T0.plusSeconds(1)))
        .isInstanceOf(StoreUnavailableException.class);
    edit(token, "committed", T0.plusSeconds(2));

    Await.until(
        Duration.ofSeconds(10),
        "the committed change's notification",
        () -> feed.stats().notifications() >= 1);
    // The one that committed is the only one that ever arrives (the listener drains its
    // connection).
    long start = System.nanoTime();
    while (System.nanoTime() - start < 500_000_000L) {
      feed.awaitChanges(Duration.ofMillis(100));
    }
    assertThat(feed.stats().notifications()).isEqualTo(1);
  }

  @Test
  void close_stopsListening_andHandsTheConnectionBackWithoutItsListen() throws Exception {
    assumePostgres();
    DataSource pool = db().newPool(1);
    JdbcTokenStore pooled = JdbcTokenStore.builder(pool).tablePrefix(prefix).build();
    JdbcChangeFeed feed = listening(feed(pooled, JdbcChangeFeed.Mode.NOTIFY));
    assertThat(listeners()).isEqualTo(1);

    feed.close();
    feed.close();

    assertThat(feed.stats().listening()).isFalse();
    Await.until(Duration.ofSeconds(10), "no session listens", () -> listeners() == 0);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_listening_channels()")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the pooled session listens to nothing").isZero();
    }
  }

  /**
   * The listening session is killed by the server: the loss is logged, the feed listens again on a
   * new connection, and notifications wake it as before.
   */
  @Test
  void aKilledListeningConnection_isLogged_andListenedAgain_andNotificationsResume()
      throws Exception {
    assumePostgres();
    JdbcChangeFeed feed = listening(feed(store, JdbcChangeFeed.Mode.NOTIFY));
    int mark = CapturingAppender.mark();

    assertThat(terminateListeners()).isEqualTo(1);

    Await.until(
        Duration.ofSeconds(30),
        "listening again on a new connection",
        () ->
            feed.stats().losses() == 1 && feed.stats().connects() == 2 && feed.stats().listening());
    assertThat(CapturingAppender.lines().stream().skip(mark).toList())
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("WARN io.accesstokens.jdbc.internal.PgChangeListener")
                    .contains(
                        "Lost the change notification connection on channel " + prefix + "changes")
                    .contains("polling continues"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("INFO io.accesstokens.jdbc.internal.PgChangeListener")
                    .contains("again"));
    assertThat(listeners()).isEqualTo(1);
    edit(inserted(), "after the reconnect", T0);
    Await.until(
        Duration.ofSeconds(10),
        "a notification on the new connection",
        () -> feed.stats().notifications() >= 1);
  }

  /**
   * Waits on {@code feed} until its listening connection is up, and drains the wake-up it causes.
   */
  static JdbcChangeFeed listening(JdbcChangeFeed feed) throws InterruptedException {
    feed.awaitChanges(Duration.ofMillis(1)); // starts the listening thread
    Await.until(Duration.ofSeconds(30), "the feed listens", () -> feed.stats().listening());
    feed.awaitChanges(Duration.ofMillis(1));
    return feed;
  }

  private void assumePostgres() {
    assumeThat(db().dialect())
        .as("LISTEN/NOTIFY is PostgreSQL's")
        .isEqualTo(JdbcDialect.POSTGRESQL);
  }

  /** Sessions whose last statement was this prefix's LISTEN: the feeds' listening connections. */
  private int listeners() {
    try {
      return ServerSide.count(
          db().dataSource(),
          "SELECT COUNT(*) FROM pg_stat_activity WHERE query = ? AND pid <> pg_backend_pid()",
          "LISTEN " + prefix + "changes");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private int terminateListeners() throws SQLException {
    return terminateListeners(db().dataSource(), prefix);
  }

  /**
   * Kills, as the server's administrator would, every session listening on {@code prefix}'s
   * channel.
   */
  static int terminateListeners(DataSource dataSource, String prefix) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE query = ? AND pid <> pg_backend_pid()")) {
      s.setString(1, "LISTEN " + prefix + "changes");
      int killed = 0;
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          killed += rs.getBoolean(1) ? 1 : 0;
        }
      }
      return killed;
    }
  }

  // ---- helpers
  // -------------------------------------------------------------------------------------

  private long countChanges() throws SQLException {
    try (Connection c = db().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + prefix + "changes")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private StoredToken inserted() {
    StoredToken row = rows.row(new TokenId(nextId++), T0);
    withoutItsRecord(row);
    return row;
  }

  /**
   * Writes {@code row} as the store's insert does, but without its creation record, so that each
   * test's log holds only the changes the test makes (the creation record has a test of its own).
   */
  private void withoutItsRecord(StoredToken row) {
    try (Connection c = db().dataSource().getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                new SqlStatements(db().dialect().internal(), prefix).get(Sql.INSERT))) {
      TokenRows.bindInsert(insert, row);
      insert.executeUpdate();
      if (!c.getAutoCommit()) {
        c.commit();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private StoredToken deactivate(StoredToken row, Instant at) {
    return deactivateOn(store, row, at);
  }

  private static StoredToken deactivateOn(JdbcTokenStore on, StoredToken row, Instant at) {
    StoredToken next = row.withToken(row.token().withStatus(TokenStatus.INACTIVE, at));
    on.update(next, new Change(TokenEventType.STATUS_CHANGED, ALICE, at));
    return next;
  }

  private StoredToken edit(StoredToken row, String description, Instant at) {
    return editOn(store, row, description, at);
  }

  private static StoredToken editOn(
      JdbcTokenStore on, StoredToken row, String description, Instant at) {
    StoredToken next = row.withToken(row.token().withDescription(description, at));
    on.update(next, new Change(TokenEventType.DESCRIPTION_EDITED, ALICE, at));
    return next;
  }
}
