package io.accesstokens.web;

import static io.accesstokens.web.WebFixture.ACME;
import static io.accesstokens.web.WebFixture.GLOBEX;
import static io.accesstokens.web.WebFixture.INITECH;
import static io.accesstokens.web.WebFixture.PRODUCTION;
import static io.accesstokens.web.WebFixture.TEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.AccessToken;
import io.accesstokens.Actor;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.IssuedToken;
import io.accesstokens.Scope;
import io.accesstokens.TokenId;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenStatus;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.web.ApiClient.Answer;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The REST API as a client uses it, through a real Jetty and {@link java.net.http.HttpClient}:
 * every action of the page, the organization scoping, the optimistic versions, the cursor pages and
 * every refusal, with its status, its stable code and a message that names what was wrong and never
 * a value. Each store runs it by naming a factory.
 */
@ExtendWith(SecretLeakGuard.class)
abstract class AbstractRestApiTest {
  static final String SEEDS_ERROR =
      "Error opening connection. Exception is: Error code: INVALID_TOKEN";
  static final String TOKENS = "api/organizations/acme/tokens";

  @RegisterExtension final WebFixture web = new WebFixture(this::newStore);

  /** An empty store for one test. */
  protected abstract TokenStore newStore();

  ApiClient alice() {
    return new ApiClient(web.page(), "alice");
  }

  /** A token made through the service, its value recorded for the leak scans. */
  IssuedToken issue(
      io.accesstokens.OrganizationId organization,
      io.accesstokens.EnvironmentId environment,
      String description) {
    IssuedToken issued =
        web.service().create(organization, environment, description, Actor.of("setup"));
    IssuedSecrets.record(issued.value().reveal());
    return issued;
  }

  static String path(TokenId id) {
    return TOKENS + "/" + id;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rows(Answer list) {
    return (List<Map<String, Object>>) list.json().get("tokens");
  }

  // ---- the page's actions
  // -------------------------------------------------------------------------

  @Test
  void create_answers201_withTheRowAndItsValue_once() {
    ApiClient api = alice();

    Answer created =
        api.post(
            TOKENS,
            """
            {"environment": "production", "description": "Partner X over AS2"}\
            """);

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.header("Cache-Control")).isEqualTo("no-store");
    assertThat(created.header("Content-Type"))
        .isEqualToIgnoringCase("application/json;charset=UTF-8");
    Map<String, Object> token = map(created.json().get("token"));
    String value = (String) created.json().get("value");
    assertThat(TokenFormat.isWellFormed(value)).isTrue();
    assertThat(token)
        .containsEntry("status", "ACTIVE")
        .containsEntry("environment", "production")
        .containsEntry("description", "Partner X over AS2")
        .containsEntry("scope", "EDI")
        .containsEntry("version", 1L)
        .containsEntry("token", WebFixture.masked(value));
    assertThat(created.header("Location"))
        .isEqualTo("/access-tokens/api/organizations/acme/tokens/" + token.get("id"));
    web.validator().validate(value, Scope.EDI, ACME, PRODUCTION);

    Answer list = api.get(TOKENS);
    assertThat(rows(list)).singleElement().isEqualTo(token);
    assertThat(list.body()).doesNotContain(value.substring(TokenFormat.SECRET_OFFSET));
  }

  @Test
  void create_withoutADescription_hasNone() {
    Answer created =
        alice()
            .post(
                TOKENS,
                """
                {"environment": "test"}\
                """);
    Answer blank =
        alice()
            .post(
                TOKENS,
                """
                {"environment": "test", "description": "   "}\
                """);

    assertThat(map(created.json().get("token"))).containsEntry("description", null);
    assertThat(map(blank.json().get("token"))).containsEntry("description", null);
  }

