package io.accesstokens.spring.boot;

import io.accesstokens.internal.Redaction;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Applies a property to a library builder, turning the builder's refusal into Spring Boot's {@link
 * InvalidConfigurationPropertyValueException}, whose failure analysis names the property, its value
 * and where it was set. Never used with a secret's value; text that may hold one (a token value
 * pasted into the wrong property) is named by kind and length only, as every message of the library
 * does.
 */
final class Settings {
  private Settings() {}

  /** The value as a failure message may show it. */
  static Object shown(Object value) {
    return value instanceof CharSequence text && Redaction.mayHoldSecret(text)
        ? Redaction.describe(text)
        : value;
  }

  /** Hands {@code value} to {@code setter} (a builder's method), as {@link #apply} does. */
  static <T> void set(String property, T value, Consumer<? super T> setter) {
    apply(property, value, () -> setter.accept(value));
  }

  static void apply(String property, Object value, Runnable setting) {
    try {
      setting.run();
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException(property, shown(value), e.getMessage());
    }
  }
}
