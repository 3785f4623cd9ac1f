package io.accesstokens.spring.boot;

import io.accesstokens.ChangeFollower;
import io.accesstokens.CopyPolicy;
import io.accesstokens.DigestPolicy;
import io.accesstokens.KeyRing;
import io.accesstokens.TokenEventListener;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.spi.TokenStore;
import java.util.Base64;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;

/**
 * The service, the validator and, for a JDBC store, the change follower that keeps the validator
 * coherent with other nodes (NOTIFY on PostgreSQL when its driver is present, polling elsewhere).
 * The application writes its {@link Entitlements} and {@link EnvironmentDirectory}; every bean here
 * backs off when the application defines its own.
 */
@AutoConfiguration(after = AccessTokensStoreAutoConfiguration.class)
@ConditionalOnBean(TokenStore.class)
@EnableConfigurationProperties(AccessTokensProperties.class)
public class AccessTokensAutoConfiguration {
  static final String KEYS = "access-tokens.copy.keys";

  /**
   * The copy policy of {@code access-tokens.copy.*}, sealed under a KeyRing bean if there is one.
   */
  @Bean
  @ConditionalOnMissingBean
  CopyPolicy accessTokensCopyPolicy(
      AccessTokensProperties properties, ObjectProvider<KeyRing> keyRing) {
    AccessTokensProperties.Copy copy = properties.getCopy();
    return switch (copy.getPolicy()) {
      case EPHEMERAL -> CopyPolicy.ephemeral();
      case DIGEST_ONLY -> CopyPolicy.digestOnly();
      case SEALED -> {
        KeyRing ring = keyRing.getIfAvailable();
        yield CopyPolicy.sealed(ring != null ? ring : keyRingOf(copy.getKeys()));
      }
    };
  }

  /**
   * The ring of {@code access-tokens.copy.keys}. No message names or quotes a key's value: a bad
   * one is named by its index.
   */
  static KeyRing keyRingOf(List<AccessTokensProperties.Key> keys) {
    if (keys.isEmpty()) {
      throw new InvalidConfigurationPropertyValueException(
          KEYS,
          "(none)",
          "access-tokens.copy.policy is sealed (the default), which needs at least one key: set"
              + " access-tokens.copy.keys[0].id, .value (Base64 of 32 random bytes) and"
              + " .current=true, define a KeyRing bean, or choose"
              + " access-tokens.copy.policy=digest-only");
    }
    long current = keys.stream().filter(AccessTokensProperties.Key::isCurrent).count();
    if (current != 1 && keys.size() > 1) {
      throw new InvalidConfigurationPropertyValueException(
          KEYS,
          "(" + keys.size() + " keys)",
          "exactly one key must be current, but " + current + " are");
    }
    KeyRing.Builder ring = KeyRing.builder();
    for (int i = 0; i < keys.size(); i++) {
      AccessTokensProperties.Key key = keys.get(i);
      String property = KEYS + "[" + i + "]";
      String id = key.getId();
      if (id == null || id.isBlank()) {
        throw new InvalidConfigurationPropertyValueException(
            property + ".id", "(none)", "every key needs an id");
      }
      String value = key.getValue();
      if (value == null || value.isBlank()) {
        throw new InvalidConfigurationPropertyValueException(
            property + ".value", "(none)", "key " + id + " has no value");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(value.strip());
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationPropertyValueException(
            property + ".value", "(hidden)", "key " + id + " is not Base64");
      }
      boolean isCurrent = key.isCurrent() || keys.size() == 1;
      Settings.apply(
          property + ".value",
          "(hidden)",
          () -> {
            if (isCurrent) {
              ring.current(id, bytes);
            } else {
              ring.retired(id, bytes);
            }
          });
    }
    return ring.build();
  }

  @Bean
  @ConditionalOnMissingBean
  DigestPolicy accessTokensDigestPolicy() {
    return DigestPolicy.sha256();
  }

  @Bean
  @ConditionalOnMissingBean
  TokenService accessTokensService(
      TokenStore store,
      ObjectProvider<Entitlements> entitlements,
      ObjectProvider<EnvironmentDirectory> environments,
      CopyPolicy copyPolicy,
      DigestPolicy digestPolicy,
      ObjectProvider<TokenEventListener> listeners) {
    Entitlements entitled = entitlements.getIfAvailable();
    if (entitled == null) {
      throw new MissingHostBeanException(Entitlements.class);
    }
    EnvironmentDirectory directory = environments.getIfAvailable();
    if (directory == null) {
      throw new MissingHostBeanException(EnvironmentDirectory.class);
    }
    TokenService.Builder builder =
        TokenService.builder(store)
            .entitlements(entitled)
            .environments(directory)
            .copyPolicy(copyPolicy)
            .digestPolicy(digestPolicy);
    listeners.orderedStream().forEach(builder::listener);
    return builder.build();
  }

