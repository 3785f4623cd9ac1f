package io.accesstokens.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.FilterReply;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.internal.TokenMint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

@ExtendWith(SecretLeakGuard.class)
class SecretLeakGuardTest {
  private final String value = TokenMint.newValue(TokenMint.newId());
  private final byte[] digest = new byte[32];

  {
    new java.util.Random(1).nextBytes(digest);
  }

  @Test
  void recognisesEverySecretShape() {
    assertThat(SecretLeakGuard.leak("created " + value + " ok")).isEqualTo("a token value");
    assertThat(SecretLeakGuard.leak("part " + value.substring(15, 47))).startsWith("a run of 32+");
    assertThat(SecretLeakGuard.leak("hex " + HexFormat.of().formatHex(digest)))
        .startsWith("a run of 32+");
    assertThat(SecretLeakGuard.leak("b64 " + Base64.getEncoder().encodeToString(digest)))
        .isNotNull();
    assertThat(
            SecretLeakGuard.leak(
                "url " + Base64.getUrlEncoder().withoutPadding().encodeToString(digest)))
        .isNotNull();
  }

  /**
   * Regression (issue 11): a message quoting the first 30 characters of a value (15 of its
   * secret's) has none of the shapes above.
   */
  @Test
  void recognisesAPieceOfAnIssuedSecretOrDigest_thatNoShapeWould() throws Exception {
    String issued = TokenMint.newValue(TokenMint.newId());
    IssuedSecrets.record(issued);
    String secret = issued.substring(TokenFormat.SECRET_OFFSET, TokenFormat.CHECKSUM_OFFSET);
    byte[] digest =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest(issued.getBytes(StandardCharsets.US_ASCII));
    String hexDigest = HexFormat.of().formatHex(digest);
    String urlSafe = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest);

