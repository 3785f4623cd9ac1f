package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.testing.CapturingAppender;
import io.accesstokens.testing.SecretLeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The secret-leak guard really watches this module: the store's loggers write at TRACE into the
 * capturing appender, and the drivers' wire-level TRACE (every bound byte) stays off, as
 * logback-test.xml says. (That every test class is guarded at all is {@code
 * EveryTestClassIsGuardedTest}'s, in the TCK's tests.)
 */
@ExtendWith(SecretLeakGuard.class)
class SecretLeakGuardCoverageTest {
  @Test
  void theStoresLoggers_writeAtTrace_intoTheCapturingAppender() {
    int mark = CapturingAppender.mark();
    LoggerFactory.getLogger(JdbcTokenStore.class).trace("probe {}", "trace line");

    assertThat(LoggerFactory.getLogger(JdbcTokenStore.class).isTraceEnabled()).isTrue();
    assertThat(LoggerFactory.getLogger("io.accesstokens.jdbc.internal.SqlErrors").isTraceEnabled())
        .isTrue();
    assertThat(CapturingAppender.lines().stream().skip(mark).toList())
        .containsExactly("TRACE io.accesstokens.jdbc.JdbcTokenStore: probe trace line");
  }

  @Test
  void theDriversAndThePool_logAtInfoAndAbove() {
    for (String driver :
        new String[] {"org.postgresql", "org.mariadb.jdbc", "org.h2", "com.zaxxer.hikari"}) {
      assertThat(LoggerFactory.getLogger(driver + ".Probe").isDebugEnabled()).as(driver).isFalse();
      assertThat(LoggerFactory.getLogger(driver + ".Probe").isInfoEnabled()).as(driver).isTrue();
    }
    // H2's own trace, when a URL routes it to SLF4J, writes statements with parameters at INFO.
    assertThat(LoggerFactory.getLogger("h2database").isInfoEnabled()).isFalse();
    assertThat(LoggerFactory.getLogger("h2database").isWarnEnabled()).isTrue();
  }
}
