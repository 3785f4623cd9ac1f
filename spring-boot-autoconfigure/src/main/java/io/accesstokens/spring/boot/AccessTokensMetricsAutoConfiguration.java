package io.accesstokens.spring.boot;

import io.accesstokens.ChangeFollower;
import io.accesstokens.TokenValidator;
import io.accesstokens.micrometer.ChangeFollowerMetrics;
import io.accesstokens.micrometer.TokenEventMetrics;
import io.accesstokens.micrometer.TokenValidatorMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters ({@code access_tokens.*}) for the validator, the change follower and the
 * service's actions, when Micrometer and {@code access-tokens-micrometer} are on the class path.
 * Spring Boot's metrics auto-configuration binds every {@link MeterBinder} bean to the registry.
 */
@AutoConfiguration(after = AccessTokensAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, TokenValidatorMetrics.class})
public class AccessTokensMetricsAutoConfiguration {

  /** Counts the service's actions; the service picks it up as one of its listeners. */
  @Bean
  @ConditionalOnMissingBean
  TokenEventMetrics accessTokensActionMetrics() {
    return new TokenEventMetrics();
  }

  @Bean
  @ConditionalOnBean(TokenValidator.class)
  @ConditionalOnMissingBean
  TokenValidatorMetrics accessTokensValidatorMetrics(TokenValidator validator) {
    return new TokenValidatorMetrics(validator);
  }

  @Bean
  @ConditionalOnBean(ChangeFollower.class)
  @ConditionalOnMissingBean
  ChangeFollowerMetrics accessTokensFollowerMetrics(ChangeFollower follower) {
    return new ChangeFollowerMetrics(follower);
  }
}
