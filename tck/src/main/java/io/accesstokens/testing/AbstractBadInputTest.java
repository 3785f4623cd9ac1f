package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.copy;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.accesstokens.Actor;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.EnvironmentId;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.Scope;
import io.accesstokens.TokenId;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenSecret;
import io.accesstokens.TokenStatus;
import io.accesstokens.spi.StoredToken;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile input against every public entry point: nulls, empty and blank text, control characters,
 * 1 MB strings, invalid Unicode, SQL and LIKE meta characters, and every malformed token shape.
 * Each must get a clear error naming what was wrong (or, for the validator, INVALID_TOKEN), store
 * nothing, and malformed tokens must cause zero store calls.
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class AbstractBadInputTest extends AbstractFaultyStoreTest {
  static final String MEGABYTE = "x".repeat(1 << 20);

  /** Strings no identifier, actor or description may be. */
  static final List<String> HOSTILE_TEXT =
      List.of(
          "",
          " ",
          "\t",
          "\u0000",
          "a\u0000b",
          "line\nbreak",
          "\r\n",
          "\u001b[31mred",
          "\u007f",
          "\ud800",
          "x\udc00y",
          "\uffff\ud83d",
          MEGABYTE,
          "' OR '1'='1",
          "'; DROP TABLE at_tokens; --",
          "%",
          "a%",
          "_",
          "\\",
          "\"quoted\"",
          "${jndi:ldap://x}",
          "\u202eevil",
          " leading",
          "trailing ",
          "a\u0085b",
          "line\u2028separator",
          "para\u2029graph",
          "\u202aembedded\u202c",
          "\u2066isolated\u2069",
          "mark\u200f",
          "arabic\u061cmark");

  /**
   * What would let one audit record look like two, or a row render as another: NEL, U+2028/9, bidi.
   */
  static final List<Character> LINE_BREAKS_AND_BIDI =
      List.of(
          '\u0085', '\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066',
          '\u2067', '\u2068', '\u2069', '\u061c', '\u200e', '\u200f');

  /** Inputs tried by the last test, for the figures of docs/testing.md. */
  protected int inputs;

  @AfterEach
  void reportFigures(TestInfo info) {
    Figures.report(this, info, "inputs", inputs);
  }

  private List<StoredToken> everything() {
    return store.scan(null, 10_000);
  }

  @Test
  void hostileIdentifiers_areRefusedByTheirTypes_namingTheField() {
    for (String bad : HOSTILE_TEXT) {
      inputs++;
      Throwable org = catchThrowable(() -> OrganizationId.of(bad));
      Throwable env = catchThrowable(() -> EnvironmentId.of(bad));
      Throwable id = catchThrowable(() -> TokenId.parse(bad));
      Throwable cursor = catchThrowable(() -> PageCursor.parse(bad));
      Throwable secret = catchThrowable(() -> TokenSecret.of(bad));
      assertThat(org)
          .as("organization %s", printable(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("organization id must");
      assertThat(env)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("environment id must");
      assertThat(id)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("token id must be");
      assertThat(cursor)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("cursor is malformed");
      assertThat(secret)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("token value must be");
      for (Throwable t : List.of(org, env, id, cursor, secret)) {
        if (t != null) {
          assertThat(t.getMessage().length()).as("messages stay short").isLessThan(400);
          assertThat(t.getMessage())
              .doesNotContain("\u0000")
              .doesNotContain("\n")
              .doesNotContain("\u001b");
        }
      }
    }
    assertThat(catchThrowable(() -> Actor.of(MEGABYTE)))
        .hasMessageStartingWith("actor name must be");
    assertThat(catchThrowable(() -> Actor.of("a\nb"))).hasMessageStartingWith("actor name must be");
  }

  @Test
  void hostileDescriptions_areRefusedOrKeptVerbatim_neverMangled() {
    IssuedToken token = create(service, ACME, PROD, "original", ALICE);
    for (String text : HOSTILE_TEXT) {
      inputs++;
      Throwable create = catchThrowable(() -> create(service, ACME, PROD, text, ALICE));
      Throwable edit = catchThrowable(() -> service.editDescription(ACME, token.id(), text, ALICE));
      if (text.isBlank()) {
        // Blank (tabs and line breaks included) means "no description".
        assertThat(create).isNull();
        assertThat(edit).isNull();
        assertThat(service.get(ACME, token.id()).description()).isNull();
      } else if (create == null) {
        // Printable text, SQL meta characters included, is stored exactly as given.
        assertThat(edit).isNull();
        assertThat(service.get(ACME, token.id()).description()).isEqualTo(text);
      } else {
        assertThat(create)
            .as("description %s", printable(text))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("description must");
        assertThat(edit)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("description must");
      }
    }
    List<StoredToken> rows = everything();
    assertEveryDescription(rows, d -> d.codePoints().noneMatch(Character::isISOControl));
    assertEveryDescription(
        rows, d -> d.chars().noneMatch(c -> LINE_BREAKS_AND_BIDI.contains((char) c)));
  }

  /** Every row's description, where it has one, {@code holds}. */
  private static void assertEveryDescription(List<StoredToken> rows, Predicate<String> holds) {
    assertThat(rows)
        .allSatisfy(
            r ->
                assertThat(r.token().description() == null || holds.test(r.token().description()))
                    .isTrue());
  }

  /**
   * NEL, U+2028, U+2029 and every bidirectional control, in a description (create and edit) and in
   * an actor: refused, naming the code point and where it is, and nothing is stored or changed.
   */
  @Test
  void lineBreaksAndBidiControls_areRefusedInDescriptionsAndActors_namingCodePointAndIndex() {
    IssuedToken token = create(service, ACME, PROD, "original", ALICE);
    int callsBefore = store.calls();
    for (char c : LINE_BREAKS_AND_BIDI) {
      inputs++;
      String text = "Partner X" + c + "over AS2";
      String codePoint = String.format("U+%04X at index 9", (int) c);
      for (Throwable refused :
          List.of(
              catchThrowable(() -> create(service, ACME, PROD, text, ALICE)),
              catchThrowable(() -> service.editDescription(ACME, token.id(), text, ALICE)),
              catchThrowable(() -> create(service, ACME, PROD, null, Actor.of(text))))) {
        assertThat(refused)
            .as("%s", printable(text))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageMatching(
                "(description|actor name) must .*, but has "
                    + java.util.regex.Pattern.quote(codePoint));
      }
    }
    assertThat(store.calls()).as("store calls").isEqualTo(callsBefore);
    assertThat(service.get(ACME, token.id())).isEqualTo(token.token());
  }

  /**
   * A value (or its secret part, or a 20-character piece of it) pasted where an organization,
   * environment, actor or description belongs is refused, saying so without quoting it, and nothing
   * is stored or changed.
   */
  @Test
  void tokenShapedText_isRefusedAsAnIdAnActorOrADescription_andNothingIsStored() {
    IssuedToken token = create(service, ACME, PROD, "original", ALICE);
    String value = token.value().reveal();
    List<String> pasted =
        List.of(
            value,
            "Bearer " + value,
            value.toUpperCase(),
            "x9K2mQ7vT4pL8nR3sW6yZ1bC5dF0hJ4k",
            "token x9K2mQ7vT4pL8nR3sW6y, thanks");
    int callsBefore = store.calls();
    for (String text : pasted) {
      inputs++;
      for (Throwable refused :
          List.of(
              catchThrowable(() -> OrganizationId.of(text)),
              catchThrowable(() -> EnvironmentId.of(text)),
              catchThrowable(() -> Actor.of(text)),
              catchThrowable(() -> create(service, ACME, PROD, text, ALICE)),
              catchThrowable(() -> service.editDescription(ACME, token.id(), text, ALICE)))) {
        assertThat(refused)
            .as("%s", printable(text))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(" must not hold a token value, but was ")
            .hasMessageEndingWith(
                ": a token's value must never be stored as text; paste it only where a token is"
                    + " expected");
        assertThat(SecretLeakGuard.leak(refused.getMessage())).isNull();
      }
    }
    assertThat(store.calls()).as("store calls").isEqualTo(callsBefore);
    assertThat(everything())
        .singleElement()
        .satisfies(row -> assertThat(row.token()).isEqualTo(token.token()));
  }

  @Test
  void nullArguments_areRefusedNamingTheParameter_andStoreNothing() {
    IssuedToken token = create(service, ACME, PROD, null, ALICE);
    TokenId id = token.id();
    List<Runnable> calls =
        List.of(
            () -> create(service, null, PROD, null, ALICE),
            () -> create(service, ACME, null, null, ALICE),
            () -> create(service, ACME, PROD, null, null),
            () -> service.list(null, TokenQuery.all()),
            () -> service.list(ACME, null),
            () -> service.get(ACME, null),
            () -> copy(service, ACME, id, null),
            () -> copy(service, null, id, ALICE),
            () -> service.editDescription(ACME, null, "x", ALICE),
            () -> service.editDescription(ACME, id, "x", null),
            () -> service.setStatus(ACME, id, null, ALICE),
            () -> service.setStatus(ACME, id, TokenStatus.ACTIVE, null),
            () -> service.delete(null, id, ALICE),
            () -> service.delete(ACME, null, ALICE),
            () -> service.delete(ACME, id, null),
            () -> service.entitlementChanged(null),
            () -> service.reseal(null),
            () -> validator.validate(token.value().reveal(), null, ACME, PROD),
            () -> validator.invalidate(null));
    for (Runnable call : calls) {
      inputs++;
      assertThat(catchThrowable(call::run))
          .isInstanceOf(NullPointerException.class)
          .hasMessageEndingWith(" must not be null");
    }
    assertThat(everything()).hasSize(1);
    assertThat(service.get(ACME, id)).isEqualTo(token.token());
  }

  @Test
  void badVersions_areRefusedNamingTheRule() {
    IssuedToken token = create(service, ACME, PROD, null, ALICE);
    assertThatThrownBy(() -> service.editDescription(ACME, token.id(), "x", 0, ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected version must be at least 1, but was 0");
    assertThatThrownBy(() -> service.setStatus(ACME, token.id(), TokenStatus.INACTIVE, -7, ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected version must be at least 1, but was -7");
    assertThat(service.get(ACME, token.id()).version()).isEqualTo(1);
  }

  /** Every malformed shape a connector might be handed: refused alike, with zero store calls. */
  @Test
  void everyMalformedTokenShape_isRefused_withZeroStoreCalls() {
    String good = create(service, ACME, PROD, null, ALICE).value().reveal();
    List<String> shapes = new ArrayList<>(HOSTILE_TEXT);
    shapes.addAll(
        List.of(
            good.substring(0, 52),
            good + "0",
            good.substring(1),
            "ATK_" + good.substring(4),
            "atk-" + good.substring(4),
            good.substring(0, 4) + good.substring(5) + "0",
            good.replace('a', '\u0430'),
            good.toLowerCase(),
            good.substring(0, 10) + "\u0000" + good.substring(11),
            good.substring(0, 50) + "\ud83d\ude80",
            "atk_" + "z".repeat(49),
            "atk_" + "0".repeat(49),
            "Bearer " + good,
            good + "\n",
            "\"" + good + "\"",
            good.substring(0, 47) + "000000",
            good.substring(0, 47) + "zzzzzz"));
    for (int i = 0; i < 53; i++) { // every single-position corruption keeps the length
      char c = good.charAt(i) == 'Q' ? 'R' : 'Q';
      shapes.add(good.substring(0, i) + c + good.substring(i + 1));
    }
    int callsBefore = store.calls();
    for (String shape : shapes) {
      inputs++;
      Throwable t = catchThrowable(() -> validator.validate(shape, Scope.EDI, ACME, PROD));
      assertThat(t)
          .as("shape %s", printable(shape))
          .isInstanceOf(ConnectionOpenException.class)
          .hasMessage("Error opening connection. Exception is: Error code: INVALID_TOKEN");
      assertThat(((ConnectionOpenException) t).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
    }
    assertThat(store.calls()).as("store calls for malformed tokens").isEqualTo(callsBefore);
    assertThat(validator.cachedAnswers()).isZero();
    assertThat(validator.validate(good, Scope.EDI, ACME, PROD)).isNotNull();
  }

  @Test
  void aCursorFromAnotherOrganization_onlyPositionsTheList_neverReveals() {
    IssuedToken theirs = create(service, Fixtures.GLOBEX, Fixtures.GLOBEX_PROD, null, ALICE);
    IssuedToken mine = create(service, ACME, PROD, null, ALICE);
    PageCursor foreign = PageCursor.after(theirs.token());

    List<TokenId> listed =
        service.list(ACME, TokenQuery.all().after(foreign)).tokens().stream()
            .map(t -> t.id())
            .toList();
    assertThat(listed).doesNotContain(theirs.id());
    assertThat(listed).containsAnyOf(mine.id()).hasSizeLessThanOrEqualTo(1);
  }

  /**
   * A test input as a failure message shows it: control characters escaped, at most 40 characters.
   */
  static String printable(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.chars()
        .limit(40)
        .forEach(
            c ->
                out.append(
                    c < 0x20 || c >= 0x7f
                        ? String.format("\\u%04x", c)
                        : String.valueOf((char) c)));
    return out.append(s.length() > 40 ? "\"... (" + s.length() + " characters)" : "\"").toString();
  }
}
