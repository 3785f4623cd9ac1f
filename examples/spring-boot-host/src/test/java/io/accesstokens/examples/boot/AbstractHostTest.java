package io.accesstokens.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.Actor;
import io.accesstokens.EnvironmentId;
import io.accesstokens.IssuedToken;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenService;
import io.accesstokens.jdbc.JdbcDialect;
import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.testing.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The example host on one database: it starts, migrates, creates and validates a token through the
 * connector's endpoint, deactivates it and sees the refusal, and its health and metrics endpoints
 * show the figures. One subclass per database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class AbstractHostTest {
  static final String REFUSAL = "Error opening connection. Exception is: Error code: INVALID_TOKEN";
  static final OrganizationId ACME = OrganizationId.of("acme");
  static final EnvironmentId PRODUCTION = EnvironmentId.of("production");
  static final Actor ALICE = Actor.of("alice@acme.example");

  @LocalServerPort int port;
  @Autowired TokenService service;
  @Autowired JdbcTokenStore store;

  private final HttpClient http = HttpClient.newHttpClient();

  abstract JdbcDialect dialect();

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)));
  }

  private HttpResponse<String> connect(String value, String organization) throws Exception {
    return send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:"
                        + port
                        + "/edi/connect?organization="
                        + organization
                        + "&environment=production"))
            .header("Authorization", "Bearer " + value)
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  @Test
  void startsMigrates_validatesAToken_refusesItOnceDeactivated_andShowsTheFigures()
      throws Exception {
    assertThat(store.dialect()).isEqualTo(dialect());
    assertThat(store.migrate()).as("already migrated at start").isEmpty();

    IssuedToken token = Fixtures.create(service, ACME, PRODUCTION, "Partner X over AS2", ALICE);
    String value = token.value().reveal();

    HttpResponse<String> opened = connect(value, "acme");
    assertThat(opened.statusCode()).isEqualTo(200);
    assertThat(opened.body()).isEqualTo("Connection opened");

    HttpResponse<String> otherOrganization = connect(value, "globex");
    assertThat(otherOrganization.statusCode()).isEqualTo(401);
    assertThat(otherOrganization.body()).isEqualTo(REFUSAL);

    service.deactivate(ACME, token.id(), ALICE);
    HttpResponse<String> refused = connect(value, "acme");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).isEqualTo(REFUSAL);
    assertThat(connect("not a token", "acme").body()).isEqualTo(REFUSAL);

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.body()).contains("\"accessTokensStore\":{\"status\":\"UP\"");
    assertThat(health.body()).contains("\"accessTokensFollower\"");

    HttpResponse<String> lookups = get("/actuator/metrics/access_tokens.validator.store.lookups");
    assertThat(lookups.statusCode()).isEqualTo(200);
    assertThat(lookups.body()).contains("\"statistic\":\"COUNT\"");
    assertThat(lookups.body()).doesNotContain("\"value\":0.0");
    HttpResponse<String> created =
        get("/actuator/metrics/access_tokens.service.actions?tag=action:created");
    assertThat(created.body()).contains("\"value\":").doesNotContain("\"value\":0.0");
    HttpResponse<String> refusals =
        get("/actuator/metrics/access_tokens.validator.refusals?tag=cause:inactive");
    assertThat(refusals.body()).doesNotContain("\"value\":0.0");

    HttpResponse<String> page = get("/access-tokens/");
    assertThat(page.statusCode()).as("the page is behind the login").isEqualTo(302);
    assertThat(page.headers().firstValue("Location")).hasValueSatisfying(l -> l.endsWith("/login"));
  }
}
