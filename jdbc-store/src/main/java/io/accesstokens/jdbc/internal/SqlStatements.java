package io.accesstokens.jdbc.internal;

import io.accesstokens.internal.Checks;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A dialect's statements with the table prefix filled in, once, when a store is built. This is the
 * only place any text is put into SQL, and the only text is a prefix that matched
 * {@link #TABLE_PREFIX}.
 */
public final class SqlStatements {
  /** The allow-list for table prefixes: a lower-case letter, then up to 23 of a-z, 0-9 and _. */
  public static final Pattern TABLE_PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,23}");
  /** {@link #TABLE_PREFIX} in words, for messages. */
  public static final String TABLE_PREFIX_RULE =
      "1 to 24 characters of a-z, 0-9 and _, starting with a letter ([a-z][a-z0-9_]{0,23})";

  private static final int FILTER_ENVIRONMENT = 1;
  private static final int FILTER_STATUS = 2;
  private static final int AFTER_CURSOR = 4;

  private final SqlStatementsSource source;
  private final String prefix;
  public final String insert;
  public final String findById;
  public final String findByDigest;
  private final String[] lists = new String[8];
  public final String scanFirst;
  public final String scanAfter;
  public final String update;
  public final String versionOf;
  public final String lockForDelete;
  public final String delete;
  public final @Nullable String deleteReturning;
  public final String insertChange;
  public final boolean notifiesChanges;
  public final String changesAfter;
  public final String changeHead;
  public final String prunedThrough;
  public final String lockPruneMarker;
  public final String pruneBound;
  public final String deleteChangesThrough;
  public final String raisePruneMarker;
  /** The channel changes are announced on where the dialect notifies: {@code <prefix>changes}. */
  public final String changeChannel;

  public SqlStatements(SqlStatementsSource source, String prefix) {
    Checks.identifier(prefix, "table prefix", TABLE_PREFIX, TABLE_PREFIX_RULE);
    this.source = source;
    this.prefix = prefix;
    insert = resolve(source.insert());
    findById = resolve(source.findById());
    findByDigest = resolve(source.findByDigest());
    for (int variant = 0; variant < lists.length; variant++) {
      lists[variant] = resolve(source.listHead()
          + ((variant & FILTER_ENVIRONMENT) != 0 ? source.listEnvironment() : "")
          + ((variant & FILTER_STATUS) != 0 ? source.listStatus() : "")
          + ((variant & AFTER_CURSOR) != 0 ? source.listAfter() : "")
          + source.listTail());
    }
    scanFirst = resolve(source.scanFirst());
    scanAfter = resolve(source.scanAfter());
    update = resolve(source.update());
    versionOf = resolve(source.versionOf());
    lockForDelete = resolve(source.lockForDelete());
    delete = resolve(source.delete());
    String returning = source.deleteReturning();
    deleteReturning = returning == null ? null : resolve(returning);
    insertChange = resolve(source.insertChange());
    notifiesChanges = source.notifiesChanges();
    changesAfter = resolve(source.changesAfter());
    changeHead = resolve(source.changeHead());
    prunedThrough = resolve(source.prunedThrough());
    lockPruneMarker = resolve(source.lockPruneMarker());
    pruneBound = resolve(source.pruneBound());
    deleteChangesThrough = resolve(source.deleteChangesThrough());
    raisePruneMarker = resolve(source.raisePruneMarker());
    changeChannel = prefix + "changes";
  }

  /** The source these statements came from (for the migrator's dialect-specific parts). */
  public SqlStatementsSource source() {
    return source;
  }

  public String prefix() {
    return prefix;
  }

  /**
   * The list statement for this combination; its parameters are the organization, then the
   * environment and the status when filtered, then created_at, created_at and id_key when after a
   * cursor, then the limit.
   */
  public String list(boolean byEnvironment, boolean byStatus, boolean afterCursor) {
    return lists[(byEnvironment ? FILTER_ENVIRONMENT : 0) | (byStatus ? FILTER_STATUS : 0)
        | (afterCursor ? AFTER_CURSOR : 0)];
  }

  /** {@code template} with this store's prefix in place of {@value SqlStatementsSource#PREFIX}. */
  public String resolve(String template) {
    return template.replace(SqlStatementsSource.PREFIX, prefix);
  }
}
