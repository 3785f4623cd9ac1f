package io.accesstokens.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a check method guarantees when it returns, in the notation of JetBrains' {@code @Contract}
 * (for example {@code "null, _ -> fail"}), which NullAway reads by this simple name: so the
 * nullness checker knows that after {@code Checks.notNull(x, ...)} or {@code Checks.state(x !=
 * null, ...)}, x is not null. Source only; nothing reads it at run time.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Contract {
  /** The contract, for example {@code "false, _ -> fail"}. */
  String value();
}