  @Test
  void list_isOldestFirst_inCursorPages_thatNeitherRepeatNorSkip() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(issue(ACME, PRODUCTION, "token " + i).id().toString());
    }
    ApiClient api = alice();

    List<String> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      Answer page = api.get(TOKENS + "?pageSize=2" + (after == null ? "" : "&after=" + after));
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      rows(page).forEach(row -> seen.add((String) row.get("id")));
      after = (String) page.json().get("next");
      pages++;
      if (pages == 1) {
        issue(ACME, PRODUCTION, "added while paging"); // comes last; no row repeats or goes missing
      }
    } while (after != null);

    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(6).startsWith(ids.toArray(String[]::new)).doesNotHaveDuplicates();
  }

  @Test
  void list_filtersByEnvironmentAndStatus() {
    IssuedToken production = issue(ACME, PRODUCTION, "p");
    IssuedToken test = issue(ACME, TEST, "t");
    web.service().deactivate(ACME, test.id(), Actor.of("setup"));
    ApiClient api = alice();

    assertThat(rows(api.get(TOKENS + "?environment=test")))
        .extracting(r -> r.get("id"))
        .containsExactly(test.id().toString());
    assertThat(rows(api.get(TOKENS + "?status=active")))
        .extracting(r -> r.get("id"))
        .containsExactly(production.id().toString());
    assertThat(rows(api.get(TOKENS + "?status=INACTIVE&environment=test")))
        .extracting(r -> r.get("id"))
        .containsExactly(test.id().toString());
    assertThat(rows(api.get(TOKENS + "?status=inactive&environment=production"))).isEmpty();
    assertThat(rows(api.get(TOKENS + "?environment=&status="))).hasSize(2);
  }

  @Test
  void get_answersOneRow_andNeverItsValue() {
    IssuedToken issued = issue(ACME, PRODUCTION, "Partner X");

    Answer row = alice().get(path(issued.id()));

    assertThat(row.status()).isEqualTo(200);
    assertThat(row.json())
        .containsEntry("id", issued.id().toString())
        .containsEntry("token", issued.value().masked())
        .containsEntry("description", "Partner X")
        .containsKeys("createdAt", "updatedAt");
  }

  /** Issue 14: the Expires column's data: when, or null for never, and whether it has passed. */
  @Test
  void get_answersTheExpiry_nullForNever() {
    IssuedToken never = issue(ACME, PRODUCTION, "never");
    java.time.Instant at = java.time.Instant.parse("2999-01-02T03:04:05.123456Z");
    IssuedToken expiring =
        web.service()
            .create(ACME, PRODUCTION, "expiring", io.accesstokens.Expiry.at(at), Actor.of("setup"));
    IssuedSecrets.record(expiring.value().reveal());

    assertThat(alice().get(path(never.id())).json())
        .containsEntry("expiresAt", null)
        .containsEntry("expired", false);
    assertThat(alice().get(path(expiring.id())).json())
        .containsEntry("expiresAt", "2999-01-02T03:04:05.123456Z")
        .containsEntry("expired", false);
  }

  /** Issue 14: the Last used column's data: when a validator last accepted it, or null. */
  @Test
  void get_answersTheLastUse_nullForNever() {
    IssuedToken token = issue(ACME, PRODUCTION, "used");
    assertThat(alice().get(path(token.id())).json())
        .containsEntry("lastUsedAt", null)
        .containsEntry("lastUsedFrom", null);
    try (io.accesstokens.TokenValidator validator =
        io.accesstokens.TokenValidator.builder(web.service()).recordLastUsed(true).build()) {
      validator.validate(token.value().reveal(), io.accesstokens.Scope.EDI, ACME, PRODUCTION);
      assertThat(validator.flushLastUsed()).isEqualTo(1);
    }
    assertThat(alice().get(path(token.id())).json())
        .containsEntry(
            "lastUsedAt",
            java.util.Objects.requireNonNull(web.service().get(ACME, token.id()).lastUsedAt())
                .toString())
        .containsEntry("lastUsedFrom", null);
  }

  /** Issue 14: and where that use came from, when the validating host passed it. */
  @Test
  void get_answersWhereTheLastUseCameFrom() {
    IssuedToken token = issue(ACME, PRODUCTION, "used");
    try (io.accesstokens.TokenValidator validator =
        io.accesstokens.TokenValidator.builder(web.service()).recordLastUsed(true).build()) {
      validator.validate(
          token.value().reveal(),
          io.accesstokens.Scope.EDI,
          ACME,
          PRODUCTION,
          io.accesstokens.ConnectionSource.of("[2001:db8::7]:443"));
      assertThat(validator.flushLastUsed()).isEqualTo(1);
    }
    assertThat(alice().get(path(token.id())).json())
        .containsEntry("lastUsedFrom", "[2001:db8::7]:443");
    assertThat(rows(alice().get(TOKENS)))
        .singleElement()
        .satisfies(row -> assertThat(row).containsEntry("lastUsedFrom", "[2001:db8::7]:443"));
  }

  @Test
  void copy_answersTheValue_notStored() {
    IssuedToken issued = issue(ACME, PRODUCTION, "Partner X");
    ApiClient api = alice();

    Answer copy = api.post(path(issued.id()) + "/copy", null);

    assertThat(copy.status()).as(copy.toString()).isEqualTo(200);
    assertThat(copy.header("Cache-Control")).isEqualTo("no-store");
    assertThat(copy.json()).containsExactly(Map.entry("value", issued.value().reveal()));
  }

  @Test
  void editDescription_withTheVersionSeen_changesOnlyTheDescription() {
    IssuedToken issued = issue(ACME, PRODUCTION, "Partner X");

    Answer edited =
        alice()
            .put(
                path(issued.id()) + "/description",
                """
                {"description": "Partner X over AS2", "version": 1}\
                """);

    assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
    assertThat(edited.json())
        .containsEntry("description", "Partner X over AS2")
        .containsEntry("version", 2L)
        .containsEntry("status", "ACTIVE")
        .containsEntry("token", issued.value().masked());
    assertThat(web.service().get(ACME, issued.id()).description()).isEqualTo("Partner X over AS2");
  }

  @Test
  void editDescription_withAStaleVersion_is409_andChangesNothing() {
    IssuedToken issued = issue(ACME, PRODUCTION, "Partner X");
    ApiClient firstTab = alice();
    ApiClient secondTab = alice();
    assertThat(
            secondTab
                .put(
                    path(issued.id()) + "/description",
                    """
                    {"description": "from the second tab", "version": 1}\
                    """)
                .status())
        .isEqualTo(200);

    Answer stale =
        firstTab.put(
            path(issued.id()) + "/description",
            """
            {"description": "from the first tab", "version": 1}\
            """);

    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.code()).isEqualTo("VERSION_CONFLICT");
    assertThat(stale.message()).isEqualTo(WebFixture.staleChangeMessage(issued.id()));
    AccessToken now = web.service().get(ACME, issued.id());
    assertThat(now.description()).isEqualTo("from the second tab");
    assertThat(now.version()).isEqualTo(2);
  }

  @Test
  void editDescription_withoutAVersion_setsIt_andNullOrBlankRemovesIt() {
    IssuedToken issued = issue(ACME, PRODUCTION, "Partner X");
    web.service().deactivate(ACME, issued.id(), Actor.of("setup"));
    ApiClient api = alice();

    Answer set =
        api.put(
            path(issued.id()) + "/description",
            """
            {"description": "Partner Y"}\
            """);
    Answer removed =
        api.put(
            path(issued.id()) + "/description",
            """
            {"description": null}\
            """);
    Answer blank =
        api.put(
            path(issued.id()) + "/description",
            """
            {"description": "Partner Z", "version": null}\
            """);
    Answer blanked =
        api.put(
            path(issued.id()) + "/description",
            """
            {"description": ""}\
            """);

    assertThat(set.json())
        .containsEntry("description", "Partner Y")
        .containsEntry("version", 3L)
        .containsEntry("status", "INACTIVE");
    assertThat(removed.json()).containsEntry("description", null);
    assertThat(blank.json()).containsEntry("description", "Partner Z");
    assertThat(blanked.json()).containsEntry("description", null);
  }

  @Test
  void setStatus_inactive_makesTheValidatorRefuse_withTheSeedsMessage_andActive_acceptsAgain() {
    IssuedToken issued = issue(ACME, PRODUCTION, "Partner X");
    String value = issued.value().reveal();
    web.validator().validate(value, Scope.EDI, ACME, PRODUCTION);
    ApiClient api = alice();

    Answer inactive =
        api.put(
            path(issued.id()) + "/status",
            """
            {"status": "INACTIVE"}\
            """);

    assertThat(inactive.status()).as(inactive.toString()).isEqualTo(200);
    assertThat(inactive.json()).containsEntry("status", "INACTIVE").containsEntry("version", 2L);
    assertThatThrownBy(() -> web.validator().validate(value, Scope.EDI, ACME, PRODUCTION))
        .isInstanceOf(ConnectionOpenException.class)
        .hasMessage(SEEDS_ERROR);

    Answer again =
        api.put(
            path(issued.id()) + "/status",
            """
            {"status": "inactive", "version": 2}\
            """);
    Answer active =
        api.put(
            path(issued.id()) + "/status",
            """
            {"status": "ACTIVE", "version": 2}\
            """);
    Answer stale =
        api.put(
            path(issued.id()) + "/status",
            """
            {"status": "INACTIVE", "version": 2}\
            """);

    assertThat(again.json())
        .containsEntry("version", 2L); // the status it already had: nothing changes
    assertThat(active.json()).containsEntry("status", "ACTIVE").containsEntry("version", 3L);
    assertThat(stale.status()).isEqualTo(409);
    web.validator().validate(value, Scope.EDI, ACME, PRODUCTION);
  }

  @Test
  void delete_is204_thenTheTokenIsGoneEverywhere_andASecondDeleteIs404() {
    IssuedToken issued = issue(ACME, PRODUCTION, "Partner X");
    String value = issued.value().reveal();
    ApiClient api = alice();

    Answer deleted = api.delete(path(issued.id()));
    Answer again = api.delete(path(issued.id()));

    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.code()).isEqualTo("TOKEN_NOT_FOUND");
    assertThat(api.get(path(issued.id())).status()).isEqualTo(404);
    assertThat(rows(api.get(TOKENS))).isEmpty();
    assertThatThrownBy(() -> web.validator().validate(value, Scope.EDI, ACME, PRODUCTION))
        .isInstanceOf(ConnectionOpenException.class)
        .hasMessage(SEEDS_ERROR);
  }

  // ---- rotate (issue 14)
  // -------------------------------------------------------------------------------------

  static String rotateBody(String overlap) {
    return "{\"overlap\": \"" + overlap + "\"}";
  }

  @Test
  void rotate_answers201_withTheSuccessorAndItsValue_once_andThePredecessorsExpiry() {
    IssuedToken old = issue(ACME, PRODUCTION, "Partner X over AS2");
    ApiClient api = alice();
    int linesBefore = io.accesstokens.testing.CapturingAppender.mark();

    Answer rotated = api.post(path(old.id()) + "/rotate", rotateBody("P7D"));

    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
    assertThat(rotated.header("Cache-Control")).isEqualTo("no-store");
    Map<String, Object> successor = map(rotated.json().get("token"));
    Map<String, Object> predecessor = map(rotated.json().get("predecessor"));
    String value = (String) rotated.json().get("value");
    assertThat(TokenFormat.isWellFormed(value)).isTrue();
    assertThat(value).isNotEqualTo(old.value().reveal());
    assertThat(successor)
        .containsEntry("status", "ACTIVE")
        .containsEntry("environment", "production")
        .containsEntry("description", "Partner X over AS2")
        .containsEntry("expiresAt", null)
        .containsEntry("version", 1L)
        .containsEntry("token", WebFixture.masked(value))
        .containsEntry(
            "rotatedFrom", Map.of("id", old.id().toString(), "token", old.value().masked()));
    assertThat(rotated.header("Location"))
        .isEqualTo("/access-tokens/api/organizations/acme/tokens/" + successor.get("id"));
    AccessToken stored = web.service().get(ACME, old.id());
    assertThat(stored.expiresAt()).isNotNull();
    assertThat(predecessor)
        .containsEntry("id", old.id().toString())
        .containsEntry("status", "ACTIVE")
        .containsEntry("expiresAt", stored.expiresAt().toString())
        .containsEntry("expired", false)
        .containsEntry("rotatedFrom", null)
        .containsEntry("version", 2L);
    assertThat(java.time.Duration.between(stored.updatedAt(), stored.expiresAt()))
        .isEqualTo(java.time.Duration.ofDays(7));
    // Both validate during the overlap.
    web.validator().validate(value, Scope.EDI, ACME, PRODUCTION);
    web.validator().validate(old.value().reveal(), Scope.EDI, ACME, PRODUCTION);

    // The list shows the successor with its Rotated from and the predecessor's Expires; the new
    // value is in the rotation's answer only.
    Answer list = api.get(TOKENS);
    assertThat(rows(list)).containsExactly(predecessor, successor);
    assertThat(list.body()).doesNotContain(value.substring(TokenFormat.SECRET_OFFSET));
    assertThat(api.get(path(TokenId.parse((String) successor.get("id")))).body())
        .doesNotContain(value.substring(TokenFormat.SECRET_OFFSET));
    // The log says that a rotation was answered, never the value (the leak guard scans for any
    // piece of it too: the leak filter recorded it from the answer).
    List<String> logged = io.accesstokens.testing.CapturingAppender.lines();
    assertThat(logged.subList(linesBefore, logged.size()))
        .anyMatch(line -> line.contains("rotation of token " + old.id()))
        .noneMatch(line -> line.contains(value.substring(TokenFormat.SECRET_OFFSET, 30)));
  }

  @Test
  void rotate_withoutAnOverlap_refusesTheOldValueAtOnce_withTheSeedsMessage() {
    IssuedToken old = issue(ACME, TEST, "now");

    Answer rotated = alice().post(path(old.id()) + "/rotate", rotateBody("PT0S"));

    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
    assertThat(map(rotated.json().get("predecessor"))).containsEntry("expired", true);
    assertThatThrownBy(() -> web.validator().validate(old.value().reveal(), Scope.EDI, ACME, TEST))
        .isInstanceOf(ConnectionOpenException.class)
        .hasMessage(SEEDS_ERROR);
    web.validator().validate((String) rotated.json().get("value"), Scope.EDI, ACME, TEST);
  }

  @Test
  void rotate_withAnExpiry_givesTheSuccessorThatLifetime() {
    IssuedToken old = issue(ACME, PRODUCTION, "expiring");

    Answer rotated =
        alice()
            .post(
                path(old.id()) + "/rotate",
                """
                {"overlap": "P1D", "expiresIn": "P90D"}\
                """);

    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
    Map<String, Object> successor = map(rotated.json().get("token"));
    AccessToken stored = web.service().get(ACME, TokenId.parse((String) successor.get("id")));
    assertThat(successor).containsEntry("expiresAt", stored.expiresAt().toString());
    assertThat(java.time.Duration.between(stored.createdAt(), stored.expiresAt()))
        .isEqualTo(java.time.Duration.ofDays(90));
  }

  @Test
  void rotate_retiringThePredecessorOnFirstUse_marksTheSuccessor_andABadChoiceIs400() {
    IssuedToken old = issue(ACME, PRODUCTION, "retiring");
    IssuedToken plain = issue(ACME, PRODUCTION, "plain");

    Answer bad =
        alice()
            .post(
                path(old.id()) + "/rotate",
                """
                {"overlap": "P7D", "retirePredecessor": "SOON"}\
                """);
    assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
    assertThat(bad.body())
        .contains("retirePredecessor")
        .contains("must be END_OF_OVERLAP or FIRST_USE");
    assertThat(web.service().get(ACME, old.id()).expiresAt()).as("nothing changed").isNull();

    Answer rotated =
        alice()
            .post(
                path(old.id()) + "/rotate",
                """
                {"overlap": "P7D", "retirePredecessor": "FIRST_USE"}\
                """);
    Answer unmarked = alice().post(path(plain.id()) + "/rotate", rotateBody("P7D"));

    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
    assertThat(unmarked.status()).as(unmarked.toString()).isEqualTo(201);
    TokenId successor = TokenId.parse((String) map(rotated.json().get("token")).get("id"));
    TokenId plainSuccessor = TokenId.parse((String) map(unmarked.json().get("token")).get("id"));
    assertThat(web.service().get(ACME, successor).retiresPredecessorOnFirstUse()).isTrue();
    assertThat(web.service().get(ACME, plainSuccessor).retiresPredecessorOnFirstUse()).isFalse();
  }

  @Test
  void rotate_ofAnInactiveOrAlreadyRotatedToken_is409_sayingWhy_andChangesNothing() {
    IssuedToken inactive = issue(ACME, PRODUCTION, "inactive");
    web.service().setStatus(ACME, inactive.id(), TokenStatus.INACTIVE, Actor.of("setup"));
    IssuedToken rotatedOnce = issue(ACME, PRODUCTION, "rotated once");
    ApiClient api = alice();
    Answer first = api.post(path(rotatedOnce.id()) + "/rotate", rotateBody("P1D"));
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    long tokens = web.service().list(ACME, TokenQuery.all()).tokens().size();

    Answer ofInactive = api.post(path(inactive.id()) + "/rotate", rotateBody("P1D"));
    Answer again = api.post(path(rotatedOnce.id()) + "/rotate", rotateBody("P1D"));

    ofInactive.assertRefused(
        409,
        "NOT_ROTATABLE",
        "Access token "
            + inactive.id()
            + " cannot be rotated: it is inactive. Nothing was changed.");
    assertThat(again.status()).as(again.toString()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("NOT_ROTATABLE");
    assertThat(again.message())
        .isEqualTo(
            "Access token "
                + rotatedOnce.id()
                + " cannot be rotated: it was already rotated (its successor is "
                + map(first.json().get("token")).get("id")
                + "). Nothing was changed.");
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).hasSize((int) tokens);
    assertThat(web.service().get(ACME, inactive.id()).version()).isEqualTo(2);
    assertThat(web.service().get(ACME, inactive.id()).expiresAt()).isNull();
  }

  @Test
  void rotate_ofADeletedToken_is404_andCreatesNothing() {
    IssuedToken deleted = issue(ACME, PRODUCTION, "deleted");
    web.service().delete(ACME, deleted.id(), Actor.of("setup"));

    Answer rotated = alice().post(path(deleted.id()) + "/rotate", rotateBody("P1D"));

    rotated.assertRefused(
        404,
        "TOKEN_NOT_FOUND",
        "There is no access token "
            + deleted.id()
            + " in organization \"acme\": it was deleted, or never existed.");
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).isEmpty();
  }

  @Test
  void rotate_withABadOverlapOrExpiry_is400_namingTheField_andChangesNothing() {
    IssuedToken old = issue(ACME, PRODUCTION, "bad input");
    ApiClient api = alice();
    String rotate = path(old.id()) + "/rotate";

    api.post(rotate, rotateBody("7 days"))
        .assertRefused(
            400,
            "INVALID_REQUEST",
            "Field \"overlap\" must be an ISO-8601 duration of zero or more (PT0S, P1D, P7D), but"
                + " was \"7 days\".");
    api.post(rotate, rotateBody("-P1D"))
        .assertRefused(
            400,
            "INVALID_REQUEST",
            "Field \"overlap\" must be an ISO-8601 duration of zero or more (PT0S, P1D, P7D), but"
                + " was \"-P1D\".");
    api.post(rotate, "{}").assertRefused(400, "INVALID_REQUEST", "Field \"overlap\" is required.");
    api.post(rotate, "{\"overlap\": \"P1D\", \"expiresIn\": \"PT0S\"}")
        .assertRefused(
            400,
            "INVALID_REQUEST",
            "Field \"expiresIn\" must be an ISO-8601 duration of more than zero (P30D, P90D), but"
                + " was \"PT0S\".");
    Answer unknownField = api.post(rotate, "{\"overlap\": \"P1D\", \"retire\": \"yes\"}");
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(unknownField.message()).contains("\"retire\"").contains("expiresIn, overlap");
    // A token value pasted into the field is described, never echoed.
    IssuedToken other = issue(ACME, PRODUCTION, "pasted");
    Answer pasted = api.post(rotate, rotateBody(other.value().reveal()));
    assertThat(pasted.status()).isEqualTo(400);
    assertThat(pasted.body())
        .doesNotContain(
            other
                .value()
                .reveal()
                .substring(TokenFormat.SECRET_OFFSET, TokenFormat.SECRET_OFFSET + 8));

    assertThat(web.service().get(ACME, old.id()).version()).isEqualTo(1);
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).hasSize(2);
  }

  // ---- scoping
  // ------------------------------------------------------------------------------------

  @Test
  void anotherOrganizationsToken_isAnswered404_exactlyLikeAnUnknownId_andNothingChanges() {
    IssuedToken foreign = issue(INITECH, PRODUCTION, "initech's");
    TokenId unknown = TokenId.parse("00000000042");
    ApiClient api =
        alice(); // administers both acme and initech: only the address's organization counts

    for (String suffix : List.of("", "/copy", "/description", "/status", "/rotate")) {
      Answer forForeign = act(api, suffix, foreign.id());
      Answer forUnknown = act(api, suffix, unknown);
      assertThat(forForeign.status()).as(suffix + " " + forForeign).isEqualTo(404);
      assertThat(forForeign.code()).isEqualTo("TOKEN_NOT_FOUND");
      assertThat(forForeign.body().replace(foreign.id().toString(), "ID"))
          .isEqualTo(forUnknown.body().replace(unknown.toString(), "ID"));
    }
    assertThat(api.delete(path(foreign.id())).body().replace(foreign.id().toString(), "ID"))
        .isEqualTo(api.delete(path(unknown)).body().replace(unknown.toString(), "ID"));
    AccessToken untouched = web.service().get(INITECH, foreign.id());
    assertThat(untouched.version()).isEqualTo(1);
    assertThat(untouched.description()).isEqualTo("initech's");
    assertThat(untouched.expiresAt()).as("not rotated").isNull();
    assertThat(web.service().list(INITECH, TokenQuery.all()).tokens()).hasSize(1);
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).isEmpty();
  }

  private static Answer act(ApiClient api, String suffix, TokenId id) {
    return switch (suffix) {
      case "" -> api.get(path(id));
      case "/copy" -> api.post(path(id) + "/copy", null);
      case "/description" ->
          api.put(
              path(id) + "/description",
              """
              {"description": "changed", "version": 1}\
              """);
      case "/rotate" -> api.post(path(id) + "/rotate", rotateBody("P1D"));
      default ->
          api.put(
              path(id) + "/status",
              """
              {"status": "INACTIVE"}\
              """);
    };
  }

  @Test
  void anOrganizationTheActorMayNotManage_isRefused_beforeTheStoreIsAsked() {
    IssuedToken issued = issue(ACME, PRODUCTION, "Partner X");
    ApiClient carol = new ApiClient(web.page(), "carol"); // administers initech only
    ApiClient bob = new ApiClient(web.page(), "bob"); // a member of acme, not an administrator
    carol.csrf();
    bob.forgeCsrf(); // bob administers nothing, so no context answer gives him a token: he makes
    // his own
    int calls = web.store().calls();

    Answer carolList = carol.get(TOKENS);
    Answer carolCopy = carol.post(path(issued.id()) + "/copy", null);
    Answer bobList = bob.get(TOKENS);
    Answer bobDelete = bob.delete(path(issued.id()));

    carolList.assertRefused(
        403,
        "ORGANIZATION_FORBIDDEN",
        "You may not manage the access tokens of organization \"acme\".");
    assertThat(carolCopy.code()).isEqualTo("ORGANIZATION_FORBIDDEN");
    bobList.assertRefused(
        403,
        "NOT_ADMINISTRATOR",
        "Only administrators of organization \"acme\" can manage its access tokens.");
    assertThat(bobDelete.code()).isEqualTo("NOT_ADMINISTRATOR");
    assertThat(web.store().calls()).isEqualTo(calls);
    assertThat(web.service().get(ACME, issued.id()).version()).isEqualTo(1);
  }

  @Test
  void withoutASignedInActor_everyAddressIs401() {
    ApiClient nobody = new ApiClient(web.page(), null);

    for (Answer answer : List.of(nobody.get("api/context"), nobody.get(TOKENS))) {
      answer.assertRefused(
          401,
          "UNAUTHENTICATED",
          "You are not signed in, so the access tokens cannot be shown or changed. Sign in,"
              + " then reload this page.");
    }
    assertThat(nobody.get("").status())
        .isEqualTo(200); // the page itself says so, from the context answer
  }

  @Test
  void anOrganizationWithoutEdi_isAnsweredWithTheSeedsNote_andNothingIsCreated() {
    ApiClient api = alice();
    api.csrf();

    Answer list = api.get("api/organizations/globex/tokens");
    Answer create =
        api.post(
            "api/organizations/globex/tokens",
            """
            {"environment": "production"}\
            """);

    for (Answer answer : List.of(list, create)) {
      answer.assertRefused(
          403,
          "NOT_ENTITLED",
          "The Access Tokens page is available only in organizations with access to the Harmony"
              + " EDI application.");
    }
    assertThat(web.store().calls()).as("calls that reached the store").isZero();
    assertThat(web.store().list(GLOBEX, io.accesstokens.spi.TokenFilter.NONE, null, 10)).isEmpty();
  }

  @Test
  void context_namesTheActor_theOrganizationsTheyAdminister_andTheEnvironmentMenu() {
    ApiClient api = alice();

    Answer first = api.get("api/context");
    Answer initech = api.get("api/context?organization=initech");
    Answer hostSelected =
        api.send(api.request("api/context").header(TestAccess.ORGANIZATION_HEADER, "globex").GET());

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json())
        .containsEntry("actor", "alice")
        .containsEntry("organization", "acme")
        .containsEntry("organizations", List.of("acme", "initech", "globex"))
        .containsEntry("environments", List.of("production", "test"))
        .containsEntry("pageSize", (long) AccessTokensServlet.DEFAULT_PAGE_SIZE);
    assertThat((String) first.json().get("csrfToken"))
        .matches("([0-9A-Za-z]{8}\\.){5}[0-9A-Za-z]{8}");
    assertThat(initech.json())
        .containsEntry("organization", "initech")
        .containsEntry("environments", List.of("production"))
        .containsEntry(
            "csrfToken", first.json().get("csrfToken")); // one browser, one token: tabs never fight
    assertThat(hostSelected.json()).containsEntry("organization", "globex");
  }

  @Test
  void context_forSomeoneWhoAdministersNothing_saysSo() {
    ApiClient bob = new ApiClient(web.page(), "bob");
    ApiClient stranger = new ApiClient(web.page(), "mallory");

    Answer bobContext = bob.get("api/context");
    Answer bobAcme = bob.get("api/context?organization=acme");
    Answer hostSelected =
        bob.send(bob.request("api/context").header(TestAccess.ORGANIZATION_HEADER, "acme").GET());
    Answer strangerContext = stranger.get("api/context");

    bobContext.assertRefused(
        403,
        "NO_ORGANIZATION",
        "You are not an administrator of any organization, so there are no access tokens for"
            + " you to manage.");
    assertThat(bobAcme.code()).isEqualTo("NOT_ADMINISTRATOR");
    assertThat(hostSelected.code()).isEqualTo("NOT_ADMINISTRATOR");
    assertThat(strangerContext.code()).isEqualTo("NO_ORGANIZATION");
  }

  // ---- refusals
  // -----------------------------------------------------------------------------------

  @Test
  void anEnvironmentNotTheOrganizations_is400_andNothingIsCreated() {
    Answer answer =
        alice()
            .post(
                "api/organizations/initech/tokens",
                """
                {"environment": "test"}\
                """);

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.code()).isEqualTo("UNKNOWN_ENVIRONMENT");
    assertThat(answer.message())
        .isEqualTo(
            "That environment is not one of organization \"initech\"'s environments; choose one"
                + " from the menu.");
    assertThat(web.service().list(INITECH, TokenQuery.all()).tokens()).isEmpty();
  }

  /** A refused request: what is sent, and the code and message that must come back. */
  record Refusal(
      String method,
      String path,
      String contentType,
      String body,
      int status,
      String code,
      String message) {}

  @Test
  void badInput_getsItsCode_andAMessageNamingTheRule_neverTheValue_andStoresNothing() {
    IssuedToken issued = issue(ACME, PRODUCTION, "Partner X");
    String value = issued.value().reveal();
    String id = issued.id().toString();
    String json = "application/json";
    String longText = "x".repeat(257);
    List<Refusal> refusals =
        List.of(
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": ",
                400,
                "INVALID_REQUEST",
                "The request body is not valid JSON (line 1, column 17)."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "[\"production\"]",
                400,
                "INVALID_REQUEST",
                "The request body must be a JSON object."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": \"production\"} {}",
                400,
                "INVALID_REQUEST",
                "The request body must hold one JSON object and nothing after it."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": \"production\", \"" + value + "\": 1}",
                400,
                "INVALID_REQUEST",
                "The request body has an unknown field a token value (53 characters); this request"
                    + " takes description, environment."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": \"production\", \"scope\": \"EDI\"}",
                400,
                "INVALID_REQUEST",
                "The request body has an unknown field \"scope\"; this request takes description,"
                    + " environment."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": \"production\", \"environment\": \"test\"}",
                400,
                "INVALID_REQUEST",
                "Field \"environment\" is given more than once."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"description\": \"x\"}",
                400,
                "INVALID_REQUEST",
                "Field \"environment\" is required."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": 7}",
                400,
                "INVALID_REQUEST",
                "Field \"environment\" must be a string or null, but is a number."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": [\"production\"]}",
                400,
                "INVALID_REQUEST",
                "Field \"environment\" must be a string or null, but is an array."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": \"" + value + "\"}",
                400,
                "INVALID_REQUEST",
                "The environment in field \"environment\" must be 1 to 128 letters, digits or . _ :"
                    + " @ - starting with a letter or digit, but was a token value (53"
                    + " characters)."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": \"prod env\"}",
                400,
                "INVALID_REQUEST",
                "The environment in field \"environment\" must be 1 to 128 letters, digits or . _ :"
                    + " @ - starting with a letter or digit, but was \"prod env\"."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": \"production\", \"description\": \"" + longText + "\"}",
                400,
                "INVALID_DESCRIPTION",
                "Description must be at most 256 characters, but has 257."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": \"production\", \"description\": \"a\\u0007b\"}",
                400,
                "INVALID_DESCRIPTION",
                "Description must not contain control characters, but has U+0007 at index 1."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"environment\": \"production\", \"description\": \"pasted " + value + "\"}",
                400,
                "INVALID_DESCRIPTION",
                "The description looks like a token value (or a piece of one), and a token"
                    + " value must never be kept as a description: remove it."),
            new Refusal(
                "POST",
                TOKENS,
                "text/plain",
                "{\"environment\": \"production\"}",
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "The request body must be JSON, sent with Content-Type: application/json."),
            new Refusal(
                "POST",
                TOKENS,
                "application/x-www-form-urlencoded",
                "environment=production",
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "The request body must be JSON, sent with Content-Type: application/json."),
            new Refusal(
                "POST",
                TOKENS,
                json,
                "{\"description\": \"" + "y".repeat(17_000) + "\"}",
                413,
                "REQUEST_TOO_LARGE",
                "The request body is larger than 16 KiB, more than any request of this API needs."),
            new Refusal(
                "PUT",
                path(issued.id()) + "/description",
                json,
                "{\"version\": 1}",
                400,
                "INVALID_REQUEST",
                "Field \"description\" is required (null or \"\" removes the description)."),
            new Refusal(
                "PUT",
                path(issued.id()) + "/description",
                json,
                "{\"description\": \"x\", \"version\": 0}",
                400,
                "INVALID_REQUEST",
                "Field \"version\" must be a whole number of at least 1 (the version the page"
                    + " showed)."),
            new Refusal(
                "PUT",
                path(issued.id()) + "/description",
                json,
                "{\"description\": \"x\", \"version\": \"1\"}",
                400,
                "INVALID_REQUEST",
                "Field \"version\" must be a whole number of at least 1 (the version the page"
                    + " showed)."),
            new Refusal(
                "PUT",
                path(issued.id()) + "/description",
                json,
                "{\"description\": \"x\", \"version\": 99999999999999999999}",
                400,
                "INVALID_REQUEST",
                "Field \"version\" must be a whole number of at least 1 (the version the page"
                    + " showed)."),
            new Refusal(
                "PUT",
                path(issued.id()) + "/description",
                json,
                "{\"description\": \"x\", \"version\": 1.5}",
                400,
                "INVALID_REQUEST",
                "Field \"version\" must be a whole number, but is a number with a fraction."),
            new Refusal(
                "PUT",
                path(issued.id()) + "/status",
                json,
                "{\"status\": \"paused\"}",
                400,
                "INVALID_REQUEST",
                "The status in field \"status\" must be ACTIVE or INACTIVE, but was \"paused\"."),
            new Refusal(
                "PUT",
                path(issued.id()) + "/status",
                json,
                "{\"status\": true}",
                400,
                "INVALID_REQUEST",
                "Field \"status\" must be a string or null, but is a boolean."),
            new Refusal(
                "PUT",
                path(issued.id()) + "/status",
                json,
                "{}",
                400,
                "INVALID_REQUEST",
                "Field \"status\" is required."),
            new Refusal(
                "GET",
                TOKENS + "/" + value,
                null,
                null,
                400,
                "INVALID_REQUEST",
                "The token id in the address must be 11 letters and digits (the id of a row, not a"
                    + " token value), but was a token value (53 characters)."),
            new Refusal(
                "POST",
                TOKENS + "/" + value.substring(0, 30) + "/copy",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "The token id in the address must be 11 letters and digits (the id of a row, not a"
                    + " token value), but was token-shaped text (30 characters)."),
            new Refusal(
                "GET",
                TOKENS + "/short",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "The token id in the address must be 11 letters and digits (the id of a row, not a"
                    + " token value), but was text of 5 characters."),
            new Refusal(
                "GET",
                TOKENS + "?pageSize=0",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "Parameter \"pageSize\" must be a whole number from 1 to 1000, but was \"0\"."),
            new Refusal(
                "GET",
                TOKENS + "?pageSize=1001",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "Parameter \"pageSize\" must be a whole number from 1 to 1000, but was \"1001\"."),
            new Refusal(
                "GET",
                TOKENS + "?pageSize=ten",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "Parameter \"pageSize\" must be a whole number from 1 to 1000, but was \"ten\"."),
            new Refusal(
                "GET",
                TOKENS + "?after=" + value,
                null,
                null,
                400,
                "INVALID_REQUEST",
                "Parameter \"after\" must be the \"next\" cursor of a list answer, but was a token"
                    + " value (53 characters)."),
            new Refusal(
                "GET",
                TOKENS + "?after=12.abc",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "Parameter \"after\" must be the \"next\" cursor of a list answer, but was text of"
                    + " 6 characters."),
            new Refusal(
                "GET",
                TOKENS + "?status=deleted",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "The status in parameter \"status\" must be ACTIVE or INACTIVE, but was"
                    + " \"deleted\"."),
            new Refusal(
                "GET",
                TOKENS + "?environment=" + value,
                null,
                null,
                400,
                "INVALID_REQUEST",
                "The environment in parameter \"environment\" must be 1 to 128 letters, digits or ."
                    + " _ : @ - starting with a letter or digit, but was a token value (53"
                    + " characters)."),
            new Refusal(
                "GET",
                TOKENS + "?status=active&status=inactive",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "Parameter \"status\" was given more than once."),
            new Refusal(
                "GET",
                TOKENS + "?token=" + value,
                null,
                null,
                400,
                "INVALID_REQUEST",
                "Unknown parameter \"token\"; this address takes after, environment, pageSize,"
                    + " status."),
            new Refusal(
                "GET",
                TOKENS + "?" + value + "=1",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "Unknown parameter a token value (53 characters); this address takes after,"
                    + " environment, pageSize, status."),
            new Refusal(
                "GET",
                "api/organizations/" + value + "/tokens",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "The organization in the address must be 1 to 128 letters, digits or . _ : @ -"
                    + " starting with a letter or digit, but was a token value (53 characters)."),
            new Refusal(
                "GET",
                "api/organizations/ac%20me/tokens",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "The organization in the address must be 1 to 128 letters, digits or . _ : @ -"
                    + " starting with a letter or digit, but was \"ac me\"."),
            new Refusal(
                "GET",
                "api/context?organization=" + value,
                null,
                null,
                400,
                "INVALID_REQUEST",
                "The organization in parameter \"organization\" must be 1 to 128 letters, digits or"
                    + " . _ : @ - starting with a letter or digit, but was a token value (53"
                    + " characters)."),
            new Refusal(
                "GET",
                "api/context?org=acme",
                null,
                null,
                400,
                "INVALID_REQUEST",
                "Unknown parameter \"org\"; this address takes organization."));
    ApiClient api = alice();

    for (Refusal refusal : refusals) {
      HttpRequest.Builder request = api.request(refusal.path()).header("X-CSRF-Token", api.csrf());
      if (refusal.contentType() != null) {
        request.header("Content-Type", refusal.contentType());
      }
      request.method(
          refusal.method(),
          refusal.body() == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(refusal.body()));
      Answer answer = api.send(request);

      assertThat(answer.status()).as(refusal + " answered " + answer).isEqualTo(refusal.status());
      assertThat(answer.code()).as(refusal.toString()).isEqualTo(refusal.code());
      assertThat(answer.message()).as(refusal.toString()).isEqualTo(refusal.message());
      assertThat(answer.body())
          .doesNotContain(
              value.substring(TokenFormat.SECRET_OFFSET, TokenFormat.SECRET_OFFSET + 8));
    }
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens())
        .singleElement()
        .satisfies(token -> assertThat(token.version()).isEqualTo(1));
  }

  @Test
  void unknownAddresses_are404_andOtherMethods_405_withAllow() {
    ApiClient api = alice();
    IssuedToken issued = issue(ACME, PRODUCTION, "x");

    Answer unknown = api.get("api/tokens");
    Answer unknownAction = api.post(path(issued.id()) + "/reroll", null);
    Answer unknownFile = api.get("assets/other.js");
    Answer putList = api.put(TOKENS, "{}");
    Answer getCopy = api.get(path(issued.id()) + "/copy");
    Answer postPage = api.post("", null);

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("NOT_FOUND");
    assertThat(unknownAction.code()).isEqualTo("NOT_FOUND");
    assertThat(unknownFile.code()).isEqualTo("NOT_FOUND");
    assertThat(putList.status()).isEqualTo(405);
    assertThat(putList.code()).isEqualTo("METHOD_NOT_ALLOWED");
    assertThat(putList.header("Allow")).isEqualTo("GET, POST");
    assertThat(putList.message())
        .isEqualTo("This address of the access tokens API takes GET or POST, not \"PUT\".");
    assertThat(getCopy.header("Allow")).isEqualTo("POST");
    assertThat(postPage.status()).isEqualTo(405);
    assertThat(postPage.header("Allow")).isEqualTo("GET, HEAD");
  }

  @Test
  void whenTheStoreCannotAnswer_is503_sayingThatAChangeMayOrMayNotBeSaved() {
    IssuedToken issued = issue(ACME, PRODUCTION, "x");
    ApiClient api = alice();
    api.csrf();
    web.store().down(true);

    Answer list = api.get(TOKENS);
    Answer status =
        api.put(
            path(issued.id()) + "/status",
            """
            {"status": "INACTIVE"}\
            """);

    for (Answer answer : List.of(list, status)) {
      answer.assertRefused(
          503,
          "STORE_UNAVAILABLE",
          "The token store did not answer. A change may or may not have been"
              + " saved: reload the page to see, then try again.");
    }
    web.store().down(false);
    assertThat(web.service().get(ACME, issued.id()).status()).isEqualTo(TokenStatus.ACTIVE);
    assertThat(api.get(TOKENS).status()).isEqualTo(200);
  }
}
