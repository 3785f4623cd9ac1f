package io.accesstokens.spring.boot;

import io.accesstokens.ChangeFollower;
import io.accesstokens.spi.TokenStore;
import java.util.Locale;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Actuator: health indicators {@code accessTokensStore} and {@code accessTokensFollower}, and the
 * masking of {@code access-tokens.copy.keys[*].value} in {@code /actuator/env} and {@code
 * /actuator/configprops} even where the application shows values.
 */
@AutoConfiguration(after = AccessTokensAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public class AccessTokensHealthAutoConfiguration {

  @Bean
  @ConditionalOnBean(TokenStore.class)
  @ConditionalOnMissingBean(name = "accessTokensStoreHealthIndicator")
  @ConditionalOnEnabledHealthIndicator("access-tokens")
  StoreHealthIndicator accessTokensStoreHealthIndicator(TokenStore store) {
    return new StoreHealthIndicator(store);
  }

  @Bean
  @ConditionalOnBean(ChangeFollower.class)
  @ConditionalOnMissingBean(name = "accessTokensFollowerHealthIndicator")
  @ConditionalOnEnabledHealthIndicator("access-tokens")
  FollowerHealthIndicator accessTokensFollowerHealthIndicator(ChangeFollower follower) {
    return new FollowerHealthIndicator(follower);
  }

  @Bean
  @ConditionalOnMissingBean(name = "accessTokensKeySanitizer")
  SanitizingFunction accessTokensKeySanitizer() {
    return AccessTokensHealthAutoConfiguration::maskKeys;
  }

  /**
   * Masks every copy key's value, whatever the endpoints' {@code show-values}: {@code
   * access-tokens.copy.keys[0].value} as the environment has it (also as {@code
   * ACCESS_TOKENS_COPY_KEYS_0_VALUE}), and {@code access-tokens.copy.keys.value} as the configprops
   * report names a list element's property.
   */
  static SanitizableData maskKeys(SanitizableData data) {
    String key = data.getKey().toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
    boolean keyValue = key.startsWith("access.tokens.copy.keys") && key.endsWith("value");
    return keyValue ? data.withValue(SanitizableData.SANITIZED_VALUE) : data;
  }
}
