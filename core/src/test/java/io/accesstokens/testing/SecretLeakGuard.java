package io.accesstokens.testing;

import io.accesstokens.internal.TokenFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails any test during which a log line (captured at TRACE by {@link CapturingAppender}) carried
 * something secret-shaped: a well-formed token value, a run of 32 or more base62 characters (a
 * token's secret part, a hex digest), or 43-44 Base64 characters (a Base64 digest). Nothing this
 * library logs legitimately looks like that. It also fails on any piece of a value the tests were
 * handed ({@link IssuedSecrets}: 8 characters of a secret part, 12 of a digest's hex or Base64),
 * which no shape can recognise: a message quoting the first 40 characters of a value holds 25 of
 * its 32 secret characters and none of the shapes above.
 *
 * <p>Registered for every Jupiter test of every module through {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension} in core's test-jar (the parent pom
 * turns extension autodetection on); jqwik properties call {@link #assertNoLeakSince} themselves.
 *
 * <p>When a module's Jupiter run ends, a final scan goes over every line captured in the test JVM,
 * including those logged outside any test (class set-up and tear-down, pools and executors working
 * in the background after a test returned), and fails the run, reported as a failure of "JUnit
 * Jupiter", if one is secret-shaped; jqwik runs after Jupiter, so the model tests repeat that scan
 * after each of their classes. It logs how many lines it scanned to {@code
 * io.accesstokens.figures}.
 */
public final class SecretLeakGuard
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final Pattern TOKEN = Pattern.compile("atk_[0-9A-Za-z]{49}");
  private static final Pattern LONG_BASE62 = Pattern.compile("[0-9A-Za-z]{32,}");

  /**
   * A long run that is the simple name of an exception class ({@code
   * SQLNonTransientConnectionException}, {@code SQLIntegrityConstraintViolationException}): drivers
   * and pools log these, and they are no secret. A random run ends in "Exception" or "Error" with a
   * chance below 62^-5.
   */
  private static final Pattern THROWABLE_NAME =
      Pattern.compile("[A-Z][A-Za-z]*(?:Exception|Error)");

  private static final Pattern BASE64_DIGEST =
      Pattern.compile("(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{43}=?(?![A-Za-z0-9+/=_-])");
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SecretLeakGuard.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(FinalScan.class, k -> new FinalScan(), FinalScan.class);
  }

  /**
   * The whole-run scan, closed (run) with the Jupiter root context at the end of the module's run.
   */
  static final class FinalScan implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      assertNoLeakInTheWholeRun("Jupiter");
    }
  }

  /**
   * Scans every line captured in this JVM so far, inside a test or not, and throws an {@link
   * AssertionError} quoting the first secret-shaped one; logs how many lines it scanned. Called
   * when Jupiter's run ends and, since jqwik runs after Jupiter, after each model-test class.
   */
  public static void assertNoLeakInTheWholeRun(String when) {
    List<String> lines = CapturingAppender.lines();
    List<String> leaks = leaksIn(lines);
    LoggerFactory.getLogger("io.accesstokens.figures")
        .info(
            "Secret scan of the whole run so far (after {}): {} captured log lines, {}"
                + " secret-shaped; {} issued values and {} windows recorded",
            when,
            lines.size(),
            leaks.size(),
            IssuedSecrets.recordedValues(),
            IssuedSecrets.recordedWindows());
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " log lines of this run carry something secret-shaped, the first: "
              + leaks.get(0));
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NAMESPACE).put("mark", CapturingAppender.mark());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Integer mark = context.getStore(NAMESPACE).get("mark", Integer.class);
    assertNoLeakSince(mark == null ? 0 : mark);
  }

  /**
   * Throws an {@link AssertionError} quoting the first secret-shaped log line after {@code mark}.
   */
  public static void assertNoLeakSince(int mark) {
    List<String> lines = CapturingAppender.lines();
    for (String line : lines.subList(Math.min(mark, lines.size()), lines.size())) {
      String why = leak(line);
      if (why != null) {
        throw new AssertionError("a log line carries " + why + ": " + line);
      }
    }
  }

  /**
   * What secret-shaped text, or piece of an issued secret ({@link IssuedSecrets#pieceIn}), {@code
   * text} holds, described without quoting it; or null.
   */
  public static @Nullable String leak(String text) {
    Matcher token = TOKEN.matcher(text);
    while (token.find()) {
      if (TokenFormat.isWellFormed(token.group())) {
        return "a token value";
      }
    }
    Matcher run = LONG_BASE62.matcher(text);
    while (run.find()) {
      if (!THROWABLE_NAME.matcher(run.group()).matches()) {
        return "a run of 32+ base62 characters (a secret part or a hex digest)";
      }
    }
    if (BASE64_DIGEST.matcher(text).find()) {
      return "43-44 Base64 characters (a digest)";
    }
    return IssuedSecrets.pieceIn(text);
  }

  static List<String> leaksIn(List<String> texts) {
    List<String> out = new ArrayList<>();
    for (String t : texts) {
      if (leak(t) != null) {
        out.add(t);
      }
    }
    return out;
  }
}
