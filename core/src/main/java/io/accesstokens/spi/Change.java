package io.accesstokens.spi;

import io.accesstokens.Actor;
import io.accesstokens.TokenEventType;
import java.time.Instant;
import java.util.Objects;

/**
 * Who made a write, when, and what kind it is: the change record a store may keep beside the row (a
 * change feed for other nodes), and the substance of the audit event the service emits.
 *
 * @param type what kind of change
 * @param actor who made it
 * @param at when, from the service's clock (the row's new {@code updatedAt} for updates)
 */
public record Change(TokenEventType type, Actor actor, Instant at) {
  public Change {
    Objects.requireNonNull(type, "change type must not be null");
    Objects.requireNonNull(actor, "actor must not be null");
    Objects.requireNonNull(at, "change time must not be null");
  }
}
