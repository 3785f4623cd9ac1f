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
import org.slf4j.ILoggerFactory;
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
 * <p>Every suite applies it with {@code @ExtendWith(SecretLeakGuard.class)} on its class, and so
 * does every other test class of this project; a host's own test classes may too. jqwik runs no
 * Jupiter extensions: its properties start the capture and scan themselves ({@link #startCapture},
 * {@link #assertNoLeakSince}, {@link #assertNoLeakInTheWholeRun}).
 *
 * <p><b>Logging.</b> The capture is a logback appender, so logback-classic (which this module
 * brings) must be the test class path's SLF4J binding; with another binding the guard fails the
 * class at once, saying which binding it found and what to do. When the test JVM's logback
 * configuration has no {@link CapturingAppender} on the root logger (a host's tests, or none), the
 * guard adds one and lowers the root logger to TRACE, giving the root's other appenders a threshold
 * at the level the root had, so what they print does not change.
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

  /**
   * A long run that reads as a framework's class or bean name, which Spring logs by the hundred at
   * TRACE (issue 17): {@code ConfigurationPropertiesBindingPostProcessor} (43 characters, so Base64
   * digest-shaped too), {@code OnEnabledHealthIndicatorCondition}, {@code
   * CommonsDbcp2PoolDataSourceMetadataProviderConfiguration}. It is camel-case words (at most three
   * capitals, then lower-case letters; a digit only as in {@code Dbcp2Pool}, {@code Neo4j} or
   * {@code R2dbc}) and either holds one of the framework's words of six letters or more ({@link
   * #FRAMEWORK_WORD}: a random base62 run of 32 holds one with a chance near 10^-9) or is the last
   * part of a qualified Java name, after two package names or more ({@code
   * io.accesstokens.spring.boot.Configuration$Nested#beanMethod}). Never a token value (it has an
   * underscore) and never a hex digest (digits in runs).
   */
  private static final Pattern IDENTIFIER_WORDS =
      Pattern.compile(
          "(?:[A-Z]?[a-z]{2,}[0-9][a-z]?(?![0-9a-z])|[A-Z][0-9][a-z]{2,}|[A-Z]{0,3}[a-z]+)+[A-Z]{0,3}");

  private static final Pattern FRAMEWORK_WORD =
      Pattern.compile(
          "(?:Configuration|Configurer|Properties|Processor|Condition|Indicator|Contributor"
              + "|Endpoint|Factory|Registrar|Registry|Registration|Listener|Initializer"
              + "|Customizer|Lifecycle|Converter|Mapping|Template|Transaction|Servlet|Manager"
              + "|Adapter|Resolver|Handler|Provider|Validator|Follower|Analyzer|Metrics|Health"
              + "|Sanitizer|Annotation|Autowired|Application|Context|Multicaster|Publisher"
              + "|Environment|Executor|Scheduler|Service|Source|Conditional|Translator|Locator"
              + "|Strategy|Interceptor|Supplier|Repository|Authentication|Authorization|Security"
              + "|Filter|Session|Request|Response|Exporter|Observation|Resource|Deployment"
              + "|Creator|Proxying|Binder|Invoker|Advisor|Mapper|Operation|Parameter|Introspector"
              + "|Decorator|Transformer|Builder|Evaluator)s?(?![a-z])");

  private static final Pattern QUALIFIED_PREFIX =
      Pattern.compile("(?:[a-z][a-z0-9_]*\\.){2,}(?:[A-Z][A-Za-z0-9_]*[$#.])*$");

  private static final Pattern BASE64_DIGEST =
      Pattern.compile("(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{43}=?(?![A-Za-z0-9+/=_-])");
  private static final String LOGBACK_CONTEXT = "ch.qos.logback.classic.LoggerContext";
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SecretLeakGuard.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    startCapture();
    context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(FinalScan.class, k -> new FinalScan(), FinalScan.class);
  }

  /**
   * Starts capturing every log line of this JVM, if it has not started: checks that SLF4J is bound
   * to logback-classic and puts a {@link CapturingAppender} on the root logger unless the logback
   * configuration has one there. Idempotent; the guard calls it before each test class.
   *
   * @throws IllegalStateException if SLF4J is bound to something other than logback-classic, saying
   *     which binding it found and how to make logback the binding of the tests
   */
  public static void startCapture() {
    String problem = bindingProblem(LoggerFactory.getILoggerFactory());
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    CapturingAppender.attachToRootLogger();
  }

  /**
   * Why log lines reaching {@code factory} (the SLF4J binding's) cannot be captured, or null when
   * it is logback-classic's. Checked by class name, so nothing of logback is loaded when the
   * binding is another.
   */
  static @Nullable String bindingProblem(ILoggerFactory factory) {
    if (factory.getClass().getName().equals(LOGBACK_CONTEXT)) {
      return null;
    }
    return "The TCK's secret-leak guard reads every log line through logback-classic, but SLF4J is"
        + " bound to "
        + factory.getClass().getName()
        + " on this test class path, so no line would be scanned. Make logback-classic (which"
        + " io.accesstokens:access-tokens-tck brings) the tests' only SLF4J binding: exclude the"
        + " other binding from the test class path (Maven Surefire's classpathDependencyExcludes,"
        + " or an exclusion on the test dependency that brings it).";
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
      if (!THROWABLE_NAME.matcher(run.group()).matches()
          && !isFrameworkName(text, run.start(), run.group())) {
        return "a run of 32+ base62 characters (a secret part or a hex digest)";
      }
    }
    Matcher base64 = BASE64_DIGEST.matcher(text);
    while (base64.find()) {
      if (!isFrameworkName(text, base64.start(), base64.group())) {
        return "43-44 Base64 characters (a digest)";
      }
    }
    return IssuedSecrets.pieceIn(text);
  }

  private static boolean isFrameworkName(String text, int start, String run) {
    return IDENTIFIER_WORDS.matcher(run).matches()
        && (FRAMEWORK_WORD.matcher(run).find()
            || QUALIFIED_PREFIX.matcher(text.substring(0, start)).find());
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
