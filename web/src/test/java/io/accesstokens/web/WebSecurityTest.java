package io.accesstokens.web;

import static io.accesstokens.web.WebFixture.ACME;
import static io.accesstokens.web.WebFixture.PRODUCTION;
import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.Actor;
import io.accesstokens.IssuedToken;
import io.accesstokens.TokenQuery;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.web.ApiClient.Answer;
import io.accesstokens.web.internal.SecurityHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web protections at the HTTP level: the headers every answer carries, no-store on the answers
 * that carry a value, the anti-forgery token on every change, and a page with nothing inline. The
 * same protections as a browser sees them are in {@link BrowserPageTest}.
 */
@ExtendWith(SecretLeakGuard.class)
class WebSecurityTest {
  @RegisterExtension final WebFixture web = new WebFixture(MemoryTokenStore::new);

  private IssuedToken issue() {
    IssuedToken issued = web.service().create(ACME, PRODUCTION, "Partner X", Actor.of("setup"));
    IssuedSecrets.record(issued.value().reveal());
    return issued;
  }

  @Test
  void everyAnswer_carriesTheSecurityHeaders_whateverItIs() {
    IssuedToken issued = issue();
    ApiClient api = new ApiClient(web.page(), "alice");
    ApiClient nobody = new ApiClient(web.page(), null);
    String tokens = "api/organizations/acme/tokens";

    Map<String, Answer> answers = new java.util.LinkedHashMap<>();
    answers.put("the page", api.get(""));
    answers.put("the script", api.get("assets/page.js"));
    answers.put("the style sheet", api.get("assets/page.css"));
    answers.put("the context", api.get("api/context"));
    answers.put("a list", api.get(tokens));
    answers.put("a create", api.post(tokens, "{\"environment\": \"production\"}"));
    answers.put("a copy", api.post(tokens + "/" + issued.id() + "/copy", null));
    answers.put("a delete", api.delete(tokens + "/" + issued.id()));
    answers.put("a refusal", api.get(tokens + "?pageSize=0"));
    answers.put("an unknown address", api.get("api/unknown"));
    answers.put("an unknown file", api.get("assets/unknown.js"));
    answers.put("a wrong method", api.put(tokens, "{}"));
    answers.put("nobody signed in", nobody.get(tokens));
    answers.put("the redirect to the page", nobody.send(nobody.request("../access-tokens").GET()));

    answers.forEach(
        (what, answer) -> {
          assertThat(answer.header("Content-Security-Policy"))
              .as(what)
              .isEqualTo(
                  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
                      + " connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors"
                      + " 'none'");
          assertThat(answer.header("X-Frame-Options")).as(what).isEqualTo("DENY");
          assertThat(answer.header("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
          assertThat(answer.header("Referrer-Policy")).as(what).isEqualTo("no-referrer");
        });
    assertThat(answers.get("the redirect to the page").status()).isEqualTo(302);
    assertThat(answers.get("the redirect to the page").header("Location"))
        .endsWith("/access-tokens/");
    assertThat(answers.get("the page").header("Content-Type"))
        .isEqualToIgnoringCase("text/html;charset=UTF-8");
    assertThat(answers.get("the script").header("Content-Type"))
        .isEqualToIgnoringCase("text/javascript;charset=UTF-8");
    assertThat(answers.get("the style sheet").header("Content-Type"))
        .isEqualToIgnoringCase("text/css;charset=UTF-8");
  }

  @Test
  void theAnswersThatCarryAValue_areNeverStored_norIsAnyOtherApiAnswer() {
    IssuedToken issued = issue();
    ApiClient api = new ApiClient(web.page(), "alice");

    Answer create = api.post("api/organizations/acme/tokens", "{\"environment\": \"production\"}");
    Answer copy = api.post("api/organizations/acme/tokens/" + issued.id() + "/copy", null);
    Answer rotate =
        api.post(
            "api/organizations/acme/tokens/" + issued.id() + "/rotate", "{\"overlap\": \"P1D\"}");
    Answer list = api.get("api/organizations/acme/tokens");

    assertThat(create.header("Cache-Control")).isEqualTo("no-store");
    assertThat(copy.header("Cache-Control")).isEqualTo("no-store");
    assertThat(rotate.status()).as(rotate.toString()).isEqualTo(201);
    assertThat(rotate.header("Cache-Control")).isEqualTo("no-store");
    assertThat(list.header("Cache-Control")).isEqualTo("no-store");
    assertThat(api.get("").header("Cache-Control")).isEqualTo("no-cache");
    assertThat(web.leakFilter().valueAnswers()).isEqualTo(3);
  }

  @Test
  void everyChange_withoutTheAntiForgeryToken_isRefused_andChangesNothing() {
    IssuedToken issued = issue();
    String token = "api/organizations/acme/tokens/" + issued.id();
    ApiClient api = new ApiClient(web.page(), "alice");
    String csrf = api.csrf();
    List<Function<HttpRequest.Builder, HttpRequest.Builder>> changes =
        List.of(
            r ->
                r.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"environment\": \"production\"}")),
            r -> r.POST(HttpRequest.BodyPublishers.noBody()),
            r ->
                r.header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"description\": \"forged\"}")),
            r ->
                r.header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"status\": \"INACTIVE\"}")),
            r ->
                r.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"overlap\": \"P1D\"}")),
            HttpRequest.Builder::DELETE);
    List<String> paths =
        List.of(
            "api/organizations/acme/tokens",
            token + "/copy",
            token + "/description",
            token + "/status",
            token + "/rotate",
            token);
    ApiClient cookieless = new ApiClient(web.page(), "alice");
    String otherCsrf = (csrf.charAt(0) == '0' ? "1" : "0") + csrf.substring(1);

    for (int i = 0; i < changes.size(); i++) {
      Function<HttpRequest.Builder, HttpRequest.Builder> change = changes.get(i);
      String path = paths.get(i);
      Answer noHeader = api.send(change.apply(api.request(path)));
      Answer otherToken =
          api.send(change.apply(api.request(path).header("X-CSRF-Token", otherCsrf)));
      Answer noCookie =
          cookieless.send(change.apply(cookieless.request(path).header("X-CSRF-Token", csrf)));
      Answer crossSite =
          api.send(
              change.apply(
                  api.request(path)
                      .header("X-CSRF-Token", csrf)
                      .header("Sec-Fetch-Site", "cross-site")));

      assertRefused(noHeader, path, "it did not carry the page's anti-forgery token");
      assertRefused(otherToken, path, "its anti-forgery token does not match this browser's");
      assertRefused(noCookie, path, "its anti-forgery cookie is missing or expired");
      assertRefused(crossSite, path, "it was sent from another site");
    }
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens())
        .singleElement()
        .satisfies(row -> assertThat(row.version()).isEqualTo(1))
        .satisfies(row -> assertThat(row.expiresAt()).as("not rotated").isNull());
    assertThat(web.service().get(ACME, issued.id()).description()).isEqualTo("Partner X");
  }

  private static void assertRefused(Answer answer, String path, String why) {
    assertThat(answer.status()).as(path + " " + answer).isEqualTo(403);
    assertThat(answer.code()).isEqualTo("CSRF_REJECTED");
    assertThat(answer.message())
        .isEqualTo(
            "This request was refused because "
                + why
                + ", so nothing was changed. Reload the page and try again.");
    // Refused unread: the connection ends with the answer, and says so, so that no client sends
    // its next request on a connection the server is closing (a loaded run failed so).
    assertThat(answer.header("Connection")).as(path).isEqualToIgnoringCase("close");
  }

  @Test
  void aCrossSiteFormPost_isRefused_evenWithTheCookie() {
    ApiClient api = new ApiClient(web.page(), "alice");
    api.csrf(); // the cookie is there, as if SameSite did not hold it back

    Answer urlEncoded =
        api.send(
            api.request("api/organizations/acme/tokens")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://attacker.example")
                .POST(HttpRequest.BodyPublishers.ofString("environment=production")));
    Answer textPlain =
        api.send(
            api.request("api/organizations/acme/tokens")
                .header("Content-Type", "text/plain")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"environment\": \"production\", \"x\": \"=\"}")));

    assertThat(urlEncoded.code()).isEqualTo("CSRF_REJECTED");
    assertThat(textPlain.code()).isEqualTo("CSRF_REJECTED");
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).isEmpty();
  }

  @Test
  void theAntiForgeryCookie_isHttpOnly_SameSiteStrict_onThePagesPathOnly_andKeptAcrossTabs() {
    ApiClient api = new ApiClient(web.page(), "alice");

    Answer first = api.get("api/context");
    Answer second = api.get("api/context?organization=initech");

    String setCookie = first.header("Set-Cookie");
    assertThat(setCookie).startsWith("access-tokens-csrf=" + first.json().get("csrfToken") + ";");
    assertThat(setCookie.split(";\\s*"))
        .contains("Path=/access-tokens/", "HttpOnly", "SameSite=Strict");
    assertThat(second.header("Set-Cookie")).isNull();
    assertThat(second.json().get("csrfToken")).isEqualTo(first.json().get("csrfToken"));
    assertThat(new ApiClient(web.page(), "alice").csrf())
        .isNotEqualTo(first.json().get("csrfToken"));
  }

  @Test
  void thePage_hasNoInlineScriptOrStyle_andItsScriptWritesNoHtml() throws IOException {
    String html = resource("index.html");
    String script = resource("page.js");

    assertThat(
            Pattern.compile("<script(?![^>]*\\bsrc=)", Pattern.CASE_INSENSITIVE)
                .matcher(html)
                .find())
        .as("an inline <script>")
        .isFalse();
    assertThat(html)
        .doesNotContainIgnoringCase("<style")
        .doesNotContainIgnoringCase(" style=")
        .doesNotContainIgnoringCase("javascript:");
    assertThat(Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(html).find())
        .as("an inline event handler")
        .isFalse();
    assertThat(script)
        .doesNotContain("innerHTML")
        .doesNotContain("outerHTML")
        .doesNotContain("insertAdjacentHTML")
        .doesNotContain("document.write")
        .doesNotContain("eval(")
        .doesNotContain("new Function")
        .doesNotContain("localStorage")
        .doesNotContain("sessionStorage");
    assertThat(SecurityHeaders.CONTENT_SECURITY_POLICY).doesNotContain("unsafe");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in =
        WebSecurityTest.class.getResourceAsStream("/io/accesstokens/web/page/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
