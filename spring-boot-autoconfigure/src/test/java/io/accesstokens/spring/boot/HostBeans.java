package io.accesstokens.spring.boot;

import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.testing.Fixtures;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The two beans a host writes, as the tests' host writes them. */
@Configuration(proxyBeanMethods = false)
class HostBeans {
  /** A key for access-tokens.copy.keys: Base64 of 32 bytes, made up for the tests. */
  static final String KEY = "c2VjcmV0LWtleS1mb3ItdGhlLWF1dG9jb25maWctdHM=";

  @Bean
  Entitlements entitlements() {
    return Entitlements.all();
  }

  @Bean
  EnvironmentDirectory environments() {
    return Fixtures.environments();
  }
}
