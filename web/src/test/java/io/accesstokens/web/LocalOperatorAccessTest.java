package io.accesstokens.web;

import static io.accesstokens.web.WebFixture.ACME;
import static io.accesstokens.web.WebFixture.INITECH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.Actor;
import io.accesstokens.OrganizationId;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.testing.CapturingAppender;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.web.ApiClient.Answer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One local operator, signed in by a one-time link, as a console's {@code serve} runs the page. */
@ExtendWith(SecretLeakGuard.class)
class LocalOperatorAccessTest {
  private final List<OrganizationId> hosted = new CopyOnWriteArrayList<>(List.of(ACME));
  private final LocalOperatorAccess access =
      LocalOperatorAccess.builder(Actor.of("operator")).organizations(() -> hosted).build();

  @RegisterExtension
  final WebFixture web =
      new WebFixture(MemoryTokenStore::new)
          .access(access)
          .servlet("/login", access.loginServlet(WebFixture.MOUNT + "/"));

  private URI link() {
    return access.newLoginLink(web.origin().resolve("/"));
  }

  @Test
  void aLink_signsInOnce_withASessionCookieTheBrowserKeepsToItself() {
    URI link = link();
    ApiClient browser = new ApiClient(web.page(), null);

    Answer login = browser.send(HttpRequest.newBuilder(link).GET());
    Answer context = browser.get("api/context");
    Answer again = new ApiClient(web.page(), null).send(HttpRequest.newBuilder(link).GET());

    assertThat(link.toString())
        .matches("http://localhost:\\d+/login\\?key=([0-9A-Za-z]{8}\\.){5}[0-9A-Za-z]{8}");
    assertThat(login.status()).isEqualTo(303);
    assertThat(login.header("Location")).endsWith("/access-tokens/");
    assertThat(login.header("Cache-Control")).isEqualTo("no-store");
    assertThat(login.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(login.header("Set-Cookie").split(";\\s*"))
        .contains("Path=/", "HttpOnly", "SameSite=Strict")
        .anySatisfy(part -> assertThat(part).startsWith("access-tokens-session="));
    assertThat(context.status()).isEqualTo(200);
    assertThat(context.json())
        .containsEntry("actor", "operator")
        .containsEntry("organizations", List.of("acme"));
    assertThat(again.status()).isEqualTo(403);
    assertThat(again.body())
        .contains("This login link is not valid, or was already used: each link signs in once.");
    assertThat(again.header("Set-Cookie")).isNull();
  }

  @Test
  void everyLinkIsItsOwn_andNothingElseSignsIn() {
    URI first = link();
    URI second = link();
    String key = first.getQuery().substring("key=".length());

    List<Answer> refused =
        List.of(
            send(
                HttpRequest.newBuilder(web.origin().resolve("/login?key=" + key.replace('.', '-')))
                    .GET()),
            send(HttpRequest.newBuilder(web.origin().resolve("/login")).GET()),
            send(
                HttpRequest.newBuilder(web.origin().resolve("/login?key=" + key + "&key=" + key))
                    .GET()),
            send(HttpRequest.newBuilder(first).POST(HttpRequest.BodyPublishers.noBody())));
    Answer firstWorks = send(HttpRequest.newBuilder(first).GET());
    Answer secondWorks = send(HttpRequest.newBuilder(second).GET());

    assertThat(refused).extracting(Answer::status).containsOnly(403);
    assertThat(firstWorks.status()).isEqualTo(303);
    assertThat(secondWorks.status()).isEqualTo(303);
    assertThat(CapturingAppender.lines()).noneMatch(line -> line.contains(key));
  }

  private Answer send(HttpRequest.Builder request) {
    return new ApiClient(web.page(), null).send(request);
  }

  @Test
  void withoutTheSessionCookie_orWithOneItDidNotMake_nobodyIsSignedIn() {
    ApiClient stranger = new ApiClient(web.page(), null);
    Answer withoutCookie = stranger.get("api/context");
    Answer forged =
        stranger.send(
            stranger
                .request("api/context")
                .header(
                    "Cookie",
                    "access-tokens-session=AAAAAAAA.AAAAAAAA.AAAAAAAA.AAAAAAAA.AAAAAAAA.AAAAAAAA")
                .GET());

    assertThat(withoutCookie.code()).isEqualTo("UNAUTHENTICATED");
    assertThat(forged.code()).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void theOperatorAdministersEveryHostedOrganization_askedOnEveryRequest() {
    ApiClient browser = new ApiClient(web.page(), null);
    browser.send(HttpRequest.newBuilder(link()).GET());

    Answer before = browser.get("api/organizations/initech/tokens");
    hosted.add(INITECH);
    Answer after = browser.get("api/organizations/initech/tokens");

    assertThat(before.code()).isEqualTo("ORGANIZATION_FORBIDDEN");
    assertThat(after.status()).isEqualTo(200);
    assertThat(access.organizations(Actor.of("someone else"))).isEmpty();
    assertThat(access.isAdministrator(Actor.of("someone else"), ACME)).isFalse();
  }

  @Test
  void theBuilder_failsFast() {
    assertThatThrownBy(() -> LocalOperatorAccess.builder(Actor.of("operator")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("organizations are required: which organizations the operator administers");
    assertThatThrownBy(
            () ->
                LocalOperatorAccess.builder(Actor.of("operator"))
                    .organizations(List::of)
                    .organizations(List::of))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("organizations already set");
    assertThatThrownBy(() -> access.loginServlet("access-tokens/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("page path must start with /, but was \"access-tokens/\"");
    assertThat(access).hasToString("LocalOperatorAccess[operator]");
  }
}
