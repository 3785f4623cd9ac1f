package io.accesstokens.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's side of the change feed's notify mode: one connection from the data source that
 * {@code LISTEN}s on the change channel, held by a thread of its own, which wakes whoever is in
 * {@link #await} when a notification arrives. All connection work (opening, listening, probing,
 * reopening with backoff) happens on that thread, so {@link #await} never waits longer than its
 * timeout, whatever the database or the pool do: the follower's polls are never held up.
 *
 * <p>A quiet connection is probed every {@value #PROBE_EVERY_SECONDS} seconds (by repeating the
 * {@code LISTEN}, which also keeps the session's last statement recognisable in {@code
 * pg_stat_activity}) under a network timeout, so a connection that died silently is found too.
 * Before the connection goes back to its pool it stops listening, so a pooled session never keeps
 * collecting notifications.
 */
public final class PgChangeListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PgChangeListener.class);

  /** One wait for notifications; also how soon the thread notices {@link #close()}. */
  static final int WAIT_MILLIS = 250;

  static final int PROBE_EVERY_SECONDS = 5;

  /** Longest any read on the listening connection may block (a probe's answer, an UNLISTEN's). */
  static final int NETWORK_TIMEOUT_MILLIS = 10_000;

  static final int STATEMENT_TIMEOUT_SECONDS = 5;
  static final long FIRST_BACKOFF_MILLIS = 100;
  static final long MAX_BACKOFF_MILLIS = 10_000;

  /** Whose connection it is, for log lines. */
  private static final String WHAT = "the change listener";

  private final JdbcAccess jdbc;
  private final String listen;
  private final String unlisten;
  private final String channel;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private boolean pending;
  private @Nullable Thread thread;
  private boolean closed;

  private volatile boolean listening;
  private final AtomicLong notifications = new AtomicLong();
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong losses = new AtomicLong();

  /**
   * A listener that takes its connection from {@code jdbc}, and listens on {@code channel}.
   *
   * @param listen the statement that listens on {@code channel} ({@link Sql#LISTEN})
   * @param unlisten the statement that stops it ({@link Sql#UNLISTEN})
   */
  public PgChangeListener(JdbcAccess jdbc, String listen, String unlisten, String channel) {
    this.jdbc = jdbc;
    this.listen = listen;
    this.unlisten = unlisten;
    this.channel = channel;
  }

  /**
   * Waits until a notification arrives (or arrived since the last call), or {@code timeout} passes.
   * The first call starts the listening thread.
   */
  public void await(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lockInterruptibly();
    try {
      if (!closed && thread == null) {
        Thread t = new Thread(this::run, "access-tokens-change-listener");
        t.setDaemon(true);
        thread = t;
        t.start();
      }
      while (!pending && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      pending = false;
    } finally {
      lock.unlock();
    }
  }

  /** Whether a connection is listening now. */
  public boolean listening() {
    return listening;
  }

  /** Notifications received so far. */
  public long notifications() {
    return notifications.get();
  }

  /** Times a listening connection was established. */
  public long connects() {
    return connects.get();
  }

  /** Times an established connection was lost (each logged at WARN). */
  public long losses() {
    return losses.get();
  }

  /** Stops the thread, which stops listening and closes its connection. Idempotent. */
  @Override
  public void close() {
    Thread t;
    lock.lock();
    try {
      closed = true;
      t = thread;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
      try {
        t.join(NETWORK_TIMEOUT_MILLIS + 5_000L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      pending = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---- the listening thread
  // ------------------------------------------------------------------------

  private void run() {
    Connection connection = null;
    PGConnection pg = null;
    long backoff = FIRST_BACKOFF_MILLIS;
    int failuresInARow = 0;
    boolean everListened = false;
    long lastHeard = 0;
    try {
      while (!isClosed()) {
        if (connection == null || pg == null) {
          try {
            connection = jdbc.hold(WHAT, NETWORK_TIMEOUT_MILLIS);
            pg = startListening(connection);
          } catch (SQLException | RuntimeException e) {
            discard(connection);
            connection = null;
            pg = null;
            if (isClosed()) {
              return;
            }
            long wait = jitter(backoff);
            failuresInARow++;
            if (failuresInARow == 1) {
              log.warn(
                  "Could not listen for change notifications on channel {} {}; polling continues,"
                      + " trying again in {} ms",
                  channel,
                  describe(e),
                  wait);
            } else {
              log.debug(
                  "Listening for change notifications on channel {} failed again ({} times in a"
                      + " row) {}; trying again in {} ms",
                  channel,
                  failuresInARow,
                  describe(e),
                  wait);
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            if (!pause(wait)) {
              return;
            }
            continue;
          }
          connects.incrementAndGet();
          listening = true;
          lastHeard = System.nanoTime();
          if (everListened || failuresInARow > 0) {
            log.info("Listening for change notifications on channel {} again", channel);
          } else {
            log.debug("Listening for change notifications on channel {}", channel);
          }
          everListened = true;
          failuresInARow = 0;
          signal(); // changes may have committed while nobody listened
          continue;
        }
        try {
          PGNotification[] received = pg.getNotifications(WAIT_MILLIS);
          long now = System.nanoTime();
          if (received != null && received.length > 0) {
            notifications.addAndGet(received.length);
            lastHeard = now;
            backoff = FIRST_BACKOFF_MILLIS; // this connection works
            signal();
          } else if (now - lastHeard >= TimeUnit.SECONDS.toNanos(PROBE_EVERY_SECONDS)) {
            execute(connection, listen);
            lastHeard = now;
            backoff = FIRST_BACKOFF_MILLIS;
          }
        } catch (SQLException | RuntimeException e) {
          if (isClosed()) {
            return;
          }
          listening = false;
          losses.incrementAndGet();
          discard(connection);
          connection = null;
          pg = null;
          long wait = jitter(backoff);
          log.warn(
              "Lost the change notification connection on channel {} {}; polling continues,"
                  + " listening again in {} ms",
              channel,
              describe(e),
              wait);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
          if (!pause(wait)) {
            return;
          }
        }
      }
    } finally {
      listening = false;
      Thread.interrupted(); // close() interrupted us; the UNLISTEN below must still run
      release(connection);
    }
  }

  /**
   * LISTEN on a held connection: in autocommit (notifications arrive only between transactions) and
   * under a network timeout.
   */
  private PGConnection startListening(Connection connection) throws SQLException {
    if (!connection.isWrapperFor(PGConnection.class)) {
      throw new SQLException(
          "the data source's connections are not PostgreSQL JDBC driver connections", "0A000");
    }
    PGConnection pg = connection.unwrap(PGConnection.class);
    execute(connection, listen);
    return pg;
  }

  private static void execute(Connection connection, String statement) throws SQLException {
    JdbcAccess.execute(connection, statement, STATEMENT_TIMEOUT_SECONDS);
  }

  /** Waits {@code millis} unless closed first; false if closed. */
  private boolean pause(long millis) {
    long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
    lock.lock();
    try {
      while (!closed && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      return !closed;
    } catch (InterruptedException e) {
      // Only close() interrupts this thread.
      return false;
    } finally {
      lock.unlock();
    }
  }

  private static long jitter(long millis) {
    return millis * 3 / 4 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
  }

  /**
   * Stops listening, so the pooled session does not go on collecting notifications, then closes.
   */
  private void release(@Nullable Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      execute(connection, unlisten);
    } catch (SQLException | RuntimeException e) {
      log.debug(
          "Could not stop listening on channel {} {}; dropping the connection",
          channel,
          describe(e));
      discard(connection);
      return;
    }
    JdbcAccess.closeQuietly(connection, WHAT);
  }

  /**
   * A connection that failed: aborted, so a pool does not hand it out still listening, then closed.
   */
  private static void discard(@Nullable Connection connection) {
    JdbcAccess.discard(connection, WHAT);
  }

  /** The codes of a failure, never a driver's text (which can quote values). */
  private static String describe(Exception e) {
    return SqlErrors.codesOf(e);
  }
}
