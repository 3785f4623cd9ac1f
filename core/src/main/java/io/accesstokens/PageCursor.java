package io.accesstokens;

import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Redaction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Where the next page of a list starts: the last row's creation time and id (a keyset cursor, so
 * inserts and deletes between two page requests neither repeat nor skip a row that existed
 * throughout). Hand {@link #encode()} to a browser and {@link #parse} it back.
 *
 * @param createdAt creation time of the last row seen
 * @param id id of the last row seen
 */
public record PageCursor(Instant createdAt, TokenId id) {
  private static final String VERSION = "c1";

  public PageCursor {
    Checks.notNull(createdAt, "cursor creation time");
    Checks.notNull(id, "cursor id");
    createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
  }

  /** The cursor of the page after {@code last}. */
  public static PageCursor after(AccessToken last) {
    return new PageCursor(last.createdAt(), last.id());
  }

  /** An opaque, URL-safe text form. */
  public String encode() {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
    String plain = VERSION + ":" + micros + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Reads {@link #encode()}'s form.
   *
   * @throws IllegalArgumentException if {@code text} is not a cursor this library wrote; the
   *     message gives its kind and length only, never its characters (it may be a token value
   *     pasted in the wrong place)
   */
  public static PageCursor parse(String text) {
    Checks.notNull(text, "cursor");
    try {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
      String[] parts = plain.split(":", -1);
      if (parts.length == 3 && parts[0].equals(VERSION)) {
        long micros = Long.parseLong(parts[1]);
        return new PageCursor(
            Instant.EPOCH.plus(micros, ChronoUnit.MICROS), TokenId.parse(parts[2]));
      }
    } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
      // fall through to the one message below
    }
    throw new IllegalArgumentException("cursor is malformed: " + Redaction.describe(text));
  }

  @Override
  public String toString() {
    return encode();
  }
}
