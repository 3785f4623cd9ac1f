package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.GLOBEX;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.copy;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.Actor;
import io.accesstokens.CopyPolicy;
import io.accesstokens.DigestPolicy;
import io.accesstokens.EnvironmentId;
import io.accesstokens.IssuedToken;
import io.accesstokens.KeyRing;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.Scope;
import io.accesstokens.TokenId;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenSecret;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Drives every operation, failures included, with logging at TRACE, and then scans every log line,
 * every exception message (with causes) and every {@code toString()} produced for the value, the
 * secret part and the digest (hex and Base64) of every token issued, and for any piece of them that
 * {@link IssuedSecrets} knows (8+ characters of a secret part, 12+ of a digest's text). One hit
 * fails the test.
 *
 * <p>A second test pastes a real value, and pieces of its secret, where a person might by mistake:
 * into every parser of ids and cursors, as an organization, an environment, an actor and a
 * description, and through the calls whose exceptions name those. Nothing may echo it, and nothing
 * may store it.
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class AbstractSecretLeakTest {
  /** A new, empty store. */
  protected abstract TokenStore createStore();

  private final List<String> texts = new ArrayList<>();

  private void record(Object o) {
    texts.add(String.valueOf(o));
  }

  private void attempt(Supplier<?> call) {
    try {
      record(call.get());
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        record(t.getMessage());
        record(t);
      }
    }
  }

  @Test
  void noValueOrDigest_appearsInALogLineAnExceptionMessageOrAToString() {
    int firstLine = CapturingAppender.mark();
    FaultyTokenStore store = new FaultyTokenStore(createStore());
    byte[] macKey = new byte[32];
    macKey[0] = 7;
    TokenService service =
        TokenService.builder(store)
            .entitlements(new Fixtures.SwitchableEntitlements())
            .environments(Fixtures.environments())
            .copyPolicy(CopyPolicy.sealed(KeyRing.of("seal-1", new byte[32])))
            .digestPolicy(DigestPolicy.hmacSha256(KeyRing.of("mac-1", macKey)))
            .listener(this::record)
            .listener(
                e -> {
                  throw new IllegalStateException("listener failure for " + e);
                })
            .build();
    TokenValidator validator = TokenValidator.builder(service).build();
    record(service);
    record(validator);

    List<IssuedToken> issued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      IssuedToken token =
          i == 1 // issue 14: a token with an expiry, whose row and events say when
              ? create(
                  service,
                  ACME,
                  PROD,
                  "token " + i,
                  io.accesstokens.Expiry.after(java.time.Duration.ofHours(1)),
                  ALICE)
              : create(service, ACME, PROD, "token " + i, ALICE);
      issued.add(token);
      record(token);
      record(token.value());
      record(token.token());
    }
    // Issue 14: a rotation's successor is a new value, shown once, which nothing may echo either.
    io.accesstokens.Rotation rotation =
        Fixtures.rotate(service, ACME, issued.get(1).id(), java.time.Duration.ofHours(1), ALICE);
    issued.add(rotation.successor());
    record(rotation);
    record(rotation.successor().value());
    IssuedToken successor = rotation.successor();
    attempt(() -> service.rotate(ACME, issued.get(1).id(), java.time.Duration.ZERO, ALICE));
    attempt(() -> service.rotate(GLOBEX, successor.id(), java.time.Duration.ZERO, ALICE));
    attempt(() -> validator.validate(successor.value().reveal(), Scope.EDI, ACME, PROD));
    IssuedToken first = issued.get(0);
    String value = first.value().reveal();
    attempt(() -> service.list(ACME, TokenQuery.all()));
    attempt(
        () ->
            service.create(
                ACME,
                PROD,
                null,
                io.accesstokens.Expiry.at(java.time.Instant.parse("2000-01-01T00:00:00Z")),
                ALICE));
    attempt(() -> service.countBeyondMaximumLifetime(ACME));
    attempt(() -> copy(service, ACME, first.id(), ALICE));
    attempt(() -> copy(service, GLOBEX, first.id(), ALICE));
    attempt(() -> service.editDescription(ACME, first.id(), "edited", ALICE));
    attempt(() -> service.editDescription(ACME, first.id(), "stale", 1, ALICE));
    attempt(() -> validator.validate(value, Scope.EDI, ACME, PROD));
    attempt(() -> validator.validate(value, Scope.EDI, GLOBEX, PROD));
    attempt(() -> validator.validate(value.substring(1), Scope.EDI, ACME, PROD));
    attempt(() -> TokenSecret.of(value.substring(0, 52) + "!"));
    attempt(() -> service.deactivate(ACME, first.id(), ALICE));
    attempt(() -> validator.validate(value, Scope.EDI, ACME, PROD));
    store.down(true);
    attempt(() -> validator.validate(issued.get(1).value().reveal(), Scope.EDI, ACME, PROD));
    attempt(() -> create(service, ACME, PROD, null, ALICE));
    attempt(() -> service.rotate(ACME, successor.id(), java.time.Duration.ZERO, ALICE));
    store.down(false);
    store.failAfterWrite(true);
    attempt(() -> service.activate(ACME, first.id(), ALICE));
    attempt(() -> Fixtures.rotate(service, ACME, successor.id(), java.time.Duration.ZERO, ALICE));
    store.failAfterWrite(false);
    attempt(() -> service.reseal(ALICE));
    attempt(() -> service.delete(ACME, issued.get(2).id(), ALICE));
    record(validator.stats());
    for (IssuedToken token : issued) {
      attempt(() -> store.find(ACME, token.id()).map(StoredToken::toString).orElse("absent"));
    }

    List<String> secrets = new ArrayList<>();
    for (IssuedToken token : issued) {
      String v = token.value().reveal();
      secrets.add(v);
      secrets.add(v.substring(15, 47));
    }
    for (StoredToken row : store.scan(null, 100)) {
      LookupDigest digest = row.digest();
      secrets.add(HexFormat.of().formatHex(digest.value()));
      secrets.add(Base64.getEncoder().encodeToString(digest.value()));
      secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(digest.value()));
    }
    List<String> lines = CapturingAppender.lines();
    List<String> scanned = new ArrayList<>(lines.subList(firstLine, lines.size()));
    scanned.addAll(texts);

    assertThat(scanned.stream().filter(l -> l.contains("Created token")).count())
        .as("the debug lines were captured, so the scan is not empty")
        .isGreaterThanOrEqualTo(3);
    assertThat(scanned.stream().anyMatch(l -> l.contains("listener failure"))).isTrue();
    for (String text : scanned) {
      for (String secret : secrets) {
        assertThat(text).as("a leaked secret").doesNotContain(secret);
      }
      assertThat(SecretLeakGuard.leak(text)).as("a piece of a secret in: %s", text).isNull();
    }
  }

  @Test
  void aValuePastedWhereSomethingElseBelongs_isNeverEchoed_norStored() {
    int firstLine = CapturingAppender.mark();
    FaultyTokenStore store = new FaultyTokenStore(createStore());
    TokenService service = Fixtures.serviceOn(store).listener(this::record).build();
    TokenValidator validator = TokenValidator.builder(service).build();
    IssuedToken target = create(service, ACME, PROD, "the token a person copied", ALICE);
    // 99.6% of secrets have digits and both cases, which the pieces pasted below need.
    while (!PastedValues.hasEveryKindOfCharacter(PastedValues.secretOf(target.value().reveal()))) {
      target = create(service, ACME, PROD, "the token a person copied", ALICE);
    }
    String value = target.value().reveal();
    TokenId id = target.id();

    List<String> pastes = PastedValues.of(value);
    for (String pasted : pastes) {
      attempt(() -> TokenId.parse(pasted));
      attempt(() -> PageCursor.parse(pasted));
      attempt(() -> OrganizationId.of(pasted));
      attempt(() -> EnvironmentId.of(pasted));
      attempt(() -> Actor.of(pasted));
      attempt(() -> create(service, ACME, PROD, pasted, ALICE)); // as a description
      attempt(() -> service.editDescription(ACME, id, pasted, ALICE));
      attempt(() -> service.list(ACME, TokenQuery.all()).tokens());
      attempt(
          () ->
              create(service, ACME, EnvironmentId.of(pasted), null, ALICE)); // unknown environment
      attempt(() -> service.list(OrganizationId.of(pasted), TokenQuery.all())); // not entitled
      attempt(() -> service.get(OrganizationId.of(pasted), id));
      attempt(() -> create(service, ACME, PROD, null, Actor.of(pasted)));
      attempt(() -> validator.validate(value, Scope.EDI, OrganizationId.of(pasted), PROD));
      attempt(() -> validator.validate(value, Scope.EDI, ACME, EnvironmentId.of(pasted)));
    }
    for (StoredToken row : store.scan(null, 1_000)) {
      record(row.token());
    }

    List<String> lines = CapturingAppender.lines();
    List<String> scanned = new ArrayList<>(lines.subList(firstLine, lines.size()));
    scanned.addAll(texts);
    assertThat(texts)
        .as("messages were produced, so the scan is not empty")
        .hasSizeGreaterThan(10 * pastes.size());
    for (String text : scanned) {
      assertThat(SecretLeakGuard.leak(text))
          .as("a pasted value echoed or stored: %s", text)
          .isNull();
    }
  }
}
