package io.accesstokens.web;

import static io.accesstokens.web.WebFixture.ACME;
import static io.accesstokens.web.WebFixture.PRODUCTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.CopyPolicy;
import io.accesstokens.EnvironmentId;
import io.accesstokens.TokenService;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.web.ApiClient.Answer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The host chooses where the page lives: under a path, at the root, under a context path. */
@ExtendWith(SecretLeakGuard.class)
class MountingTest {
  private final EnvironmentDirectory environments =
      EnvironmentDirectory.of(Map.of(ACME, Set.of(PRODUCTION)));
  private final TokenService service =
      TokenService.builder(new MemoryTokenStore())
          .entitlements(Entitlements.all())
          .environments(environments)
          .copyPolicy(CopyPolicy.ephemeral())
          .build();

  @ParameterizedTest(name = "context path \"{0}\", mapping \"{1}\": the page at {2}")
  @CsvSource({
    "'', /access-tokens/*, /access-tokens/",
    "'', /*, /",
    "'', /, /",
    "/console, /tokens/*, /console/tokens/",
    "/console, /, /console/"
  })
  void thePageAndItsApi_workWhereverTheHostMountsThem(
      String contextPath, String mapping, String page) throws Exception {
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath(contextPath.isEmpty() ? "/" : contextPath);
    context.addServlet(
        new ServletHolder(
            AccessTokensServlet.builder(
                    service, environments, new TestAccess().administrator("alice", "acme"))
                .build()),
        mapping);
    Server server = LoopbackJetty.start(context);
    try {
      URI base = URI.create("http://localhost:" + LoopbackJetty.port(server) + page);
      ApiClient api = new ApiClient(base, "alice");

      Answer html = api.get("");
      Answer script = api.get("assets/page.js");
      Answer created =
          api.post("api/organizations/acme/tokens", "{\"environment\": \"production\"}");
      Answer context1 = api.get("api/context");

      assertThat(html.status()).isEqualTo(200);
      assertThat(html.body()).contains("<script src=\"assets/page.js\" defer></script>");
      assertThat(script.status()).isEqualTo(200);
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      assertThat(created.header("Location")).startsWith(page + "api/organizations/acme/tokens/");
      assertThat(api.cookies())
          .singleElement()
          .satisfies(cookie -> assertThat(cookie.getPath()).isEqualTo(page));
      assertThat(context1.json()).containsEntry("environments", List.of("production"));
      if (!page.equals("/") && !page.equals("/console/")) {
        Answer bare =
            api.send(
                api.request(page.substring(0, page.length() - 1) + "?organization=acme").GET());
        assertThat(bare.status()).isEqualTo(302);
        assertThat(URI.create(bare.header("Location")).getPath()).isEqualTo(page);
        assertThat(URI.create(bare.header("Location")).getQuery()).isEqualTo("organization=acme");
      }
    } finally {
      server.stop();
    }
  }

  @Test
  void aDirectoryThatCannotList_givesAnEmptyMenu_butItsEnvironmentsStillWork() throws Exception {
    EnvironmentDirectory rule =
        (organization, environment) -> environment.equals(EnvironmentId.of("production"));
    TokenService ruled =
        TokenService.builder(new MemoryTokenStore())
            .entitlements(Entitlements.all())
            .environments(rule)
            .copyPolicy(CopyPolicy.ephemeral())
            .build();
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(
        new ServletHolder(
            AccessTokensServlet.builder(
                    ruled, rule, new TestAccess().administrator("alice", "acme"))
                .build()),
        "/*");
    Server server = LoopbackJetty.start(context);
    try {
      ApiClient api =
          new ApiClient(
              URI.create("http://localhost:" + LoopbackJetty.port(server) + "/"), "alice");

      assertThat(api.get("api/context").json()).containsEntry("environments", List.of());
      assertThat(
              api.post("api/organizations/acme/tokens", "{\"environment\": \"production\"}")
                  .status())
          .isEqualTo(201);
      assertThat(api.post("api/organizations/acme/tokens", "{\"environment\": \"test\"}").code())
          .isEqualTo("UNKNOWN_ENVIRONMENT");
    } finally {
      server.stop();
    }
  }

  @Test
  void theBuilder_writesNoDefaultIntoItself_soAPageSizeCanStillBeSetAfterABuild() {
    AccessTokensServlet.Builder builder =
        AccessTokensServlet.builder(service, environments, new TestAccess());
    builder.build();
    assertThat(builder.getPageSize()).isEqualTo(AccessTokensServlet.DEFAULT_PAGE_SIZE);

    builder.pageSize(10).build();

    assertThat(builder.getPageSize()).isEqualTo(10);
  }

  @Test
  void theBuilder_failsFast() {
    TestAccess access = new TestAccess();
    assertThatThrownBy(() -> AccessTokensServlet.builder(service, environments, access).pageSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("page size must be between 1 and 1000, but was 0");
    assertThatThrownBy(
            () -> AccessTokensServlet.builder(service, environments, access).pageSize(1001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                AccessTokensServlet.builder(service, environments, access).pageSize(5).pageSize(5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("page size already set");
    assertThatThrownBy(() -> AccessTokensServlet.builder(null, environments, access))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("token service must not be null");
    assertThatThrownBy(() -> AccessTokensServlet.builder(service, null, access))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("environment directory must not be null");
    assertThatThrownBy(() -> AccessTokensServlet.builder(service, environments, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("page access must not be null");
  }
}
