package io.accesstokens.spring.boot;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.ChangeFollower;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.IssuedToken;
import io.accesstokens.KeyRing;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.jdbc.JdbcDialect;
import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.micrometer.ChangeFollowerMetrics;
import io.accesstokens.micrometer.TokenEventMetrics;
import io.accesstokens.micrometer.TokenValidatorMetrics;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.PastedValues;
import io.accesstokens.testing.SecretLeakGuard;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every condition of the store and core auto-configuration, on H2 or the memory store. */
@ExtendWith(SecretLeakGuard.class)
class AccessTokensAutoConfigurationTest {
  static final AutoConfigurations ALL =
      AutoConfigurations.of(
          DataSourceAutoConfiguration.class,
          AccessTokensStoreAutoConfiguration.class,
          AccessTokensAutoConfiguration.class,
          AccessTokensHealthAutoConfiguration.class,
          AccessTokensMetricsAutoConfiguration.class);

  static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(ALL)
        .withPropertyValues(
            "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "access-tokens.copy.keys[0].id=k1",
            "access-tokens.copy.keys[0].value=" + HostBeans.KEY,
            "access-tokens.copy.keys[0].current=true");
  }

  private final ApplicationContextRunner runner = runner().withUserConfiguration(HostBeans.class);

  private static boolean accepted(TokenValidator validator, IssuedToken token) {
    try {
      validator.validate(token.value().reveal(), Scope.EDI, ACME, PROD);
      return true;
    } catch (ConnectionOpenException e) {
      return false;
    }
  }

  /**
   * Asserts that {@code context} failed to start because of {@code property}'s value; returns the
   * root cause, whose message the caller checks.
   */
  private static Throwable startRefusedOn(AssertableApplicationContext context, String property) {
    assertThat(context).hasFailed();
    Throwable cause = rootCause(context.getStartupFailure());
    assertThat(cause).isInstanceOf(InvalidConfigurationPropertyValueException.class);
    assertThat(((InvalidConfigurationPropertyValueException) cause).getName()).isEqualTo(property);
    return cause;
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  @Test
  void onADataSource_aMigratedJdbcStore_aServiceAValidatorAndAFollower_workTogether() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(JdbcTokenStore.class);
          JdbcTokenStore store = context.getBean(JdbcTokenStore.class);
          assertThat(store.dialect()).isEqualTo(JdbcDialect.H2);
          assertThat(store.tablePrefix()).isEqualTo(JdbcTokenStore.DEFAULT_TABLE_PREFIX);
          assertThat(context)
              .hasSingleBean(TokenService.class)
              .hasSingleBean(TokenValidator.class)
              .hasSingleBean(ChangeFollower.class)
              .hasSingleBean(StoreHealthIndicator.class)
              .hasSingleBean(FollowerHealthIndicator.class)
              .hasSingleBean(TokenValidatorMetrics.class)
              .hasSingleBean(ChangeFollowerMetrics.class)
              .hasSingleBean(TokenEventMetrics.class);

          TokenService service = context.getBean(TokenService.class);
          TokenValidator validator = context.getBean(TokenValidator.class);
          IssuedToken token = Fixtures.create(service, ACME, PROD, "over AS2", ALICE);
          assertThat(accepted(validator, token)).isTrue();
          assertThat(Fixtures.copy(service, ACME, token.id(), ALICE).reveal())
              .as("sealed under the key of the properties")
              .isEqualTo(token.value().reveal());
          service.deactivate(ACME, token.id(), ALICE);
          assertThat(accepted(validator, token)).isFalse();
          assertThat(
                  context
                      .getBean(TokenEventMetrics.class)
                      .count(io.accesstokens.TokenEventType.CREATED))
              .as("the action counter is one of the service's listeners")
              .isEqualTo(1);
          assertThat(validator.refusalBound()).isEqualTo(ChangeFollower.DEFAULT_STALENESS_BOUND);
        });
  }

  @Test
  void whenTheContextCloses_theValidatorAndItsFollowerStop() {
    TokenValidator[] validator = new TokenValidator[1];
    runner.run(context -> validator[0] = context.getBean(TokenValidator.class));
    assertThatThrownBy(() -> validator[0].validate("atk_x", Scope.EDI, ACME, PROD))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void jdbcProperties_areBound() {
    runner
        .withPropertyValues(
            "access-tokens.jdbc.table-prefix=host_at_",
            "access-tokens.jdbc.query-timeout=3s",
            "access-tokens.jdbc.change-log-timeout=1s",
            "access-tokens.jdbc.migration-lock-timeout=20s",
            "access-tokens.follower.staleness-bound=2s",
            "access-tokens.validator.maximum-size=500")
        .run(
            context -> {
              JdbcTokenStore store = context.getBean(JdbcTokenStore.class);
              assertThat(store.tablePrefix()).isEqualTo("host_at_");
              assertThat(store.queryTimeout()).isEqualTo(Duration.ofSeconds(3));
              assertThat(store.changeLogTimeout()).isEqualTo(Duration.ofSeconds(1));
              assertThat(store.migrationLockTimeout()).isEqualTo(Duration.ofSeconds(20));
              assertThat(context.getBean(ChangeFollower.class).refusalBound())
                  .isEqualTo(Duration.ofSeconds(2));
              assertThat(tables(context.getBean(DataSource.class), "HOST_AT_%")).isPositive();
            });
  }

  private static int tables(DataSource dataSource, String pattern) throws Exception {
    int count = 0;
    try (Connection connection = dataSource.getConnection();
        ResultSet tables = connection.getMetaData().getTables(null, null, pattern, null)) {
      while (tables.next()) {
        count++;
      }
    }
    return count;
  }

  @Test
  void migrateFalse_leavesTheSchemaAlone() {
    runner
        .withPropertyValues(
            "access-tokens.jdbc.migrate=false", "access-tokens.follower.enabled=false")
        .run(
            context -> {
              assertThat(context).hasSingleBean(JdbcTokenStore.class);
              assertThat(tables(context.getBean(DataSource.class), "AT_%")).isZero();
            });
  }

  @Test
  void followerDisabled_noFollower_andTheValidatorIsASingleNodes() {
    runner
        .withPropertyValues("access-tokens.follower.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ChangeFollower.class);
              assertThat(context).doesNotHaveBean(FollowerHealthIndicator.class);
              assertThat(context.getBean(TokenValidator.class).refusalBound()).isZero();
            });
  }

  @Test
  void storeMemory_isTheMemoryStore_withoutAFollower_orADataSource() {
    new ApplicationContextRunner()
        .withConfiguration(ALL)
        .withUserConfiguration(HostBeans.class)
        .withClassLoader(new FilteredClassLoader("org.h2", "com.zaxxer"))
        .withPropertyValues("access-tokens.store=memory", "access-tokens.copy.policy=ephemeral")
        .run(
            context -> {
              assertThat(context).hasSingleBean(MemoryTokenStore.class);
              assertThat(context).doesNotHaveBean(DataSource.class);
              assertThat(context).doesNotHaveBean(ChangeFollower.class);
              TokenService service = context.getBean(TokenService.class);
              IssuedToken token = Fixtures.create(service, ACME, PROD, null, ALICE);
              assertThat(accepted(context.getBean(TokenValidator.class), token)).isTrue();
            });
  }

  @Test
  void withoutTheJdbcStoreModule_andNoStoreAskedFor_nothingIsConfigured() {
    new ApplicationContextRunner()
        .withConfiguration(ALL)
        .withUserConfiguration(HostBeans.class)
        .withClassLoader(new FilteredClassLoader(JdbcTokenStore.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(TokenStore.class);
              assertThat(context).doesNotHaveBean(TokenService.class);
            });
  }

  @Test
  void everyBean_backsOffForTheApplicationsOwn() {
    runner
        .withUserConfiguration(OwnBeans.class)
        .run(
            context -> {
              assertThat(context.getBean(TokenStore.class)).isSameAs(OwnBeans.STORE);
              assertThat(context).doesNotHaveBean(JdbcTokenStore.class);
              assertThat(context).doesNotHaveBean(ChangeFollower.class);
              assertThat(context.getBean(TokenService.class))
                  .isSameAs(context.getBean("ownService"));
              assertThat(context.getBean(TokenValidator.class))
                  .isSameAs(context.getBean("ownValidator"));
              assertThat(context.getBean(CopyPolicy.class)).isSameAs(OwnBeans.COPY);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    static final MemoryTokenStore STORE = new MemoryTokenStore();
    static final CopyPolicy COPY = CopyPolicy.digestOnly();

    @Bean
    TokenStore ownStore() {
      return STORE;
    }

    @Bean
    CopyPolicy ownCopyPolicy() {
      return COPY;
    }

    @Bean
    TokenService ownService(Entitlements entitlements, EnvironmentDirectory environments) {
      return TokenService.builder(STORE)
          .entitlements(entitlements)
          .environments(environments)
          .copyPolicy(COPY)
          .build();
    }

    @Bean
    TokenValidator ownValidator(TokenService ownService) {
      return TokenValidator.builder(ownService).build();
    }
  }

  @Test
  void aKeyRingBean_sealsInsteadOfTheProperties() {
    runner()
        .withUserConfiguration(HostBeans.class)
        .withBean(
            KeyRing.class,
            () -> KeyRing.of("from-a-vault", "0123456789abcdef0123456789abcdef".getBytes()))
        .run(
            context -> {
              assertThat(context.getBean(CopyPolicy.class).toString())
                  .contains("from-a-vault")
                  .doesNotContain("k1");
            });
  }

  @Test
  void aRetiredKey_opensWhatItSealed_andNoKeyValueIsInTheToString() {
    runner
        .withPropertyValues(
            "access-tokens.copy.keys[1].id=k0",
            "access-tokens.copy.keys[1].value=" + HostBeans.KEY.replace('c', 'd'),
            "access-tokens.copy.keys[1].current=false")
        .run(
            context -> {
              assertThat(context.getBean(CopyPolicy.class).toString()).contains("k1", "k0");
              String properties = context.getBean(AccessTokensProperties.class).toString();
              assertThat(properties).contains("k1", "k0").doesNotContain(HostBeans.KEY);
              assertThat(properties).doesNotContain(HostBeans.KEY.replace('c', 'd'));
            });
  }

  // ---- what a host gets wrong

  @Test
  void noEntitlementsBean_failsWithAnAnalysisNamingItAndShowingTheCode() {
    runner()
        .withUserConfiguration(EnvironmentsOnly.class)
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable failure = context.getStartupFailure();
              FailureAnalysis analysis = new MissingHostBeanFailureAnalyzer().analyze(failure);
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .contains("io.accesstokens.spi.Entitlements")
                  .contains("which organizations have the EDI application");
              assertThat(analysis.getAction()).contains("@Bean", "Entitlements entitlements(");
            });
  }

  @Test
  void noEnvironmentDirectoryBean_failsWithAnAnalysisNamingIt() {
    runner()
        .withUserConfiguration(EntitlementsOnly.class)
        .run(
            context -> {
              FailureAnalysis analysis =
                  new MissingHostBeanFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .contains("io.accesstokens.spi.EnvironmentDirectory");
              assertThat(analysis.getAction())
                  .contains("@Bean", "EnvironmentDirectory environments(");
            });
  }

  @Test
  void theFailureAnalyzer_isRegistered() throws Exception {
    assertThat(
            new String(
                getClass().getResourceAsStream("/META-INF/spring.factories").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8))
        .contains(MissingHostBeanFailureAnalyzer.class.getName());
  }

  private void assertRefused(String property, String reason, String... values) {
    runner
        .withPropertyValues(values)
        .run(
            context ->
                assertThat(startRefusedOn(context, property).getMessage())
                    .contains(reason)
                    .doesNotContain(HostBeans.KEY));
  }

  @Test
  void badValues_stopTheStart_namingTheProperty() {
    assertRefused(
        "access-tokens.validator.maximum-size",
        "must be positive",
        "access-tokens.validator.maximum-size=-1");
    assertRefused(
        "access-tokens.jdbc.table-prefix", "prefix", "access-tokens.jdbc.table-prefix=Bad-Prefix");
    assertRefused(
        "access-tokens.follower.staleness-bound", "", "access-tokens.follower.staleness-bound=0s");
    assertRefused(
        "access-tokens.validator.lookup-timeout", "", "access-tokens.validator.lookup-timeout=-1s");
  }

  /** A token value pasted into a property is refused without being echoed. */
  @Test
  void aTokenValuePastedIntoAProperty_isRefused_neverEchoed() {
    String value = Fixtures.mint(new io.accesstokens.TokenId(77));
    for (String property : List.of("access-tokens.jdbc.table-prefix")) {
      runner
          .withPropertyValues(property + "=" + value)
          .run(
              context ->
                  assertThat(startRefusedOn(context, property).getMessage())
                      .contains("characters")
                      .doesNotContain(PastedValues.secretOf(value).substring(0, 8)));
    }
  }

  @Test
  void sealedWithoutKeys_stopsTheStart_sayingWhatToSet() {
    new ApplicationContextRunner()
        .withConfiguration(ALL)
        .withUserConfiguration(HostBeans.class)
        .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID())
        .run(
            context -> {
              Throwable cause = rootCause(context.getStartupFailure());
              assertThat(cause).isInstanceOf(InvalidConfigurationPropertyValueException.class);
              assertThat(cause.getMessage())
                  .contains("access-tokens.copy.keys")
                  .contains("KeyRing bean")
                  .contains("digest-only");
            });
  }

  @Test
  void aKeyThatIsNotBase64_isNamedByIndex_andNeverQuoted() {
    String bad = "not*base64*" + HostBeans.KEY;
    assertRefused(
        "access-tokens.copy.keys[0].value",
        "key k1 is not Base64",
        "access-tokens.copy.keys[0].value=" + bad);
    runner
        .withPropertyValues("access-tokens.copy.keys[0].value=" + bad)
        .run(
            context ->
                assertThat(rootCause(context.getStartupFailure()).getMessage())
                    .doesNotContain("not*base64"));
  }

  @Test
  void twoCurrentKeys_areRefused() {
    assertRefused(
        "access-tokens.copy.keys",
        "exactly one key must be current",
        "access-tokens.copy.keys[1].id=k2",
        "access-tokens.copy.keys[1].value=" + HostBeans.KEY,
        "access-tokens.copy.keys[1].current=true");
  }

  @Test
  void anUnknownStoreType_failsToBind_namingTheProperty() {
    runner
        .withPropertyValues("access-tokens.store=nosql")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .hasStackTraceContaining("access-tokens.store");
            });
  }

  @Test
  void theValidatorsSettings_reachTheValidator() {
    runner
        .withPropertyValues("access-tokens.validator.max-concurrent-lookups=0")
        .run(context -> assertThat(context).hasFailed());
    runner
        .withPropertyValues(
            "access-tokens.validator.expire-after=5s", "access-tokens.follower.enabled=false")
        .run(
            context ->
                assertThat(context.getBean(TokenValidator.class).toString()).contains("PT5S"));
  }

  /**
   * Issue 13: unset, the hard expiry is the library's default, so store reads stay flat: 30 minutes
   * with the follower, 60 seconds without one (a property that always set 60 s would re-read every
   * active token each minute on every node).
   */
  @Test
  void theHardExpiry_unset_isTheLibrarysDefault_longerWithTheFollower() {
    runner.run(
        context ->
            assertThat(context.getBean(TokenValidator.class).toString())
                .contains("expireAfter=" + TokenValidator.DEFAULT_EXPIRE_AFTER_FOLLOWED));
    runner
        .withPropertyValues("access-tokens.follower.enabled=false")
        .run(
            context ->
                assertThat(context.getBean(TokenValidator.class).toString())
                    .contains("expireAfter=" + TokenValidator.DEFAULT_EXPIRE_AFTER));
  }

  /** Only the entitlements: the environment directory is missing. */
  @Configuration(proxyBeanMethods = false)
  static class EntitlementsOnly {
    @Bean
    Entitlements entitlements() {
      return Entitlements.all();
    }
  }

  /** Only the environment directory: the entitlements are missing. */
  @Configuration(proxyBeanMethods = false)
  static class EnvironmentsOnly {
    @Bean
    EnvironmentDirectory environments() {
      return Fixtures.environments();
    }
  }
}
