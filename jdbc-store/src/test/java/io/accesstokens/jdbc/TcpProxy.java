package io.accesstokens.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A TCP proxy in the test JVM between the store and a database, which a test can break on demand:
 * {@link #cut()} closes every connection (a network failure or a database node lost), {@link
 * #blackhole} stops forwarding while keeping the sockets open (a partition: nothing arrives,
 * nothing fails), and {@link #cutWhenClientSends} lets the first chunk carrying a marker (say
 * {@code COMMIT}) reach the database and then cuts that connection before the answer comes back.
 * Listens on the loopback only; every thread it starts is a daemon and ends on {@link #close()}.
 */
final class TcpProxy implements AutoCloseable {
  private static final Pattern JDBC_URL =
      Pattern.compile("^(jdbc:[a-z]+://)([^/:?]+)(?::(\\d+))?(/.*)?$");

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicInteger cuts = new AtomicInteger();
  private final List<Integer> upstreamPorts = new CopyOnWriteArrayList<>();
  private final AtomicReference<byte @Nullable []> cutMarker = new AtomicReference<>();
  private volatile boolean blackholed;
  private volatile boolean closed;

  TcpProxy(String host, int port) throws IOException {
    this.target = new InetSocketAddress(host, port);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy in front of the database that {@code db}'s data source reaches. */
  static TcpProxy inFrontOf(TestDatabase db) throws IOException {
    DataSource dataSource = db.dataSource();
    if (dataSource instanceof PGSimpleDataSource pg) {
      int port =
          pg.getPortNumbers() == null || pg.getPortNumbers()[0] == 0
              ? 5432
              : pg.getPortNumbers()[0];
      return new TcpProxy(pg.getServerNames()[0], port);
    }
    Matcher m = parse(mariaDb(dataSource).getUrl());
    return new TcpProxy(m.group(2), m.group(3) == null ? 3306 : Integer.parseInt(m.group(3)));
  }

  /**
   * A plain data source like {@code db}'s (same database, user, settings), reaching it through this
   * proxy. Connecting gives up after 2 seconds, as a host's pool makes its driver do (Hikari sets
   * the login timeout from its connection timeout): a connection attempt is the pool's to bound,
   * not the store's.
   */
  DataSource dataSource(TestDatabase db) throws Exception {
    DataSource dataSource = db.dataSource();
    DataSource through;
    if (dataSource instanceof PGSimpleDataSource pg) {
      PGSimpleDataSource viaProxy = new PGSimpleDataSource();
      viaProxy.setURL(pg.getURL());
      viaProxy.setUser(pg.getUser());
      viaProxy.setPassword(pg.getPassword());
      viaProxy.setServerNames(new String[] {"127.0.0.1"});
      viaProxy.setPortNumbers(new int[] {port()});
      through = viaProxy;
    } else {
      Matcher m = parse(mariaDb(dataSource).getUrl());
      through =
          new MariaDbDataSource(
              m.group(1) + "127.0.0.1:" + port() + (m.group(4) == null ? "" : m.group(4)));
    }
    through.setLoginTimeout(2);
    return through;
  }

  private static MariaDbDataSource mariaDb(DataSource dataSource) {
    if (dataSource instanceof MariaDbDataSource maria) {
      return maria;
    }
    throw new IllegalArgumentException("no TCP address behind " + dataSource.getClass().getName());
  }

  private static Matcher parse(String url) {
    Matcher m = JDBC_URL.matcher(url);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a host:port JDBC URL: " + url.replaceAll("password=[^&]*", "password=..."));
    }
    return m;
  }

  int port() {
    return server.getLocalPort();
  }

  /**
   * The local ports of every connection this proxy opened to the database: how the server knows
   * them.
   */
  List<Integer> upstreamPorts() {
    return List.copyOf(upstreamPorts);
  }

  /** Connections open now. */
  int open() {
    return links.size();
  }

  /** Connections cut so far, by {@link #cut()} or a marker. */
  int cuts() {
    return cuts.get();
  }

  /** Closes every open connection at once; later connections work. */
  void cut() {
    for (Link link : links) {
      link.cut();
    }
  }

  /**
   * While on, no byte is forwarded either way, on open and new connections; the sockets stay open.
   */
  void blackhole(boolean on) {
    blackholed = on;
  }

  /**
   * The next chunk a client sends that contains {@code marker} (ASCII) is forwarded to the
   * database, whose side is then half-closed after it, and the client's side is closed at once: the
   * database acts on the chunk, and its answer never reaches the client.
   */
  void cutWhenClientSends(String marker) {
    cutMarker.set(marker.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether the armed marker has been seen (and its connection cut). */
  boolean markerFired() {
    return cutMarker.get() == null;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    cut();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(target, 5_000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      upstreamPorts.add(upstream.getLocalPort());
      Link link = new Link(client, upstream);
      links.add(link);
      link.start();
    }
  }

  /** One client connection and its connection to the database, with a pump each way. */
  private final class Link {
    final Socket client;
    final Socket upstream;

    /** Closed both ways. */
    volatile boolean wasCut;

    /** The client is gone after a marker; the database's answer is read and dropped. */
    volatile boolean answerLost;

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void start() {
      startPump(client, upstream, true);
      startPump(upstream, client, false);
    }

    private void startPump(Socket from, Socket to, boolean fromClient) {
      Thread pump =
          new Thread(
              () -> pump(from, to, fromClient),
              "tcp-proxy-"
                  + server.getLocalPort()
                  + (fromClient ? "-up-" : "-down-")
                  + from.getPort());
      pump.setDaemon(true);
      pump.start();
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
      byte[] buffer = new byte[16 * 1024];
      boolean handedOver = false;
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        while (true) {
          int n = in.read(buffer);
          if (n < 0) {
            break;
          }
          while (blackholed && !wasCut && !closed) {
            Thread.sleep(5); // held, as a partitioned network holds what it was given
          }
          if (wasCut) {
            break;
          }
          if (answerLost) {
            continue; // the database's answer to a client that is gone
          }
          byte[] marker = fromClient ? cutMarker.get() : null;
          if (marker != null
              && contains(buffer, n, marker)
              && cutMarker.compareAndSet(marker, null)) {
            // The client is cut before the chunk goes on: a database that answers at once must not
            // have its answer forwarded by the other pump before this one has cut.
            answerLost = true;
            cuts.incrementAndGet();
            closeQuietly(client); // the client never sees the answer
            out.write(buffer, 0, n);
            out.flush();
            upstream.setSoTimeout(30_000);
            to.shutdownOutput(); // the database reads the chunk, then an orderly end of stream
            handedOver = true; // the other pump drops the answer and closes when the database does
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // a cut, or the other side went away
      } finally {
        if (!handedOver) {
          closeBoth();
        }
      }
    }

    void cut() {
      if (!wasCut && !answerLost) {
        cuts.incrementAndGet();
      }
      wasCut = true;
      closeBoth();
    }

    private void closeBoth() {
      closeQuietly(client);
      closeQuietly(upstream);
      links.remove(this);
    }
  }

  private static boolean contains(byte[] haystack, int length, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public String toString() {
    return "TcpProxy[127.0.0.1:" + port() + " -> " + target + "]";
  }
}
