package io.accesstokens.spring.boot;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.IssuedToken;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.micrometer.TokenValidatorMetrics;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.SecretLeakGuard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;

/**
 * access-tokens.validator.record-last-used and last-used-interval: the flush on a scheduler the
 * auto-configuration manages, driven here by calling the scheduled task, never by waiting.
 */
@ExtendWith(SecretLeakGuard.class)
class LastUsedAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AccessTokensAutoConfigurationTest.ALL)
          .withUserConfiguration(HostBeans.class)
          .withClassLoader(new FilteredClassLoader("org.h2", "com.zaxxer"))
          .withPropertyValues("access-tokens.store=memory", "access-tokens.copy.policy=ephemeral");

  private static IssuedToken createdAndUsed(TokenService service, TokenValidator validator) {
    IssuedToken token = Fixtures.create(service, ACME, PROD, null, ALICE);
    validator.validate(token.value().reveal(), Scope.EDI, ACME, PROD);
    return token;
  }

  private static @Nullable Instant lastUsed(TokenService service, IssuedToken token) {
    return service.get(ACME, token.id()).lastUsedAt();
  }

  @Test
  void byDefault_nothingIsRecorded_andNoFlushIsScheduled() {
    runner
        .withUserConfiguration(RecordingScheduler.Config.class)
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(LastUsedFlushSchedule.class);
              assertThat(context.getBean(RecordingScheduler.class).tasks).isEmpty();
              TokenService service = context.getBean(TokenService.class);
              TokenValidator validator = context.getBean(TokenValidator.class);
              IssuedToken token = createdAndUsed(service, validator);
              assertThat(validator.pendingLastUses()).isZero();
              context.close();
              assertThat(lastUsed(service, token)).isNull();
            });
  }

  @Test
  void recording_flushesOnTheApplicationsScheduler_everyInterval() {
    runner
        .withUserConfiguration(RecordingScheduler.Config.class)
        .withPropertyValues(
            "access-tokens.validator.record-last-used=true",
            "access-tokens.validator.last-used-interval=2m")
        .run(
            context -> {
              RecordingScheduler scheduler = context.getBean(RecordingScheduler.class);
              assertThat(context.getBean(LastUsedFlushSchedule.class).ownsItsThread()).isFalse();
              assertThat(scheduler.tasks).hasSize(1);
              assertThat(scheduler.delays).containsExactly(Duration.ofMinutes(2));
              assertThat(scheduler.starts).containsExactly(RecordingScheduler.NOW.plusSeconds(120));

              TokenService service = context.getBean(TokenService.class);
              TokenValidator validator = context.getBean(TokenValidator.class);
              IssuedToken token = createdAndUsed(service, validator);
              assertThat(validator.pendingLastUses()).isOne();
              assertThat(lastUsed(service, token)).isNull();

              scheduler.tasks.get(0).run(); // the schedule's turn comes

              assertThat(validator.pendingLastUses()).isZero();
              assertThat(lastUsed(service, token)).isNotNull();
              context.close();
              assertThat(scheduler.cancelled).as("the schedule ends with the context").isTrue();
            });
  }

  @Test
  void aFlushThatFails_isLoggedOnce_andItsUsesWaitForTheNext() {
    io.accesstokens.testing.FaultyTokenStore store =
        new io.accesstokens.testing.FaultyTokenStore(new io.accesstokens.memory.MemoryTokenStore());
    runner
        .withUserConfiguration(RecordingScheduler.Config.class)
        .withBean(io.accesstokens.spi.TokenStore.class, () -> store)
        .withPropertyValues("access-tokens.validator.record-last-used=true")
        .run(
            context -> {
              RecordingScheduler scheduler = context.getBean(RecordingScheduler.class);
              TokenService service = context.getBean(TokenService.class);
              TokenValidator validator = context.getBean(TokenValidator.class);
              IssuedToken token = createdAndUsed(service, validator);
              int mark = io.accesstokens.testing.CapturingAppender.mark();

              store.down(true);
              scheduler.tasks.get(0).run();
              scheduler.tasks.get(0).run();
              assertThat(validator.pendingLastUses()).as("kept for the next flush").isOne();
              List<String> lines = io.accesstokens.testing.CapturingAppender.lines();
              assertThat(lines.subList(mark, lines.size()))
                  .filteredOn(line -> line.contains("could not be written"))
                  .as("one WARN a minute, by the scheduler's clock")
                  .hasSize(1);

              store.down(false);
              scheduler.tasks.get(0).run();
              assertThat(validator.pendingLastUses()).isZero();
              assertThat(lastUsed(service, token)).isNotNull();
            });
  }

  @Test
  void closingTheContext_flushesTheUsesRecordedSinceTheLastFlush() {
    runner
        .withUserConfiguration(RecordingScheduler.Config.class)
        .withPropertyValues("access-tokens.validator.record-last-used=true")
        .run(
            context -> {
              TokenService service = context.getBean(TokenService.class);
              IssuedToken token = createdAndUsed(service, context.getBean(TokenValidator.class));
              assertThat(lastUsed(service, token)).isNull();
              context.close();
              assertThat(lastUsed(service, token)).isNotNull();
            });
  }

  @Test
  void withoutAnApplicationScheduler_itFlushesOnAThreadOfItsOwn_shutDownWithTheContext() {
    runner
        .withPropertyValues("access-tokens.validator.record-last-used=true")
        .run(
            context -> {
              LastUsedFlushSchedule flush = context.getBean(LastUsedFlushSchedule.class);
              assertThat(flush.ownsItsThread()).isTrue();
              assertThat(flush.isRunning()).isTrue();
              TokenService service = context.getBean(TokenService.class);
              TokenValidator validator = context.getBean(TokenValidator.class);
              IssuedToken token = createdAndUsed(service, validator);

              flush.flush(); // what the schedule runs
              assertThat(lastUsed(service, token)).isNotNull();
              assertThat(validator.pendingLastUses()).isZero();

              context.close();
              assertThat(flush.ownThreadShutDown()).isTrue();
              assertThat(flush.isRunning()).isFalse();
            });
  }

  @Test
  void lastUsedMeters_areBound_andShowThePendingUses() {
    runner
        .withUserConfiguration(RecordingScheduler.Config.class)
        .withPropertyValues("access-tokens.validator.record-last-used=true")
        .run(
            context -> {
              SimpleMeterRegistry registry = new SimpleMeterRegistry();
              context.getBean(TokenValidatorMetrics.class).bindTo(registry);
              createdAndUsed(
                  context.getBean(TokenService.class), context.getBean(TokenValidator.class));
              assertThat(registry.get(TokenValidatorMetrics.LAST_USED_PENDING).gauge().value())
                  .isOne();
              assertThat(
                      registry
                          .get(TokenValidatorMetrics.LAST_USED_DROPPED)
                          .functionCounter()
                          .count())
                  .isZero();
            });
  }

  @Test
  void aBadInterval_stopsTheStart_namingTheProperty() {
    runner
        .withPropertyValues(
            "access-tokens.validator.record-last-used=true",
            "access-tokens.validator.last-used-interval=100ms")
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable cause = context.getStartupFailure();
              while (cause.getCause() != null) {
                cause = cause.getCause();
              }
              assertThat(cause)
                  .isInstanceOf(
                      org.springframework.boot.context.properties.source
                          .InvalidConfigurationPropertyValueException.class)
                  .hasMessageContaining("access-tokens.validator.last-used-interval");
            });
  }

  @Test
  void theIntervalWithoutRecording_isIgnored_asTheLibraryNeedsRecordingForIt() {
    runner
        .withPropertyValues("access-tokens.validator.last-used-interval=1m")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(LastUsedFlushSchedule.class);
            });
  }

  /** An application scheduler that only records what it is asked to run, at a fixed clock. */
  static final class RecordingScheduler implements TaskScheduler {
    static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
    final List<Runnable> tasks = new ArrayList<>();
    final List<Instant> starts = new ArrayList<>();
    final List<Duration> delays = new ArrayList<>();
    volatile boolean cancelled;

    @Configuration(proxyBeanMethods = false)
    static class Config {
      @Bean
      RecordingScheduler applicationScheduler() {
        return new RecordingScheduler();
      }
    }

    @Override
    public Clock getClock() {
      return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Instant start, Duration delay) {
      tasks.add(task);
      starts.add(start);
      delays.add(delay);
      return new Scheduled();
    }

    @Override
    public @Nullable ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant start, Duration period) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
      throw new UnsupportedOperationException();
    }

    /** The handle of the one recorded schedule: cancelling it is all it does. */
    final class Scheduled implements ScheduledFuture<Object> {
      @Override
      public long getDelay(TimeUnit unit) {
        return 0;
      }

      @Override
      public int compareTo(Delayed other) {
        return 0;
      }

      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        cancelled = true;
        return true;
      }

      @Override
      public boolean isCancelled() {
        return cancelled;
      }

      @Override
      public boolean isDone() {
        return cancelled;
      }

      @Override
      public Object get() {
        throw new UnsupportedOperationException();
      }

      @Override
      public Object get(long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException();
      }
    }
  }
}
