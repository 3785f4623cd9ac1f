package io.accesstokens.spring.boot;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Applies a property to a library builder, turning the builder's refusal into Spring Boot's {@link
 * InvalidConfigurationPropertyValueException}, whose failure analysis names the property, its value
 * and where it was set. Never used with a secret's value.
 */
final class Settings {
  private Settings() {}

  static void apply(String property, Object value, Runnable setting) {
    try {
      setting.run();
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException(property, value, e.getMessage());
    }
  }
}
