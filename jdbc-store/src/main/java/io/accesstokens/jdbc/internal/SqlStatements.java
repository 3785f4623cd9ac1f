package io.accesstokens.jdbc.internal;

import io.accesstokens.internal.Checks;
import java.util.EnumMap;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * A dialect's statements with the table prefix filled in, resolved once, when a store is built:
 * every {@link Sql} in the dialect's words, one line each. This is the only place any text is put
 * into SQL, and the only text is a prefix that matched {@link #TABLE_PREFIX}.
 */
public final class SqlStatements {
  /** The allow-list for table prefixes: a lower-case letter, then up to 23 of a-z, 0-9 and _. */
  public static final Pattern TABLE_PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,23}");

  /** {@link #TABLE_PREFIX} in words, for messages. */
  public static final String TABLE_PREFIX_RULE =
      "1 to 24 characters of a-z, 0-9 and _, starting with a letter ([a-z][a-z0-9_]{0,23})";

  /** The placeholder for the table prefix in statements and schema files. */
  public static final String PREFIX = "${prefix}";

  private static final String TOKEN_COLUMNS = "${tokenColumns}";
  private static final String CHANGE_COLUMNS = "${changeColumns}";
  private static final String[] NONE = {};

  private final Dialect dialect;
  private final String prefix;

  /**
   * Each statement's variants, the i-th optional clause in those whose bit i is set (one variant
   * for a statement without any); empty where the dialect has no such statement.
   */
  private final EnumMap<Sql, String[]> statements = new EnumMap<>(Sql.class);

  public SqlStatements(Dialect dialect, String prefix) {
    Checks.identifier(prefix, "table prefix", TABLE_PREFIX, TABLE_PREFIX_RULE);
    this.dialect = dialect;
    this.prefix = prefix;
    for (Sql statement : Sql.values()) {
      String text = dialect.statement(statement);
      statements.put(statement, text == null ? NONE : variants(resolve(text)));
    }
  }

  public Dialect dialect() {
    return dialect;
  }

  public String prefix() {
    return prefix;
  }

  /** The channel changes are announced on where the dialect notifies: {@code <prefix>changes}. */
  public String changeChannel() {
    return prefix + "changes";
  }

  /**
   * {@code statement} in this dialect, without its optional clauses.
   *
   * @throws IllegalStateException if the dialect has no such statement (see {@link #has})
   */
  public String get(Sql statement) {
    return variant(statement, 0);
  }

  /** Whether the dialect has {@code statement} (those without a portable text only some have). */
  public boolean has(Sql statement) {
    return variants(statement).length > 0;
  }

  /**
   * {@code statement} with the optional clauses whose bits are set in {@code clauses} (bit 0 for
   * the first).
   *
   * @throws IllegalStateException if the dialect has no such statement
   */
  public String variant(Sql statement, int clauses) {
    String[] variants = variants(statement);
    if (variants.length == 0) {
      throw new IllegalStateException(
          "the " + dialect + " dialect has no " + statement + " statement");
    }
    return variants[clauses];
  }

  /**
   * The {@link Sql#LIST} statement for this combination; its parameters are the organization, then
   * the environment and the status when filtered, then created_at, created_at and id_key when after
   * a cursor, then the limit.
   */
  public String list(boolean byEnvironment, boolean byStatus, boolean afterCursor) {
    return list(byEnvironment, byStatus, afterCursor, false);
  }

  /**
   * {@link Sql#LIST} with the chosen clauses, the expiry window among them; without any filter,
   * {@link Sql#LIST_UNFILTERED} where the dialect has it (the same parameters).
   */
  public String list(
      boolean byEnvironment, boolean byStatus, boolean afterCursor, boolean byExpiry) {
    return list(byEnvironment, byStatus, afterCursor, byExpiry, false);
  }

  /** {@link Sql#LIST} with the chosen clauses, the unused-since filter among them. */
  public String list(
      boolean byEnvironment,
      boolean byStatus,
      boolean afterCursor,
      boolean byExpiry,
      boolean byUse) {
    if (!byEnvironment && !byStatus && !byExpiry && !byUse && has(Sql.LIST_UNFILTERED)) {
      return variant(Sql.LIST_UNFILTERED, afterCursor ? 1 : 0);
    }
    return variant(
        Sql.LIST,
        (byEnvironment ? 1 : 0)
            | (byStatus ? 2 : 0)
            | (afterCursor ? 4 : 0)
            | (byExpiry ? 8 : 0)
            | (byUse ? 16 : 0));
  }

  /**
   * {@code template} (a statement or a schema file) with this store's prefix in place of {@value
   * #PREFIX}, and the column lists of {@link TokenRows#COLUMNS} and {@link ChangeRows#COLUMNS} in
   * place of their placeholders.
   */
  public String resolve(String template) {
    return template
        .replace(PREFIX, prefix)
        .replace(TOKEN_COLUMNS, TokenRows.COLUMNS)
        .replace(CHANGE_COLUMNS, ChangeRows.COLUMNS);
  }

  private String[] variants(Sql statement) {
    String[] variants = statements.get(statement);
    return variants == null ? NONE : variants;
  }

  /** Every variant of a statement's text, each on one line. */
  private static String[] variants(String text) {
    List<String> lines = text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    int optional = (int) lines.stream().filter(SqlStatements::isOptional).count();
    String[] variants = new String[1 << optional];
    for (int clauses = 0; clauses < variants.length; clauses++) {
      StringJoiner statement = new StringJoiner(" ");
      int clause = 0;
      for (String line : lines) {
        if (!isOptional(line)) {
          statement.add(line);
        } else if ((clauses & (1 << clause++)) != 0) {
          statement.add(line.substring(1, line.length() - 1));
        }
      }
      variants[clauses] = statement.toString();
    }
    return variants;
  }

  private static boolean isOptional(String line) {
    return line.startsWith("[") && line.endsWith("]");
  }
}
