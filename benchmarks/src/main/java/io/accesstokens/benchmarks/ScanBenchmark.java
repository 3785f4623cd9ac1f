package io.accesstokens.benchmarks;

import io.accesstokens.FoundToken;
import io.accesstokens.TokenId;
import io.accesstokens.TokenScanner;
import io.accesstokens.internal.Base62;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.internal.TokenMint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@link TokenScanner}'s throughput in MiB of text a second (the score: each invocation scans 4 MiB
 * of ASCII characters, counted as 4 operations), against the published pattern run by {@code
 * java.util.regex} with the same checksum check, on three texts of exactly 4 MiB:
 *
 * <ul>
 *   <li>{@code realistic}: what a scan meets in logs and exported projects, generated from a fixed
 *       seed: log lines with UUIDs, hex digests and stack traces, JSON events, XML and properties
 *       configuration, Base64 blobs, prose that mentions the {@code atk_} prefix, and 8 values.
 *   <li>{@code base62}: random base62 runs of 1 to 120 characters between separators, the worst
 *       case for a scan that looks at base62 runs (a regular expression's engine tries a match at
 *       each position).
 *   <li>{@code lookalikes}: nothing but {@code atk_} and 49 random base62 characters between
 *       separators, the worst case for this scanner: every 54 characters a candidate whose checksum
 *       must be computed (and is wrong).
 * </ul>
 *
 * <p>{@code scanString} scans the text as a {@code String} (values' lines and columns counted only
 * when one is found); {@code scanReader} reads it through a {@code StringReader} in windows, with
 * every line counted; {@code scanStream} reads its bytes (ISO-8859-1) from a {@code
 * ByteArrayInputStream}, as the console's {@code scan} reads files; {@code regex} is the baseline,
 * the published pattern as it is, and {@code regexPrefixFirst} the fastest form of it found for
 * {@code java.util.regex} (the literal prefix first, searched for with Boyer-Moore; the boundary
 * before it checked by hand).
 *
 * <p>Run alone:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'ScanBenchmark'
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ScanBenchmark extends SuiteDefaults {
  /** MiB of text per invocation: the operations each invocation counts. */
  static final int TEXT_MIB = 4;

  /** Values in the realistic text. */
  static final int VALUES = 8;

  private static final Pattern PUBLISHED = Pattern.compile(TokenScanner.PATTERN);

  /**
   * The pattern with its literal prefix first, which {@code java.util.regex} searches for with
   * Boyer-Moore; the boundary before is checked by hand.
   */
  private static final Pattern PREFIX_FIRST = Pattern.compile("atk_[0-9A-Za-z]{49}(?![0-9A-Za-z])");

  @Param({"realistic", "base62", "lookalikes"})
  public String text;

  private String input;
  private byte[] bytes;
  private int expected;

  @Setup
  public void generate() {
    Random random = new Random(15);
    int length = TEXT_MIB << 20;
    switch (text) {
      case "realistic" -> {
        input = realistic(random, length);
        expected = VALUES;
      }
      case "base62" -> {
        input = base62(random, length);
        expected = 0;
      }
      case "lookalikes" -> {
        input = lookalikes(random, length);
        expected = 0;
      }
      default ->
          throw new IllegalArgumentException(
              "text must be realistic, base62 or lookalikes, but was " + text);
    }
    check(input.length() == length, "the text must be exactly " + TEXT_MIB + " MiB");
    bytes = input.getBytes(StandardCharsets.ISO_8859_1);
    check(scanString().size() == expected, "the scanner must find " + expected + " values");
    check(scanReader() == expected, "the scanner must find the same through a reader");
    check(scanStream() == expected, "the scanner must find the same in the bytes");
    check(regex() == expected, "the regular expression must find the same");
    check(regexPrefixFirst() == expected, "the prefix-first expression must find the same");
  }

  @Benchmark
  @OperationsPerInvocation(TEXT_MIB)
  public List<FoundToken> scanString() {
    return TokenScanner.scan(input);
  }

  @Benchmark
  @OperationsPerInvocation(TEXT_MIB)
  public int scanReader() {
    int[] found = {0};
    try {
      TokenScanner.scan(new StringReader(input), f -> found[0]++);
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringReader does not throw
    }
    return found[0];
  }

  @Benchmark
  @OperationsPerInvocation(TEXT_MIB)
  public int scanStream() {
    int[] found = {0};
    try {
      TokenScanner.scan(new ByteArrayInputStream(bytes), f -> found[0]++);
    } catch (IOException e) {
      throw new IllegalStateException(e); // a ByteArrayInputStream does not throw
    }
    return found[0];
  }

  /** The published pattern, each match checked as the scanner checks it; offsets only. */
  @Benchmark
  @OperationsPerInvocation(TEXT_MIB)
  public int regex() {
    int found = 0;
    Matcher m = PUBLISHED.matcher(input);
    while (m.find()) {
      TokenId id = TokenFormat.wellFormedId(m.group());
      if (id != null) {
        found++;
      }
    }
    return found;
  }

  /** As {@link #regex}, with {@link #PREFIX_FIRST}. */
  @Benchmark
  @OperationsPerInvocation(TEXT_MIB)
  public int regexPrefixFirst() {
    int found = 0;
    Matcher m = PREFIX_FIRST.matcher(input);
    while (m.find()) {
      if ((m.start() == 0 || Base62.value(input.charAt(m.start() - 1)) < 0)
          && TokenFormat.wellFormedId(m.group()) != null) {
        found++;
      }
    }
    return found;
  }

  // ---- the texts --------------------------------------------------------------------------------

  private static final String[] WORDS = {
    "connection",
    "partner",
    "opened",
    "closed",
    "message",
    "received",
    "sent",
    "acknowledged",
    "the",
    "token",
    "for",
    "environment",
    "production",
    "sandbox",
    "retry",
    "in",
    "ms",
    "after",
    "AS2",
    "SFTP",
    "X12",
    "EDIFACT",
    "invoice",
    "order",
    "shipment",
    "notice",
    "translated",
    "map",
    "validated",
    "organization",
    "acme",
    "globex",
    "initech",
    "with",
    "atk_",
    "prefix",
    "value",
  };

  /** Log lines, JSON, XML, properties, Base64, stack traces and prose, with 8 values among them. */
  static String realistic(Random random, int length) {
    StringBuilder out = new StringBuilder(length + 4096);
    int[] valueAt = new int[VALUES];
    for (int i = 0; i < VALUES; i++) {
      valueAt[i] = (int) ((long) length * (2 * i + 1) / (2 * VALUES)); // well inside the text
    }
    int placed = 0;
    int line = 0;
    while (out.length() < length) {
      if (placed < VALUES && out.length() >= valueAt[placed]) {
        String value = TokenMint.newValue(TokenMint.newId());
        switch (placed % 4) {
          case 0 -> out.append("Authorization: Bearer ").append(value).append('\n');
          case 1 -> out.append("{\"token\":\"").append(value).append("\",\"env\":\"prod\"}\n");
          case 2 -> out.append("<connection token=\"").append(value).append("\"/>\n");
          default -> out.append("connector.token=").append(value).append('\n');
        }
        placed++;
        continue;
      }
      switch (random.nextInt(8)) {
        case 0, 1, 2 -> logLine(random, out, line);
        case 3 -> jsonEvent(random, out);
        case 4 ->
            out.append("<partner id=\"")
                .append(hex(random, 8))
                .append("\" url=\"https://edi.example/as2/")
                .append(word(random))
                .append("?env=production&amp;retry=3\" token=\"${ACCESS_TOKEN}\"/>\n");
        case 5 -> {
          out.append("certificate.").append(word(random)).append('=');
          for (int i = 0; i < 76; i++) {
            out.append(BASE64.charAt(random.nextInt(64)));
          }
          out.append("==\n");
        }
        case 6 ->
            out.append("\tat io.accesstokens.connector.")
                .append(Character.toUpperCase(word(random).charAt(0)))
                .append(word(random).substring(1))
                .append(".handle(Connector.java:")
                .append(random.nextInt(900) + 10)
                .append(")\n");
        default -> {
          for (int i = 0; i < 12; i++) {
            out.append(word(random)).append(i == 11 ? ".\n" : " ");
          }
        }
      }
      line++;
    }
    check(placed == VALUES, "every value must be placed before the text ends");
    out.setLength(length);
    return out.toString();
  }

  private static void logLine(Random random, StringBuilder out, int line) {
    out.append("2024-05-01T10:")
        .append(10 + line % 50)
        .append(':')
        .append(10 + random.nextInt(50))
        .append('.')
        .append(100 + random.nextInt(900))
        .append("Z INFO  [edi-worker-")
        .append(random.nextInt(8))
        .append("] i.a.connector.As2Connection - ")
        .append(word(random))
        .append(' ')
        .append(word(random))
        .append(" id=")
        .append(hex(random, 8))
        .append('-')
        .append(hex(random, 4))
        .append('-')
        .append(hex(random, 4))
        .append('-')
        .append(hex(random, 4))
        .append('-')
        .append(hex(random, 12))
        .append(" sha256=")
        .append(hex(random, 64))
        .append(" in ")
        .append(random.nextInt(500))
        .append(" ms\n");
  }

  private static void jsonEvent(Random random, StringBuilder out) {
    out.append("{\"event\":\"VALUE_COPIED\",\"organization\":\"")
        .append(word(random))
        .append("\",\"environment\":\"production\",\"tokenId\":\"");
    for (int i = 0; i < TokenId.LENGTH; i++) {
      out.append(Base62.digit(random.nextInt(62)));
    }
    out.append("\",\"actor\":\"alice@acme.example\",\"version\":")
        .append(random.nextInt(100))
        .append("}\n");
  }

  private static final String BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  private static String word(Random random) {
    return WORDS[random.nextInt(WORDS.length)];
  }

  private static String hex(Random random, int digits) {
    StringBuilder out = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      out.append(Character.forDigit(random.nextInt(16), 16));
    }
    return out.toString();
  }

  /** Random base62 runs of 1 to 120 characters, each followed by one separator. */
  static String base62(Random random, int length) {
    String separators = " \n\t_-=/:.,\"'";
    StringBuilder out = new StringBuilder(length + 128);
    while (out.length() < length) {
      int run = 1 + random.nextInt(120);
      for (int i = 0; i < run; i++) {
        out.append(Base62.digit(random.nextInt(62)));
      }
      out.append(separators.charAt(random.nextInt(separators.length())));
    }
    out.setLength(length);
    return out.toString();
  }

  /** {@code atk_} and 49 random base62 characters, each followed by one separator. */
  static String lookalikes(Random random, int length) {
    String separators = " \n\"'=&/:<>,_";
    StringBuilder out = new StringBuilder(length + 128);
    while (out.length() < length) {
      out.append(TokenFormat.PREFIX);
      for (int i = TokenFormat.PREFIX.length(); i < TokenFormat.LENGTH; i++) {
        out.append(Base62.digit(random.nextInt(62)));
      }
      out.append(separators.charAt(random.nextInt(separators.length())));
    }
    out.setLength(length);
    return out.toString();
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException(what);
    }
  }
}
