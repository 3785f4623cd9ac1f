package io.accesstokens.benchmarks;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.accesstokens.ChangeFollower;
import io.accesstokens.CopyPolicy;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.ChangeRecord;
import io.accesstokens.testing.FakeTicker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Store reads per node in steady state (issue 13): {@code tokens} active tokens, each validated
 * once a minute, a change follower catching up every 200 ms, no changes; simulated on a fake ticker
 * (so hours take seconds), counting every store call the node makes: digest lookups and the
 * follower's feed reads (two per catch-up, as on a database: the changes and the pruning marker).
 * Reported for the validator's defaults with a follower (the hard expiry {@link
 * TokenValidator#DEFAULT_EXPIRE_AFTER_FOLLOWED}) and, as the before, with {@code expireAfter(60
 * s)}. Measured over the last hour of {@code minutes} simulated minutes, after every answer was
 * loaded at least once.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.accesstokens.benchmarks.SteadyReads \
 *   steady-reads.json 100000 90
 * </pre>
 */
public final class SteadyReads {
  private static final Duration POLL = Duration.ofMillis(200);

  private SteadyReads() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int tokens = Integer.parseInt(args[1]);
    int minutes = Integer.parseInt(args[2]);
    Map<String, Measured> results = new LinkedHashMap<>();
    results.put("default_with_follower", measure(tokens, minutes, null));
    results.put("expire_after_60s", measure(tokens, minutes, Duration.ofSeconds(60)));
    results.forEach((k, v) -> System.out.println(k + ": " + v));
    Files.writeString(out, Json.write(results));
  }

  /**
   * @param lookupsPerS digest lookups a second, in steady state
   * @param feedReadsPerS the follower's reads a second (changes and pruning marker)
   * @param storeQueriesPerS both together: what one node asks of the store
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Measured(
      int tokens,
      long expireAfterS,
      long measuredS,
      double lookupsPerS,
      double feedReadsPerS,
      double storeQueriesPerS) {}

  static Measured measure(int tokens, int minutes, @Nullable Duration expireAfter) {
    FakeTicker ticker = new FakeTicker();
    MemoryTokenStore memory = new MemoryTokenStore();
    CountingTokenStore counted = new CountingTokenStore(memory);
    TokenService service = Population.newService(counted, CopyPolicy.digestOnly());
    String[] values = new String[tokens];
    for (int i = 0; i < tokens; i++) {
      values[i] =
          service
              .create(Population.ORGANIZATION, Population.ENVIRONMENT, null, Population.ACTOR)
              .value()
              .reveal();
    }
    CountingFeed feed = new CountingFeed(memory);
    ChangeFollower follower = ChangeFollower.builder(feed).ticker(ticker).drivenByCaller().build();
    TokenValidator.Builder builder =
        TokenValidator.builder(service)
            .ticker(ticker)
            .executor(Runnable::run)
            .maximumSize(tokens * 2L)
            .changeFollower(follower);
    if (expireAfter != null) {
      builder.expireAfter(expireAfter);
    }
    try (TokenValidator validator = builder.build()) {
      ticker.advance(ChangeFollower.DEFAULT_LONGEST_TRANSACTION);
      follower.catchUp(); // warm
      long ticksPerMinute = Duration.ofMinutes(1).toNanos() / POLL.toNanos();
      long totalTicks = ticksPerMinute * minutes;
      long measureFrom = totalTicks - ticksPerMinute * 60; // the last hour
      long lookupsAt = 0;
      long feedAt = 0;
      int next = 0;
      for (long tick = 0; tick < totalTicks; tick++) {
        if (tick == measureFrom) {
          lookupsAt = counted.findByDigestCalls();
          feedAt = feed.reads.get();
        }
        ticker.advance(POLL);
        follower.catchUp();
        // Each token once a minute, spread evenly over the minute's ticks.
        long due = (long) tokens * ((tick % ticksPerMinute) + 1) / ticksPerMinute;
        long done = (long) tokens * (tick % ticksPerMinute) / ticksPerMinute;
        for (long k = done; k < due; k++) {
          validator.validate(
              values[next], Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT);
          next = (next + 1) % tokens;
        }
      }
      double seconds = Duration.ofMinutes(60).toSeconds();
      double lookups = (counted.findByDigestCalls() - lookupsAt) / seconds;
      double feedReads = (feed.reads.get() - feedAt) / seconds;
      long expiry =
          (expireAfter != null ? expireAfter : TokenValidator.DEFAULT_EXPIRE_AFTER_FOLLOWED)
              .toSeconds();
      return new Measured(tokens, expiry, (long) seconds, lookups, feedReads, lookups + feedReads);
    }
  }

  /** The memory store's feed, counting the reads a database feed would make. */
  private static final class CountingFeed implements ChangeFeed {
    final ChangeFeed delegate;
    final AtomicLong reads = new AtomicLong();

    CountingFeed(ChangeFeed delegate) {
      this.delegate = delegate;
    }

    @Override
    public List<ChangeRecord> changesAfter(long after, int limit) {
      reads.incrementAndGet();
      return delegate.changesAfter(after, limit);
    }

    @Override
    public long head() {
      reads.incrementAndGet();
      return delegate.head();
    }

    @Override
    public long prunedThrough() {
      reads.incrementAndGet();
      return delegate.prunedThrough();
    }

    @Override
    public void pruneBefore(Instant cutoff) {
      reads.incrementAndGet();
      delegate.pruneBefore(cutoff);
    }

    @Override
    public boolean recordsCreations() {
      return delegate.recordsCreations();
    }
  }
}
