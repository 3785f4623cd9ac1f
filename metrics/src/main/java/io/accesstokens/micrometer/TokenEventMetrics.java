package io.accesstokens.micrometer;

import io.accesstokens.TokenEvent;
import io.accesstokens.TokenEventListener;
import io.accesstokens.TokenEventType;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The service's actions, counted by kind: a {@link TokenEventListener} to give to {@code
 * TokenService.builder(store).listener(...)}, and a {@link MeterBinder} that publishes the counts
 * as {@value #ACTIONS} tagged {@code action} (the {@link TokenEventType} in lower case: {@code
 * created}, {@code status_changed}, {@code value_copied}, ...). Events that arrive before {@link
 * #bindTo} are counted too. The tag never holds an organization, a token id or a value.
 *
 * <pre>{@code
 * TokenEventMetrics actions = new TokenEventMetrics();
 * TokenService service = TokenService.builder(store).listener(actions)...build();
 * actions.bindTo(registry);
 * }</pre>
 */
public final class TokenEventMetrics implements TokenEventListener, MeterBinder {
  /** The service's actions (changes and copies), tagged by action. */
  public static final String ACTIONS = "access_tokens.service.actions";

  private final Tags tags;
  private final Map<TokenEventType, LongAdder> counts = new EnumMap<>(TokenEventType.class);

  /** A listener whose meters carry no tags of their own. */
  public TokenEventMetrics() {
    this(Tags.empty());
  }

  /** A listener whose meters carry {@code tags} too. */
  public TokenEventMetrics(Iterable<Tag> tags) {
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    for (TokenEventType type : TokenEventType.values()) {
      counts.put(type, new LongAdder());
    }
  }

  @Override
  public void onEvent(TokenEvent event) {
    LongAdder count = counts.get(event.type());
    if (count != null) {
      count.increment();
    }
  }

  /** Events of {@code type} received so far. */
  public long count(TokenEventType type) {
    LongAdder count = counts.get(type);
    return count == null ? 0 : count.sum();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (TokenEventType type : TokenEventType.values()) {
      LongAdder count = counts.get(type);
      if (count == null) {
        continue;
      }
      FunctionCounter.builder(ACTIONS, count, LongAdder::doubleValue)
          .description("The service's actions (changes and copies), by action")
          .tags(tags.and("action", type.name().toLowerCase(Locale.ROOT)))
          .register(registry);
    }
  }

  @Override
  public String toString() {
    return "TokenEventMetrics" + tags;
  }
}
