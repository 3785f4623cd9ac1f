package io.accesstokens.cli;

import io.accesstokens.Actor;
import io.accesstokens.TokenService;
import io.accesstokens.web.AccessTokensServlet;
import io.accesstokens.web.LocalOperatorAccess;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The page itself (module {@code web}) on an embedded Jetty, over this console's configuration,
 * database, copy key and audit log, for the one operator who runs it: they sign in with a one-time
 * link printed at start.
 *
 * <p>The link is a secret, and goes where the console's secrets go: alone on its line on standard
 * output, as create's and copy's values do, while what it is goes to standard error. So a log of
 * standard error (where {@code --verbose} writes, and where a service manager collects) never holds
 * it, and a script can read it ({@code read -r link}). It signs in once: a link left in a
 * terminal's scrollback or a browser's history opens nothing once used, and nothing after the
 * server stops.
 */
@Command(
    name = "serve",
    header = "Serve the Access Tokens page to your browser, on this console's database.",
    description = {
      "Runs the page that hosts mount (module web) on an embedded web server, over this console's"
          + " configuration, database, copy key and audit log, for you alone: it prints a one-time"
          + " login link alone on standard output (what it serves, on standard error). Open it in a"
          + " browser on this machine: it signs you in once, as the actor (--actor), administrator"
          + " of every organization in console.properties. Organizations and environments added"
          + " meanwhile (org add, env add) appear when the page is next loaded. Copy keys follow"
          + " create's rules: the first serve of a console makes copy.key, like its first create.",
      "",
      "Runs until Ctrl-C (or SIGTERM): it then finishes the requests being answered, closes the"
          + " database and exits with 0. Meanwhile it holds the embedded database, so other"
          + " commands on it wait for it, 10 seconds at most, then exit with 5 (a --jdbc-url"
          + " database is shared as usual).",
      "",
      "Listens on 127.0.0.1, reachable from this machine only, and answers only requests"
          + " addressed to it by a loopback name. Another --bind address needs --allow-remote: the"
          + " page speaks plain HTTP, so token values and the login link would cross the network in"
          + " clear (put TLS in front of it, or reach 127.0.0.1 through an SSH tunnel instead)."
    })
final class ServeCommand implements Callable<Integer> {
  static final int DEFAULT_PORT = 8080;
  static final String DEFAULT_BIND = "127.0.0.1";
  private static final int MAX_PORT = 65535;

