package io.accesstokens.benchmarks;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a benchmark drives itself, always in UTC: a subclass says only how its time moves ({@link
 * #instant}).
 */
abstract class UtcClock extends Clock {
  @Override
  public final ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public final Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a benchmark's clock is UTC only");
  }
}
