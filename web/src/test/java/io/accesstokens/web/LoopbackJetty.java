package io.accesstokens.web;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A Jetty 12 for one test: on a free port of the loopback interface only, serving one context. */
final class LoopbackJetty {
  private LoopbackJetty() {}

  /** Starts a server for {@code context}; stop it with {@link Server#stop()}. */
  static Server start(ServletContextHandler context) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(context);
    server.start();
    return server;
  }

  /** The port {@code server} listens on. */
  static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }
}