  @ParentCommand AccessTokensCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description =
          "The port to listen on; 0 picks a free one (the link says which). Default: 8080.")
  int port = DEFAULT_PORT;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      converter = Console.Text.class,
      description = "The address to listen on. Default: 127.0.0.1, this machine only.")
  String bind = DEFAULT_BIND;

  @Option(
      names = "--allow-remote",
      description =
          "Let --bind name an address other machines can reach (0.0.0.0, a network"
              + " interface's). The page speaks plain HTTP: put TLS in front of it.")
  boolean allowRemote;

  @Option(
      names = "--new-key",
      description =
          "As create's: make a new copy key although the database holds values sealed under"
              + " another one. Refused when there is a key.")
  boolean newKey;

  @Override
  public Integer call() throws InterruptedException {
    InetAddress address = address();
    boolean remote = !address.isLoopbackAddress();
    root.checkedHome();
    LiveConfig config = new LiveConfig(root.configFile(), err());
    Actor operator = root.actor();
    CountDownLatch stopRequested = new CountDownLatch(1);
    try (Database database = root.openDatabase(true);
        StopRequests.Registration stopRequest =
            root.terminal.stopRequests().onStop(stopRequested::countDown)) {
      TokenService service =
          root.service(
              database, CopyKeys.Use.CREATE, newKey, config.entitlements(), config.environments());
      LocalOperatorAccess access =
          LocalOperatorAccess.builder(operator).organizations(config::organizations).build();
      AccessTokensServlet page =
          AccessTokensServlet.builder(service, config.environments(), access).build();
      PageServer server = listen(address, page, access, !remote);
      try {
        URI base = base(address, server.port());
        if (remote) {
          err()
              .println(
                  "warning: serving on "
                      + address.getHostAddress()
                      + ", which other machines can reach: the page speaks plain HTTP, so token"
                      + " values, the login link and the session cookie cross the network in"
                      + " clear.");
        }
        announce(base, access, operator, config);
        stopRequested.await();
      } finally {
        server.stop();
      }
    }
    err().println("Stopped: the page is closed and the database released.");
    return ExitCode.OK.code();
  }

  /**
   * The address to listen on, checked with the port.
   *
   * @throws ParameterException if the port is out of range, the address unknown, or reachable from
   *     other machines without {@code --allow-remote}
   */
  private InetAddress address() {
    if (port < 0 || port > MAX_PORT) {
      throw new ParameterException(
          spec.commandLine(),
          "--port must be between 0 and " + MAX_PORT + " (0 picks a free port), but was " + port);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new ParameterException(
          spec.commandLine(), "--bind: " + bind + " is not an address or a known host name");
    }
    if (!address.isLoopbackAddress() && !allowRemote) {
      throw new ParameterException(
          spec.commandLine(),
          "--bind "
              + bind
              + " lets other machines reach the page, which speaks plain HTTP: token values and"
              + " the login link would cross the network in clear; add --allow-remote if that is"
              + " what you mean (behind TLS), or leave --bind out to serve this machine only");
    }
    return address;
  }

  private PageServer listen(
      InetAddress address, AccessTokensServlet page, LocalOperatorAccess access, boolean loopback) {
    try {
      return PageServer.start(address, port, page, access.loginServlet("/"), loopback);
    } catch (IOException e) {
      Throwable reason = e.getCause() != null ? e.getCause() : e;
      throw new ConsoleException(
          ExitCode.USAGE,
          "cannot listen on "
              + hostAndPort(address, port)
              + ": "
              + reason.getMessage()
              + "; give another --port (0 picks a free one) or --bind",
          e);
    }
  }

  /**
   * Says what is served, to whom and how to stop it on standard error, and the login link alone on
   * standard output (see the class comment).
   */
  private void announce(URI base, LocalOperatorAccess access, Actor operator, LiveConfig config) {
    int organizations = config.organizations().size();
    PrintWriter err = err();
    err.println(
        "Serving the Access Tokens page on "
            + base
            + " to "
            + operator.name()
            + ", administrator of "
            + (organizations == 1 ? "the organization" : "the " + organizations + " organizations")
            + " in "
            + root.configFile()
            + ".");
    if (organizations == 0) {
      err.println(
          "There is none yet: add one with access-tokens org add ORG, then reload the page.");
    }
    err.println(
        "Open this link in a browser on this machine; it signs in once, and a new serve prints"
            + " a new one:");
    err.flush();
    PrintWriter out = root.terminal.out();
    out.println(access.newLoginLink(base));
    out.flush();
    err.println(
        (root.jdbcUrl == null
                ? "While it serves, it holds the embedded database "
                    + root.home().resolve(Database.EMBEDDED_NAME + ".mv.db")
                    + ": other access-tokens commands wait for it, 10 seconds at most, then exit"
                    + " with 5. "
                : "")
            + "Stop with Ctrl-C.");
    err.flush();
  }

  /**
   * The page's address as a browser on this machine reaches it: the address listened on, or the
   * loopback address for a wildcard ({@code 0.0.0.0}, {@code ::}).
   */
  private static URI base(InetAddress address, int port) {
    String host;
    if (address.isAnyLocalAddress()) {
      host = address instanceof Inet6Address ? "::1" : "127.0.0.1";
    } else {
      host = address.getHostAddress();
    }
    try {
      return new URI("http", null, host, port, "/", null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("no URI for " + host + " and port " + port, e);
    }
  }

  private static String hostAndPort(InetAddress address, int port) {
    String host = address.getHostAddress();
    return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
  }

  private PrintWriter err() {
    return root.terminal.err();
  }
}
