package io.accesstokens.testing;

import java.lang.reflect.Field;
import org.junit.jupiter.api.TestInfo;
import org.slf4j.LoggerFactory;

/**
 * Reports what a test did (inputs tried, foreign attempts made, faults injected) on the {@code
 * io.accesstokens.figures} logger, from which the figures of docs/testing.md are added up. Class
 * names are written as words: a 32-letter run is what the leak guard takes for a secret.
 */
public final class Figures {
  private Figures() {}

  public static void report(Object test, TestInfo info, String what, long count) {
    String suite = words(storeOf(test) + test.getClass().getSimpleName());
    String method = words(info.getTestMethod().map(m -> m.getName()).orElse("?"));
    LoggerFactory.getLogger("io.accesstokens.figures")
        .info("{} | {} | {} | {}", suite, method, what, count);
  }

  /**
   * The class of the store's test when {@code test} is one of its nested suites ("H2StoreTest "),
   * read from the suite's reference to its enclosing instance; else nothing.
   */
  private static String storeOf(Object test) {
    Class<?> enclosing = test.getClass().getEnclosingClass();
    for (Field field : test.getClass().getDeclaredFields()) {
      if (enclosing != null && field.isSynthetic() && field.getType() == enclosing) {
        try {
          field.setAccessible(true);
          Object store = field.get(test);
          return store == null ? "" : store.getClass().getSimpleName() + " ";
        } catch (ReflectiveOperationException | RuntimeException e) {
          return "";
        }
      }
    }
    return "";
  }

  private static String words(String camelCase) {
    return camelCase.replace('_', ' ').replaceAll("(?<=[a-z0-9])(?=[A-Z])", " ");
  }
}
