package io.accesstokens.spi;

import io.accesstokens.Actor;
import io.accesstokens.TokenEventType;
import io.accesstokens.internal.Checks;
import java.time.Instant;

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
    Checks.notNull(type, "change type");
    Checks.notNull(actor, "actor");
    Checks.notNull(at, "change time");
  }
}
