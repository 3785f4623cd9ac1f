package io.accesstokens;

import io.accesstokens.internal.Base62;
import io.accesstokens.internal.Checks;
import io.accesstokens.internal.TokenFormat;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds token values in text (logs, files, tickets, exported integration projects) without a store:
 * every value the {@linkplain #PATTERN published pattern} matches and whose checksum is right, with
 * its position and its token's id. It never returns, keeps or logs a value; a {@link FoundToken}
 * holds the id and the position only.
 *
 * <h2>The published pattern</h2>
 *
 * <pre>{@value #PATTERN}</pre>
 *
 * <p>{@code atk_}, then 49 base62 characters (the 11 of the id, the 32 of the secret, the 6 of the
 * checksum), forming a whole run: neither preceded nor followed by a base62 character ({@code
 * 0-9A-Za-z}). A value inside a longer run of base62 characters is not a value (a half-match of a
 * longer identifier, or a value with characters glued to it), while anything else may stand next to
 * one: quotes, {@code = / ? & : < >}, white space, punctuation, and {@code _} too, which no value's
 * 49 characters can contain (so {@code _atk_…_}, a value in italics in Markdown or chat, is found).
 * The prefix is lower case, as the validator requires. For engines without look-around (RE2,
 * GitHub's custom patterns), the same with the boundaries apart: before the value {@code
 * \A|[^0-9A-Za-z]}, the value {@code atk_[0-9A-Za-z]{49}}, after it {@code \z|[^0-9A-Za-z]}.
 *
 * <p>A match is then kept only if its checksum (CRC32 of the first 47 characters, in the last 6) is
 * right and its id fits in 64 bits ({@code TokenFormat.isWellFormed}): random text that matches the
 * pattern is kept with odds of about one in 5.7 x 10^10 per match, which is why random and real
 * text give no false positives ({@code TokenScannerTest}).
 *
 * <h2>Speed</h2>
 *
 * <p>No regular expression runs on the hot loop: the scan looks for {@code atk_} with {@link
 * String#indexOf(String)} (vectorized by the JVM), checks the boundaries and the 49 characters of
 * each hit, and verifies the checksum only of what has the shape. A reader's line breaks are found
 * the same way, with {@link String#indexOf(int)}. Measured with {@code ScanBenchmark}:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'ScanBenchmark'
 * </pre>
 *
 * <h2>Readers</h2>
 *
 * <p>{@link #scan(Reader, Consumer)} streams: it reads windows of at most {@value #WINDOW}
 * characters and carries the last {@value TokenFormat#LENGTH} (plus one) into the next, so a value
 * across the reader's chunks is found and memory stays bounded whatever the input's size. It scans
 * what each {@code read} returns at once, so values read from a pipe are reported as they arrive.
 */
public final class TokenScanner {
  /** The published regular expression of a token value, with its boundaries. */
  public static final String PATTERN = "(?<![0-9A-Za-z])atk_[0-9A-Za-z]{49}(?![0-9A-Za-z])";

  /** The most characters a reader's scan reads at once. */
  public static final int WINDOW = 1 << 15;

  /** The most characters carried from one window to the next: a value and the one before it. */
  private static final int CARRIED = TokenFormat.LENGTH + 1;

  private TokenScanner() {}

  /**
   * Every value in {@code text} (a {@code String}, a {@code StringBuilder}, a {@code CharBuffer}),
   * in order. A {@code String} is scanned in place; other sequences are read in windows, as a
   * reader is.
   */
  public static List<FoundToken> scan(CharSequence text) {
    Checks.notNull(text, "text");
    List<FoundToken> found = new ArrayList<>();
    if (text instanceof String whole) {
      new Scan(found::add).window(whole, 0, 0, true);
      return found;
    }
    try {
      scan(new SequenceReader(text), found::add, WINDOW);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a SequenceReader does not throw
    }
    return found;
  }

  /**
   * Reads {@code in} to its end and hands every value found to {@code found}, in order, as soon as
   * it is read. Does not close {@code in}.
   *
   * @throws IOException if {@code in} does; values found before are handed over already
   */
  public static void scan(Reader in, Consumer<? super FoundToken> found) throws IOException {
    scan(in, found, WINDOW);
  }

  /** {@link #scan(Reader, Consumer)} in windows of {@code windowChars}: for tests of the seams. */
  static void scan(Reader in, Consumer<? super FoundToken> found, int windowChars)
      throws IOException {
    Checks.notNull(in, "in");
    Checks.notNull(found, "found");
    Checks.argument(windowChars > CARRIED, "the window must be longer than a value and one more");
    char[] buffer = new char[windowChars];
    Scan scan = new Scan(found);
    int kept = 0;
    long base = 0;
    int from = 0;
    while (true) {
      int read = in.read(buffer, kept, buffer.length - kept);
      boolean last = read < 0;
      int length = kept + Math.max(read, 0);
      // A String, for its vectorized indexOf; copying one window costs less than scanning it.
      String window = new String(buffer, 0, length);
      int undecided = scan.window(window, base, from, last);
      if (last) {
        return;
      }
      // Keep the undecided tail and the character before it (the boundary of a value there).
      int keepFrom = undecided == 0 ? 0 : undecided - 1;
      scan.countLinesTo(base + keepFrom);
      kept = length - keepFrom;
      System.arraycopy(buffer, keepFrom, buffer, 0, kept);
      base += keepFrom;
      from = undecided - keepFrom;
    }
  }

  /** One scan's state: where values go, and the line count up to where it has got. */
  private static final class Scan {
    private final Consumer<? super FoundToken> found;

    /** The line at {@link #counted} and the offset of its first character. */
    private long line = 1;

    private long lineStart;

    /** Every line break before this offset is counted. */
    private long counted;

    /** The character just before {@link #counted} (none, 0, at the start). */
    private char previous;

    /** The window being scanned, where it starts, and its next line breaks (-1: not looked for). */
    private String window = "";

    private long base;
    private int nextLf;
    private int nextCr;

    Scan(Consumer<? super FoundToken> found) {
      this.found = found;
    }

    /**
     * Scans the values of {@code text} that start at or after {@code from} and can be decided: all
     * of them in the {@code last} window, otherwise those followed by at least one character.
     * Returns where the first undecided start may be.
     */
    int window(String text, long base, int from, boolean last) {
      this.window = text;
      this.base = base;
      this.nextLf = -1;
      this.nextCr = -1;
      int lastStart = text.length() - TokenFormat.LENGTH - (last ? 0 : 1);
      for (int at = text.indexOf(TokenFormat.PREFIX, from);
          at >= 0 && at <= lastStart;
          at = text.indexOf(TokenFormat.PREFIX, at + TokenFormat.PREFIX.length())) {
        candidate(text, at);
      }
      return Math.max(from, lastStart + 1);
    }

    /**
     * The prefix at {@code at}: a value if it starts a run (text start, or a non-base62 character
     * before it; a window after the first starts with a carried character), its 49 characters are
     * base62, the run ends with them, and the checksum is right.
     */
    private void candidate(String text, int at) {
      int end = at + TokenFormat.LENGTH;
      if ((at > 0 && isBase62(text.charAt(at - 1)))
          || (end < text.length() && isBase62(text.charAt(end)))) {
        return;
      }
      for (int i = at + TokenFormat.PREFIX.length(); i < end; i++) {
        if (!isBase62(text.charAt(i))) {
          return;
        }
      }
      TokenId id = TokenFormat.wellFormedId(text.substring(at, end));
      if (id != null) {
        long offset = base + at;
        countLinesTo(offset);
        found.accept(new FoundToken(id, offset, line, offset - lineStart + 1));
      }
    }

    /**
     * Counts the line breaks before {@code offset} (at or after {@link #counted}, inside the
     * current window): each {@code \r}, and each {@code \n} not right after a {@code \r}.
     */
    void countLinesTo(long offset) {
      int from = (int) (counted - base);
      int to = (int) (offset - base);
      for (int at = from; ; ) {
        if (nextLf < at) {
          nextLf = indexOrEnd('\n', at);
        }
        if (nextCr < at) {
          nextCr = indexOrEnd('\r', at);
        }
        int lineBreak = Math.min(nextLf, nextCr);
        if (lineBreak >= to) {
          break;
        }
        char before = lineBreak > 0 ? window.charAt(lineBreak - 1) : previous;
        if (window.charAt(lineBreak) == '\r' || before != '\r') {
          line++;
        }
        lineStart = base + lineBreak + 1;
        at = lineBreak + 1;
      }
      if (to > from) {
        previous = window.charAt(to - 1);
      }
      counted = offset;
    }

    private int indexOrEnd(char c, int from) {
      int at = window.indexOf(c, from);
      return at < 0 ? Integer.MAX_VALUE : at;
    }

    private static boolean isBase62(char c) {
      return Base62.value(c) >= 0;
    }
  }

  /** A reader over a character sequence, so that any sequence is scanned in bounded windows. */
  private static final class SequenceReader extends Reader {
    private final CharSequence text;
    private int at;

    SequenceReader(CharSequence text) {
      this.text = text;
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
      if (at >= text.length()) {
        return -1;
      }
      int n = Math.min(length, text.length() - at);
      for (int i = 0; i < n; i++) {
        buffer[offset + i] = text.charAt(at + i);
      }
      at += n;
      return n;
    }

    @Override
    public void close() {}
  }
}
