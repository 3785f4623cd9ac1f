package io.accesstokens.spring.boot;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.accesstokens.ChangeFollower;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.micrometer.ChangeFollowerMetrics;
import io.accesstokens.micrometer.TokenEventMetrics;
import io.accesstokens.micrometer.TokenValidatorMetrics;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.ChangeRecord;
import io.accesstokens.testing.FaultyTokenStore;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.SecretLeakGuard;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;

/** Health indicators, metrics binding and the masking of keys in the actuator's reports. */
@ExtendWith(SecretLeakGuard.class)
class HealthAndMetricsTest {

  @Test
  void storeHealth_isUpOnAStoreThatAnswers_andDownOnOneThatDoesNot() {
    AccessTokensAutoConfigurationTest.runner()
        .withUserConfiguration(HostBeans.class)
        .run(
            context -> {
              HealthIndicator store =
                  context.getBean("accessTokensStoreHealthIndicator", HealthIndicator.class);
              Health health = store.health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsEntry("store", "JdbcTokenStore");
            });
    FaultyTokenStore faulty = new FaultyTokenStore(new MemoryTokenStore());
    faulty.down(true);
    Health down = new StoreHealthIndicator(faulty).health();
    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
  }

  @Test
  void followerHealth_isUnknownWhileWarmingUp_upOnceTrusted_downWhileItsReadsFail() {
    AccessTokensAutoConfigurationTest.runner()
        .withUserConfiguration(HostBeans.class)
        .withPropertyValues(
            "access-tokens.follower.longest-transaction=0s",
            "access-tokens.follower.staleness-bound=10m")
        .run(
            context -> {
              ChangeFollower follower = context.getBean(ChangeFollower.class);
              HealthIndicator indicator =
                  context.getBean("accessTokensFollowerHealthIndicator", HealthIndicator.class);
              assertThat(follower.catchUp()).isTrue();
              Health health = indicator.health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails())
                  .containsEntry("trusted", true)
                  .containsEntry("refusalBound", "PT10M")
                  .containsKeys("lag", "catchUps", "failures");
            });

