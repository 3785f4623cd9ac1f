package io.accesstokens.jdbc;

import io.accesstokens.AccessTokenException;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.internal.Checks;
import io.accesstokens.jdbc.internal.ChangeRows;
import io.accesstokens.jdbc.internal.JdbcAccess;
import io.accesstokens.jdbc.internal.PgChangeListener;
import io.accesstokens.jdbc.internal.Sql;
import io.accesstokens.jdbc.internal.SqlStatements;
import io.accesstokens.jdbc.internal.TokenRows;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.ChangeRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change log of a {@link JdbcTokenStore}, for one {@link io.accesstokens.ChangeFollower}: every
 * status change, description edit and delete committed by any node on the database, in sequence
 * order. Get one from {@link JdbcTokenStore#changeFeed()}; the follower closes it.
 *
 * <p>In {@link Mode#POLLING} (every database) the follower reads the log every poll interval. In
 * {@link Mode#NOTIFY} (PostgreSQL) the feed also holds one connection from the data source that
 * {@code LISTEN}s on the channel {@code <prefix>changes}, on a thread of its own, and wakes the
 * follower as soon as a change commits; polling goes on underneath, so a lost notification costs
 * latency, never correctness. A lost listening connection is logged, and opened again with backoff
 * without ever holding up a poll.
 *
 * <p>Reads and pruning are bounded like the store's operations, by its query timeout (a read's
 * connection waits at most that long for the database, a partition included), and fail with {@link
 * StoreUnavailableException} as the store's do. Thread-safe.
 */
public final class JdbcChangeFeed implements ChangeFeed {
  private static final Logger log = LoggerFactory.getLogger(JdbcChangeFeed.class);

  /** How a follower learns that there are changes to read. */
  public enum Mode {
    /** Reads the log every poll interval of the follower; every database. */
    POLLING,
    /**
     * PostgreSQL: {@code LISTEN} on one dedicated connection, so the follower reads as soon as a
     * change commits (milliseconds), and polling as the safety net. Needs the PostgreSQL JDBC
     * driver ({@code org.postgresql:postgresql}) and a connection on which notifications arrive
     * (not a PgBouncer in transaction pooling mode).
     */
    NOTIFY
  }

  private final JdbcAccess jdbc;
  private final SqlStatements sql;
  private final Mode mode;
  private final @Nullable PgChangeListener listener;

  JdbcChangeFeed(JdbcAccess jdbc, SqlStatements sql, Mode mode) {
    this.jdbc = jdbc;
    this.sql = sql;
    this.mode = mode;
    this.listener =
        mode == Mode.NOTIFY
            ? new PgChangeListener(
                jdbc, sql.get(Sql.LISTEN), sql.get(Sql.UNLISTEN), sql.changeChannel())
            : null;
  }

  /** Whether the PostgreSQL JDBC driver, which {@link Mode#NOTIFY} needs, is on the class path. */
  static boolean pgjdbcPresent() {
    try {
      Class.forName("org.postgresql.PGConnection", false, JdbcChangeFeed.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** How this feed learns of changes. */
  public Mode mode() {
    return mode;
  }

  @Override
  public List<ChangeRecord> changesAfter(long after, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return jdbc.read(
        "reading the change log",
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(sql.get(Sql.CHANGES_AFTER))) {
            select.setLong(1, after);
            select.setInt(2, limit);
            List<ChangeRecord> rows = new ArrayList<>(Math.min(limit, 64));
            try (ResultSet rs = select.executeQuery()) {
              while (rs.next()) {
                rows.add(ChangeRows.read(rs));
              }
            }
            return rows;
          }
        });
  }

  /** Creations are logged with the insert ({@code CREATED}), so validators keep issued ids. */
  @Override
  public boolean recordsCreations() {
    return true;
  }

  @Override
  public long head() {
    // An aggregate: it always answers one row.
    return readNumber(
        "reading the change log's head",
        Sql.CHANGE_HEAD,
        () -> new StoreUnavailableException("the change log's head query answered no row"));
  }

  @Override
  public long prunedThrough() {
    return readNumber(
        "reading the change log's pruning marker", Sql.PRUNED_THROUGH, this::missingMarker);
  }

  /**
   * The number in the one row {@code query} answers; {@code noRow} is what answering none throws.
   */
  private long readNumber(
      String operation, Sql query, Supplier<? extends AccessTokenException> noRow) {
    return jdbc.read(
        operation,
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(sql.get(query));
              ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
              throw noRow.get();
            }
            return rs.getLong(1);
          }
        });
  }

  /**
   * Deletes every change up to the newest one written before {@code cutoff} (by the writing node's
   * clock) and raises the marker to it, in one transaction; pruners on several nodes queue on the
   * marker row. The newest change of all is always kept.
   *
   * <p>The bound is read first, on its own: the transaction then runs only locking statements and
   * never takes a snapshot, so a change committed meanwhile cannot make it fail (MariaDB with
   * {@code innodb_snapshot_isolation} refuses a locking read of a row newer than the snapshot). A
   * bound read before the lock stays good: rows are only ever deleted up to some such bound, and it
   * lies below the newest change, which is never deleted.
   */
  @Override
  public void pruneBefore(Instant cutoff) {
    Checks.notNull(cutoff, "cutoff");
    long cutoffMicros = micros(cutoff);
    String operation = "pruning the change log";
    long bound =
        jdbc.read(
            operation,
            connection -> {
              try (PreparedStatement select =
                  connection.prepareStatement(sql.get(Sql.PRUNE_BOUND))) {
                select.setLong(1, cutoffMicros);
                try (ResultSet rs = select.executeQuery()) {
                  rs.next();
                  return rs.getLong(1); // 0 when there is nothing to prune (SQL NULL)
                }
              }
            });
    if (bound <= 0) {
      return;
    }
    int deleted =
        jdbc.inTransaction(
            operation,
            null,
            connection -> {
              long marker;
              try (PreparedStatement lock =
                      jdbc.prepare(connection, sql.get(Sql.LOCK_PRUNE_MARKER));
                  ResultSet rs = lock.executeQuery()) {
                if (!rs.next()) {
                  throw missingMarker();
                }
                marker = rs.getLong(1);
              }
              if (bound <= marker) {
                return -1; // another node pruned this far already
              }
              int changes;
              try (PreparedStatement delete =
                  jdbc.prepare(connection, sql.get(Sql.DELETE_CHANGES_THROUGH))) {
                delete.setLong(1, bound);
                changes = delete.executeUpdate();
              }
              try (PreparedStatement raise =
                  jdbc.prepare(connection, sql.get(Sql.RAISE_PRUNE_MARKER))) {
                raise.setLong(1, bound);
                raise.setLong(2, bound);
                raise.executeUpdate();
              }
              return changes;
            });
    if (deleted >= 0) {
      log.debug(
          "Pruned {} changes, through sequence {} (written before {})", deleted, bound, cutoff);
    }
  }

  /**
   * Returns when a change was committed (in {@link Mode#NOTIFY}, as soon as the notification
   * arrives) or when {@code timeout} has passed, whichever comes first. Never fails: a lost
   * listening connection is opened again in the background while this simply waits the timeout.
   */
  @Override
  public void awaitChanges(Duration timeout) throws InterruptedException {
    Checks.notNull(timeout, "timeout");
    if (listener == null) {
      ChangeFeed.super.awaitChanges(timeout);
    } else {
      listener.await(timeout);
    }
  }

  /**
   * Releases the listening connection (in {@link Mode#NOTIFY}) and stops its thread. Idempotent.
   */
  @Override
  public void close() {
    if (listener != null) {
      listener.close();
    }
  }

  /** Counters of the listening connection; all zero in {@link Mode#POLLING}. */
  public Stats stats() {
    PgChangeListener l = listener;
    return l == null
        ? new Stats(false, 0, 0, 0)
        : new Stats(l.listening(), l.notifications(), l.connects(), l.losses());
  }

  /**
   * Counters of a feed's listening connection.
   *
   * @param listening whether a connection is listening now
   * @param notifications notifications received
   * @param connects times a listening connection was established
   * @param losses times an established connection was lost (each logged at WARN)
   */
  public record Stats(boolean listening, long notifications, long connects, long losses) {}

  @Override
  public String toString() {
    return "JdbcChangeFeed[" + mode + ", prefix=" + sql.prefix() + "]";
  }

  private AccessTokenException missingMarker() {
    return new StoreUnavailableException(
        "the change log's pruning marker (the row of "
            + sql.prefix()
            + "changes_pruned) is missing; migrate() writes it");
  }

  private static long micros(Instant at) {
    try {
      return TokenRows.micros(at);
    } catch (ArithmeticException e) {
      return at.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
