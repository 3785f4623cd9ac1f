package io.accesstokens.spring.boot;

import io.accesstokens.TokenValidator;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Flushes the validator's recorded uses ({@link TokenValidator#flushLastUsed()}) every {@code
 * access-tokens.validator.last-used-interval}, the first one interval after the start, on the
 * application's {@link TaskScheduler} when it has exactly one, else on one daemon thread of its own
 * ({@code access-tokens-last-used-flush}) that it shuts down when the context stops. The last flush
 * is the validator's own: {@link TokenValidator#close()} writes the uses recorded since, and this
 * stops just before the validator closes.
 */
final class LastUsedFlushSchedule implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(LastUsedFlushSchedule.class);

  /** A store down for long fails every flush: WARN once in this long, DEBUG in between. */
  private static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

  private final TokenValidator validator;
  private final TaskScheduler scheduler;
  private final @Nullable ThreadPoolTaskScheduler ownScheduler;
  private final Duration interval;
  private @Nullable ScheduledFuture<?> schedule;
  private java.time.@Nullable Instant lastWarning;
  private volatile boolean running;

  /**
   * @param applicationScheduler the application's scheduler, or {@code null} for a thread of its
   *     own
   */
  LastUsedFlushSchedule(
      TokenValidator validator, @Nullable TaskScheduler applicationScheduler, Duration interval) {
    this.validator = validator;
    this.interval = interval;
    if (applicationScheduler != null) {
      this.scheduler = applicationScheduler;
      this.ownScheduler = null;
    } else {
      ThreadPoolTaskScheduler own = new ThreadPoolTaskScheduler();
      own.setPoolSize(1);
      own.setDaemon(true);
      own.setThreadNamePrefix("access-tokens-last-used-flush-");
      own.setWaitForTasksToCompleteOnShutdown(false);
      own.initialize();
      this.scheduler = own;
      this.ownScheduler = own;
    }
  }

  /**
   * One flush, as the schedule runs it: a failure is logged (at WARN at most once a minute, by the
   * scheduler's clock, as the library's own schedule does) and its uses wait for the next.
   */
  synchronized void flush() {
    try {
      int written = validator.flushLastUsed();
      log.debug("Flushed the last-used times of {} tokens", written);
    } catch (RuntimeException e) {
      // The library's messages never hold a secret; the uses stay pending for the next flush.
      java.time.Instant now = scheduler.getClock().instant();
      boolean warn = lastWarning == null || !now.isBefore(lastWarning.plus(WARNING_INTERVAL));
      if (warn) {
        lastWarning = now;
        log.warn(
            "The last-used times could not be written to the token store; they wait for the next"
                + " flush: {}",
            e.toString());
      } else {
        log.debug("The last-used flush failed again: {}", e.toString());
      }
    }
  }

  /** Whether the flushes run on a thread of this schedule's own (no application scheduler). */
  boolean ownsItsThread() {
    return ownScheduler != null;
  }

  /** Whether the thread of its own was shut down (false when it has none). */
  boolean ownThreadShutDown() {
    return ownScheduler != null && ownScheduler.getScheduledExecutor().isShutdown();
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    schedule =
        scheduler.scheduleWithFixedDelay(
            this::flush, scheduler.getClock().instant().plus(interval), interval);
    running = true;
  }

  @Override
  public synchronized void stop() {
    running = false;
    ScheduledFuture<?> scheduled = schedule;
    if (scheduled != null) {
      scheduled.cancel(false);
      schedule = null;
    }
    if (ownScheduler != null) {
      ownScheduler.shutdown();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    // Stops just before the validator (which flushes once more as it closes), after the web
    // server.
    return AccessTokensAutoConfiguration.ValidatorLifecycle.PHASE + 1;
  }
}
