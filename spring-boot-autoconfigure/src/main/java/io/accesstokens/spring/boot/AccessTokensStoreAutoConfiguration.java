package io.accesstokens.spring.boot;

import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.spi.TokenStore;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The token store: a {@link JdbcTokenStore} on the application's {@code DataSource} (dialect
 * detected, tables created or migrated at start unless {@code access-tokens.jdbc.migrate=false}),
 * or a {@link MemoryTokenStore} when {@code access-tokens.store=memory}. Backs off when the
 * application defines a {@link TokenStore}.
 */
@AutoConfiguration(
    afterName = "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
@EnableConfigurationProperties(AccessTokensProperties.class)
public class AccessTokensStoreAutoConfiguration {
  private static final Logger log =
      LoggerFactory.getLogger(AccessTokensStoreAutoConfiguration.class);

  /** The JDBC store, the default. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(JdbcTokenStore.class)
  @ConditionalOnSingleCandidate(DataSource.class)
  @ConditionalOnProperty(
      prefix = "access-tokens",
      name = "store",
      havingValue = "jdbc",
      matchIfMissing = true)
  static class Jdbc {
    @Bean
    @ConditionalOnMissingBean(TokenStore.class)
    JdbcTokenStore accessTokensStore(DataSource dataSource, AccessTokensProperties properties) {
      AccessTokensProperties.Jdbc jdbc = properties.getJdbc();
      JdbcTokenStore.Builder builder = JdbcTokenStore.builder(dataSource);
      String prefix = "access-tokens.jdbc.";
      Settings.set(prefix + "table-prefix", jdbc.getTablePrefix(), builder::tablePrefix);
      Settings.set(prefix + "query-timeout", jdbc.getQueryTimeout(), builder::queryTimeout);
      Settings.set(
          prefix + "change-log-timeout", jdbc.getChangeLogTimeout(), builder::changeLogTimeout);
      Settings.set(
          prefix + "migration-lock-timeout",
          jdbc.getMigrationLockTimeout(),
          builder::migrationLockTimeout);
      JdbcTokenStore store = builder.build();
      if (jdbc.isMigrate()) {
        log.debug("Migrating the access-tokens schema ({} tables)", store.tablePrefix());
        store.migrate();
      }
      return store;
    }
  }

  /** The memory store, when asked for. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MemoryTokenStore.class)
  @ConditionalOnProperty(prefix = "access-tokens", name = "store", havingValue = "memory")
  static class Memory {
    @Bean
    @ConditionalOnMissingBean(TokenStore.class)
    MemoryTokenStore accessTokensStore() {
      return new MemoryTokenStore();
    }
  }
}
