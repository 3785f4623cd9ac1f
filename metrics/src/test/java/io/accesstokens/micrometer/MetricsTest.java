package io.accesstokens.micrometer;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.GLOBEX;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.ChangeFollower;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.IssuedToken;
import io.accesstokens.Scope;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.testing.FakeTicker;
import io.accesstokens.testing.FaultyTokenStore;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The binders over a real validator on the memory store, read through a SimpleMeterRegistry. */
@ExtendWith(SecretLeakGuard.class)
class MetricsTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final MemoryTokenStore store = new MemoryTokenStore();
  private final TokenEventMetrics actions = new TokenEventMetrics();
  private final TokenService service = Fixtures.serviceOn(store).listener(actions).build();
  private final FakeTicker ticker = new FakeTicker();
  private final TokenValidator validator =
      TokenValidator.builder(service).ticker(ticker).executor(Runnable::run).maximumSize(1).build();

  @AfterEach
  void close() {
    validator.close();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private boolean refused(String value) {
    return refused(validator, value);
  }

  @Test
  void validatorMeters_countHitsMissesLookupsRefusalsAndEvictions() {
    new TokenValidatorMetrics(validator, Tags.of("validator", "edi")).bindTo(registry);
    IssuedToken first = create(service, ACME, PROD, null, ALICE);
    IssuedToken second = create(service, ACME, PROD, null, ALICE);
    IssuedToken globex = create(service, GLOBEX, Fixtures.GLOBEX_PROD, null, ALICE);

    assertThat(refused(first.value().reveal())).isFalse(); // miss, lookup, load
    assertThat(refused(first.value().reveal())).isFalse(); // hit
    assertThat(refused(second.value().reveal())).isFalse(); // miss, evicts the first (size 1)
    assertThat(refused(globex.value().reveal())).isTrue(); // wrong organization
    assertThat(refused("not a token")).isTrue(); // malformed
    IssuedToken deleted = create(service, ACME, PROD, null, ALICE);
    service.delete(ACME, deleted.id(), ALICE);
    String unknown = deleted.value().reveal();
    assertThat(refused(unknown)).isTrue(); // unknown: a lookup
    assertThat(refused(unknown)).isTrue(); // negative hit

    assertThat(counter(TokenValidatorMetrics.HITS, "validator", "edi")).isEqualTo(1);
    assertThat(counter(TokenValidatorMetrics.MISSES)).isEqualTo(4);
    assertThat(counter(TokenValidatorMetrics.NEGATIVE_HITS)).isEqualTo(1);
    assertThat(counter(TokenValidatorMetrics.STORE_LOOKUPS)).isEqualTo(4);
    assertThat(counter(TokenValidatorMetrics.LOADS)).isEqualTo(3);
    assertThat(counter(TokenValidatorMetrics.REFUSALS, "cause", "wrong_organization")).isEqualTo(1);
    assertThat(counter(TokenValidatorMetrics.REFUSALS, "cause", "malformed")).isEqualTo(1);
    assertThat(counter(TokenValidatorMetrics.REFUSALS, "cause", "unknown")).isEqualTo(2);
    assertThat(counter(TokenValidatorMetrics.REFUSALS, "cause", "inactive")).isZero();
    assertThat(registry.get(TokenValidatorMetrics.REFUSALS).functionCounters())
        .as("one counter per cause")
        .hasSize(io.accesstokens.RefusalCause.values().length);
    assertThat(counter(TokenValidatorMetrics.FAIL_CLOSED)).isZero();
    assertThat(counter(TokenValidatorMetrics.CONTESTED_REFUSALS)).isZero();
    assertThat(counter(TokenValidatorMetrics.EVICTIONS, "cause", "size")).isGreaterThan(0);
    assertThat(registry.get(TokenValidatorMetrics.CACHE_SIZE).gauge().value()).isEqualTo(1);
    assertNoTagHoldsATokenValueOrId(List.of(first, second, globex, deleted));
  }

  /** The lookup latency timer counts the lookups that ran against the store, and their time. */
  @Test
  void lookupLatency_timesTheMissesThatAskedTheStore_andNoHit() {
    FaultyTokenStore slow = new FaultyTokenStore(store);
    slow.afterFindByDigest(answer -> ticker.advance(Duration.ofMillis(7)));
    TokenService slowService = Fixtures.serviceOn(slow).build();
    try (TokenValidator timed =
        TokenValidator.builder(slowService).ticker(ticker).executor(Runnable::run).build()) {
      new TokenValidatorMetrics(timed).bindTo(registry);
      IssuedToken token = create(slowService, ACME, PROD, null, ALICE);

      assertThat(refused(timed, token.value().reveal())).isFalse(); // miss: 7 ms in the store
      assertThat(refused(timed, token.value().reveal())).isFalse(); // hit: not timed
      slow.down(true);
      IssuedToken other = create(service, ACME, PROD, null, ALICE);
      assertThat(refused(timed, other.value().reveal())).as("fails closed").isTrue();

      FunctionTimer latency = registry.get(TokenValidatorMetrics.LOOKUP_LATENCY).functionTimer();
      assertThat(latency.count()).as("the miss and the failed lookup").isEqualTo(2);
      assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7);
      assertThat(timed.stats().timedLookups()).isEqualTo(2);
      assertThat(timed.stats().lookupNanos()).isEqualTo(Duration.ofMillis(7).toNanos());
    }
  }

  private static boolean refused(TokenValidator validator, String value) {
    try {
      validator.validate(value, Scope.EDI, ACME, PROD);
      return false;
    } catch (ConnectionOpenException e) {
      return true;
    }
  }

  @Test
  void lastUsedMeters_showThePendingUses_andThoseDroppedWhileFlushesFail() {
    FaultyTokenStore faulty = new FaultyTokenStore(store);
    TokenService faultyService = Fixtures.serviceOn(faulty).build();
    try (TokenValidator recording =
        TokenValidator.builder(faultyService)
            .ticker(ticker)
            .executor(Runnable::run)
            .maximumSize(1)
            .recordLastUsed(true)
            .build()) {
      new TokenValidatorMetrics(recording).bindTo(registry);
      IssuedToken first = create(faultyService, ACME, PROD, null, ALICE);
      IssuedToken second = create(faultyService, ACME, PROD, null, ALICE);
      assertThat(registry.get(TokenValidatorMetrics.LAST_USED_PENDING).gauge().value()).isZero();

      assertThat(refused(recording, first.value().reveal())).isFalse();
      assertThat(registry.get(TokenValidatorMetrics.LAST_USED_PENDING).gauge().value()).isOne();
      faulty.down(true);
      assertThatThrownBy(recording::flushLastUsed)
          .isInstanceOf(io.accesstokens.StoreUnavailableException.class);
      faulty.down(false);
      assertThat(refused(recording, second.value().reveal())).isFalse(); // one use waits already
      assertThat(registry.get(TokenValidatorMetrics.LAST_USED_PENDING).gauge().value()).isOne();
      assertThat(counter(TokenValidatorMetrics.LAST_USED_DROPPED)).isOne();

      assertThat(recording.flushLastUsed()).isOne();
      assertThat(registry.get(TokenValidatorMetrics.LAST_USED_PENDING).gauge().value()).isZero();
      assertThat(counter(TokenValidatorMetrics.LAST_USED_DROPPED)).isOne();
    }
  }

  @Test
  void lastUsedMeters_areZero_whenTheValidatorRecordsNoUses() {
    new TokenValidatorMetrics(validator).bindTo(registry);
    IssuedToken token = create(service, ACME, PROD, null, ALICE);
    assertThat(refused(token.value().reveal())).isFalse();
    assertThat(registry.get(TokenValidatorMetrics.LAST_USED_PENDING).gauge().value()).isZero();
    assertThat(counter(TokenValidatorMetrics.LAST_USED_DROPPED)).isZero();
  }

  @Test
  void followerMeters_showTheLagAndWhetherTheLeaseIsTrusted() {
    FakeTicker time = new FakeTicker();
    ChangeFollower follower =
        ChangeFollower.builder(store)
            .stalenessBound(Duration.ofSeconds(1))
            .longestTransaction(Duration.ofSeconds(2))
            .ticker(time)
            .drivenByCaller()
            .build();
    try (TokenValidator node =
        TokenValidator.builder(service).ticker(time).changeFollower(follower).build()) {
      new ChangeFollowerMetrics(follower).bindTo(registry);
      assertThat(registry.get(ChangeFollowerMetrics.LEASE_TRUSTED).gauge().value()).isZero();

      time.advance(Duration.ofSeconds(2));
      assertThat(follower.catchUp()).isTrue();
      time.advance(Duration.ofMillis(300));
      assertThat(registry.get(ChangeFollowerMetrics.LEASE_TRUSTED).gauge().value()).isOne();
      assertThat(registry.get(ChangeFollowerMetrics.LAG).timeGauge().value(TimeUnit.MILLISECONDS))
          .isEqualTo(300);
      assertThat(
              registry.get(ChangeFollowerMetrics.REFUSAL_BOUND).timeGauge().value(TimeUnit.SECONDS))
          .isEqualTo(1);
      assertThat(counter(ChangeFollowerMetrics.CATCH_UPS)).isEqualTo(1);
      assertThat(counter(ChangeFollowerMetrics.FAILURES)).isZero();

      time.advance(Duration.ofSeconds(1));
      assertThat(registry.get(ChangeFollowerMetrics.LEASE_TRUSTED).gauge().value()).isZero();
      assertThat(node.refusalBound()).isEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void actionMeters_countTheServicesActionsByKind_evenThoseBeforeBinding() {
    IssuedToken token = create(service, ACME, PROD, "before binding", ALICE);
    actions.bindTo(registry);
    service.deactivate(ACME, token.id(), ALICE);
    Fixtures.copy(service, ACME, token.id(), ALICE);
    service.delete(ACME, token.id(), ALICE);

    assertThat(counter(TokenEventMetrics.ACTIONS, "action", "created")).isEqualTo(1);
    assertThat(counter(TokenEventMetrics.ACTIONS, "action", "status_changed")).isEqualTo(1);
    assertThat(counter(TokenEventMetrics.ACTIONS, "action", "value_copied")).isEqualTo(1);
    assertThat(counter(TokenEventMetrics.ACTIONS, "action", "deleted")).isEqualTo(1);
    assertThat(counter(TokenEventMetrics.ACTIONS, "action", "description_edited")).isZero();
    assertThat(actions.count(TokenEventType.CREATED)).isEqualTo(1);
    assertNoTagHoldsATokenValueOrId(List.of(token));
  }

  @Test
  void binders_refuseNull() {
    assertThatThrownBy(() -> new TokenValidatorMetrics(validator, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tags");
  }

  private void assertNoTagHoldsATokenValueOrId(List<IssuedToken> tokens) {
    for (Meter meter : registry.getMeters()) {
      assertThat(meter.getId().getName()).startsWith("access_tokens.");
      for (Tag tag : meter.getId().getTags()) {
        for (IssuedToken token : tokens) {
          assertThat(tag.getValue())
              .doesNotContain(token.id().toString())
              .doesNotContain(token.value().reveal());
        }
        assertThat(tag.getValue()).doesNotContain("acme");
      }
    }
    assertThat(IssuedSecrets.recordedValues()).isPositive();
  }
}
