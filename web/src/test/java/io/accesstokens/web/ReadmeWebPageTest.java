package io.accesstokens.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.Actor;
import io.accesstokens.CopyPolicy;
import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenService;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.testing.ReadmeSnippets;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.web.ApiClient.Answer;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lines for plain Jetty in docs/web.md, run as written; a second test keeps the two texts
 * identical.
 */
@ExtendWith(SecretLeakGuard.class)
class ReadmeWebPageTest {

  /**
   * A host's rules: its gateway names the signed-in user in a header; everyone administers acme.
   */
  static final class HostAccess implements PageAccess {
    @Override
    public Optional<Actor> actor(HttpServletRequest request) {
      return Optional.ofNullable(request.getHeader("X-Authenticated-User")).map(Actor::of);
    }

    @Override
    public List<OrganizationId> organizations(Actor actor) {
      return List.of(OrganizationId.of("acme"));
    }

    @Override
    public boolean isAdministrator(Actor actor, OrganizationId organization) {
      return true;
    }
  }

  private static Server webPage(int port) throws Exception {
    OrganizationId acme = OrganizationId.of("acme");
    // spotless:off (laid out as docs/web.md shows it)
    // web-page:begin
    EnvironmentDirectory environments = EnvironmentDirectory.of(Map.of(acme, Set.of(EnvironmentId.of("production"))));
    TokenService service = TokenService.builder(new MemoryTokenStore())
        .entitlements(Entitlements.all())
        .environments(environments)                                 // the same directory fills the menu
        .copyPolicy(CopyPolicy.ephemeral())
        .build();
    PageAccess access = new HostAccess();                           // yours: who is signed in, what they administer

    Server server = new Server(port);                               // Jetty 12, jetty-ee10-servlet
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(AccessTokensServlet.builder(service, environments, access).build()),
        "/access-tokens/*");                                        // the page: http://localhost:8080/access-tokens/
    server.setHandler(context);
    server.start();
    // web-page:end
    // spotless:on
    return server;
  }

  @Test
  void theReadmesLines_serveThePageAndItsApi() throws Exception {
    Server server = webPage(0);
    try {
      int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
      ApiClient anonymous =
          new ApiClient(URI.create("http://localhost:" + port + "/access-tokens/"), null);

      Answer page = anonymous.get("");
      Answer context =
          anonymous.send(
              anonymous.request("api/context").header("X-Authenticated-User", "alice").GET());

      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body()).contains("<title>Access Tokens</title>");
      assertThat(context.status()).isEqualTo(200);
      assertThat(context.json())
          .containsEntry("actor", "alice")
          .containsEntry("environments", List.of("production"));
      assertThat(anonymous.get("api/context").code()).isEqualTo("UNAUTHENTICATED");
    } finally {
      server.stop();
    }
  }

  @Test
  void theReadme_showsExactlyThisCode() {
    ReadmeSnippets.assertDocumentShowsSameCode(
        "docs/web.md", "web-page", "src/test/java/io/accesstokens/web/ReadmeWebPageTest.java");
  }
}
