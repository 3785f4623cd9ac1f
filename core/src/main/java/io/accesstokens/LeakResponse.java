package io.accesstokens;

import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Descriptions;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's answer to a leaked value: revoke tokens by their values, whoever owns them, the
 * way GitHub's credential revocation API does. It is the one call of this library that is not
 * scoped to an organization (whoever found the value does not know whose it is), so it is an object
 * of its own rather than a method of the organization-scoped {@link TokenService}: the host hands a
 * {@code LeakResponse} to its platform staff's code path only, and the service it hands to an
 * organization's administrators (the web module's routes, the page) has no method that reaches
 * another organization's token.
 *
 * <pre>{@code
 * LeakResponse leaks = LeakResponse.builder(service).build();
 * List<LeakOutcome> outcomes =
 *     leaks.revokeLeaked(valuesFoundInTheTicket, "pasted into ticket 4711", Actor.of("secops"));
 * }</pre>
 *
 * <p>Each well-formed value costs one indexed digest lookup (the validator's: {@link
 * TokenStore#findByDigest}, once per key of the digest policy, so exactly once with one key), and a
 * token found is deactivated through the store's ordinary update: its change record carries the
 * deactivation to every node's {@link ChangeFollower}, and this service's validators drop it before
 * the call returns. The token's organization's listeners get {@link
 * TokenEventType#TOKEN_LEAK_REPORTED} with the reason (never the value). The answer per value is
 * only a {@link LeakOutcome}: it never names an organization, an environment or a token id.
 *
 * <p>Thread-safe and immutable.
 */
public final class LeakResponse {
  private static final Logger log = LoggerFactory.getLogger(LeakResponse.class);

  /** The most values one call takes, as GitHub's {@code POST /credentials/revoke}. */
  public static final int MAX_VALUES = 1_000;

  /** What {@link #revokeLeaked} does with a token found; default {@link Action#DEACTIVATE}. */
  public static final Action DEFAULT_ACTION = Action.DEACTIVATE;

  /** Set-to-value changes retry on a concurrent change, as the service's do. */
  private static final int CHANGE_ATTEMPTS = 64;

  /** What becomes of a token whose value was reported. */
  public enum Action {
    /** The token is set Inactive and kept: its owner sees it, and why, in the audit trail. */
    DEACTIVATE,
    /** The token is deleted. */
    DELETE
  }

  private final TokenService service;
  private final LookupContext context;
  private final Action action;

  private LeakResponse(Builder builder) {
    this.service = builder.service;
    this.context = builder.service.lookupContext();
    this.action = builder.getAction();
  }

  /** A leak response over {@code service}'s store, digest policy, validators and listeners. */
  public static Builder builder(TokenService service) {
    return new Builder(Checks.notNull(service, "service"));
  }

  /**
   * Revokes every token whose value is among {@code values}, whatever its organization.
   *
   * <p>Each value in turn: not a well-formed token value, {@link LeakOutcome#MALFORMED}; no token
   * has it (a wrong secret for an existing id included), {@link LeakOutcome#NOT_FOUND}; else the
   * token is deactivated (or deleted, under {@link Action#DELETE}), its organization's listeners
   * get {@link TokenEventType#TOKEN_LEAK_REPORTED} with {@code reason} and {@code actor}, and the
   * outcome is {@link LeakOutcome#REVOKED}, or {@link LeakOutcome#ALREADY_INACTIVE} if it was
   * inactive (its owner hears of the leak all the same). Calling again with the same values is
   * safe. If the store fails the call throws, and values before the failing one stay revoked.
   *
   * @param values up to {@value #MAX_VALUES} values, exactly as found (not trimmed); a null element
   *     is {@code MALFORMED}
   * @param reason why, for the owner's audit trail; checked like a description (required, at most
   *     256 characters, no control characters, never anything token-shaped)
   * @return one outcome per value, in the order of {@code values}
   * @throws IllegalArgumentException if there are more than {@value #MAX_VALUES} values, or the
   *     reason breaks its rule; nothing is revoked, and the message quotes no value
   * @throws StoreUnavailableException if the store cannot be reached
   */
  public List<LeakOutcome> revokeLeaked(
      Collection<@Nullable String> values, String reason, Actor actor) {
    Checks.notNull(values, "values");
    Checks.notNull(actor, "actor");
    String checkedReason = Descriptions.reason(reason);
    int size = values.size();
    Checks.argument(
        size <= MAX_VALUES,
        "at most " + MAX_VALUES + " values may be revoked in one call, but got " + size);
    List<LeakOutcome> outcomes = new ArrayList<>(size);
    for (String value : values) {
      outcomes.add(revokeOne(value, checkedReason, actor));
    }
    Map<LeakOutcome, Integer> counts = new EnumMap<>(LeakOutcome.class);
    outcomes.forEach(o -> counts.merge(o, 1, Integer::sum));
    log.info("Leak report by {}: {} values, {}", actor, size, counts);
    return outcomes;
  }

  private LeakOutcome revokeOne(@Nullable String value, String reason, Actor actor) {
    if (value == null) {
      return LeakOutcome.MALFORMED;
    }
    TokenId id = TokenFormat.wellFormedId(value);
    if (id == null) {
      return LeakOutcome.MALFORMED;
    }
    TokenStore store = context.store();
    for (int attempt = 1; ; attempt++) {
      StoredToken row = context.rowOf(value, () -> {});
      if (row == null || row.id().bits() != id.bits()) {
        return LeakOutcome.NOT_FOUND;
      }
      AccessToken token = row.token();
      Instant at = TokenService.later(service.now(), token.updatedAt());
      if (action == Action.DELETE) {
        return delete(store, token, reason, actor, at);
      }
      if (!token.isActive()) {
        reported(token, actor, at, token.version(), reason);
        return LeakOutcome.ALREADY_INACTIVE;
      }
      AccessToken next = token.withStatus(TokenStatus.INACTIVE, at);
      try {
        store.update(row.withToken(next), new Change(TokenEventType.STATUS_CHANGED, actor, at));
      } catch (TokenConflictException e) {
        if (attempt >= CHANGE_ATTEMPTS) {
          throw e;
        }
        continue; // changed meanwhile: look again, it may be inactive now
      } catch (TokenNotFoundException e) {
        service.invalidate(id);
        return LeakOutcome.NOT_FOUND; // deleted meanwhile
      } catch (RuntimeException e) {
        service.invalidate(id); // the update may have happened before the failure
        throw e;
      }
      service.invalidate(id);
      reported(next, actor, at, next.version(), reason);
      return LeakOutcome.REVOKED;
    }
  }

  private LeakOutcome delete(
      TokenStore store, AccessToken token, String reason, Actor actor, Instant at) {
    Optional<StoredToken> removed;
    try {
      removed =
          store.delete(
              token.organization(), token.id(), new Change(TokenEventType.DELETED, actor, at));
    } catch (RuntimeException e) {
      service.invalidate(token.id());
      throw e;
    }
    service.invalidate(token.id());
    if (removed.isEmpty()) {
      return LeakOutcome.NOT_FOUND; // deleted meanwhile
    }
    AccessToken gone = removed.get().token();
    reported(gone, actor, at, gone.version(), reason);
    return gone.isActive() ? LeakOutcome.REVOKED : LeakOutcome.ALREADY_INACTIVE;
  }

  private void reported(AccessToken token, Actor actor, Instant at, long version, String reason) {
    log.debug(
        "Leak reported for token {} in organization {} ({})",
        token.id(),
        token.organization(),
        action);
    service.emit(TokenEventType.TOKEN_LEAK_REPORTED, token, actor, at, version, reason);
  }

  @Override
  public String toString() {
    return "LeakResponse[" + action + "]";
  }

  /**
   * Configures a {@link LeakResponse}. Every setting may be set once and is checked when set (a
   * second call throws {@link IllegalStateException}); {@link #build()} never writes to the
   * builder. Not thread-safe.
   */
  public static final class Builder {
    private final TokenService service;
    private @Nullable Action action;

    private Builder(TokenService service) {
      this.service = service;
    }

    /**
     * What becomes of a token whose value is reported; default {@link #DEFAULT_ACTION}.
     *
     * @throws NullPointerException if {@code action} is null
     * @throws IllegalStateException if already set
     */
    public Builder action(Action action) {
      Checks.state(this.action == null, "action already set");
      this.action = Checks.notNull(action, "action");
      return this;
    }

    /** Builds the leak response. Reads the settings and never writes to this builder. */
    public LeakResponse build() {
      return new LeakResponse(this);
    }

    Action getAction() {
      return action == null ? DEFAULT_ACTION : action;
    }
  }
}
