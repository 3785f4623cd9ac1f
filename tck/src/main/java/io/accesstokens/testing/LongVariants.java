package io.accesstokens.testing;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * The long variants of the adversarial suites, off in every ordinary build: {@code mvn -B verify
 * -Daccess-tokens.long=true} turns them on (Surefire hands Maven's {@code -D} properties to the
 * test JVM). Then the model tests run {@value #FACTOR} times as many sequences, the concurrency and
 * race tests {@value #FACTOR} times as many operations and rounds.
 */
public final class LongVariants {
  private LongVariants() {}

  /** The system property that turns the long variants on. */
  public static final String PROPERTY = "access-tokens.long";

  /** How much longer the long variants run. */
  public static final int FACTOR = 10;

  /** Whether this run asked for the long variants. */
  public static boolean enabled() {
    return Boolean.getBoolean(PROPERTY);
  }

  /** {@code n} in an ordinary run, {@code n} times {@value #FACTOR} in a long one. */
  public static int scaled(int n) {
    return enabled() ? Math.multiplyExact(n, FACTOR) : n;
  }

  /** Skips a jqwik property unless the long variants are on, saying how to turn them on. */
  public static final class Only implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      return enabled()
          ? SkipResult.doNotSkip()
          : SkipResult.skip("a long variant: run with -D" + PROPERTY + "=true");
    }
  }
}