    assertThat(
            SecretLeakGuard.leak(
                "token id must be 11 base62 characters, but was \""
                    + issued.substring(0, 30)
                    + "\""))
        .startsWith("a piece (8+ characters) of an issued secret");
    assertThat(SecretLeakGuard.leak("x " + secret.substring(9, 17) + " y"))
        .startsWith("a piece (8+ characters)");
    assertThat(SecretLeakGuard.leak("x " + secret.substring(9, 16) + " y"))
        .as("7 characters")
        .isNull();
    assertThat(SecretLeakGuard.leak("digest " + hexDigest.substring(20, 32)))
        .startsWith("a piece (12+ characters) of an issued digest");
    assertThat(SecretLeakGuard.leak("digest " + hexDigest.substring(20, 31)))
        .as("11 hex digits")
        .isNull();
    assertThat(SecretLeakGuard.leak("DIGEST " + hexDigest.substring(40, 52).toUpperCase()))
        .as("upper-case hex")
        .startsWith("a piece (12+ characters) of an issued digest");
    assertThat(SecretLeakGuard.leak("b64 " + urlSafe.substring(0, 12)))
        .as("URL-safe Base64")
        .isNotNull();
    assertThat(
            SecretLeakGuard.leak(
                "b64 " + Base64.getEncoder().encodeToString(digest).substring(30, 42)))
        .as("Base64")
        .isNotNull();
  }

  @Test
  void letsOrdinaryLinesThrough() {
    assertThat(
            SecretLeakGuard.leak(
                "DEBUG io.accesstokens.TokenService: Created token 0AbCdEfGhIj in organization acme"
                    + " environment production"))
        .isNull();
    assertThat(SecretLeakGuard.leak("masked atk_\u2026x7Qp, LookupDigest[hmac:k1]")).isNull();
  }

  /**
   * Regression: MariaDB's connection failures failed every test that logged one (found in issue 6).
   */
  @Test
  void letsExceptionClassNamesThrough_butNotASecretBesideOne() {
    assertThat(
            SecretLeakGuard.leak(
                "DEBUG io.accesstokens.jdbc.JdbcTokenStore: Rollback after a failed update failed"
                    + " too [SQLState 08000, vendor code 1220,"
                    + " SQLNonTransientConnectionException]"))
        .isNull();
    assertThat(
            SecretLeakGuard.leak(
                "refused [SQLState 23000, vendor code 1062,"
                    + " SQLIntegrityConstraintViolationException]"))
        .isNull();
    assertThat(
            SecretLeakGuard.leak("SQLNonTransientConnectionException " + value.substring(15, 47)))
        .startsWith("a run of 32+");
    assertThat(SecretLeakGuard.leak("x9K2mQ7vT4pL8nR3sW6yZ1bC5dF0hJ4k" + "Exception"))
        .as("a secret glued to a name")
        .startsWith("a run of 32+");
  }

  /** Issue 17: Spring's TRACE lines name long classes and beans. */
  @Test
  void letsFrameworkClassAndBeanNamesThrough_butNotASecretShapedLikeOne() {
    assertThat(
            SecretLeakGuard.leak(
                "TRACE org.springframework.boot.autoconfigure.condition.OnClassCondition: Condition"
                    + " OnClassCondition on"
                    + " io.accesstokens.spring.boot.AccessTokensWebAutoConfiguration matched"))
        .isNull();
    assertThat(
            SecretLeakGuard.leak(
                "DEBUG Creating shared instance of singleton bean"
                    + " 'org.springframework.context.annotation.internalConfigurationAnnotationProcessor'"
                    + " and 'accessTokensStoreHealthIndicator'"))
        .isNull();
    assertThat(
            SecretLeakGuard.leak(
                "DEBUG Creating shared instance of singleton bean"
                    + " 'org.springframework.boot.context.properties.ConfigurationPropertiesBindingPostProcessor'"))
        .as("43 characters, Base64-shaped")
        .isNull();
    assertThat(
            SecretLeakGuard.leak(
                "TRACE Condition OnEnabledHealthIndicatorCondition on"
                    + " io.accesstokens.spring.boot.AccessTokensWebAutoConfiguration$SpringSecurity"
                    + "#accessTokensAuthenticatedOrganizations matched"))
        .isNull();
    assertThat(SecretLeakGuard.leak("io.accesstokens.x.x9K2mQ7vT4pL8nR3sW6yZ1bC5dF0hJ4kq2"))
        .as("a secret after a package name")
        .isNotNull();
    assertThat(SecretLeakGuard.leak("x9K2mQ7vT4pL8nR3sW6yZ1bC5dF0hJ4k" + "Configuration"))
        .as("a secret glued to a framework word")
        .startsWith("a run of 32+");
    assertThat(SecretLeakGuard.leak("abcdefghijklmnopqrstuvwxyzabcdefgh"))
        .as("letters only, but no framework word")
        .startsWith("a run of 32+");
    assertThat(SecretLeakGuard.leak("q2" + "x9K2mQ7vT4pL8nR3sW6yZ1bC5dF0hJ4k" + "Manager"))
        .isNotNull();
  }

  @Test
  void failsWhenALogLineCarriesAValue() {
    int mark = CapturingAppender.mark();
    LoggerFactory.getLogger("leak-probe").trace("oops {}", value);

    assertThatThrownBy(() -> SecretLeakGuard.assertNoLeakSince(mark))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("a token value");
    // Leave no leak behind for this test's own guard.
    CapturingAppender.forget(mark);
  }

  @Test
  void anotherLogBinding_failsTheClassAtOnce_namingItAndWhatToDo() {
    assertThat(SecretLeakGuard.bindingProblem(new NOPLoggerFactory()))
        .contains("bound to org.slf4j.helpers.NOPLoggerFactory")
        .contains("logback-classic")
        .contains("classpathDependencyExcludes");
    assertThat(SecretLeakGuard.bindingProblem(LoggerFactory.getILoggerFactory())).isNull();
  }

  /** This module's logback-test.xml has a console at INFO only, as a host's might. */
  @Test
  void aConfigurationWithoutTheCapture_getsIt_andItsConsoleKeepsItsLevel() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(appenders::add);

    assertThat(root.getLevel()).isEqualTo(Level.TRACE);
    assertThat(appenders).filteredOn(CapturingAppender.class::isInstance).hasSize(1);
    Appender<ILoggingEvent> console =
        appenders.stream().filter(a -> a.getName().equals("CONSOLE")).findFirst().orElseThrow();
    assertThat(console.getCopyOfAttachedFiltersList())
        .singleElement()
        .isInstanceOfSatisfying(
            ThresholdFilter.class,
            threshold -> {
              assertThat(threshold.decide(event(Level.INFO))).isEqualTo(FilterReply.NEUTRAL);
              assertThat(threshold.decide(event(Level.DEBUG))).isEqualTo(FilterReply.DENY);
            });

    SecretLeakGuard.startCapture();
    List<Appender<ILoggingEvent>> again = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(again::add);
    assertThat(again).as("started once").hasSameSizeAs(appenders);
  }

  private static ILoggingEvent event(Level level) {
    LoggingEvent event = new LoggingEvent();
    event.setLevel(level);
    return event;
  }
}
