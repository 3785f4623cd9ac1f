package io.accesstokens.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.AccessToken;
import io.accesstokens.Actor;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.DeleteOutcome;
import io.accesstokens.EnvironmentId;
import io.accesstokens.ErrorCode;
import io.accesstokens.Expiry;
import io.accesstokens.IssuedToken;
import io.accesstokens.LeakOutcome;
import io.accesstokens.LeakResponse;
import io.accesstokens.NotEntitledException;
import io.accesstokens.OrganizationId;
import io.accesstokens.Rotation;
import io.accesstokens.Scope;
import io.accesstokens.TokenConflictException;
import io.accesstokens.TokenEvent;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import io.accesstokens.TokenLimitExceededException;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.TokenPage;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.UnknownEnvironmentException;
import io.accesstokens.internal.Descriptions;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.spi.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

/**
 * Stateful property test: random sequences of the page's actions (create, list, copy, edit, toggle,
 * delete), validations and entitlement changes across three organizations and their environments,
 * rotations with an overlap (issue 14), run against the service on a real store and against a
 * simple model. After every step the outcome (result or exception), the audit events and the whole
 * visible state must equal the model's.
 *
 * <p>jqwik shrinks a failing sequence to a minimal one; keep such counterexamples as plain tests in
 * {@code ModelRegressionTest}-style classes of the store module that found them.
 *
 * <p>Each store module runs it by giving {@link #createStore()} (a new, empty store for each
 * sequence). {@value #TRIES} sequences per store in every build, and {@value #LONG_TRIES} more in
 * the long variant ({@link LongVariants}).
 */
// Tagged so that a slow run (the mutation profile) can leave the random models out.
@Tag("model")
public abstract class AbstractTokenModelTest {
  static final int TRIES = 1000;
  static final int LONG_TRIES = TRIES * LongVariants.FACTOR;

  private static final OrganizationId[] ORGS = {Fixtures.ACME, Fixtures.GLOBEX, Fixtures.INITECH};
  private static final EnvironmentId[] ENVS = {Fixtures.PROD, Fixtures.TEST, Fixtures.GLOBEX_PROD};
  private static final Actor ACTOR = Fixtures.ALICE;

  /**
   * Each organization's token limit (issue 15): low enough that sequences reach it, delete below it
   * and reach it again; active and inactive tokens count alike.
   */
  private static final Map<OrganizationId, Long> LIMITS =
      Map.of(Fixtures.ACME, 3L, Fixtures.GLOBEX, 5L, Fixtures.INITECH, 1L);

  /** The lifetimes a create may ask for: shorter and longer than the validator's hard expiry. */
  static final Duration[] LIFETIMES = {
    Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofDays(90)
  };

  /**
   * The overlaps a rotation may ask for: none (the predecessor is refused at once), and shorter and
   * longer than {@link #LIFETIMES} and the steps of {@link Advance}, so that a sequence sees the
   * predecessor's own expiry win over the overlap's end and the other way round.
   */
  static final Duration[] OVERLAPS = {
    Duration.ZERO,
    Duration.ofMillis(500),
    Duration.ofSeconds(29),
    Duration.ofMinutes(2),
    Duration.ofDays(10),
    Duration.ofDays(200)
  };

  /** A new, empty store; called once per sequence. */
  protected abstract TokenStore createStore();

  // ---- the actions
  // ---------------------------------------------------------------------------------

  /**
   * One step. {@code token} picks a token issued earlier in the sequence (modulo), or an unknown
   * one when negative; {@code org} and {@code env} of -1 mean "the picked token's own", which the
   * generator prefers so that sequences act on the same tokens the way users do.
   */
  sealed interface Op
      permits Create,
          ListAll,
          Copy,
          Edit,
          Toggle,
          Delete,
          Validate,
          Entitle,
          RevokeLeaked,
          DeactivateAll,
          Advance,
          Rotate {}

  /**
   * {@code lifetime} picks one of {@link #LIFETIMES}, or none (never expires) when negative (issue
   * 14).
   */
  record Create(int org, int env, @Nullable String description, boolean tick, int lifetime)
      implements Op {}

