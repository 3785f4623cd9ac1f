package io.accesstokens.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.accesstokens.ChangeFollower;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every builder's table of settings in the README (and the servlet's in docs/web.md) against the
 * code: a default written as a number, a duration or a code literal must equal the builder's {@code
 * DEFAULT_*} constant, every other default is checked as written, every row of a table is checked,
 * and what a table calls required is what {@code build()} asks for. The web module's tests are the
 * ones that see every published module.
 */
@ExtendWith(SecretLeakGuard.class)
class DocumentedDefaultsTest {
  private static final Path README = Path.of("../README.md");
  private static final Path WEB_DOC = Path.of("../docs/web.md");

  /** A default the README writes in words: the words themselves are what is checked. */
  private record Words(String text) {}

  private static final Object REQUIRED = new Words("required");

  @Test
  void theValidatorsTable_isTheValidatorsDefaults() throws IOException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("maximumSize", TokenValidator.DEFAULT_MAXIMUM_SIZE);
    expected.put("expireAfter", TokenValidator.DEFAULT_EXPIRE_AFTER);
    expected.put("negativeMaximumSize", TokenValidator.DEFAULT_NEGATIVE_MAXIMUM_SIZE);
    expected.put("negativeExpireAfter", TokenValidator.DEFAULT_NEGATIVE_EXPIRE_AFTER);
    expected.put("lookupTimeout", TokenValidator.DEFAULT_LOOKUP_TIMEOUT);
    expected.put("maxConcurrentLookups", (long) TokenValidator.DEFAULT_MAX_CONCURRENT_LOOKUPS);
    expected.put("ticker", new Words("system"));
    expected.put("clock", new Words("the service's"));
    expected.put("freshnessLease", new Words("always"));
    expected.put("changeFollower", new Words("none"));
    expected.put("issuedIdSet", new Words("true"));
    expected.put("executor", new Words("common pool"));
    expected.put("lookupExecutor", new Words("own pool"));
    expected.put("recordLastUsed", new Words("false"));
    expected.put("lastUsedInterval", TokenValidator.DEFAULT_LAST_USED_INTERVAL);
    expected.put("lastUsedFlush", new Words("none"));

