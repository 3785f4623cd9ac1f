package io.accesstokens.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * At most one log line per interval for one kind of event, counting the lines it holds back: a
 * flood of refused lookups writes one line per interval, which says how many it stands for, instead
 * of one line per request. Time comes from the caller's {@link Ticker} (the validator's), so a test
 * moves it instead of sleeping. Lock-free; under contention a held-back line may be counted in the
 * next window's line instead of this one's, never lost.
 */
public final class LogThrottle {
  private final Ticker ticker;
  private final long intervalNanos;

  /** Ticker time from which the next line may be written. */
  private final AtomicLong nextLineAt;

  private final AtomicLong heldBack = new AtomicLong();

  /** The first line may be written at once, the next one {@code interval} later, and so on. */
  public LogThrottle(Ticker ticker, Duration interval) {
    this.ticker = Checks.notNull(ticker, "ticker");
    this.intervalNanos = Checks.notNull(interval, "interval").toNanos();
    this.nextLineAt = new AtomicLong(ticker.read());
  }

  /**
   * Whether a line may be written now: if so, how many lines were held back since the last one
   * written (0 or more), and the caller writes it; otherwise -1, and this line is counted as held
   * back.
   */
  public long admit() {
    long now = ticker.read();
    long next = nextLineAt.get();
    if (now - next >= 0 && nextLineAt.compareAndSet(next, now + intervalNanos)) {
      return heldBack.getAndSet(0);
    }
    heldBack.incrementAndGet();
    return -1;
  }

  /**
   * Writes a line if one may be written now ({@link #admit()}): {@code line} writes it, its message
   * ending with the {@link #heldBackNote} it is handed. Otherwise the line is counted as held back.
   */
  public void write(Consumer<String> line) {
    long held = admit();
    if (held >= 0) {
      line.accept(heldBackNote(held));
    }
  }

  /**
   * What a line admitted with {@code heldBack} lines before it adds to its message: nothing, or how
   * many lines like it were not written since the last one.
   */
  public static String heldBackNote(long heldBack) {
    return heldBack <= 0
        ? ""
        : " (" + heldBack + " more like this since the last such line were not logged)";
  }
}
