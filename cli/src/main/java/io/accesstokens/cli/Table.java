package io.accesstokens.cli;

import io.accesstokens.AccessToken;
import io.accesstokens.ConnectionSource;
import io.accesstokens.TokenStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Plain-text tables and the page's words for a token (Active, Inactive, the masked value). */
final class Table {
  /** The page's columns, after the id every other command takes. */
  static final List<String> TOKEN_COLUMNS =
      List.of(
          "ID", "Token", "Status", "Environment", "Description", "Scope", "Expires", "Last used");

  /**
   * The column added after {@link #TOKEN_COLUMNS} when a row of the page succeeded another token by
   * a rotation: the predecessor's id, empty for a token created directly.
   */
  static final String ROTATED_FROM = "Rotated from";

  /** How the Expires column shows an expiry: to the minute, in UTC. */
  private static final DateTimeFormatter EXPIRES =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Table() {}

  /**
   * Columns padded to their widest cell (in code points), two spaces apart, no trailing blanks.
   * Each cell is shown as {@link ConsoleText#forTerminal}, so one row is one line and reads as what
   * it holds.
   */
  static void print(PrintWriter out, List<String> headers, List<List<String>> rawRows) {
    List<List<String>> rows =
        rawRows.stream().map(row -> row.stream().map(ConsoleText::forTerminal).toList()).toList();
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = width(headers.get(i));
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], width(row.get(i)));
      }
    }
    printRow(out, headers, widths);
    for (List<String> row : rows) {
      printRow(out, row, widths);
    }
  }

  /**
   * One row of the token table: never the full value, which the library does not even have here.
   */
  static List<String> tokenRow(AccessToken token, Instant now) {
    return List.of(
        token.id().toString(),
        token.maskedValue(),
        status(token.status()),
        token.environment().value(),
        token.description() == null ? "" : token.description(),
        token.scope().name(),
        expires(token, now),
        lastUsed(token));
  }

  /**
   * The Last used column: {@code Never}, or when a validator last accepted the token, to the minute
   * in UTC (as last flushed: validators write it at most once per interval, 10 minutes by default),
   * followed by {@code from} and the connection's source address when the validating host passed
   * one ({@code 2026-12-03 10:00 UTC from 10.0.0.7}; printable ASCII, checked when it was made).
   */
  static String lastUsed(AccessToken token) {
    Instant at = token.lastUsedAt();
    if (at == null) {
      return "Never";
    }
    ConnectionSource from = token.lastUsedFrom();
    return from == null ? EXPIRES.format(at) : EXPIRES.format(at) + " from " + from.address();
  }

  /**
   * The rows of {@code tokens} with the columns they need: {@link #TOKEN_COLUMNS}, and {@link
   * #ROTATED_FROM} only when one of them has a predecessor (so a page without rotations reads as
   * before).
   */
  static void printTokens(PrintWriter out, List<AccessToken> tokens, Instant now) {
    boolean rotated = tokens.stream().anyMatch(t -> t.rotatedFrom() != null);
    List<String> headers = new java.util.ArrayList<>(TOKEN_COLUMNS);
    if (rotated) {
      headers.add(ROTATED_FROM);
    }
    List<List<String>> rows = new java.util.ArrayList<>();
    for (AccessToken token : tokens) {
      List<String> row = new java.util.ArrayList<>(tokenRow(token, now));
      if (rotated) {
        row.add(token.rotatedFrom() == null ? "" : token.rotatedFrom().toString());
      }
      rows.add(row);
    }
    print(out, headers, rows);
  }

  /**
   * The Expires column: {@code Never}, {@code Expired} once the expiry has passed at {@code now},
   * else the expiry to the minute in UTC (rounded down: the token stops validating within that
   * minute). Status stays Active or Inactive either way, as the page's toggle sets it.
   */
  static String expires(AccessToken token, Instant now) {
    Instant at = token.expiresAt();
    if (at == null) {
      return "Never";
    }
    return token.isExpiredAt(now) ? "Expired" : EXPIRES.format(at);
  }

  /** The Status column's word. */
  static String status(TokenStatus status) {
    return status == TokenStatus.ACTIVE ? "Active" : "Inactive";
  }

  /**
   * A token in a sentence (a message, the delete prompt): id, environment and description. The
   * masked value would only repeat the id (it is the prefix and the id).
   */
  static String describe(AccessToken token) {
    return token.id()
        + " ("
        + token.environment()
        + (token.description() == null
            ? ""
            : ", \"" + ConsoleText.forTerminal(token.description()) + "\"")
        + ")";
  }

  private static void printRow(PrintWriter out, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      line.append(cell);
      if (i < cells.size() - 1) {
        line.append(" ".repeat(widths[i] - width(cell) + 2));
      }
    }
    out.println(line.toString().stripTrailing());
  }

  private static int width(String text) {
    return text.codePointCount(0, text.length());
  }
}