  /**
   * {@code TokenService.rotate} of the picked token; {@code overlap} picks one of {@link
   * #OVERLAPS}, or a negative overlap (refused) when negative (issue 14).
   */
  record Rotate(int org, int token, int overlap) implements Op {}

  /** Time moves forward (the service's clock and the validator's ticker together), issue 14. */
  record Advance(Duration by) implements Op {}

  record ListAll(int org, int envFilter, int statusFilter, int pageSize) implements Op {}

  record Copy(int org, int token) implements Op {}

  record Edit(int org, int token, @Nullable String description) implements Op {}

  record Toggle(int org, int token, TokenStatus status) implements Op {}

  record Delete(int org, int token) implements Op {}

  record Validate(int org, int env, int token, boolean garble) implements Op {}

  record Entitle(int org, boolean entitled) implements Op {}

  /** {@code LeakResponse.revokeLeaked} of the picked token's value (or a forged one). */
  record RevokeLeaked(int token, boolean garble) implements Op {}

  /** {@code deactivateAll} of an organization, in one environment or all ({@code env} -1). */
  record DeactivateAll(int org, int env, boolean dryRun) implements Op {}

  @Provide
  Arbitrary<List<Op>> sequences() {
    Arbitrary<Integer> org = Arbitraries.integers().between(0, 2);
    Arbitrary<Integer> env = Arbitraries.integers().between(0, 2);
    Arbitrary<Integer> owner =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.just(-1)), net.jqwik.api.Tuple.of(1, org));
    Arbitrary<Integer> ownEnv =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.just(-1)), net.jqwik.api.Tuple.of(1, env));
    Arbitrary<Integer> token = Arbitraries.integers().between(-1, 3);
    Arbitrary<String> description =
        Arbitraries.oneOf(
            Arbitraries.just(null),
            Arbitraries.of(
                "",
                "   ",
                "partner A",
                "Z\u00fcrich \ud83d\ude80",
                "x".repeat(256),
                "\ud83d\udd11".repeat(256),
                "x".repeat(257),
                "tab\there",
                "half \ud83d",
                "'; DROP TABLE tokens; --"),
            Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(20));
    Arbitrary<Op> op =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(
                6,
                Combinators.combine(
                        org,
                        env,
                        description,
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(-2, LIFETIMES.length - 1))
                    .as(Create::new)),
            net.jqwik.api.Tuple.of(
                2,
                Arbitraries.of(
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(29),
                        Duration.ofSeconds(61),
                        Duration.ofMinutes(5),
                        Duration.ofDays(100))
                    .map(Advance::new)),
            net.jqwik.api.Tuple.of(
                2,
                Combinators.combine(
                        org,
                        Arbitraries.integers().between(-1, 2),
                        Arbitraries.integers().between(-1, 1),
                        Arbitraries.integers().between(1, 4))
                    .as(ListAll::new)),
            net.jqwik.api.Tuple.of(2, Combinators.combine(owner, token).as(Copy::new)),
            net.jqwik.api.Tuple.of(3, Combinators.combine(owner, token, description).as(Edit::new)),
            net.jqwik.api.Tuple.of(
                4,
                Combinators.combine(owner, token, Arbitraries.of(TokenStatus.class))
                    .as(Toggle::new)),
            net.jqwik.api.Tuple.of(2, Combinators.combine(owner, token).as(Delete::new)),
            net.jqwik.api.Tuple.of(
                4,
                Combinators.combine(
                        owner,
                        // Mostly an issued token, so that rotations succeed and chains grow.
                        Arbitraries.frequencyOf(
                            net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 3)),
                            net.jqwik.api.Tuple.of(1, Arbitraries.just(-1))),
                        Arbitraries.frequencyOf(
                            net.jqwik.api.Tuple.of(
                                8, Arbitraries.integers().between(0, OVERLAPS.length - 1)),
                            net.jqwik.api.Tuple.of(1, Arbitraries.just(-1))))
                    .as(Rotate::new)),
            net.jqwik.api.Tuple.of(
                6,
                Combinators.combine(owner, ownEnv, token, Arbitraries.of(false, false, false, true))
                    .as(Validate::new)),
            net.jqwik.api.Tuple.of(
                1, Combinators.combine(org, Arbitraries.of(true, false)).as(Entitle::new)),
            net.jqwik.api.Tuple.of(
                2,
                Combinators.combine(token, Arbitraries.of(false, false, true))
                    .as(RevokeLeaked::new)),
            net.jqwik.api.Tuple.of(
                1,
                Combinators.combine(
                        org, Arbitraries.integers().between(-1, 2), Arbitraries.of(true, false))
                    .as(DeactivateAll::new)));
    return op.list().ofMinSize(1).ofMaxSize(24);
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.FULL)
  void anySequenceOfActions_behavesLikeTheModel(@ForAll("sequences") @Size(max = 24) List<Op> ops) {
    new Run(createStore()).execute(ops);
  }

  /** The same with ten times as many sequences, when the long variants are on. */
  @Property(tries = LONG_TRIES, shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(LongVariants.Only.class)
  void anySequenceOfActions_behavesLikeTheModel_longVariant(
      @ForAll("sequences") @Size(max = 24) List<Op> ops) {
    new Run(createStore()).execute(ops);
  }

  /** jqwik runs no Jupiter extensions, so the guard's capture is started here. */
  @BeforeContainer
  static void captureEveryLogLine() {
    SecretLeakGuard.startCapture();
  }

  /**
   * jqwik runs after Jupiter, whose final scan of every captured line has then already run: the
   * same scan again, once this class's sequences are done.
   */
  @AfterContainer
  static void scanEveryLineOfTheRunSoFar() {
    SecretLeakGuard.assertNoLeakInTheWholeRun("a model test class");
  }

  /** Runs one sequence; also usable from a store module's regression tests. */
  protected final void replay(List<Op> ops) {
    new Run(createStore()).execute(ops);
  }

  // ---- the model
  // -----------------------------------------------------------------------------------

  private static final class ModelToken {
    final TokenId id;
    final OrganizationId org;
    final EnvironmentId env;
    final String value;
    final Instant createdAt;
    TokenStatus status = TokenStatus.ACTIVE;
    @Nullable String description;
    long version = 1;
    boolean deleted;

    /** Changed by a rotation of this token: the end of the overlap, if earlier. */
    @Nullable Instant expiresAt;

    final @Nullable TokenId rotatedFrom;

    ModelToken(IssuedToken issued) {
      this.id = issued.id();
      this.org = issued.token().organization();
      this.env = issued.token().environment();
      this.value = issued.value().reveal();
      this.createdAt = issued.token().createdAt();
      this.description = issued.token().description();
      this.expiresAt = issued.token().expiresAt();
      this.rotatedFrom = issued.token().rotatedFrom();
    }
  }

  private static final class Run {
    final MutableClock clock = MutableClock.startingAt("2026-05-01T00:00:00Z");
    final Fixtures.SwitchableEntitlements entitlements = new Fixtures.SwitchableEntitlements();
    final List<TokenEvent> events = new CopyOnWriteArrayList<>();
    final TokenService service;
    final TokenValidator validator;
    final LeakResponse leaks;

    /** Every token issued in this sequence, deleted ones included, in creation order. */
    final List<ModelToken> tokens = new ArrayList<>();

    final Map<OrganizationId, Boolean> entitled = new LinkedHashMap<>();
    int seenEvents;

    Run(TokenStore store) {
      service =
          TokenService.builder(store)
              .entitlements(entitlements)
              .environments(Fixtures.environments())
              .copyPolicy(CopyPolicy.ephemeral())
              .clock(clock)
              .limits(LIMITS::get)
              .listener(events::add)
              .build();
      // The ticker reads the clock, so a step that moves time moves both, as on a real machine.
      validator =
          TokenValidator.builder(service)
              .executor(Runnable::run)
              .ticker(Fixtures.tickerOf(clock))
              .build();
      leaks = LeakResponse.builder(service).build();
      entitled.put(Fixtures.ACME, true);
      entitled.put(Fixtures.GLOBEX, true);
      entitled.put(Fixtures.INITECH, false);
    }

    void execute(List<Op> ops) {
      int logMark = CapturingAppender.mark();
      try {
        for (int step = 0; step < ops.size(); step++) {
          Op op = ops.get(step);
          try {
            apply(op);
            checkState();
          } catch (AssertionError e) {
            throw new AssertionError("step " + step + " " + op + ": " + e.getMessage(), e);
          }
        }
        SecretLeakGuard.assertNoLeakSince(logMark);
      } finally {
        validator.close();
      }
    }

    private @Nullable ModelToken pick(int index) {
      return index < 0 || tokens.isEmpty() ? null : tokens.get(index % tokens.size());
    }

    /** Organization {@code index}, or the token's own when -1 (ACME when there is no token). */
    private static OrganizationId org(int index, @Nullable ModelToken token) {
      return index >= 0 ? ORGS[index] : token == null ? Fixtures.ACME : token.org;
    }

    private static EnvironmentId env(int index, @Nullable ModelToken token) {
      return index >= 0 ? ENVS[index] : token == null ? Fixtures.PROD : token.env;
    }

    /** The outcome is a refusal for reaching {@code org}'s limit, which it names. */
    private static void assertLimitExceeded(Object outcome, OrganizationId org) {
      assertThat(outcome)
          .isInstanceOf(TokenLimitExceededException.class)
          .extracting(e -> ((TokenLimitExceededException) e).limit())
          .isEqualTo(LIMITS.get(org));
    }

    /**
     * The tokens {@code org} can see, in {@code env} or in every environment when null, in creation
     * order.
     */
    private Stream<ModelToken> visibleIn(OrganizationId org, @Nullable EnvironmentId env) {
      return tokens.stream()
          .filter(t -> visible(org, t) != null)
          .filter(t -> env == null || t.env.equals(env));
    }

    /** The tokens {@code org} holds, active and inactive: what its limit counts. */
    private long held(OrganizationId org) {
      return tokens.stream().filter(t -> !t.deleted && t.org.equals(org)).count();
    }

    /**
     * The token's stored successor, or null: a deleted successor frees its predecessor to be
     * rotated again, as the stores forget it with its row (a database's unique index would).
     */
    private @Nullable ModelToken successorOf(ModelToken token) {
      return tokens.stream()
          .filter(t -> !t.deleted && token.id.equals(t.rotatedFrom))
          .findFirst()
          .orElse(null);
    }

    private TokenId idOf(@Nullable ModelToken token) {
      return token == null ? new TokenId(0x0BADC0FFEEL) : token.id;
    }

    private boolean isEntitled(OrganizationId org) {
      return entitled.get(org);
    }

    /** The token as {@code org} can see it: null when absent, deleted or another organization's. */
    private @Nullable ModelToken visible(OrganizationId org, @Nullable ModelToken token) {
      return token == null || token.deleted || !token.org.equals(org) ? null : token;
    }

    private static boolean descriptionIsValid(@Nullable String d) {
      try {
        Descriptions.normalize(d);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    private static @Nullable String normalized(@Nullable String d) {
      return d == null || d.isBlank() ? null : d;
    }

    private void apply(Op op) {
      if (op instanceof Create c) {
        create(c);
      } else if (op instanceof ListAll l) {
        list(l);
      } else if (op instanceof Copy c) {
        copy(c);
      } else if (op instanceof Edit e) {
        edit(e);
      } else if (op instanceof Toggle t) {
        toggle(t);
      } else if (op instanceof Delete d) {
        delete(d);
      } else if (op instanceof Validate v) {
        validate(v);
      } else if (op instanceof RevokeLeaked r) {
        revokeLeaked(r);
      } else if (op instanceof DeactivateAll d) {
        deactivateAll(d);
      } else if (op instanceof Rotate r) {
        rotate(r);
      } else if (op instanceof Advance a) {
        clock.advance(a.by());
        expectEvents();
      } else if (op instanceof Entitle e) {
        entitlements.set(ORGS[e.org()], e.entitled());
        entitled.put(ORGS[e.org()], e.entitled());
        service.entitlementChanged(ORGS[e.org()]);
        expectEvents();
      }
    }

    private void create(Create c) {
      OrganizationId org = ORGS[c.org()];
      EnvironmentId env = ENVS[c.env()];
      if (c.tick()) {
        clock.advance(Duration.ofMillis(1));
      }
      Duration lifetime = c.lifetime() < 0 ? null : LIFETIMES[c.lifetime()];
      Object outcome =
          outcome(
              () ->
                  Fixtures.create(
                      service,
                      org,
                      env,
                      c.description(),
                      lifetime == null ? Expiry.never() : Expiry.after(lifetime),
                      ACTOR));
      if (!descriptionIsValid(c.description())) {
        assertThat(outcome).isInstanceOf(IllegalArgumentException.class);
      } else if (!isEntitled(org)) {
        assertThat(outcome).isInstanceOf(NotEntitledException.class);
      } else if (!Fixtures.environments().contains(org, env)) {
        assertThat(outcome).isInstanceOf(UnknownEnvironmentException.class);
      } else if (held(org) >= LIMITS.get(org)) {
        assertLimitExceeded(outcome, org);
      } else {
        assertThat(outcome).isInstanceOf(IssuedToken.class);
        IssuedToken issued = (IssuedToken) outcome;
        assertThat(issued.token().status()).isEqualTo(TokenStatus.ACTIVE);
        assertThat(issued.token().description()).isEqualTo(normalized(c.description()));
        assertThat(issued.token().expiresAt())
            .isEqualTo(lifetime == null ? null : issued.token().createdAt().plus(lifetime));
        ModelToken token = new ModelToken(issued);
        tokens.add(token);
        expectEvents(TokenEventType.CREATED + "@1:" + token.id);
        return;
      }
      expectEvents();
    }

    private void list(ListAll l) {
      OrganizationId org = ORGS[l.org()];
      EnvironmentId env = l.envFilter() < 0 ? null : ENVS[l.envFilter()];
      TokenStatus status = l.statusFilter() < 0 ? null : TokenStatus.values()[l.statusFilter()];
      TokenQuery query =
          TokenQuery.all().inEnvironment(env).withStatus(status).pageSize(l.pageSize());
      List<TokenId> seen = new ArrayList<>();
      Object outcome =
          outcome(
              () -> {
                TokenQuery q = query;
                while (true) {
                  TokenPage page = service.list(org, q);
                  page.tokens().forEach(t -> seen.add(t.id()));
                  if (page.nextPage().isEmpty()) {
                    return seen;
                  }
                  q = q.after(page.nextPage().get());
                }
              });
      if (!isEntitled(org)) {
        assertThat(outcome).isInstanceOf(NotEntitledException.class);
      } else {
        List<TokenId> expected =
            visibleIn(org, env)
                .filter(t -> status == null || t.status == status)
                .sorted(
                    Comparator.<ModelToken, Instant>comparing(t -> t.createdAt)
                        .thenComparing((a, b) -> Long.compareUnsigned(a.id.bits(), b.id.bits())))
                .map(t -> t.id)
                .toList();
        assertThat(outcome).isEqualTo(expected);
      }
      expectEvents();
    }

    private void copy(Copy c) {
      ModelToken token = pick(c.token());
      OrganizationId org = org(c.org(), token);
      Object outcome = outcome(() -> Fixtures.copy(service, org, idOf(token), ACTOR).reveal());
      if (!isEntitled(org)) {
        assertThat(outcome).isInstanceOf(NotEntitledException.class);
      } else if (visible(org, token) == null) {
        assertNotFound(outcome, org, idOf(token));
      } else {
        assertThat(outcome).isEqualTo(token.value);
        expectEvents(TokenEventType.VALUE_COPIED + "@" + token.version + ":" + token.id);
        return;
      }
      expectEvents();
    }

    private void edit(Edit e) {
      ModelToken token = pick(e.token());
      OrganizationId org = org(e.org(), token);
      Object outcome =
          outcome(() -> service.editDescription(org, idOf(token), e.description(), ACTOR));
      if (!descriptionIsValid(e.description())) {
        assertThat(outcome).isInstanceOf(IllegalArgumentException.class);
      } else if (!isEntitled(org)) {
        assertThat(outcome).isInstanceOf(NotEntitledException.class);
      } else if (visible(org, token) == null) {
        assertNotFound(outcome, org, idOf(token));
      } else {
        assertThat(outcome).isInstanceOf(AccessToken.class);
        String wanted = normalized(e.description());
        if (!Objects.equals(wanted, token.description)) {
          token.description = wanted;
          token.version++;
          expectEvents(TokenEventType.DESCRIPTION_EDITED + "@" + token.version + ":" + token.id);
        } else {
          expectEvents();
        }
        assertThat(((AccessToken) outcome).version()).isEqualTo(token.version);
        return;
      }
      expectEvents();
    }

    private void toggle(Toggle t) {
      ModelToken token = pick(t.token());
      OrganizationId org = org(t.org(), token);
      Object outcome = outcome(() -> service.setStatus(org, idOf(token), t.status(), ACTOR));
      if (!isEntitled(org)) {
        assertThat(outcome).isInstanceOf(NotEntitledException.class);
      } else if (visible(org, token) == null) {
        assertNotFound(outcome, org, idOf(token));
      } else {
        if (token.status != t.status()) {
          token.status = t.status();
          token.version++;
          expectEvents(TokenEventType.STATUS_CHANGED + "@" + token.version + ":" + token.id);
        } else {
          expectEvents();
        }
        assertThat(((AccessToken) outcome).status()).isEqualTo(t.status());
        return;
      }
      expectEvents();
    }

    private void delete(Delete d) {
      ModelToken token = pick(d.token());
      OrganizationId org = org(d.org(), token);
      Object outcome = outcome(() -> service.delete(org, idOf(token), ACTOR));
      if (!isEntitled(org)) {
        assertThat(outcome).isInstanceOf(NotEntitledException.class);
      } else if (visible(org, token) == null) {
        assertThat(outcome).isEqualTo(DeleteOutcome.ALREADY_ABSENT);
      } else {
        assertThat(outcome).isEqualTo(DeleteOutcome.DELETED);
        token.deleted = true;
        expectEvents(TokenEventType.DELETED + "@" + token.version + ":" + token.id);
        return;
      }
      expectEvents();
    }

    private void rotate(Rotate r) {
      ModelToken token = pick(r.token());
      OrganizationId org = org(r.org(), token);
      Duration overlap = r.overlap() < 0 ? Duration.ofSeconds(-1) : OVERLAPS[r.overlap()];
      Instant now = clock.instant();
      if (token != null) {
        // Its partner keeps using it: the validator holds an answer the rotation must drop.
        validateInItsOwnPlace(token);
      }
      Object outcome = outcome(() -> service.rotate(org, idOf(token), overlap, ACTOR));
      if (overlap.isNegative()) {
        assertThat(outcome).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(((Throwable) outcome).getMessage())
            .isEqualTo("overlap must not be negative, but was " + overlap);
      } else if (!isEntitled(org)) {
        assertThat(outcome).isInstanceOf(NotEntitledException.class);
      } else if (visible(org, token) == null) {
        assertNotFound(outcome, org, idOf(token));
      } else if (token.status != TokenStatus.ACTIVE) {
        assertNotRotatable(outcome, token, "it is inactive");
      } else if (token.expiresAt != null && !now.isBefore(token.expiresAt)) {
        assertNotRotatable(outcome, token, "it expired at " + token.expiresAt);
      } else if (successorOf(token) != null) {
        assertNotRotatable(
            outcome,
            token,
            "it was already rotated (its successor is " + successorOf(token).id + ")");
      } else if (held(org) >= LIMITS.get(org)) {
        // The predecessor stays stored during the overlap, so the successor takes a place.
        assertLimitExceeded(outcome, org);
      } else {
        assertThat(outcome).isInstanceOf(Rotation.class);
        Rotation rotation = (Rotation) outcome;
        AccessToken successor = rotation.successor().token();
        AccessToken predecessor = rotation.predecessor();
        assertThat(successor.id()).isNotEqualTo(token.id);
        assertThat(successor.organization()).isEqualTo(token.org);
        assertThat(successor.environment()).isEqualTo(token.env);
        assertThat(successor.description()).isEqualTo(token.description);
        assertThat(successor.scope()).isEqualTo(predecessor.scope());
        assertThat(successor.status()).isEqualTo(TokenStatus.ACTIVE);
        assertThat(successor.version()).isEqualTo(1);
        assertThat(successor.createdAt()).isEqualTo(now);
        assertThat(successor.expiresAt()).isNull();
        assertThat(successor.rotatedFrom()).isEqualTo(token.id);
        assertThat(rotation.successor().value().reveal()).isNotEqualTo(token.value);
        Instant endOfOverlap = now.plus(overlap);
        token.expiresAt =
            token.expiresAt != null && token.expiresAt.isBefore(endOfOverlap)
                ? token.expiresAt
                : endOfOverlap;
        token.version++;
        assertThat(predecessor.id()).isEqualTo(token.id);
        assertThat(predecessor.status()).isEqualTo(TokenStatus.ACTIVE);
        assertThat(predecessor.expiresAt()).isEqualTo(token.expiresAt);
        assertThat(predecessor.version()).isEqualTo(token.version);
        assertThat(predecessor.rotatedFrom()).isEqualTo(token.rotatedFrom);
        ModelToken next = new ModelToken(rotation.successor());
        tokens.add(next);
        expectEvents(
            TokenEventType.TOKEN_ROTATED + "@" + token.version + ":" + token.id,
            TokenEventType.CREATED + "@1:" + next.id);
        // The new value works at once; the old one until the end of the overlap (none: refused).
        validateInItsOwnPlace(next);
        validateInItsOwnPlace(token);
        return;
      }
      expectEvents();
    }

    private static void assertNotRotatable(Object outcome, ModelToken token, String why) {
      assertThat(outcome).isExactlyInstanceOf(TokenConflictException.class);
      assertThat(((Throwable) outcome).getMessage())
          .isEqualTo("token " + token.id + " cannot be rotated: " + why);
    }

    private void revokeLeaked(RevokeLeaked r) {
      ModelToken token = pick(r.token());
      String value =
          token == null
              ? Fixtures.mint(TokenMint.newId())
              : r.garble() ? Fixtures.mint(token.id) : token.value;
      Object outcome = outcome(() -> leaks.revokeLeaked(List.of(value), "model run", ACTOR));
      if (token == null || r.garble() || token.deleted) {
        assertThat(outcome).isEqualTo(List.of(LeakOutcome.NOT_FOUND));
        expectEvents();
        return;
      }
      if (token.status == TokenStatus.ACTIVE) {
        token.status = TokenStatus.INACTIVE;
        token.version++;
        assertThat(outcome).isEqualTo(List.of(LeakOutcome.REVOKED));
      } else {
        assertThat(outcome).isEqualTo(List.of(LeakOutcome.ALREADY_INACTIVE));
      }
      expectEvents(TokenEventType.TOKEN_LEAK_REPORTED + "@" + token.version + ":" + token.id);
    }

    private void deactivateAll(DeactivateAll d) {
      OrganizationId org = ORGS[d.org()];
      EnvironmentId env = d.env() < 0 ? null : ENVS[d.env()];
      Object outcome = outcome(() -> service.deactivateAll(org, env, ACTOR, d.dryRun()));
      if (!isEntitled(org)) {
        assertThat(outcome).isInstanceOf(NotEntitledException.class);
      } else if (env != null && !Fixtures.environments().contains(org, env)) {
        assertThat(outcome).isInstanceOf(UnknownEnvironmentException.class);
      } else {
        List<ModelToken> active =
            visibleIn(org, env)
                .filter(t -> t.status == TokenStatus.ACTIVE)
                .sorted(
                    Comparator.<ModelToken, Instant>comparing(t -> t.createdAt)
                        .thenComparing((a, b) -> Long.compareUnsigned(a.id.bits(), b.id.bits())))
                .toList();
        assertThat(outcome).isEqualTo((long) active.size());
        List<String> expected = new ArrayList<>();
        if (!d.dryRun()) {
          for (ModelToken t : active) {
            t.status = TokenStatus.INACTIVE;
            t.version++;
            expected.add(TokenEventType.STATUS_CHANGED + "@" + t.version + ":" + t.id);
          }
        }
        expectEvents(expected.toArray(String[]::new));
        return;
      }
      expectEvents();
    }

    private void validate(Validate v) {
      ModelToken token = pick(v.token());
      OrganizationId org = org(v.org(), token);
      EnvironmentId env = env(v.env(), token);
      String presented =
          token == null
              ? Fixtures.mint(TokenMint.newId())
              : v.garble() ? Fixtures.mint(token.id) : token.value;
      Object outcome = outcome(() -> validator.validate(presented, Scope.EDI, org, env).id());
      boolean valid =
          token != null
              && !v.garble()
              && !token.deleted
              && token.status == TokenStatus.ACTIVE
              && (token.expiresAt == null || clock.instant().isBefore(token.expiresAt))
              && token.org.equals(org)
              && token.env.equals(env)
              && isEntitled(token.org);
      if (valid) {
        assertThat(outcome).isEqualTo(token.id);
      } else {
        assertThat(outcome).isInstanceOf(ConnectionOpenException.class);
        assertThat(((ConnectionOpenException) outcome).errorCode())
            .isEqualTo(ErrorCode.INVALID_TOKEN);
      }
      expectEvents();
    }

    /** Validates the token's value in its own organization and environment, as the model says. */
    private void validateInItsOwnPlace(ModelToken token) {
      validate(new Validate(-1, -1, tokens.indexOf(token), false));
    }

    private static void assertNotFound(Object outcome, OrganizationId org, TokenId id) {
      assertThat(outcome).isExactlyInstanceOf(TokenNotFoundException.class);
      assertThat(((Throwable) outcome).getMessage())
          .isEqualTo("no token " + id + " in organization " + org);
    }

    /** The audit events of the last step, as TYPE@version:id, must be exactly {@code expected}. */
    private void expectEvents(String... expected) {
      List<String> fresh =
          events.subList(seenEvents, events.size()).stream()
              .map(e -> e.type() + "@" + e.version() + ":" + e.tokenId())
              .toList();
      seenEvents = events.size();
      assertThat(fresh).as("audit events").containsExactly(expected);
    }

    /** Every organization's visible rows equal the model's, field by field. */
    private void checkState() {
      for (OrganizationId org : ORGS) {
        if (!isEntitled(org)) {
          continue;
        }
        Map<TokenId, AccessToken> actual = new LinkedHashMap<>();
        TokenQuery q = TokenQuery.all().pageSize(1000);
        service.list(org, q).tokens().forEach(t -> actual.put(t.id(), t));
        List<ModelToken> expected = tokens.stream().filter(t -> visible(org, t) != null).toList();
        assertThat(actual.keySet())
            .as("tokens of %s", org)
            .containsExactlyInAnyOrderElementsOf(expected.stream().map(t -> t.id).toList());
        for (ModelToken m : expected) {
          AccessToken a = actual.get(m.id);
          assertThat(a.status()).isEqualTo(m.status);
          assertThat(a.description()).isEqualTo(m.description);
          assertThat(a.version()).isEqualTo(m.version);
          assertThat(a.environment()).isEqualTo(m.env);
          assertThat(a.createdAt()).isEqualTo(m.createdAt);
          assertThat(a.expiresAt()).isEqualTo(m.expiresAt);
          assertThat(a.rotatedFrom()).isEqualTo(m.rotatedFrom);
        }
      }
    }

    /** The call's result, or the exception it threw. */
    private static Object outcome(java.util.function.Supplier<?> call) {
      try {
        return Objects.requireNonNull(call.get());
      } catch (RuntimeException e) {
        return e;
      }
    }
  }
}