    assertThat(defaults(README, "TokenValidator.builder")).isEqualTo(expected);
  }

  @Test
  void theFollowersTable_isTheFollowersDefaults() throws IOException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("pollInterval", ChangeFollower.DEFAULT_POLL_INTERVAL);
    expected.put("stalenessBound", ChangeFollower.DEFAULT_STALENESS_BOUND);
    expected.put("longestTransaction", ChangeFollower.DEFAULT_LONGEST_TRANSACTION);
    expected.put("retention", ChangeFollower.DEFAULT_RETENTION);
    expected.put("pruneEvery", ChangeFollower.DEFAULT_PRUNE_EVERY);
    expected.put("batchSize", (long) ChangeFollower.DEFAULT_BATCH_SIZE);
    expected.put("ticker", new Words("system"));
    expected.put("clock", new Words("UTC system clock"));
    expected.put("threadFactory", new Words("daemon `" + ChangeFollower.DEFAULT_THREAD_NAME + "`"));
    expected.put("drivenByCaller", new Words("off"));

    assertThat(defaults(README, "ChangeFollower.builder(feed)")).isEqualTo(expected);
  }

  @Test
  void theJdbcStoresTable_isTheStoresDefaults() throws IOException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("dataSource", REQUIRED);
    expected.put("tablePrefix", JdbcTokenStore.DEFAULT_TABLE_PREFIX);
    expected.put("dialect", new Words("detected"));
    expected.put("queryTimeout", JdbcTokenStore.DEFAULT_QUERY_TIMEOUT);
    expected.put("changeLogTimeout", JdbcTokenStore.DEFAULT_CHANGE_LOG_TIMEOUT);
    expected.put("migrationLockTimeout", JdbcTokenStore.DEFAULT_MIGRATION_LOCK_TIMEOUT);

    assertThat(defaults(README, "JdbcTokenStore.builder(dataSource)")).isEqualTo(expected);
  }

  @Test
  void theServletsTable_isTheServletsDefaults() throws IOException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("service", REQUIRED);
    expected.put("environments", REQUIRED);
    expected.put("access", REQUIRED);
    expected.put("pageSize", (long) AccessTokensServlet.DEFAULT_PAGE_SIZE);

    assertThat(defaults(WEB_DOC, "AccessTokensServlet.builder(service, environments, access)"))
        .isEqualTo(expected);
  }

  /**
   * The service's table lists each policy as a row of its own (the default one marked "yes"), so
   * its rows are checked by what they say: the settings it calls required are exactly those that
   * {@code build()} names when nothing is set.
   */
  @Test
  void theServicesTable_callsRequiredWhatBuildAsksFor() throws IOException {
    Map<String, String> rows = rows(README, "TokenService.builder");
    assertThat(rows)
        .containsEntry("copyPolicy(CopyPolicy.sealed(keyRing))", "required")
        .containsEntry("entitlements(Entitlements)", "required")
        .containsEntry("environments(EnvironmentDirectory)", "required")
        .containsEntry("digestPolicy(DigestPolicy.sha256())", "yes")
        .containsEntry("clock(Clock)", "`Clock.systemUTC()`")
        .containsEntry("listener(TokenEventListener)", "none")
        .containsEntry("limits(TokenLimits)", "`TokenLimits.none()`");
    assertThat(rows.values().stream().filter("required"::equals)).hasSize(3);

    Throwable missing = catchThrowable(() -> TokenService.builder(new MemoryTokenStore()).build());

    assertThat(missing)
        .hasMessageContaining("entitlements are required")
        .hasMessageContaining("an environment directory is required")
        .hasMessageContaining("a copy policy is required");
  }

  /** The rows of the table headed {@code | Setting (`CAPTION`) |}: setting name to default. */
  private static Map<String, Object> defaults(Path document, String caption) throws IOException {
    Map<String, Object> defaults = new LinkedHashMap<>();
    rows(document, caption)
        .forEach(
            (setting, value) -> {
              int parenthesis = setting.indexOf('(');
              String name = parenthesis < 0 ? setting : setting.substring(0, parenthesis);
              defaults.put(name, parse(value));
            });
    return defaults;
  }

  private static final Pattern NUMBER = Pattern.compile("[0-9]{1,3}(,[0-9]{3})*");
  private static final Pattern DURATION = Pattern.compile("([0-9]+) (ms|s|min|h)");
  private static final Pattern LITERAL = Pattern.compile("`([^`]*)`");

  /** A default as the README writes it: a number, a duration, a code literal, or words. */
  private static Object parse(String text) {
    if (NUMBER.matcher(text).matches()) {
      return Long.parseLong(text.replace(",", ""));
    }
    Matcher duration = DURATION.matcher(text);
    if (duration.matches()) {
      long amount = Long.parseLong(duration.group(1));
      return switch (duration.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "min" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    Matcher literal = LITERAL.matcher(text);
    if (literal.matches()) {
      return literal.group(1);
    }
    return new Words(text);
  }

  /** The first column (without its backticks) to the second, of the table under the caption. */
  private static Map<String, String> rows(Path document, String caption) throws IOException {
    String header = "| Setting (`" + caption + "`) | Default |";
    Map<String, String> rows = new LinkedHashMap<>();
    boolean inTable = false;
    for (String line : Files.readString(document).lines().toList()) {
      if (line.startsWith(header)) {
        inTable = true;
      } else if (inTable && line.startsWith("| ---")) {
        continue;
      } else if (inTable && line.startsWith("|")) {
        String[] cells = line.split("(?<!\\\\)\\|", -1);
        String setting = cells[1].strip();
        assertThat(setting).as("a setting in the first column of %s", caption).matches("`.+`");
        rows.put(setting.substring(1, setting.length() - 1), cells[2].strip());
      } else if (inTable) {
        break;
      }
    }
    assertThat(rows).as("the table of %s in %s", caption, document).isNotEmpty();
    return rows;
  }
}
