package io.accesstokens.spring.boot;

import io.accesstokens.spi.TokenStore;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Whether the token store answers: the smallest read of its SPI (at most one row, in id order).
 * When it does not, the validator fails closed on every miss ({@code STORE_UNAVAILABLE}) and the
 * page cannot work: DOWN.
 */
public final class StoreHealthIndicator extends AbstractHealthIndicator {
  private final TokenStore store;

  /** An indicator for {@code store}. */
  public StoreHealthIndicator(TokenStore store) {
    super("The access-tokens store did not answer");
    this.store = store;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    store.scan(null, 1);
    builder.up().withDetail("store", store.getClass().getSimpleName());
  }
}
