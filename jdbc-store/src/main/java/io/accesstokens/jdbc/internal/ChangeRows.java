package io.accesstokens.jdbc.internal;

import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.ChangeRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** How a change maps to a row of {@code changes} and back. */
public final class ChangeRows {
  /**
   * The changes other nodes must see: what can turn an accepted token into a refused one or change
   * what a cached answer holds, and creations (which keep every node's set of issued ids current).
   * Copy (nothing changed) and reseals (same value, same answer) are not logged, as in the memory
   * store.
   */
  public static final Set<TokenEventType> LOGGED =
      EnumSet.of(
          TokenEventType.CREATED,
          TokenEventType.STATUS_CHANGED,
          TokenEventType.DESCRIPTION_EDITED,
          TokenEventType.DELETED,
          TokenEventType.ENTITLEMENT_CHANGED);

  /** The change log's columns, in the order {@link #read} reads them. */
  public static final String COLUMNS = "seq, id_key, change_type, version, changed_at";

  private ChangeRows() {}

  /** Binds id_key, change_type, version and changed_at from 1, in the order of the insert. */
  public static void bindInsert(
      PreparedStatement statement, TokenId id, long version, Change change) throws SQLException {
    statement.setLong(1, TokenRows.key(id));
    statement.setString(2, change.type().name());
    statement.setLong(3, version);
    statement.setLong(4, TokenRows.micros(change.at()));
  }

  /**
   * The change at the result set's current row, in {@link #COLUMNS} order.
   *
   * @throws IllegalArgumentException if the row is not a valid change (not written by this store)
   */
  public static ChangeRecord read(ResultSet rs) throws SQLException {
    return new ChangeRecord(
        rs.getLong(1),
        TokenRows.id(rs.getLong(2)),
        type(rs.getString(3)),
        rs.getLong(4),
        TokenRows.instant(rs.getLong(5)));
  }

  /**
   * The change type named {@code name}, or {@code null} if this version does not know it: a newer
   * node wrote it during a rolling upgrade. The row still names the token that changed, which is
   * all a follower needs; refusing the row would stall the follower behind it until this node
   * upgrades.
   */
  private static @Nullable TokenEventType type(String name) {
    for (TokenEventType type : TokenEventType.values()) {
      if (type.name().equals(name)) {
        return type;
      }
    }
    return null;
  }
}