    FailingFeed feed = new FailingFeed();
    ChangeFollower failing =
        ChangeFollower.builder(feed).longestTransaction(Duration.ZERO).drivenByCaller().build();
    TokenService service = Fixtures.serviceOn(new MemoryTokenStore()).build();
    try (TokenValidator validator =
        TokenValidator.builder(service).changeFollower(failing).build()) {
      FollowerHealthIndicator indicator = new FollowerHealthIndicator(failing);
      assertThat(indicator.health().getStatus())
          .as("not trusted yet, nothing failed")
          .isEqualTo(Status.UNKNOWN);
      feed.failing = true;
      assertThat(failing.catchUp()).isFalse();
      assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
      assertThat(indicator.health().getStatus())
          .as("no new failure since the last check")
          .isEqualTo(Status.UNKNOWN);
      feed.failing = false;
      assertThat(failing.catchUp()).isTrue();
      assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
      assertThat(validator.refusalBound()).isEqualTo(ChangeFollower.DEFAULT_STALENESS_BOUND);
    }
  }

  /** A change log whose reads fail while {@link #failing}. */
  static final class FailingFeed implements ChangeFeed {
    volatile boolean failing;

    private void check() {
      if (failing) {
        throw new io.accesstokens.StoreUnavailableException("change log out of reach");
      }
    }

    @Override
    public List<ChangeRecord> changesAfter(long after, int limit) {
      check();
      return List.of();
    }

    @Override
    public long head() {
      check();
      return 0;
    }

    @Override
    public long prunedThrough() {
      check();
      return 0;
    }

    @Override
    public void pruneBefore(Instant cutoff) {
      check();
    }
  }

  @Test
  void healthIndicators_canBeTurnedOff() {
    AccessTokensAutoConfigurationTest.runner()
        .withUserConfiguration(HostBeans.class)
        .withPropertyValues("management.health.access-tokens.enabled=false")
        .run(
            context ->
                assertThat(context)
                    .doesNotHaveBean(StoreHealthIndicator.class)
                    .doesNotHaveBean(FollowerHealthIndicator.class));
  }

  @Test
  void withoutTheActuator_noHealthIndicators() {
    AccessTokensAutoConfigurationTest.runner()
        .withUserConfiguration(HostBeans.class)
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean(StoreHealthIndicator.class)
                    .hasSingleBean(TokenValidator.class));
  }

  @Test
  void withSpringBootsMetrics_theMetersAreInTheRegistry() {
    AccessTokensAutoConfigurationTest.runner()
        .withUserConfiguration(HostBeans.class)
        .withConfiguration(
            AutoConfigurations.of(
                MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class))
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              TokenService service = context.getBean(TokenService.class);
              TokenValidator validator = context.getBean(TokenValidator.class);
              String value = Fixtures.create(service, ACME, PROD, null, ALICE).value().reveal();
              validator.validate(value, Scope.EDI, ACME, PROD);
              validator.validate(value, Scope.EDI, ACME, PROD);
              // While the follower warms up (its longest transaction, 5 s) every validation asks
              // the store; after, the second is a hit.
              assertThat(
                      registry.get(TokenValidatorMetrics.HITS).functionCounter().count()
                          + registry.get(TokenValidatorMetrics.MISSES).functionCounter().count())
                  .isEqualTo(2);
              assertThat(
                      registry.get(TokenValidatorMetrics.STORE_LOOKUPS).functionCounter().count())
                  .isBetween(1.0, 2.0);
              assertThat(
                      registry
                          .get(TokenEventMetrics.ACTIONS)
                          .tag("action", "created")
                          .functionCounter()
                          .count())
                  .isEqualTo(1);
              assertThat(registry.find(ChangeFollowerMetrics.LEASE_TRUSTED).gauge()).isNotNull();
            });
  }

  @Test
  void withoutMicrometer_noMeters() {
    AccessTokensAutoConfigurationTest.runner()
        .withUserConfiguration(HostBeans.class)
        .withClassLoader(new FilteredClassLoader("io.micrometer"))
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean(TokenValidatorMetrics.class)
                    .hasSingleBean(TokenValidator.class));
  }

  @Test
  void theKeys_areMaskedInEnvAndConfigprops_evenWhenValuesAreShown() {
    AccessTokensAutoConfigurationTest.runner()
        .withUserConfiguration(HostBeans.class)
        .withPropertyValues(
            "access-tokens.copy.keys[1].id=k0",
            "access-tokens.copy.keys[1].value=" + HostBeans.KEY.replace('c', 'e'))
        .run(
            context -> {
              List<SanitizingFunction> sanitizers =
                  List.copyOf(context.getBeansOfType(SanitizingFunction.class).values());
              assertThat(sanitizers).hasSize(1);
              ObjectMapper json = new ObjectMapper();
              String env =
                  json.writeValueAsString(
                      new EnvironmentEndpoint(context.getEnvironment(), sanitizers, Show.ALWAYS)
                          .environment(null));
              ConfigurationPropertiesReportEndpoint configprops =
                  new ConfigurationPropertiesReportEndpoint(sanitizers, Show.ALWAYS);
              configprops.setApplicationContext(context);
              String report = json.writeValueAsString(configprops.configurationProperties());

              assertThat(env).contains("access-tokens.copy.keys[0].id", "k1", "******");
              assertThat(env)
                  .doesNotContain(HostBeans.KEY)
                  .doesNotContain(HostBeans.KEY.replace('c', 'e'));
              assertThat(report).contains("access-tokens", "k1", "******");
              assertThat(report)
                  .doesNotContain(HostBeans.KEY)
                  .doesNotContain(HostBeans.KEY.replace('c', 'e'));
              assertThat(env).as("other values still shown").contains("jdbc:h2:mem:");
            });
  }

  @Test
  void maskKeys_masksEveryFormOfTheKeysValues_andNothingElse() {
    Map<String, Boolean> keys =
        Map.of(
            "access-tokens.copy.keys[0].value", true,
            "ACCESS_TOKENS_COPY_KEYS_0_VALUE", true,
            "access-tokens.copy.keys.value", true,
            "access-tokens.copy.keys[0].id", false,
            "access-tokens.jdbc.table-prefix", false);
    keys.forEach(
        (key, masked) -> {
          var data = new org.springframework.boot.actuate.endpoint.SanitizableData(null, key, "v");
          assertThat(AccessTokensHealthAutoConfiguration.maskKeys(data).getValue())
              .as(key)
              .isEqualTo(masked ? "******" : "v");
        });
  }
}
