package io.accesstokens;

import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Descriptions;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.ChangeRecord;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.spi.LifetimePolicy;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.SealedValue;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenFilter;
import io.accesstokens.spi.TokenLimits;
import io.accesstokens.spi.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Access Tokens page: one method per action, every one scoped to an organization.
 *
 * <table>
 *   <caption>The page's actions</caption>
 *   <tr><th>Page</th><th>Method</th></tr>
 *   <tr><td>Add Token (Environment, Description, Submit)</td><td>{@link #create}</td></tr>
 *   <tr><td>The table (with filters and paging)</td><td>{@link #list}</td></tr>
 *   <tr><td>Copy</td><td>{@link #copy}</td></tr>
 *   <tr><td>Edit (the description)</td><td>{@link #editDescription}</td></tr>
 *   <tr><td>Status toggle</td><td>{@link #setStatus}</td></tr>
 *   <tr><td>Delete</td><td>{@link #delete}</td></tr>
 *   <tr><td>Rotate (a new value, the old one valid for an overlap)</td><td>{@link #rotate}</td></tr>
 * </table>
 *
 * <p>Every call first checks that the organization has access to the EDI application ({@link
 * NotEntitledException} otherwise, and nothing is read or changed). A token id of another
 * organization behaves exactly like an unknown id. Every change and every Copy emits a {@link
 * TokenEvent} to the listeners after it is stored.
 *
 * <p>Built with {@link #builder(TokenStore)}; thread-safe, and immutable but for the validators
 * that subscribe to its changes ({@link TokenValidator#builder(TokenService)}) and unsubscribe when
 * they close.
 */
public final class TokenService {
  private static final Logger log = LoggerFactory.getLogger(TokenService.class);

  /** Ids are 64 random bits, so a second collision in a row means something else is wrong. */
  private static final int MINT_ATTEMPTS = 3;

  /** Set-to-value changes retry on a concurrent change; each lost race means another change won. */
  private static final int CHANGE_ATTEMPTS = 64;

  private static final int SCAN_BATCH = 500;

  /** Who a change-log record of an entitlement change names: the host, through its entitlements. */
  private static final Actor ENTITLEMENTS_ACTOR = Actor.of("entitlements");

  /** Tokens {@link #deactivateAll} reads per page query. */
  static final int DEACTIVATE_BATCH = 500;

  private static final long ANY_VERSION = -1;

  private final TokenStore store;
  private final Entitlements entitlements;
  private final EnvironmentDirectory environments;
  private final TokenLimits limits;
  private final DigestPolicy digestPolicy;
  private final CopyPolicy copyPolicy;
  private final Clock clock;
  private final LifetimePolicy lifetimePolicy;
  private final List<TokenEventListener> listeners;
  private final LookupContext lookupContext;

  /** Where this service says which tokens changed; its validators subscribe. */
  private final InvalidationHub invalidations = new InvalidationHub();

  private TokenService(
      Builder builder,
      Entitlements entitlements,
      EnvironmentDirectory environments,
      CopyPolicy copyPolicy) {
    this.store = builder.store;
    this.entitlements = entitlements;
    this.environments = environments;
    this.limits = builder.getLimits();
    this.digestPolicy = builder.getDigestPolicy();
    this.copyPolicy = copyPolicy;
    this.clock = builder.getClock();
    this.lifetimePolicy = builder.getLifetimePolicy();
    this.listeners = List.copyOf(builder.listeners);
    this.lookupContext = LookupContext.of(store, digestPolicy, entitlements);
  }

  /**
   * Starts a service on {@code store}. The builder needs the host's {@link Entitlements}, its
   * {@link EnvironmentDirectory} and a {@link CopyPolicy}.
   */
  public static Builder builder(TokenStore store) {
    return new Builder(Checks.notNull(store, "store"));
  }

  /**
   * Add Token: creates an Active token of scope EDI in {@code environment}.
   *
   * @param description optional; {@code null} or blank means none; at most 256 code points, no
   *     control characters
   * @return the new row and its full value, which this call is the only one to show under {@link
   *     CopyPolicy#digestOnly()}
   * @throws NotEntitledException if the organization has no EDI access
   * @throws UnknownEnvironmentException if the environment is not the organization's
   * @throws TokenLimitExceededException if the organization already holds as many tokens as the
   *     host's {@link TokenLimits} allow it (active and inactive count alike); the store decides
   *     atomically, so creates on several nodes at once never exceed the limit
   * @throws IllegalArgumentException if the description breaks its rule, or the organization has a
   *     maximum lifetime ({@link LifetimePolicy}): a token that never expires is then refused
   */
  public IssuedToken create(
      OrganizationId organization,
      EnvironmentId environment,
      @Nullable String description,
      Actor actor) {
    return create(organization, environment, description, Expiry.never(), actor);
  }

  /**
   * Add Token with an expiry: as {@link #create(OrganizationId, EnvironmentId, String, Actor)}, the
   * token stops validating at {@code expiry} (by the clock of the node that validates: see {@link
   * TokenValidator} on clock skew). An expired token stays listed (Expires shows when) and is
   * refused like an inactive one.
   *
   * @throws IllegalArgumentException if the expiry is not after now, or is further than the
   *     organization's maximum lifetime ({@link LifetimePolicy}) allows, or is never while there is
   *     a maximum; the message names the maximum
   */
  public IssuedToken create(
      OrganizationId organization,
      EnvironmentId environment,
      @Nullable String description,
      Expiry expiry,
      Actor actor) {
    Checks.notNull(organization, "organization");
    Checks.notNull(environment, "environment");
    Checks.notNull(expiry, "expiry");
    Checks.notNull(actor, "actor");
    String checkedDescription = Descriptions.normalize(description);
    requireEntitled(organization);
    if (!environments.contains(organization, environment)) {
      throw new UnknownEnvironmentException(organization, environment);
    }
    long maxTokens = limits.maxTokens(organization);
    Checks.state(
        maxTokens >= 0,
        "the host's token limits answered a negative limit for an organization: " + maxTokens);
    for (int attempt = 1; ; attempt++) {
      TokenId id = TokenMint.newId();
      String value = TokenMint.newValue(id);
      Instant now = now();
      Instant expiresAt = checkedExpiry(organization, expiry, now);
      AccessToken token =
          new AccessToken(
              id,
              organization,
              environment,
              TokenStatus.ACTIVE,
              checkedDescription,
              Scope.EDI,
              now,
              now,
              1,
              expiresAt);
      StoredToken row =
          new StoredToken(
              token, digestPolicy.digest(value), copyPolicy.seal(value, id, organization));
      try {
        store.insert(row, new Change(TokenEventType.CREATED, actor, now), maxTokens);
      } catch (TokenLimitExceededException e) {
        log.debug(
            "Create in organization {} refused: it holds its limit of {}", organization, maxTokens);
        throw e;
      } catch (DuplicateTokenException e) {
        if (attempt >= MINT_ATTEMPTS) {
          throw e;
        }
        log.debug("Minted token id {} collided; minting another", id);
        continue;
      }
      invalidations.issued(id); // before the value is handed out: this node's validators know it
      log.debug(
          "Created token {} in organization {} environment {}", id, organization, environment);
      emit(TokenEventType.CREATED, token, actor, now);
      return new IssuedToken(token, TokenSecret.trusted(value));
    }
  }

  /**
   * Rotate: as {@link #rotate(OrganizationId, TokenId, Duration, Expiry, Actor)} with the
   * successor's expiry that of a create without one ({@link Expiry#never()}): never, unless the
   * organization has a maximum lifetime, which then refuses it (pass the successor's expiry).
   */
  public Rotation rotate(OrganizationId organization, TokenId id, Duration overlap, Actor actor) {
    return rotate(organization, id, overlap, Expiry.never(), actor);
  }

  /**
   * Rotate with an overlap: creates the token's successor (same environment, description and scope;
   * a new value, shown by this call only under {@link CopyPolicy#digestOnly()}; {@link
   * AccessToken#rotatedFrom()} the token's id) and makes the token expire at the end of the overlap
   * ({@code now + overlap}, or its own expiry if that is earlier), so a trading partner can swap
   * values meanwhile. Both happen in one atomic step of the store ({@link TokenStore#rotate}):
   * never a successor without the predecessor's expiry, and of two rotations of one token at once,
   * on any nodes, one succeeds and the other fails with {@link TokenConflictException}. The
   * predecessor keeps validating until the end of the overlap, then is refused like any expired
   * token; this node's validators drop its cached answer before this returns, every other node's
   * within the refusal bound (its change is logged like a status change). Emits {@link
   * TokenEventType#TOKEN_ROTATED} for the predecessor, then {@link TokenEventType#CREATED} for the
   * successor.
   *
   * @param overlap how long the predecessor stays valid; zero: it is refused at once
   * @param expiry the successor's expiry, checked as by {@link #create(OrganizationId,
   *     EnvironmentId, String, Expiry, Actor)}
   * @return the successor with its value, and the predecessor's new row
   * @throws IllegalArgumentException if the overlap is negative or longer than the organization's
   *     maximum lifetime (the message names it), or the successor's expiry breaks the rules of
   *     create
   * @throws TokenNotFoundException if the organization has no such token (deleted, never created,
   *     or another organization's)
   * @throws TokenConflictException if the token cannot be rotated: it is inactive, has expired, or
   *     was already rotated (the message says which), or it was changed concurrently; nothing is
   *     changed
   * @throws TokenLimitExceededException if the organization holds as many tokens as its limit
   *     allows: the successor counts, since the predecessor stays stored
   * @throws NotEntitledException if the organization has no EDI access
   * @throws UnknownEnvironmentException if the token's environment is no longer the organization's
   * @throws UnsupportedOperationException if the store cannot rotate
   */
  public Rotation rotate(
      OrganizationId organization, TokenId id, Duration overlap, Expiry expiry, Actor actor) {
    return rotate(organization, id, overlap, expiry, PredecessorRetirement.END_OF_OVERLAP, actor);
  }

  /**
   * Rotate, choosing when the predecessor stops validating: as {@link #rotate(OrganizationId,
   * TokenId, Duration, Expiry, Actor)}, and with {@link PredecessorRetirement#FIRST_USE} the
   * successor also retires its predecessor on its first use ({@link
   * AccessToken#retiresPredecessorOnFirstUse()}): the first time any validator, on any node,
   * accepts the successor's value, the predecessor is made Inactive, and every node refuses it
   * within the refusal bound. The overlap still applies: it is the latest the predecessor lives,
   * and the first use of the successor ends it earlier. A predecessor a person deactivates or
   * deletes meanwhile is left as it is (a later reactivation stands). The deactivation is emitted
   * as {@link TokenEventType#STATUS_CHANGED} of the predecessor, with the actor {@code first use of
   * <successor id>}, to the listeners of the service whose validator saw the use (validators built
   * with {@link TokenValidator#builder(TokenService)}); the store's change log carries it to every
   * node. Needs a store that implements {@link TokenStore#retirePredecessor} (every store of this
   * project does); with one that does not, validators log a warning and the predecessor lives to
   * the end of the overlap.
   *
   * @param retirement when the predecessor stops validating; {@link
   *     PredecessorRetirement#END_OF_OVERLAP} is the same as the overload without it
   * @throws NullPointerException if any argument is null
   * @see #rotate(OrganizationId, TokenId, Duration, Expiry, Actor) for every other rule and
   *     exception
   */
  public Rotation rotate(
      OrganizationId organization,
      TokenId id,
      Duration overlap,
      Expiry expiry,
      PredecessorRetirement retirement,
      Actor actor) {
    Checks.notNull(retirement, "predecessor retirement");
    Checks.notNull(organization, "organization");
    Checks.notNull(id, "token id");
    Checks.notNull(overlap, "overlap");
    Checks.notNull(expiry, "expiry");
    Checks.notNull(actor, "actor");
    Checks.argument(!overlap.isNegative(), "overlap must not be negative, but was " + overlap);
    requireEntitled(organization);
    Optional<Duration> maximum = lifetimePolicy.maximumLifetime(organization);
    if (maximum.isPresent() && overlap.compareTo(maximum.get()) > 0) {
      throw new IllegalArgumentException(
          "overlap "
              + describe(overlap)
              + " is longer than organization "
              + organization
              + "'s maximum lifetime of "
              + describe(maximum.get()));
    }
    long maxTokens = limits.maxTokens(organization);
    Checks.state(
        maxTokens >= 0,
        "the host's token limits answered a negative limit for an organization: " + maxTokens);
    StoredToken current = find(organization, id);
    AccessToken was = current.token();
    if (!environments.contains(organization, was.environment())) {
      throw new UnknownEnvironmentException(organization, was.environment());
    }
    Instant at = later(now(), was.updatedAt());
    if (!was.isActive()) {
      throw TokenConflictException.notRotatable(id, "it is inactive");
    }
    if (was.isExpiredAt(at)) {
      throw TokenConflictException.notRotatable(id, "it expired at " + was.expiresAt());
    }
    Instant endOfOverlap;
    try {
      endOfOverlap = at.plus(overlap);
    } catch (java.time.DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException("overlap is too long: " + overlap, e);
    }
    Instant predecessorExpiry =
        was.expiresAt() != null && was.expiresAt().isBefore(endOfOverlap)
            ? was.expiresAt()
            : endOfOverlap;
    AccessToken predecessor = was.withExpiry(predecessorExpiry, at);
    Instant successorExpiry = checkedExpiry(organization, expiry, at);
    Change change = new Change(TokenEventType.TOKEN_ROTATED, actor, at);
    for (int attempt = 1; ; attempt++) {
      TokenId successorId = TokenMint.newId();
      String value = TokenMint.newValue(successorId);
      AccessToken successor =
          new AccessToken(
              successorId,
              organization,
              was.environment(),
              TokenStatus.ACTIVE,
              was.description(),
              was.scope(),
              at,
              at,
              1,
              successorExpiry,
              id,
              null,
              retirement == PredecessorRetirement.FIRST_USE,
              null);
      StoredToken successorRow =
          new StoredToken(
              successor,
              digestPolicy.digest(value),
              copyPolicy.seal(value, successorId, organization));
      try {
        store.rotate(current.withToken(predecessor), successorRow, change, maxTokens);
      } catch (DuplicateTokenException e) {
        if (attempt >= MINT_ATTEMPTS) {
          throw e;
        }
        log.debug("Minted token id {} collided; minting another", successorId);
        continue;
      } catch (TokenConflictException | TokenNotFoundException | TokenLimitExceededException e) {
        log.debug("Rotation of token {} in organization {} refused: {}", id, organization, e);
        throw e;
      } catch (RuntimeException e) {
        // The rotation may have been stored before the failure: evict the predecessor anyway.
        invalidate(id);
        throw e;
      }
      invalidations.issued(successorId); // before the value is handed out
      invalidate(id); // its expiry changed: the cached answer must be read again
      log.debug(
          "Rotated token {} in organization {} to {}; it expires at {}",
          id,
          organization,
          successorId,
          predecessorExpiry);
      emit(
          TokenEventType.TOKEN_ROTATED,
          predecessor,
          actor,
          at,
          predecessor.version(),
          "successor "
              + successorId
              + ", expires at "
              + predecessorExpiry
              + (retirement == PredecessorRetirement.FIRST_USE
                  ? " or on the successor's first use"
                  : ""));
      emit(TokenEventType.CREATED, successor, actor, at, 1, "rotated from " + id);
      return new Rotation(new IssuedToken(successor, TokenSecret.trusted(value)), predecessor);
    }
  }

  /**
   * The expiry a token created now may have: {@code expiry} resolved, checked against the
   * organization's maximum lifetime.
   */
  private @Nullable Instant checkedExpiry(OrganizationId organization, Expiry expiry, Instant now) {
    Instant expiresAt = expiry.resolve(now);
    Checks.argument(
        expiresAt == null || expiresAt.isAfter(now),
        "expiry must be after the token's creation (" + now + "), but was " + expiresAt);
    Optional<Duration> maximum = lifetimePolicy.maximumLifetime(organization);
    if (maximum.isPresent()) {
      Instant latest = now.plus(maximum.get());
      if (expiresAt == null) {
        throw new IllegalArgumentException(
            "a token of organization "
                + organization
                + " must expire: its maximum lifetime is "
                + describe(maximum.get()));
      }
      Checks.argument(
          !expiresAt.isAfter(latest),
          "expiry "
              + expiresAt
              + " is beyond organization "
              + organization
              + "'s maximum lifetime of "
              + describe(maximum.get())
              + " (at most "
              + latest
              + ")");
    }
    return expiresAt;
  }

  /** A lifetime as people say it: whole days as days, otherwise ISO-8601. */
  static String describe(Duration lifetime) {
    if (lifetime.toSeconds() % 86_400 == 0 && lifetime.getNano() == 0) {
      long days = lifetime.toDays();
      return days + (days == 1 ? " day" : " days");
    }
    return lifetime.toString();
  }

  /**
   * How many of the organization's tokens live longer than its maximum lifetime allows (they never
   * expire, or expire further after their creation than the maximum): tokens created before the
   * maximum applied, which are left as they are, never silently expired. Zero when the organization
   * has no maximum. Reads the organization's tokens page by page.
   *
   * @throws NotEntitledException if the organization has no EDI access
   */
  public long countBeyondMaximumLifetime(OrganizationId organization) {
    Checks.notNull(organization, "organization");
    requireEntitled(organization);
    Optional<Duration> maximum = lifetimePolicy.maximumLifetime(organization);
    if (maximum.isEmpty()) {
      return 0;
    }
    long count = 0;
    PageCursor after = null;
    while (true) {
      List<StoredToken> rows = store.list(organization, TokenFilter.NONE, after, SCAN_BATCH);
      for (StoredToken row : rows) {
        Instant expiresAt = row.token().expiresAt();
        if (expiresAt == null || expiresAt.isAfter(row.token().createdAt().plus(maximum.get()))) {
          count++;
        }
      }
      if (rows.size() < SCAN_BATCH) {
        return count;
      }
      after = PageCursor.after(rows.get(rows.size() - 1).token());
    }
  }

  /**
   * The table: the organization's tokens, filtered and paged, ordered by creation time (oldest
   * first) and then id. Follow {@link TokenPage#nextPage()} with {@link TokenQuery#after}.
   *
   * @throws NotEntitledException if the organization has no EDI access
   */
  public TokenPage list(OrganizationId organization, TokenQuery query) {
    Checks.notNull(organization, "organization");
    Checks.notNull(query, "query");
    requireEntitled(organization);
    return page(organization, new TokenFilter(query.environment(), query.status()), query);
  }

  /**
   * The organization's tokens that expire within {@code within} from now (not yet expired, by the
   * service's clock), with the query's filters, paged and ordered as {@link #list}: for reminders,
   * or a page showing what needs rotating soon. Follow {@link TokenPage#nextPage()} with {@link
   * TokenQuery#after}.
   *
   * @throws IllegalArgumentException if {@code within} is not positive
   * @throws NotEntitledException if the organization has no EDI access
   */
  public TokenPage expiringWithin(OrganizationId organization, Duration within, TokenQuery query) {
    Checks.notNull(organization, "organization");
    Checks.notNull(within, "within");
    Checks.notNull(query, "query");
    Checks.argument(
        !within.isNegative() && !within.isZero(), "within must be positive, but was " + within);
    requireEntitled(organization);
    Instant now = now();
    return page(
        organization,
        new TokenFilter(query.environment(), query.status(), now, farthest(now, within)),
        query);
  }

  /**
   * The organization's tokens not used since {@code since}: last used before it, or never used and
   * created before it (a token created after it counts as used), with the query's filters, paged
   * and ordered as {@link #list}: for finding stale tokens to deactivate. Last-used times are
   * written by validators that record them ({@link TokenValidator.Builder#recordLastUsed}) and are
   * at most about two of their intervals behind, so ask about periods much longer than that (for
   * example 90 days). Follow {@link TokenPage#nextPage()} with {@link TokenQuery#after}.
   *
   * @throws NotEntitledException if the organization has no EDI access
   */
  public TokenPage unusedSince(OrganizationId organization, Instant since, TokenQuery query) {
    Checks.notNull(organization, "organization");
    Checks.notNull(since, "since");
    Checks.notNull(query, "query");
    requireEntitled(organization);
    return page(
        organization,
        new TokenFilter(query.environment(), query.status(), null, null, since),
        query);
  }

  /** {@code now + within}, or the farthest instant when that is out of range. */
  private static Instant farthest(Instant now, Duration within) {
    try {
      return now.plus(within);
    } catch (java.time.DateTimeException | ArithmeticException e) {
      return Instant.MAX;
    }
  }

  /** Who {@link #remindExpiring} names as the actor of its events. */
  private static final Actor REMINDERS_ACTOR = Actor.of("expiry-reminders");

  /**
   * Sends the organization's expiry reminders: for each active token that expires within one of
   * {@code thresholds} (for example 60, 30 and 7 days), a {@link TokenEventType#TOKEN_EXPIRING}
   * event for the tightest threshold it is within, once per token and threshold. The host calls it
   * on its own schedule (the library starts no scheduler); several nodes may call it at the same
   * time, and each reminder is still sent once, by the node whose conditional write in the store
   * ({@link TokenStore#markReminded}) won. A token first seen within a tight threshold gets that
   * reminder only, not the wider ones it has passed.
   *
   * @return how many reminders this call sent
   * @throws IllegalArgumentException if there is no threshold or one is not positive
   * @throws NotEntitledException if the organization has no EDI access
   * @throws UnsupportedOperationException if the store keeps no reminders
   */
  public long remindExpiring(OrganizationId organization, Duration... thresholds) {
    Checks.notNull(organization, "organization");
    Checks.notNull(thresholds, "thresholds");
    Checks.argument(thresholds.length > 0, "at least one reminder threshold is required");
    List<Duration> ascending = new ArrayList<>(List.of(thresholds));
    for (Duration t : ascending) {
      Checks.notNull(t, "threshold");
      Checks.argument(
          !t.isNegative() && !t.isZero(), "a reminder threshold must be positive, but was " + t);
    }
    ascending.sort(null);
    requireEntitled(organization);
    Instant now = now();
    TokenFilter filter =
        new TokenFilter(
            null, TokenStatus.ACTIVE, now, farthest(now, ascending.get(ascending.size() - 1)));
    long sent = 0;
    PageCursor after = null;
    while (true) {
      List<StoredToken> rows = store.list(organization, filter, after, SCAN_BATCH);
      for (StoredToken row : rows) {
        AccessToken token = row.token();
        Instant expiresAt = token.expiresAt();
        if (expiresAt == null) {
          continue; // the filter leaves these out; a store that did not is not trusted blindly
        }
        Duration left = Duration.between(now, expiresAt);
        for (Duration threshold : ascending) {
          if (left.compareTo(threshold) < 0) {
            if (store.markReminded(organization, token.id(), expiresAt, threshold)) {
              sent++;
              emit(
                  TokenEventType.TOKEN_EXPIRING,
                  token,
                  REMINDERS_ACTOR,
                  now,
                  token.version(),
                  "expires at " + expiresAt + ", within " + describe(threshold));
            }
            break;
          }
        }
      }
      if (rows.size() < SCAN_BATCH) {
        break;
      }
      after = PageCursor.after(rows.get(rows.size() - 1).token());
    }
    log.debug("Sent {} expiry reminders in organization {}", sent, organization);
    return sent;
  }

  private TokenPage page(OrganizationId organization, TokenFilter filter, TokenQuery query) {
    List<StoredToken> rows = store.list(organization, filter, query.after(), query.pageSize() + 1);
    List<AccessToken> tokens = new ArrayList<>(Math.min(rows.size(), query.pageSize()));
    for (int i = 0; i < rows.size() && i < query.pageSize(); i++) {
      tokens.add(rows.get(i).token());
    }
    PageCursor next =
        rows.size() > query.pageSize() ? PageCursor.after(tokens.get(tokens.size() - 1)) : null;
    return new TokenPage(tokens, next);
  }

  /**
   * One row by id.
   *
   * @throws TokenNotFoundException if the organization has no such token
   * @throws NotEntitledException if the organization has no EDI access
   */
  public AccessToken get(OrganizationId organization, TokenId id) {
    return find(organization, id).token();
  }

  /**
   * Copy: the full value of a token, for the clipboard. Emits {@link TokenEventType#VALUE_COPIED}.
   *
   * @throws CopyUnavailableException under {@link CopyPolicy#digestOnly()}, or if the value was
   *     sealed under a key this service does not have
   * @throws TokenNotFoundException if the organization has no such token
   * @throws NotEntitledException if the organization has no EDI access
   */
  public TokenSecret copy(OrganizationId organization, TokenId id, Actor actor) {
    Checks.notNull(actor, "actor");
    StoredToken row = find(organization, id);
    SealedValue sealed = row.sealedValue();
    if (sealed == null) {
      throw new CopyUnavailableException(
          copyPolicy.canCopy()
              ? "copy is unavailable for token "
                  + id
                  + ": it was created under the digest-only"
                  + " policy, so its value was shown once, when it was created"
              : "copy is unavailable: this service keeps only digests of token values (digest-only"
                  + " policy), so a value is shown once, when the token is created");
    }
    String value = copyPolicy.open(sealed, id, organization);
    if (!TokenFormat.isWellFormed(value) || TokenFormat.idBits(value) != id.bits()) {
      throw new CopyUnavailableException(
          "copy is unavailable for token " + id + ": its sealed value is corrupt");
    }
    log.debug("Copied the value of token {} in organization {}", id, organization);
    emit(TokenEventType.VALUE_COPIED, row.token(), actor, now());
    return TokenSecret.trusted(value);
  }

  /**
   * Edit: sets the description, whatever the token's version. Nothing else changes.
   *
   * @param description {@code null} or blank removes it
   * @throws TokenNotFoundException if the organization has no such token
   * @throws NotEntitledException if the organization has no EDI access
   * @throws IllegalArgumentException if the description breaks its rule
   */
  public AccessToken editDescription(
      OrganizationId organization, TokenId id, @Nullable String description, Actor actor) {
    return editDescription(organization, id, description, ANY_VERSION, actor);
  }

  /**
   * Edit, only if the token still has {@code expectedVersion} (the version the user saw).
   *
   * @throws TokenConflictException if it has another version; nothing is changed
   */
  public AccessToken editDescription(
      OrganizationId organization,
      TokenId id,
      @Nullable String description,
      long expectedVersion,
      Actor actor) {
    String checked = Descriptions.normalize(description);
    return change(
        organization,
        id,
        expectedVersion,
        actor,
        TokenEventType.DESCRIPTION_EDITED,
        (token, at) ->
            java.util.Objects.equals(token.description(), checked)
                ? token
                : token.withDescription(checked, at));
  }

  /**
   * The Status toggle: sets Active or Inactive, whatever the token's version. Inactive takes effect
   * on this node's validators before this method returns; setting the status it already has changes
   * nothing.
   *
   * @throws TokenNotFoundException if the organization has no such token
   * @throws NotEntitledException if the organization has no EDI access
   */
  public AccessToken setStatus(
      OrganizationId organization, TokenId id, TokenStatus status, Actor actor) {
    return setStatus(organization, id, status, ANY_VERSION, actor);
  }

  /**
   * The Status toggle, only if the token still has {@code expectedVersion}.
   *
   * @throws TokenConflictException if it has another version; nothing is changed
   */
  public AccessToken setStatus(
      OrganizationId organization,
      TokenId id,
      TokenStatus status,
      long expectedVersion,
      Actor actor) {
    Checks.notNull(status, "status");
    return change(
        organization,
        id,
        expectedVersion,
        actor,
        TokenEventType.STATUS_CHANGED,
        (token, at) -> token.status() == status ? token : token.withStatus(status, at));
  }

  /** Same as {@code setStatus(organization, id, ACTIVE, actor)}. */
  public AccessToken activate(OrganizationId organization, TokenId id, Actor actor) {
    return setStatus(organization, id, TokenStatus.ACTIVE, actor);
  }

  /** Same as {@code setStatus(organization, id, INACTIVE, actor)}. */
  public AccessToken deactivate(OrganizationId organization, TokenId id, Actor actor) {
    return setStatus(organization, id, TokenStatus.INACTIVE, actor);
  }

  /**
   * Delete: removes the token, whatever its version; it stops validating on this node before this
   * method returns. The page's confirmation dialog is the caller's.
   *
   * @return {@link DeleteOutcome#ALREADY_ABSENT} if the organization had no such token (already
   *     deleted, never created, or another organization's)
   * @throws NotEntitledException if the organization has no EDI access
   */
  public DeleteOutcome delete(OrganizationId organization, TokenId id, Actor actor) {
    Checks.notNull(organization, "organization");
    Checks.notNull(id, "token id");
    Checks.notNull(actor, "actor");
    requireEntitled(organization);
    Instant now = now();
    Optional<StoredToken> removed;
    try {
      removed = store.delete(organization, id, new Change(TokenEventType.DELETED, actor, now));
    } catch (RuntimeException e) {
      invalidate(id); // the delete may have happened before the failure
      throw e;
    }
    if (removed.isEmpty()) {
      log.debug("Token {} was already absent from organization {}", id, organization);
      return DeleteOutcome.ALREADY_ABSENT;
    }
    invalidate(id);
    log.debug("Deleted token {} in organization {}", id, organization);
    AccessToken gone = removed.get().token();
    emit(TokenEventType.DELETED, gone, actor, later(now, gone.updatedAt()), gone.version());
    return DeleteOutcome.DELETED;
  }

  /**
   * Deactivates every active token of the organization, or of one of its environments: for an
   * incident, when it is not known which token leaked. Works in batches of 500 tokens ({@code
   * DEACTIVATE_BATCH}) read by one indexed page query; each token is then deactivated by its own
   * versioned update (one short transaction holding one row's lock), so no transaction locks the
   * organization's tokens for long and validations of other tokens go on meanwhile. Each token is
   * refused on every node within the refusal bound (its change record is an ordinary {@link
   * TokenEventType#STATUS_CHANGED}) and emits its own {@link TokenEventType#STATUS_CHANGED} event,
   * as a deactivation on the page does, so an organization's audit trail says exactly which tokens
   * the incident switched off. A token activated concurrently, or created during the run, may stay
   * active; the count says how many this call deactivated.
   *
   * @param environment only this environment's tokens, or all the organization's when {@code null}
   * @param dryRun count the active tokens it would deactivate, and change nothing
   * @return how many tokens were deactivated (or, for a dry run, are active)
   * @throws NotEntitledException if the organization has no EDI access
   * @throws UnknownEnvironmentException if the environment is not the organization's
   */
  public long deactivateAll(
      OrganizationId organization,
      @Nullable EnvironmentId environment,
      Actor actor,
      boolean dryRun) {
    Checks.notNull(organization, "organization");
    Checks.notNull(actor, "actor");
    requireEntitled(organization);
    if (environment != null && !environments.contains(organization, environment)) {
      throw new UnknownEnvironmentException(organization, environment);
    }
    TokenFilter active = new TokenFilter(environment, TokenStatus.ACTIVE);
    long count = 0;
    PageCursor after = null;
    while (true) {
      List<StoredToken> rows = store.list(organization, active, after, DEACTIVATE_BATCH);
      for (StoredToken row : rows) {
        if (dryRun || deactivateForIncident(row, actor)) {
          count++;
        }
      }
      if (rows.size() < DEACTIVATE_BATCH) {
        break;
      }
      after = PageCursor.after(rows.get(rows.size() - 1).token());
    }
    log.info(
        "{} {} active tokens of organization {}{}",
        dryRun ? "Dry run: would deactivate" : "Deactivated",
        count,
        organization,
        environment == null ? "" : " environment " + environment);
    return count;
  }

  /** Deactivates one token of {@link #deactivateAll}; false if it was no longer active or there. */
  private boolean deactivateForIncident(StoredToken row, Actor actor) {
    StoredToken current = row;
    for (int attempt = 1; ; attempt++) {
      if (!current.token().isActive()) {
        return false;
      }
      Instant at = later(now(), current.token().updatedAt());
      AccessToken next = current.token().withStatus(TokenStatus.INACTIVE, at);
      try {
        store.update(current.withToken(next), new Change(TokenEventType.STATUS_CHANGED, actor, at));
      } catch (TokenNotFoundException e) {
        return false;
      } catch (TokenConflictException e) {
        Optional<StoredToken> again = store.find(row.organization(), row.id());
        if (again.isEmpty() || attempt >= CHANGE_ATTEMPTS) {
          return false;
        }
        current = again.get();
        continue;
      } catch (RuntimeException e) {
        invalidate(row.id());
        throw e;
      }
      invalidate(row.id());
      emit(TokenEventType.STATUS_CHANGED, next, actor, at);
      return true;
    }
  }

  /**
   * Tells the service that {@link Entitlements} may now answer differently for the organization;
   * the host calls it after every change of an organization's EDI access, once its {@code
   * Entitlements} answer the new way (on one node: every node shares the store). Every cached
   * validation of the organization's tokens is dropped, in constant time: this node's before this
   * returns, every other node's when its {@link ChangeFollower} reads the change-log record this
   * writes (within the refusal bound). A store without a change log writes nothing.
   *
   * @throws StoreUnavailableException if the record could not be written; this node's cache was
   *     dropped all the same, and calling again is safe
   */
  public void entitlementChanged(OrganizationId organization) {
    Checks.notNull(organization, "organization");
    invalidations.invalidateOrganization(ChangeRecord.organizationKey(organization).bits());
    store.recordEntitlementChange(
        organization, new Change(TokenEventType.ENTITLEMENT_CHANGED, ENTITLEMENTS_ACTOR, now()));
  }

  /**
   * Rewrites every token whose digest or sealed value is under a key other than the current one (or
   * whose sealed value must go, under digest-only), across all organizations, so retired keys can
   * be removed. Safe to run while the service is in use and to run again; a token changed
   * concurrently is counted as a conflict and left for the next run. Emits no audit events (nothing
   * a user sees changes).
   */
  public ResealReport reseal(Actor actor) {
    Checks.notNull(actor, "actor");
    long examined = 0, rewritten = 0, current = 0, withoutValue = 0, unreadable = 0, conflicts = 0;
    TokenId after = null;
    while (true) {
      List<StoredToken> rows = store.scan(after, SCAN_BATCH);
      for (StoredToken row : rows) {
        examined++;
        switch (resealOne(row, actor)) {
          case REWRITTEN -> rewritten++;
          case CURRENT -> current++;
          case WITHOUT_VALUE -> withoutValue++;
          case UNREADABLE -> unreadable++;
          case CONFLICT -> conflicts++;
        }
      }
      if (rows.size() < SCAN_BATCH) {
        break;
      }
      after = rows.get(rows.size() - 1).id();
    }
    ResealReport report =
        new ResealReport(examined, rewritten, current, withoutValue, unreadable, conflicts);
    log.info("Reseal finished: {}", report);
    return report;
  }

  private enum ResealResult {
    REWRITTEN,
    CURRENT,
    WITHOUT_VALUE,
    UNREADABLE,
    CONFLICT
  }

  private ResealResult resealOne(StoredToken row, Actor actor) {
    SealedValue sealed = row.sealedValue();
    boolean digestStale = !row.digest().keyId().equals(digestPolicy.currentKeyId());
    boolean sealStale = sealed != null && !sealed.keyId().equals(copyPolicy.currentKeyId());
    if (!digestStale && !sealStale) {
      return ResealResult.CURRENT;
    }
    if (sealed == null) {
      return ResealResult.WITHOUT_VALUE;
    }
    String value;
    try {
      value = copyPolicy.canCopy() ? copyPolicy.open(sealed, row.id(), row.organization()) : null;
    } catch (CopyUnavailableException e) {
      log.warn("Reseal left token {} unchanged: {}", row.id(), e.getMessage());
      return ResealResult.UNREADABLE;
    }
    LookupDigest digest = row.digest();
    if (digestStale) {
      if (value == null) {
        // Digest-only now, and the old value's key is gone with the policy: the retired digest
        // stays.
        return ResealResult.WITHOUT_VALUE;
      }
      digest = digestPolicy.digest(value);
    }
    SealedValue resealed =
        value == null ? null : copyPolicy.seal(value, row.id(), row.organization());
    Instant at = later(now(), row.token().updatedAt());
    AccessToken touched = row.token().touched(at);
    try {
      store.update(
          new StoredToken(touched, digest, resealed),
          new Change(TokenEventType.SECRETS_RESEALED, actor, at));
      return ResealResult.REWRITTEN;
    } catch (TokenConflictException | TokenNotFoundException e) {
      return ResealResult.CONFLICT;
    }
  }

  // ---- shared by the page's actions
  // --------------------------------------------------------------

  private interface Mutation {
    /** The changed row, or {@code token} itself when nothing changes. */
    AccessToken apply(AccessToken token, Instant at);
  }

  private AccessToken change(
      OrganizationId organization,
      TokenId id,
      long expectedVersion,
      Actor actor,
      TokenEventType type,
      Mutation mutation) {
    Checks.notNull(actor, "actor");
    Checks.argument(
        expectedVersion == ANY_VERSION || expectedVersion >= 1,
        "expected version must be at least 1, but was " + expectedVersion);
    for (int attempt = 1; ; attempt++) {
      StoredToken current = find(organization, id);
      if (expectedVersion != ANY_VERSION && current.version() != expectedVersion) {
        throw TokenConflictException.versionMismatch(id, expectedVersion, current.version());
      }
      Instant at = later(now(), current.token().updatedAt());
      AccessToken next = mutation.apply(current.token(), at);
      if (next == current.token()) {
        return next;
      }
      try {
        store.update(current.withToken(next), new Change(type, actor, at));
      } catch (TokenConflictException e) {
        if (expectedVersion != ANY_VERSION || attempt >= CHANGE_ATTEMPTS) {
          throw e;
        }
        continue;
      } catch (RuntimeException e) {
        // The write may have happened before the failure (a connection lost after the commit):
        // evict anyway, so a deactivation whose answer was lost still stops validation here.
        if (type == TokenEventType.STATUS_CHANGED) {
          invalidate(id);
        }
        throw e;
      }
      if (type == TokenEventType.STATUS_CHANGED) {
        invalidate(id);
      }
      log.debug(
          "{} token {} in organization {} (version {})", type, id, organization, next.version());
      emit(type, next, actor, at);
      return next;
    }
  }

  private StoredToken find(OrganizationId organization, TokenId id) {
    Checks.notNull(organization, "organization");
    Checks.notNull(id, "token id");
    requireEntitled(organization);
    return store
        .find(organization, id)
        .orElseThrow(() -> new TokenNotFoundException(organization, id));
  }

  private void requireEntitled(OrganizationId organization) {
    if (!entitlements.isEntitled(organization, Scope.EDI)) {
      throw new NotEntitledException(organization, Scope.EDI);
    }
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** The clock expiry and every stored time go by; a validator of this service uses it too. */
  Clock clock() {
    return clock;
  }

  /** {@code now}, or {@code floor} if the clock stepped back behind a time already stored. */
  static Instant later(Instant now, Instant floor) {
    return now.isBefore(floor) ? floor : now;
  }

  private void emit(TokenEventType type, AccessToken token, Actor actor, Instant at) {
    emit(type, token, actor, at, token.version());
  }

  private void emit(TokenEventType type, AccessToken token, Actor actor, Instant at, long version) {
    emit(type, token, actor, at, version, null);
  }

  /** Tells the listeners, in order; a listener that throws is logged and the others still hear. */
  void emit(
      TokenEventType type,
      AccessToken token,
      Actor actor,
      Instant at,
      long version,
      @Nullable String reason) {
    if (listeners.isEmpty()) {
      return;
    }
    TokenEvent event =
        new TokenEvent(
            type,
            token.organization(),
            token.environment(),
            token.id(),
            actor,
            at,
            version,
            reason);
    for (TokenEventListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn(
            "Audit listener {} failed on {} of token {}; the change stands",
            listener,
            type,
            token.id(),
            e);
      }
    }
  }

  // ---- what the validator shares
  // -----------------------------------------------------------------

  /** The store, digest policy and entitlements a validator of this service looks tokens up with. */
  LookupContext lookupContext() {
    return lookupContext;
  }

  /** The hub this service publishes every eviction to, before the call that caused it returns. */
  InvalidationHub invalidations() {
    return invalidations;
  }

  void invalidate(TokenId id) {
    invalidations.invalidate(id);
  }

  @Override
  public String toString() {
    return "TokenService[store=" + store + ", " + digestPolicy + ", " + copyPolicy + "]";
  }

  /**
   * Configures a {@link TokenService}. Every setting may be set once and is checked when set (a
   * second call throws {@link IllegalStateException}); {@link #build()} names every required
   * setting that is missing, and never writes to the builder. Not thread-safe.
   */
  public static final class Builder {
    private final TokenStore store;
    private @Nullable Entitlements entitlements;
    private @Nullable EnvironmentDirectory environments;
    private @Nullable DigestPolicy digestPolicy;
    private @Nullable CopyPolicy copyPolicy;
    private @Nullable Clock clock;
    private @Nullable TokenLimits limits;
    private @Nullable LifetimePolicy lifetimePolicy;
    private final List<TokenEventListener> listeners = new ArrayList<>();

    private Builder(TokenStore store) {
      this.store = store;
    }

    /**
     * Required: which organizations have access to the EDI application.
     *
     * @throws NullPointerException if {@code entitlements} is null
     * @throws IllegalStateException if already set
     */
    public Builder entitlements(Entitlements entitlements) {
      Checks.state(this.entitlements == null, "entitlements already set");
      this.entitlements = Checks.notNull(entitlements, "entitlements");
      return this;
    }

    /**
     * Required: which environments each organization has.
     *
     * @throws NullPointerException if {@code environments} is null
     * @throws IllegalStateException if already set
     */
    public Builder environments(EnvironmentDirectory environments) {
      Checks.state(this.environments == null, "environment directory already set");
      this.environments = Checks.notNull(environments, "environment directory");
      return this;
    }

    /**
     * Required: whether Copy can return a value after creation, and under which keys. See {@link
     * CopyPolicy}.
     *
     * @throws NullPointerException if {@code copyPolicy} is null
     * @throws IllegalStateException if already set
     */
    public Builder copyPolicy(CopyPolicy copyPolicy) {
      Checks.state(this.copyPolicy == null, "copy policy already set");
      this.copyPolicy = Checks.notNull(copyPolicy, "copy policy");
      return this;
    }

    /**
     * How lookup digests are computed; default {@link DigestPolicy#sha256()}.
     *
     * @throws NullPointerException if {@code digestPolicy} is null
     * @throws IllegalStateException if already set
     */
    public Builder digestPolicy(DigestPolicy digestPolicy) {
      Checks.state(this.digestPolicy == null, "digest policy already set");
      this.digestPolicy = Checks.notNull(digestPolicy, "digest policy");
      return this;
    }

    /**
     * Where creation and change times come from; default {@link Clock#systemUTC()}.
     *
     * @throws NullPointerException if {@code clock} is null
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      Checks.state(this.clock == null, "clock already set");
      this.clock = Checks.notNull(clock, "clock");
      return this;
    }

    /**
     * How many tokens each organization may hold; default {@link TokenLimits#none()}. A create
     * beyond the limit throws {@link TokenLimitExceededException}; the store enforces it
     * atomically.
     *
     * @throws NullPointerException if {@code limits} is null
     * @throws IllegalStateException if already set
     */
    public Builder limits(TokenLimits limits) {
      Checks.state(this.limits == null, "token limits already set");
      this.limits = Checks.notNull(limits, "token limits");
      return this;
    }

    /**
     * Each organization's maximum token lifetime; default {@link LifetimePolicy#unlimited()}. With
     * a maximum, a create asking for a longer lifetime or for none is refused.
     *
     * @throws NullPointerException if {@code policy} is null
     * @throws IllegalStateException if already set
     */
    public Builder lifetimePolicy(LifetimePolicy policy) {
      Checks.state(this.lifetimePolicy == null, "lifetime policy already set");
      this.lifetimePolicy = Checks.notNull(policy, "lifetime policy");
      return this;
    }

    /**
     * Adds an audit listener; listeners are called in the order they were added. Default none.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(TokenEventListener listener) {
      listeners.add(Checks.notNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the service. Reads the settings and never writes to this builder.
     *
     * @throws IllegalStateException if required settings are missing, naming every one of them
     */
    public TokenService build() {
      List<String> missing = new ArrayList<>();
      if (entitlements == null) {
        missing.add(
            "entitlements are required: which organizations have access to the EDI application"
                + " (Entitlements.all() for tests)");
      }
      if (environments == null) {
        missing.add(
            "an environment directory is required: which environments each organization has");
      }
      if (copyPolicy == null) {
        missing.add(
            "a copy policy is required: CopyPolicy.sealed(keys) to copy values later,"
                + " CopyPolicy.digestOnly() to show them once, or CopyPolicy.ephemeral() for"
                + " in-memory use");
      }
      if (entitlements == null || environments == null || copyPolicy == null) {
        throw new IllegalStateException(String.join("; and ", missing));
      }
      return new TokenService(this, entitlements, environments, copyPolicy);
    }

    // Each optional setting with its default resolved, never written back.

    DigestPolicy getDigestPolicy() {
      return digestPolicy == null ? DigestPolicy.sha256() : digestPolicy;
    }

    Clock getClock() {
      return clock == null ? Clock.systemUTC() : clock;
    }

    TokenLimits getLimits() {
      return limits == null ? TokenLimits.none() : limits;
    }

    LifetimePolicy getLifetimePolicy() {
      return lifetimePolicy == null ? LifetimePolicy.unlimited() : lifetimePolicy;
    }
  }
}
