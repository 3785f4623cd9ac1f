package io.accesstokens.cli;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The page on an embedded Jetty 12 for {@code serve}: the login servlet at {@code /login}, the page
 * and its API at every other address, on one address and port. Sized for one operator: one
 * acceptor, one selector, a few threads; no {@code Server} header. A request being answered when
 * the server stops is finished first, {@link #STOP_TIMEOUT} at most, so a change the operator sent
 * is either saved and answered or not made.
 */
final class PageServer {
  /** The longest {@link #stop} waits for the requests being answered. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private static final int MAX_THREADS = 16;

  /** Names a loopback address is known by (a {@code Host} header without its port). */
  private static final Set<String> LOOPBACK_NAMES =
      Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  private final Server server;
  private final ServerConnector connector;

  private PageServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Starts the server.
   *
   * @param port the port, or 0 for a free one ({@link #port()} says which)
   * @param loopbackOnly answer only requests addressed to a loopback name (see {@link
   *     LoopbackHostFilter})
   * @throws IOException if the address and port cannot be listened on (in use, not this machine's)
   */
  static PageServer start(
      InetAddress address, int port, HttpServlet page, HttpServlet login, boolean loopbackOnly)
      throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
    threads.setName("access-tokens-serve");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(address.getHostAddress());
    connector.setPort(port);
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder("login", login), "/login");
    context.addServlet(new ServletHolder("page", page), "/*");
    if (loopbackOnly) {
      context.addFilter(
          new FilterHolder(new LoopbackHostFilter(address)),
          "/*",
          EnumSet.of(DispatcherType.REQUEST));
    }
    server.setHandler(new GracefulHandler(context));
    server.setStopTimeout(STOP_TIMEOUT.toMillis());
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly(server);
      throw e;
    } catch (Exception e) {
      stopQuietly(server);
      throw new IllegalStateException("the embedded Jetty failed to start: " + e, e);
    }
    return new PageServer(server, connector);
  }

  /** The port it listens on: the one asked for, or the free one it was given for 0. */
  int port() {
    return connector.getLocalPort();
  }

  /**
   * Stops listening, finishes the requests being answered ({@link #STOP_TIMEOUT} at most), stops
   * the threads.
   */
  void stop() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the embedded Jetty failed to stop: " + e, e);
    }
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception ignored) {
      // it did not start; what it started is stopped as far as it can be
    }
  }

  /**
   * Answers only requests addressed to this machine by a loopback name ({@code localhost}, {@code
   * 127.0.0.1}, {@code [::1]}) or the address it listens on: a web page on another site cannot
   * rebind its own host name to 127.0.0.1 (DNS rebinding) to reach the page as its own origin. Its
   * requests could not sign in anyway (the login key is unknown to it, and the session cookie
   * belongs to 127.0.0.1, not to its name); this refuses them before they reach the page.
   */
  static final class LoopbackHostFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private final String boundAddress;

    LoopbackHostFilter(InetAddress address) {
      this.boundAddress = address.getHostAddress().toLowerCase(Locale.ROOT);
    }

    @Override
    protected void doFilter(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      String name = request.getServerName().toLowerCase(Locale.ROOT);
      if (LOOPBACK_NAMES.contains(name)
          || name.equals(boundAddress)
          || name.equals("[" + boundAddress + "]")) {
        chain.doFilter(request, response);
        return;
      }
      byte[] body =
          ("This page answers only requests addressed to this machine by a loopback name"
                  + " (127.0.0.1, localhost or [::1]): open the link the console printed.\n")
              .getBytes(StandardCharsets.UTF_8);
      response.setStatus(403);
      response.setContentType("text/plain;charset=UTF-8");
      response.setHeader("X-Content-Type-Options", "nosniff");
      response.setHeader("Cache-Control", "no-store");
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    }
  }
}
