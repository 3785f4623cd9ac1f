package io.accesstokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.internal.Base62;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.testing.Figures;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link TokenScanner}: every value in every context is found, at the right line and column, by
 * every way of reading the text (a string, other sequences, a reader one character at a time, in
 * odd chunks, in windows of every size around a value); nothing else is (a wrong checksum, a
 * truncated value, a value inside a longer base62 run); and megabytes of random and real text give
 * no false positive. Every value the tests make is minted through {@link Fixtures#mint}, which
 * records it for the leak guard.
 */
@ExtendWith(SecretLeakGuard.class)
class TokenScannerTest {
  private static final Pattern PUBLISHED = Pattern.compile(TokenScanner.PATTERN);

  /** Chunk sizes an odd reader cycles through: primes, so seams land everywhere. */
  private static final int[] ODD_CHUNKS = {1, 3, 7, 13, 29, 61, 127, 509, 2};

  // ---- contexts ---------------------------------------------------------------------------------

  @Test
  void aValueInEveryKindOfText_isFound_atItsLineAndColumn_withUnixWindowsAndOldMacLineEnds() {
    for (String lineEnd : List.of("\n", "\r\n", "\r")) {
      Document doc = new Document(lineEnd);
      doc.line("{\"name\": \"partner-x\", \"token\": \"", value(), "\"}"); // JSON
      doc.line("{\"token\":\"", value(), "\",\"next\":\"", value(), "\"}");
      doc.line("<connection><token>", value(), "</token></connection>"); // XML
      doc.line("<connection token='", value(), "' env=\"", value(), "\"/>");
      doc.line("<![CDATA[", value(), "]]>");
      doc.line("https://edi.example/api/connect?org=acme&token=", value(), "&env=production");
      doc.line("https://edi.example/api/tokens/", value(), "/revoke"); // URL path
      doc.line("https://edi.example/connect?token=", value()); // the end of a URL
      doc.line("https://user:", value(), "@edi.example/"); // userinfo
      doc.line("Authorization: Bearer ", value());
      doc.line("quoted \"", value(), "\", single '", value(), "', back `", value(), "`");
      doc.line("token: ", value()); // YAML
      doc.line("  - ", value());
      doc.line("  token: \"", value(), "\"");
      doc.line("connector.token=", value()); // properties
      doc.line("connector.token:", value());
      doc.line("connector.token = ", value());
      doc.line("export ACCESS_TOKEN=", value(), "; curl -H \"X-Token: ", value(), "\"");
      doc.line("1,acme,", value(), ",production"); // CSV
      doc.line("\"2\",\"", value(), "\",\"sandbox\"");
      doc.line("\t", value(), "\t"); // TSV
      doc.line("QWNtZSBQYXJ0bmVyIFg=", value(), "=="); // Base64 on both sides, padding between
      doc.line("ZGF0YQ+", value(), "/ZGF0YQ");
      doc.line("_", value(), "_ (italics), *", value(), "*, (", value(), "), [", value(), "]");
      doc.line("${", value(), "} <", value(), "> {", value(), "} ?", value(), "?");
      doc.line("caf\u00e9", value(), "\u00e9 \u00ab", value(), "\u00bb \u20ac", value());
      doc.line("\ud83d\udd11 ", value(), " after a character outside the BMP (two chars)");
      doc.line("prefix atk_ alone, atk_short, atk__", value(), " ATK_ upper case");
      doc.line("");
      doc.line("", value(), " at the start of a line, and at its end: ", value());
      doc.check();
    }
  }

  @Test
  void aValueThatIsTheWholeText_orStartsOrEndsIt_isFound() {
    String value = value();
    for (String text :
        List.of(value, value + "\n", "\n" + value, value + "\r\n", " " + value, value + " ")) {
      Document doc = new Document("\n");
      int at = text.indexOf(value);
      doc.text(text.substring(0, at)).value(value).text(text.substring(at + value.length()));
      doc.check();
    }
  }

  @Test
  void valuesSeparatedByOneCharacter_areAllFound_butGluedTogetherNoneIs() {
    String a = value();
    String b = value();
    new Document("\n").value(a).text(" ").value(b).text(",").value(a).text("_").value(b).check();
    new Document("\n").text(a + b).check();
    new Document("\n")
        .text("atk_")
        .value(a)
        .text(" (after a lone prefix and its underscore)")
        .check();
  }

  // ---- what is not a value ----------------------------------------------------------------------

  @Test
  void aWrongChecksum_aTruncatedValue_andAValueInsideALongerRun_areNotReported() {
    String value = value();
    char last = value.charAt(TokenFormat.LENGTH - 1);
    String wrongChecksum = value.substring(0, TokenFormat.LENGTH - 1) + (last == '0' ? '1' : '0');
    List<String> notValues =
        List.of(
            wrongChecksum,
            value.substring(0, TokenFormat.LENGTH - 1), // truncated
            value.substring(1), // its first character lost
            "x" + value, // preceded by a base62 character: inside a longer run
            "0" + value,
            value + "x", // followed by one
            value + "0",
            "Zz" + value + "9",
            "ATK_" + value.substring(4), // the prefix is lower case
            "Atk_" + value.substring(4),
            value.substring(0, 20) + "\n" + value.substring(20), // broken across lines
            value.substring(0, 20) + "\u00e9" + value.substring(21), // a character swapped
            value.substring(0, 30) + "-" + value.substring(31),
            withMatchingChecksum("atk_zzzzzzzzzzz" + value.substring(15, 47))); // id > 64 bits
    for (String text : notValues) {
      for (String around : List.of("%s", " %s ", "\"%s\"", "=%s&", "\n%s\r\n")) {
        new Document("\n").text(String.format(around, text)).check();
      }
    }
  }

  @Test
  void anIdTooLargeFor64Bits_matchesThePattern_butIsNotAValue() {
    String tooLarge = withMatchingChecksum("atk_zzzzzzzzzzz" + "0".repeat(32));

    assertThat(PUBLISHED.matcher(tooLarge).matches()).isTrue();
    assertThat(TokenScanner.scan(tooLarge)).isEmpty();
  }

  // ---- the published pattern --------------------------------------------------------------------

  /**
   * Random texts built from the pieces that test the rule (values, lookalikes, halves, prefixes,
   * base62 runs, underscores, line ends, non-ASCII characters): the scanner reports exactly what
   * the published pattern matches and the checksum accepts, at the same places, read every way.
   */
  @Test
  void theScanner_findsExactlyWhatThePublishedPatternMatches_andTheChecksumAccepts() {
    Random random = new Random(15);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      values.add(value());
    }
    String[] separators = {
      " ", "_", "\n", "\r\n", "\r", "=", "\"", "/", "\u00e9", "\ud83d\udd11", "-", ":", "<", ">"
    };
    int matches = 0;
    int found = 0;
    for (int n = 0; n < 3000; n++) {
      StringBuilder text = new StringBuilder();
      int pieces = random.nextInt(24);
      for (int p = 0; p < pieces; p++) {
        String value = values.get(random.nextInt(values.size()));
        switch (random.nextInt(14)) {
          case 0, 1, 2 -> text.append(value);
          case 3 -> text.append(lookalike(random));
          case 4 -> text.append(value, 0, random.nextInt(TokenFormat.LENGTH));
          case 5 -> text.append(value, random.nextInt(TokenFormat.LENGTH), TokenFormat.LENGTH);
          case 6 -> text.append(randomBase62(random, 1 + random.nextInt(8)));
          case 7 -> text.append(List.of("atk_", "atk", "at", "ATK_", "tk_").get(random.nextInt(5)));
          default -> text.append(separators[random.nextInt(separators.length)]);
        }
      }
      String t = text.toString();
      List<FoundToken> expected = new ArrayList<>();
      Matcher m = PUBLISHED.matcher(t);
      while (m.find()) {
        matches++;
        TokenId id = TokenFormat.wellFormedId(m.group());
        if (id != null) {
          expected.add(expectedAt(t, m.start(), id));
        }
      }
      assertThat(everyWay(t, 55 + random.nextInt(80))).isEqualTo(expected);
      found += expected.size();
    }
    assertThat(matches).as("matches of the pattern in the random texts").isGreaterThan(2000);
    assertThat(found).as("values among them").isGreaterThan(1500);
  }

  // ---- readers ----------------------------------------------------------------------------------

  /** A value at every offset around the seams of small windows, with text after it or none. */
  @Test
  void aValueAcrossEveryWindowSeam_isFound() throws IOException {
    String value = value();
    int window = 64;
    for (int before = 0; before < 3 * window; before++) {
      for (String after : List.of("", " ", "\r\nmore text")) {
        String text =
            "y".repeat(Math.max(0, before - 1)) + (before > 0 ? "\n" : "") + value + after;
        List<FoundToken> expected = List.of(expectedAt(text, before, idOf(value)));
        List<FoundToken> found = new ArrayList<>();
        TokenScanner.scan(new StringReader(text), found::add, window);
        assertThat(found).as("%d characters before", before).isEqualTo(expected);
        found.clear();
        TokenScanner.scan(new ChunkedReader(text, 1), found::add, window);
        assertThat(found).as("%d characters before, 1 at a time", before).isEqualTo(expected);
        found.clear();
        TokenScanner.scanString(text, found::add, window);
        assertThat(found).as("%d characters before, in a string", before).isEqualTo(expected);
      }
    }
  }

  /**
   * A reader's input is never held whole: 48 MiB of log lines generated as they are read, with a
   * value starting a line every 3 MiB and one at the very end, every one found at its offset and
   * line.
   */
  @Test
  void aLongStream_isScannedInBoundedWindows_withEveryOffsetAndLineRight() throws IOException {
    String value = value();
    long length = 48L << 20;
    long every = 3L << 20;
    String log = "2024-05-01T10:00:00Z INFO connector opened a connection to partner x\n";
    List<FoundToken> expected = new ArrayList<>();
    Reader generated =
        new Reader() {
          long at;
          long lines = 1;

          /** A line break, then the value, at every multiple of {@code every} and at the end. */
          char charAt(long offset) {
            long inBlock = offset >= length ? offset - length : offset % every;
            if (inBlock == 0) {
              return '\n';
            }
            if (inBlock <= TokenFormat.LENGTH) {
              if (inBlock == 1) {
                expected.add(new FoundToken(idOf(value), offset, lines, 1));
              }
              return value.charAt((int) inBlock - 1);
            }
            if (inBlock == TokenFormat.LENGTH + 1) {
              return ' ';
            }
            return log.charAt((int) (offset % log.length()));
          }

          @Override
          public int read(char[] buffer, int offset, int wanted) {
            long end = length + 1 + TokenFormat.LENGTH;
            if (at >= end) {
              return -1;
            }
            int n = (int) Math.min(wanted, end - at);
            for (int i = 0; i < n; i++) {
              char c = charAt(at++);
              lines += c == '\n' ? 1 : 0;
              buffer[offset + i] = c;
            }
            return n;
          }

          @Override
          public void close() {}
        };
    List<FoundToken> found = new ArrayList<>();

    TokenScanner.scan(generated, found::add);

    assertThat(expected).hasSize((int) (length / every) + 1);
    assertThat(found).isEqualTo(expected);
  }

  @Test
  void aReaderThatFails_passesTheFailureOn_afterHandingOverWhatItFoundBefore() {
    String value = value();
    String before = "ok " + value + "\n" + "x".repeat(TokenScanner.WINDOW);
    Reader failing =
        new Reader() {
          final Reader text = new StringReader(before);

          @Override
          public int read(char[] buffer, int offset, int length) throws IOException {
            int n = text.read(buffer, offset, length);
            if (n < 0) {
              throw new IOException("disk gone");
            }
            return n;
          }

          @Override
          public void close() {}
        };
    List<FoundToken> found = new ArrayList<>();

    assertThatThrownBy(() -> TokenScanner.scan(failing, found::add))
        .isInstanceOf(IOException.class)
        .hasMessage("disk gone");
    assertThat(found).containsExactly(new FoundToken(idOf(value), 3, 1, 4));
  }

  // ---- no false positives -----------------------------------------------------------------------

  /**
   * 4 MiB of random base62 runs (1 to 120 characters) between random separators, underscores
   * included: nothing is found, read as a string or through a reader.
   */
  @Test
  void fourMiBOfRandomBase62Text_holdNoValue(TestInfo info) throws IOException {
    Random random = new Random(62);
    String separators = " \n\t_-=/:.,\"'";
    StringBuilder text = new StringBuilder(4 << 20);
    while (text.length() < 4 << 20) {
      text.append(randomBase62(random, 1 + random.nextInt(120)));
      text.append(separators.charAt(random.nextInt(separators.length())));
    }

    assertNothingFound(text.toString());
    Figures.report(this, info, "characters of random base62 text scanned", text.length());
  }

  /**
   * 4 MiB of lookalikes, {@code atk_} and 49 random base62 characters each between separators:
   * every one matches the published pattern, and none has a right checksum.
   */
  @Test
  void fourMiBOfLookalikes_matchThePattern_butHoldNoValue(TestInfo info) throws IOException {
    Random random = new Random(53);
    String separators = " \n\"'=&/:<>,_";
    StringBuilder text = new StringBuilder(4 << 20);
    int lookalikes = 0;
    while (text.length() < 4 << 20) {
      text.append(lookalike(random));
      text.append(separators.charAt(random.nextInt(separators.length())));
      lookalikes++;
    }
    String all = text.toString();

    assertThat(PUBLISHED.matcher(all).results().count()).isEqualTo(lookalikes);
    assertNothingFound(all);
    Figures.report(this, info, "lookalikes scanned", lookalikes);
    Figures.report(this, info, "characters of lookalikes scanned", all.length());
  }

  /**
   * This repository's own sources, documents, schemas and data, read from the working tree: no
   * value is found. (A well-formed value committed to the repository fails this test, as it should:
   * tests make theirs at run time.)
   */
  @Test
  void thisRepositorysOwnText_holdsNoValue(TestInfo info) throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Set<String> skipped = Set.of("target", ".git", "node_modules", ".idea");
    StringBuilder text = new StringBuilder();
    int files = 0;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file :
          walk.filter(
                  p ->
                      Files.isRegularFile(p)
                          && skippedNone(root.relativize(p), skipped)
                          && !p.getFileName().toString().endsWith(".png"))
              .sorted()
              .toList()) {
        // Every byte as one character: any encoding, never a decoding error.
        text.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        text.append('\n');
        files++;
      }
    }

    assertThat(text.length()).as("characters of the repository's text").isGreaterThan(1 << 20);
    assertNothingFound(text.toString());
    Figures.report(this, info, "files of this repository scanned", files);
    Figures.report(this, info, "characters of this repository scanned", text.length());
  }

  private static boolean skippedNone(Path relative, Set<String> skipped) {
    for (Path part : relative) {
      if (skipped.contains(part.toString())) {
        return false;
      }
    }
    return true;
  }

  private static void assertNothingFound(String text) throws IOException {
    assertThat(TokenScanner.scan(text)).isEmpty();
    List<FoundToken> streamed = new ArrayList<>();
    TokenScanner.scan(new StringReader(text), streamed::add);
    assertThat(streamed).isEmpty();
  }

  // ---- the result -------------------------------------------------------------------------------

  @Test
  void aFoundToken_showsItsIdAndPosition_neverAPieceOfTheValue() {
    String value = value();

    FoundToken found = TokenScanner.scan("token=" + value).get(0);

    assertThat(found.toString())
        .isEqualTo("FoundToken[id=" + idOf(value) + ", offset=6, line=1, column=7]");
    assertThat(IssuedSecrets.pieceIn(found.toString())).isNull();
    assertThat(SecretLeakGuard.leak(found.toString())).isNull();
  }

  @Test
  void badArguments_areRefused() {
    assertThatThrownBy(() -> TokenScanner.scan((CharSequence) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("text must not be null");
    assertThatThrownBy(() -> TokenScanner.scan((Reader) null, f -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("in must not be null");
    assertThatThrownBy(() -> new FoundToken(new TokenId(1), -1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("offset must not be negative");
    assertThatThrownBy(() -> new FoundToken(new TokenId(1), 0, 0, 1))
        .hasMessage("line must be at least 1");
    assertThatThrownBy(() -> new FoundToken(new TokenId(1), 0, 1, 0))
        .hasMessage("column must be at least 1");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** A new well-formed value, recorded for the leak guard. */
  private static String value() {
    return Fixtures.mint(TokenMint.newId());
  }

  private static TokenId idOf(String value) {
    return TokenSecret.of(value).id();
  }

  /** {@code atk_} and 49 random base62 characters: the pattern's shape, a random checksum. */
  private static String lookalike(Random random) {
    return "atk_" + randomBase62(random, 49);
  }

  private static String randomBase62(Random random, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = Base62.digit(random.nextInt(62));
    }
    return new String(chars);
  }

  /** The first 47 characters and the CRC32 that makes them a value in form. */
  private static String withMatchingChecksum(String first47) {
    CRC32 crc = new CRC32();
    crc.update(first47.getBytes(StandardCharsets.US_ASCII));
    char[] chars = new char[TokenFormat.LENGTH];
    first47.getChars(0, 47, chars, 0);
    Base62.writeUnsigned(crc.getValue(), chars, 47, 6);
    return new String(chars);
  }

  /**
   * What the scanner must report for a value at {@code offset}, with the line and column counted
   * here the plain way: a line ends at {@code \n}, at {@code \r\n}, or at a {@code \r} alone.
   */
  private static FoundToken expectedAt(String text, int offset, TokenId id) {
    long line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      char c = text.charAt(i);
      boolean crLf = c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
      if (c == '\n' || (c == '\r' && !crLf)) {
        line++;
        lineStart = i + 1;
      }
    }
    return new FoundToken(id, offset, line, offset - lineStart + 1);
  }

  /**
   * Scans {@code text} as a string, a builder, a char buffer, a reader one character at a time, a
   * reader of odd chunks, and a reader and a string in windows of {@code window} characters;
   * asserts that all agree and returns what they found.
   */
  private static List<FoundToken> everyWay(String text, int window) {
    List<FoundToken> found = TokenScanner.scan(text);
    assertThat(TokenScanner.scan(new StringBuilder(text))).as("a StringBuilder").isEqualTo(found);
    assertThat(TokenScanner.scan(CharBuffer.wrap(text))).as("a CharBuffer").isEqualTo(found);
    assertThat(read(new ChunkedReader(text, 1), TokenScanner.WINDOW))
        .as("one character at a time")
        .isEqualTo(found);
    assertThat(read(new ChunkedReader(text, ODD_CHUNKS), TokenScanner.WINDOW))
        .as("odd chunks")
        .isEqualTo(found);
    assertThat(read(new StringReader(text), window)).as("windows of %d", window).isEqualTo(found);
    assertThat(readBytes(text, window))
        .as("bytes in windows of %d", window)
        .isEqualTo(expectedInBytes(text, found));
    List<FoundToken> inStringWindows = new ArrayList<>();
    TokenScanner.scanString(text, inStringWindows::add, window);
    assertThat(inStringWindows).as("string windows of %d", window).isEqualTo(found);
    assertThat(read(new ChunkedReader(text, ODD_CHUNKS), window))
        .as("odd chunks in windows of %d", window)
        .isEqualTo(found);
    return found;
  }

  /**
   * Scans {@code text}'s UTF-8 bytes as a stream, one byte at a time, in odd chunks and in windows
   * of {@code window} bytes; asserts that all agree and returns what they found.
   */
  private static List<FoundToken> readBytes(String text, int window) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    List<FoundToken> found = new ArrayList<>();
    try {
      TokenScanner.scan(new ByteArrayInputStream(bytes), found::add);
      for (InputStream in :
          List.of(
              new ChunkedStream(bytes, 1),
              new ChunkedStream(bytes, ODD_CHUNKS),
              new ByteArrayInputStream(bytes))) {
        List<FoundToken> again = new ArrayList<>();
        TokenScanner.scan(in, again::add, window);
        assertThat(again).isEqualTo(found);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /**
   * What a scan of {@code text}'s UTF-8 bytes must find: the same values on the same lines, at
   * offsets and columns counted in bytes.
   */
  private static List<FoundToken> expectedInBytes(String text, List<FoundToken> inChars) {
    List<FoundToken> expected = new ArrayList<>();
    for (FoundToken f : inChars) {
      int offset = (int) f.offset();
      int lineStart = offset - (int) f.column() + 1;
      int bytesBefore = utf8Length(text.substring(0, offset));
      int columnBytes = utf8Length(text.substring(lineStart, offset));
      expected.add(new FoundToken(f.id(), bytesBefore, f.line(), columnBytes + 1));
    }
    return expected;
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static List<FoundToken> read(Reader reader, int window) {
    List<FoundToken> found = new ArrayList<>();
    try {
      TokenScanner.scan(reader, found::add, window);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** A reader that returns at most the next of {@code chunks} characters per read, cycling. */
  private static final class ChunkedReader extends Reader {
    private final String text;
    private final int[] chunks;
    private int at;
    private int reads;

    ChunkedReader(String text, int... chunks) {
      this.text = text;
      this.chunks = chunks;
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
      if (at >= text.length()) {
        return -1;
      }
      int n = Math.min(Math.min(length, chunks[reads++ % chunks.length]), text.length() - at);
      text.getChars(at, at + n, buffer, offset);
      at += n;
      return n;
    }

    @Override
    public void close() {}
  }

  /** A stream that returns at most the next of {@code chunks} bytes per read, cycling. */
  private static final class ChunkedStream extends InputStream {
    private final byte[] bytes;
    private final int[] chunks;
    private int at;
    private int reads;

    ChunkedStream(byte[] bytes, int... chunks) {
      this.bytes = bytes;
      this.chunks = chunks;
    }

    @Override
    public int read() {
      return at < bytes.length ? bytes[at++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (at >= bytes.length) {
        return -1;
      }
      int n = Math.min(Math.min(length, chunks[reads++ % chunks.length]), bytes.length - at);
      System.arraycopy(bytes, at, buffer, offset, n);
      at += n;
      return n;
    }
  }

  /** Text built line by line with values at known places. */
  private static final class Document {
    private final String lineEnd;
    private final StringBuilder text = new StringBuilder();
    private final List<Integer> offsets = new ArrayList<>();
    private final List<TokenId> ids = new ArrayList<>();

    Document(String lineEnd) {
      this.lineEnd = lineEnd;
    }

    /** A line of text and values: the parts at odd indexes (counting from 0) are values. */
    Document line(String... parts) {
      for (int i = 0; i < parts.length; i++) {
        if (i % 2 == 1) {
          value(parts[i]);
        } else {
          text(parts[i]);
        }
      }
      return text(lineEnd);
    }

    Document text(String plain) {
      text.append(plain);
      return this;
    }

    Document value(String value) {
      offsets.add(text.length());
      ids.add(idOf(value));
      text.append(value);
      return this;
    }

    /** Every way of scanning finds exactly the values, at the lines and columns counted here. */
    void check() {
      String all = text.toString();
      List<FoundToken> expected = new ArrayList<>();
      for (int i = 0; i < offsets.size(); i++) {
        expected.add(expectedAt(all, offsets.get(i), ids.get(i)));
      }
      for (int window : new int[] {55, 56, 64, 97, 128, 4096}) {
        assertThat(everyWay(all, window)).isEqualTo(expected);
      }
    }
  }
}