  /** The follower of a JDBC store's change log. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(JdbcTokenStore.class)
  @ConditionalOnBean(JdbcTokenStore.class)
  @ConditionalOnProperty(
      prefix = "access-tokens.follower",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class Follower {
    @Bean
    @ConditionalOnMissingBean
    ChangeFollower accessTokensChangeFollower(
        JdbcTokenStore store, AccessTokensProperties properties) {
      AccessTokensProperties.Follower settings = properties.getFollower();
      String prefix = "access-tokens.follower.";
      ChangeFollower.Builder builder = ChangeFollower.builder(store.changeFeed());
      Settings.set(prefix + "poll-interval", settings.getPollInterval(), builder::pollInterval);
      Settings.set(
          prefix + "staleness-bound", settings.getStalenessBound(), builder::stalenessBound);
      Settings.set(
          prefix + "longest-transaction",
          settings.getLongestTransaction(),
          builder::longestTransaction);
      Settings.set(prefix + "retention", settings.getRetention(), builder::retention);
      ChangeFollower[] built = new ChangeFollower[1];
      // build() checks the settings against each other (the retention against the others).
      Settings.apply(
          prefix + "retention", settings.getRetention(), () -> built[0] = builder.build());
      return java.util.Objects.requireNonNull(built[0]);
    }
  }

  /** The validator, and its lifecycle. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(TokenValidator.class)
  static class Validator {
    @Bean
    TokenValidator accessTokensValidator(
        TokenService service,
        AccessTokensProperties properties,
        ObjectProvider<ChangeFollower> follower) {
      AccessTokensProperties.Validator settings = properties.getValidator();
      String prefix = "access-tokens.validator.";
      TokenValidator.Builder builder = TokenValidator.builder(service);
      Settings.set(prefix + "maximum-size", settings.getMaximumSize(), builder::maximumSize);
      java.time.Duration expireAfter = settings.getExpireAfter();
      if (expireAfter != null) { // unset: the library's default, longer with a follower
        Settings.set(prefix + "expire-after", expireAfter, builder::expireAfter);
      }
      Settings.set(
          prefix + "negative-maximum-size",
          settings.getNegativeMaximumSize(),
          builder::negativeMaximumSize);
      Settings.set(
          prefix + "negative-expire-after",
          settings.getNegativeExpireAfter(),
          builder::negativeExpireAfter);
      Settings.set(prefix + "lookup-timeout", settings.getLookupTimeout(), builder::lookupTimeout);
      Settings.set(
          prefix + "max-concurrent-lookups",
          settings.getMaxConcurrentLookups(),
          builder::maxConcurrentLookups);
      if (settings.isRecordLastUsed()) {
        builder.recordLastUsed(true);
        java.time.Duration interval = settings.getLastUsedInterval();
        Settings.set(prefix + "last-used-interval", interval, builder::lastUsedInterval);
      }
      ChangeFollower changes = follower.getIfAvailable();
      if (changes != null) {
        builder.changeFollower(changes); // started by build(), stopped by close()
      }
      return builder.build();
    }

    @Bean
    ValidatorLifecycle accessTokensValidatorLifecycle(TokenValidator validator) {
      return new ValidatorLifecycle(validator);
    }

    /**
     * The flush of the recorded uses. On the application's {@link TaskScheduler} when it has one
     * (Boot's, under {@code @EnableScheduling}: configured by {@code spring.task.scheduling.*},
     * shut down by Boot, one place for the application's background work), else on a daemon thread
     * of its own, so that turning recording on never needs {@code @EnableScheduling}.
     */
    @Bean
    @ConditionalOnProperty(
        prefix = "access-tokens.validator",
        name = "record-last-used",
        havingValue = "true")
    LastUsedFlushSchedule accessTokensLastUsedFlush(
        TokenValidator validator,
        AccessTokensProperties properties,
        ObjectProvider<TaskScheduler> schedulers) {
      return new LastUsedFlushSchedule(
          validator, schedulers.getIfUnique(), properties.getValidator().getLastUsedInterval());
    }
  }

  /**
   * Closes the validator (and so stops its change follower and lookup pool) when the context stops,
   * before any bean is destroyed: the follower never reads from a pool being closed. The validator
   * starts when it is built, during the context's refresh; a stopped validator cannot start again,
   * so {@link #start()} after {@link #stop()} does nothing.
   */
  static final class ValidatorLifecycle implements SmartLifecycle {
    // Phases stop from the highest down: below the web server's (DEFAULT_PHASE - 2048), so the
    // validator closes once no request can reach it any more.
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final TokenValidator validator;
    private volatile boolean running = true;

    ValidatorLifecycle(TokenValidator validator) {
      this.validator = validator;
    }

    @Override
    public void start() {}

    @Override
    public void stop() {
      running = false;
      validator.close();
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public int getPhase() {
      return PHASE;
    }
  }
}
