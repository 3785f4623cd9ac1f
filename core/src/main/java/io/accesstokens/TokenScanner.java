package io.accesstokens;

import io.accesstokens.internal.Base62;
import io.accesstokens.internal.Checks;
import io.accesstokens.internal.TokenFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * the same way, with {@link String#indexOf(int)}. Measured with {@code ScanBenchmark}, in MiB of
 * text a second on a shared 2-core VM: realistic text (logs, JSON, XML, Base64, a few values) 2,760
 * as a {@code String}, 2,840 from an {@code InputStream}, 2,360 from a {@code Reader}; random
 * base62 text 5,188, 4,569 and 3,371; lookalikes (nothing but {@code atk_} and 49 random base62
 * characters, the worst case) about 450. {@code java.util.regex} running the published pattern
 * managed 55 to 69, and the fastest form of it found (the prefix first) 620 to 630.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'ScanBenchmark'
 * </pre>
 *
 * <h2>Readers and streams</h2>
 *
 * <p>{@link #scan(Reader, Consumer)} and {@link #scan(InputStream, Consumer)} stream: they read
 * windows of at most {@value #WINDOW} characters (bytes) and carry the last 54 into the next (a
 * value and the character before it), so a value across the input's chunks is found and memory
 * stays bounded whatever the input's size. They scan what each {@code read} returns at once, so
 * values read from a pipe are reported as they arrive. A stream's bytes are read as ISO-8859-1
 * (each byte one character), which finds the ASCII values in any ASCII-compatible encoding and in
 * binary data without decoding anything.
 */
public final class TokenScanner {
  /** The published regular expression of a token value, with its boundaries. */
  public static final String PATTERN = "(?<![0-9A-Za-z])atk_[0-9A-Za-z]{49}(?![0-9A-Za-z])";

  /** The most characters (bytes) a streamed scan reads at once. */
  public static final int WINDOW = 1 << 15;

  /** The most characters carried from one window to the next: a value and the one before it. */
  private static final int CARRIED = TokenFormat.LENGTH + 1;

  private TokenScanner() {}

  /**
   * Every value in {@code text} (a {@code String}, a {@code StringBuilder}, a {@code CharBuffer}),
   * in order. A {@code String} is scanned in windows of its own, with lines counted only up to each
   * value found; other sequences are read in windows, as a reader is.
   */
  public static List<FoundToken> scan(CharSequence text) {
    Checks.notNull(text, "text");
    List<FoundToken> found = new ArrayList<>();
    if (text instanceof String whole) {
      scanString(whole, found::add, WINDOW);
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
   * A string in windows of {@code windowChars} as well, each a copy: {@link String#indexOf(String,
   * int)} cannot be told where to stop, and it is vectorized only once its caller is compiled by
   * the JIT's second tier, which a method called once per large string seldom is (a 4 MiB string of
   * random base62 scanned at 0.9 GiB/s in one call, at several GiB/s in windows). Lines are counted
   * in the whole string, and only up to each value found.
   */
  static void scanString(String text, Consumer<? super FoundToken> found, int windowChars) {
    Scan scan = new Scan(found);
    scan.countLinesIn(text, 0);
    int start = 0;
    int from = 0;
    while (true) {
      int end = (int) Math.min(text.length(), (long) start + windowChars);
      boolean last = end == text.length();
      String window = start == 0 && last ? text : text.substring(start, end);
      int undecided = scan.window(window, start, from, last);
      if (last) {
        return;
      }
      int keepFrom = undecided == 0 ? 0 : undecided - 1;
      start += keepFrom;
      from = undecided - keepFrom;
    }
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
    stream(new CharSource(in, windowChars), found);
  }

  /**
   * Reads {@code in} to its end as bytes, each byte one character (ISO-8859-1), and hands every
   * value found to {@code found}, in order, as soon as it is read. Values are ASCII, so they are
   * found alike in UTF-8, ISO-8859-1 or Windows-1252 text and in binary data, with nothing to
   * decode (and no decoding error); offsets and columns count bytes. Text in UTF-16 or UTF-32 must
   * be read through a {@link Reader}. Does not close {@code in}.
   *
   * @throws IOException if {@code in} does; values found before are handed over already
   */
  public static void scan(InputStream in, Consumer<? super FoundToken> found) throws IOException {
    scan(in, found, WINDOW);
  }

  /**
   * {@link #scan(InputStream, Consumer)} in windows of {@code windowBytes}: for tests of the seams.
   */
  static void scan(InputStream in, Consumer<? super FoundToken> found, int windowBytes)
      throws IOException {
    stream(new ByteSource(in, windowBytes), found);
  }

  /**
   * Scans what {@code source} reads, one window per read: the undecided tail of a window (a value
   * may start there) and the character before it are carried into the next.
   */
  private static void stream(Source source, Consumer<? super FoundToken> found) throws IOException {
    Checks.notNull(found, "found");
    Scan scan = new Scan(found);
    int kept = 0;
    long base = 0;
    int from = 0;
    while (true) {
      int read = source.read(kept);
      boolean last = read < 0;
      int length = kept + Math.max(read, 0);
      // A String, for its vectorized indexOf; copying one window costs less than scanning it.
      String window = source.window(length);
      scan.countLinesIn(window, base);
      int undecided = scan.window(window, base, from, last);
      if (last) {
        return;
      }
      // Keep the undecided tail and the character before it (the boundary of a value there).
      int keepFrom = undecided == 0 ? 0 : undecided - 1;
      scan.countLinesTo(base + keepFrom);
      kept = length - keepFrom;
      source.keep(keepFrom, kept);
      base += keepFrom;
      from = undecided - keepFrom;
    }
  }

  /** Where a streamed scan's windows come from: a buffer that a reader or a stream fills. */
  private interface Source {
    /** Fills the buffer after its first {@code kept} units; how many it read, or -1 at the end. */
    int read(int kept) throws IOException;

    /** The buffer's first {@code length} units as text. */
    String window(int length);

    /** Moves {@code length} units from {@code from} to the buffer's start. */
    void keep(int from, int length);
  }

  private static final class CharSource implements Source {
    private final Reader in;
    private final char[] buffer;

    CharSource(Reader in, int windowChars) {
      this.in = Checks.notNull(in, "in");
      Checks.argument(windowChars > CARRIED, "the window must be longer than a value and one more");
      this.buffer = new char[windowChars];
    }

    @Override
    public int read(int kept) throws IOException {
      return in.read(buffer, kept, buffer.length - kept);
    }

    @Override
    public String window(int length) {
      return new String(buffer, 0, length);
    }

    @Override
    public void keep(int from, int length) {
      System.arraycopy(buffer, from, buffer, 0, length);
    }
  }

  private static final class ByteSource implements Source {
    private final InputStream in;
    private final byte[] buffer;

    ByteSource(InputStream in, int windowBytes) {
      this.in = Checks.notNull(in, "in");
      Checks.argument(windowBytes > CARRIED, "the window must be longer than a value and one more");
      this.buffer = new byte[windowBytes];
    }

    @Override
    public int read(int kept) throws IOException {
      return in.read(buffer, kept, buffer.length - kept);
    }

    /** A copy of the bytes, each one character: no decoding at all. */
    @Override
    public String window(int length) {
      return new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void keep(int from, int length) {
      System.arraycopy(buffer, from, buffer, 0, length);
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

    /** The window being scanned and where it starts. */
    private String window = "";

    private long base;

    /**
     * The text line breaks are counted in, where it starts, and its next ones (-1: not looked for).
     */
    private String lines = "";

    private long linesBase;
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
     * Line breaks are counted in {@code text} from now on, which starts at {@code base} and holds
     * every character from {@link #counted} on.
     */
    void countLinesIn(String text, long base) {
      this.lines = text;
      this.linesBase = base;
      this.nextLf = -1;
      this.nextCr = -1;
    }

    /**
     * Counts the line breaks before {@code offset} (at or after {@link #counted}, inside the text
     * of {@link #countLinesIn}): each {@code \r}, and each {@code \n} not right after a {@code \r}.
     */
    void countLinesTo(long offset) {
      String text = lines;
      int from = (int) (counted - linesBase);
      int to = (int) (offset - linesBase);
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
        char before = lineBreak > 0 ? text.charAt(lineBreak - 1) : previous;
        if (text.charAt(lineBreak) == '\r' || before != '\r') {
          line++;
        }
        lineStart = linesBase + lineBreak + 1;
        at = lineBreak + 1;
      }
      if (to > from) {
        previous = text.charAt(to - 1);
      }
      counted = offset;
    }

    private int indexOrEnd(char c, int from) {
      int at = lines.indexOf(c, from);
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
