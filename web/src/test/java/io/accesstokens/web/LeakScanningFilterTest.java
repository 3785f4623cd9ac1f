package io.accesstokens.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.Actor;
import io.accesstokens.IssuedToken;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scan that every test server runs finds what it must: a test of the tests. */
@ExtendWith(SecretLeakGuard.class)
class LeakScanningFilterTest {

  /** Answers with whatever text the test put in the {@code say} header. */
  static final class Echo extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain;charset=UTF-8");
      response.getOutputStream().write(request.getHeader("say").getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void findsPiecesOfIssuedValues_inBodiesAndAddresses_butRecordsWhatCreateAndCopyAnswer()
      throws Exception {
    WebFixture web = new WebFixture(MemoryTokenStore::new);
    web.start();
    IssuedToken issued =
        web.service().create(WebFixture.ACME, WebFixture.PRODUCTION, null, Actor.of("setup"));
    String value = issued.value().reveal();
    web.stop();
    String secret = value.substring(TokenFormat.SECRET_OFFSET, TokenFormat.CHECKSUM_OFFSET);
    IssuedSecrets.record(value);

    LeakScanningFilter filter = new LeakScanningFilter(true);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Echo()), "/*");
    Server server = LoopbackJetty.start(context);
    try {
      ApiClient client =
          new ApiClient(URI.create("http://localhost:" + LoopbackJetty.port(server) + "/"), null);
      client.send(client.request("list").header("say", "a quiet answer").GET());
      client.send(
          client.request("list").header("say", "a piece: " + secret.substring(3, 12)).GET());
      client.send(
          client
              .request("orgs/acme/tokens?after=" + secret.substring(10, 20))
              .header("say", "-")
              .GET());
      client.send(
          client
              .request("orgs/acme/tokens/abc/copy")
              .header("say", "{\"value\": \"" + value + "\"}")
              .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));

      assertThat(filter.leaks()).hasSize(2);
      assertThat(filter.leaks().get(0))
          .startsWith("GET /list answered with a piece (8+ characters) of an issued secret");
      assertThat(filter.leaks().get(1)).startsWith("GET (its address) answered with a piece");
      assertThat(filter.valueAnswers()).isEqualTo(1);
      assertThat(filter.scannedAnswers()).isEqualTo(3);
    } finally {
      server.stop();
    }
  }
}
