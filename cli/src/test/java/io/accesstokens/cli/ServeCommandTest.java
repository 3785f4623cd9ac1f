package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.accesstokens.cli.Cli.Result;
import io.accesstokens.cli.Cli.Running;
import io.accesstokens.testing.CapturingAppender;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code serve}: the web page on the console's own configuration, database, copy key and audit log,
 * for one local operator signed in by a one-time link. Each test starts it in-process on a free
 * port ({@code --port 0}), talks to it as a browser does ({@link HttpClient} with cookies), and
 * stops it as Ctrl-C does.
 */
@ExtendWith(SecretLeakGuard.class)
class ServeCommandTest extends AcmeConsoleSuite {
  /** The link, alone on its line; group 1 is the page's base, group 2 the key. */
  private static final Pattern LINK =
      Pattern.compile(
          "(http://127\\.0\\.0\\.1:[1-9][0-9]*/)login\\?key=([0-9A-Za-z]{8}(?:\\.[0-9A-Za-z]{8}){5})");

  @Test
  void serve_printsAOneTimeLoginLink_aloneOnStandardOutput_andWhatItServesOnStandardError() {
    int mark = CapturingAppender.mark();
    Result stopped;
    String link;
    try (Running serve = cli.start("serve", "--port", "0")) {
      link = serve.awaitOutLine(LINK);
      serve.awaitErrLine(Pattern.compile(".*Stop with Ctrl-C\\."));
      String err = serve.err();
      Browser browser = new Browser(URI.create(link).resolve("/"));
      assertThat(browser.signIn(link).statusCode()).isEqualTo(303);

      assertThat(err)
          .startsWith("Created the copy key " + cli.home().resolve("copy.key"))
          .contains(
              "Serving the Access Tokens page on "
                  + URI.create(link).resolve("/")
                  + " to tester, administrator of the organization in "
                  + cli.home().resolve("console.properties")
                  + ".\n",
              "Open this link in a browser on this machine; it signs in once",
              "While it serves, it holds the embedded database "
                  + cli.home().resolve("tokens.mv.db")
                  + ": other access-tokens commands wait for it, 10 seconds at most, then exit"
                  + " with 5. Stop with Ctrl-C.\n")
          .doesNotContain("login?key=");
      stopped = serve.stop();
    }

    assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
    assertThat(stopped.outLines()).containsExactly(link);
    assertThat(stopped.errLines())
        .last()
        .isEqualTo("Stopped: the page is closed and the database released.");
    // Not a token value, a secret part or a digest to the shape scan (so a test's log scan does not
    // take it for one); the Cli helper records its key as the secret it is, and finds no piece of
    // it
    // on standard error, in audit.log or in the database. Nor did the server log one.
    Matcher key = LINK.matcher(link);
    assertThat(key.matches()).isTrue();
    assertThat(SecretLeakGuard.leak(link)).isNull();
    assertThat(Cli.loginKeyPieceIn(link)).as("the key is recorded").isNotNull();
    List<String> logged = CapturingAppender.lines();
    assertThat(logged.subList(Math.min(mark, logged.size()), logged.size()))
        .noneMatch(line -> Cli.loginKeyPieceIn(line) != null);
  }

  @Test
  void thePage_createsListsAndCopies_onTheConsolesDatabase_withItsCopyKey_andItsAuditLog() {
    String fromTheConsole = cli.create("acme", "production", "Partner X over AS2");
    String consoleId = Cli.idOf(fromTheConsole);
    String webId;
    String fromThePage;
    Result stopped;
    try (Running serve = cli.start("serve", "--port", "0")) {
      Browser browser = Browser.signedIn(serve);

      HttpResponse<String> page = browser.get("");
      HttpResponse<String> context = browser.get("api/context");
      HttpResponse<String> created =
          browser.post(
              "api/organizations/acme/tokens",
              "{\"environment\": \"sandbox\", \"description\": \"Partner Y\"}");
      fromThePage = Json.string(created.body(), "value");
      IssuedSecrets.record(fromThePage);
      webId = Json.string(created.body(), "id");
      HttpResponse<String> list = browser.get("api/organizations/acme/tokens");
      HttpResponse<String> copied =
          browser.post("api/organizations/acme/tokens/" + consoleId + "/copy", null);

      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
      assertThat(page.body()).contains("Access Tokens");
      assertThat(context.statusCode()).as(context.body()).isEqualTo(200);
      assertThat(Json.string(context.body(), "actor")).isEqualTo("tester");
      assertThat(Json.strings(context.body(), "organizations")).containsExactly("acme");
      assertThat(Json.strings(context.body(), "environments"))
          .containsExactly("production", "sandbox");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(Json.strings(list.body(), "id")).containsExactly(consoleId, webId);
      assertThat(copied.statusCode()).as(copied.body()).isEqualTo(200);
      assertThat(Json.string(copied.body(), "value"))
          .as("the value the console's create sealed, opened with the console's copy key")
          .isEqualTo(fromTheConsole);
      for (HttpResponse<String> answer : List.of(page, context, list)) {
        assertThat(SecretLeakGuard.leak(answer.body())).as(answer.uri().toString()).isNull();
        assertThat(Cli.loginKeyPieceIn(answer.body())).as(answer.uri().toString()).isNull();
      }
      stopped = serve.stop();
    }

    assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
    Result list = cli.run("list");
    Result copy = cli.run("copy", webId);
    assertThat(list.out())
        .containsPattern(webId + "  atk_" + webId + "…  Active  sandbox\\s+Partner Y\\s+EDI");
    assertThat(copy.out().strip()).isEqualTo(fromThePage);
    assertThat(auditLog())
        .containsExactly(
            List.of("CREATED", "acme", "production", consoleId, "1", "tester"),
            List.of("CREATED", "acme", "sandbox", webId, "1", "tester"),
            List.of("VALUE_COPIED", "acme", "production", consoleId, "1", "tester"),
            List.of("VALUE_COPIED", "acme", "sandbox", webId, "1", "tester"));
  }

  @Test
  void aWrongKey_aUsedLink_orNoKey_get403_andTheApiWithoutASession_401() {
    try (Running serve = cli.start("serve", "--port", "0")) {
      String link = serve.awaitOutLine(LINK);
      URI base = URI.create(link).resolve("/");
      Browser stranger = new Browser(base);
      String wrongKey = "AAAAAAAA.BBBBBBBB.CCCCCCCC.DDDDDDDD.EEEEEEEE.FFFFFFFF";

      HttpResponse<String> guessed = stranger.get("login?key=" + wrongKey);
      HttpResponse<String> noKey = stranger.get("login");
      HttpResponse<String> unsigned = stranger.get("api/context");
      HttpResponse<String> first = new Browser(base).signIn(link);
      HttpResponse<String> again = stranger.signIn(link);
      HttpResponse<String> afterwards = stranger.get("api/context");

      assertThat(guessed.statusCode()).isEqualTo(403);
      assertThat(guessed.body()).contains("This login link is not valid, or was already used");
      assertThat(noKey.statusCode()).isEqualTo(403);
      assertThat(unsigned.statusCode()).isEqualTo(401);
      assertThat(Json.string(unsigned.body(), "code")).isEqualTo("UNAUTHENTICATED");
      assertThat(first.statusCode()).isEqualTo(303);
      assertThat(first.headers().firstValue("Set-Cookie"))
          .hasValueSatisfying(
              cookie ->
                  assertThat(cookie)
                      .startsWith("access-tokens-session=")
                      .contains("HttpOnly", "SameSite=Strict"));
      assertThat(again.statusCode()).as("a link signs in once").isEqualTo(403);
      assertThat(afterwards.statusCode()).isEqualTo(401);
      assertThat(serve.stop().exitCode()).isZero();
    }
  }

  @Test
  void whileServing_itHoldsTheDatabase_andWhenStopped_releasesItAndThePort() throws IOException {
    int port;
    try (Running serve = cli.start("serve", "--port", "0")) {
      port = URI.create(serve.awaitOutLine(LINK)).getPort();

      assertThatThrownBy(this::lockTheDatabase)
          .as("H2, in this JVM, holds the database file's lock")
          .isInstanceOf(OverlappingFileLockException.class);
      assertThat(serve.stop().exitCode()).isZero();
    }

    try (FileChannel ignored = lockTheDatabase()) {
      // taken: the database is closed
    }
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
        .isInstanceOf(ConnectException.class);
    Result list = cli.run("list");
    assertThat(list.exitCode()).isZero();
    assertThat(list.err()).isEmpty();
  }

  @Test
  void organizationsAndEnvironmentsAddedWhileServing_appearOnTheNextLoad() {
    try (Running serve = cli.start("serve", "--port", "0")) {
      Browser browser = Browser.signedIn(serve);
      HttpResponse<String> before = browser.get("api/context");

      assertThat(cli.run("org", "add", "globex").exitCode()).isZero();
      assertThat(cli.run("org", "add", "initech", "--no-edi").exitCode()).isZero();
      assertThat(cli.run("--org", "globex", "env", "add", "test").exitCode()).isZero();
      HttpResponse<String> after = browser.get("api/context?organization=globex");
      HttpResponse<String> created =
          browser.post("api/organizations/globex/tokens", "{\"environment\": \"test\"}");
      IssuedSecrets.record(Json.string(created.body(), "value"));
      HttpResponse<String> notEntitled = browser.get("api/organizations/initech/tokens");

      assertThat(Json.strings(before.body(), "organizations")).containsExactly("acme");
      assertThat(Json.strings(after.body(), "organizations"))
          .containsExactly("acme", "globex", "initech");
      assertThat(Json.strings(after.body(), "environments")).containsExactly("test");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(notEntitled.statusCode()).isEqualTo(403);
      assertThat(Json.string(notEntitled.body(), "code")).isEqualTo("NOT_ENTITLED");
      assertThat(serve.stop().exitCode()).isZero();
    }
  }

  @Test
  void aConfigurationBrokenWhileServing_failsEveryRequest_saysSo_andIsReadAgainWhenFixed()
      throws IOException {
    Path config = cli.home().resolve("console.properties");
    String good = Files.readString(config);
    try (Running serve = cli.start("serve", "--port", "0")) {
      Browser browser = Browser.signedIn(serve);

      Files.writeString(config, good + "org.acme.edi=maybe\n");
      HttpResponse<String> broken = browser.get("api/organizations/acme/tokens");
      String warning = serve.err();
      Files.writeString(config, good);
      HttpResponse<String> fixed = browser.get("api/organizations/acme/tokens");

      assertThat(broken.statusCode()).isEqualTo(500);
      assertThat(Json.string(broken.body(), "code")).isEqualTo("INTERNAL_ERROR");
      assertThat(warning)
          .contains(
              "warning: the configuration "
                  + config
                  + " is invalid: org.acme.edi must be true or false; until it is fixed the page"
                  + " answers every request with an error.\n");
      assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(200);
      assertThat(serve.err())
          .contains("The configuration " + config + " is readable again; the page uses it.\n");
      assertThat(serve.stop().exitCode()).isZero();
    }
  }

  @Test
  void aRequestAddressedByAnotherHostName_isRefused() throws IOException {
    try (Running serve = cli.start("serve", "--port", "0")) {
      int port = URI.create(serve.awaitOutLine(LINK)).getPort();

      String rebound = rawGet(port, "attacker.example:" + port);
      String local = rawGet(port, "localhost:" + port);
      String loopback = rawGet(port, "127.0.0.1:" + port);

      assertThat(rebound)
          .startsWith("HTTP/1.1 403 ")
          .contains("This page answers only requests addressed to this machine by a loopback name");
      assertThat(local).startsWith("HTTP/1.1 200 ");
      assertThat(loopback).startsWith("HTTP/1.1 200 ").doesNotContain("\r\nServer:");
      assertThat(serve.stop().exitCode()).isZero();
    }
  }

  @Test
  void aBindAddressOtherMachinesReach_isRefusedWithoutAllowRemote() {
    Result refused = cli.run("serve", "--bind", "0.0.0.0", "--port", "0");

    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err())
        .isEqualTo(
            "access-tokens serve: --bind 0.0.0.0 lets other machines reach the page, which speaks"
                + " plain HTTP: token values and the login link would cross the network in clear;"
                + " add --allow-remote if that is what you mean (behind TLS), or leave --bind out"
                + " to serve this machine only (see 'access-tokens serve --help')\n");
    assertThat(refused.out()).isEmpty();
    assertThat(cli.home().resolve("tokens.mv.db")).doesNotExist();
  }

  @Test
  void withAllowRemote_itServesEveryInterface_warningThatThePageIsPlainHttp() {
    try (Running serve = cli.start("serve", "--bind", "0.0.0.0", "--allow-remote", "--port", "0")) {
      String link = serve.awaitOutLine(LINK);
      HttpResponse<String> signedIn = new Browser(URI.create(link).resolve("/")).signIn(link);

      assertThat(serve.err())
          .contains(
              "warning: serving on 0.0.0.0, which other machines can reach: the page speaks plain"
                  + " HTTP, so token values, the login link and the session cookie cross the"
                  + " network in clear.\n");
      assertThat(signedIn.statusCode()).isEqualTo(303);
      assertThat(serve.stop().exitCode()).isZero();
    }
  }

  @Test
  void aPortInUse_exits2_sayingSo_andLeavesTheDatabaseClosed() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Result refused = cli.run("serve", "--port", Integer.toString(port));

      refused
          .assertExitWithLastErrLine(2)
          .startsWith("access-tokens serve: cannot listen on 127.0.0.1:" + port + ": ")
          .endsWith("; give another --port (0 picks a free one) or --bind");
      assertThat(refused.out()).isEmpty();
    }
    try (FileChannel ignored = lockTheDatabase()) {
      // taken: the database is closed
    }
  }

  @Test
  void aPortOutOfRange_exits2() {
    Result refused = cli.run("serve", "--port", "65536");

    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err())
        .startsWith(
            "access-tokens serve: --port must be between 0 and 65535 (0 picks a free port), but"
                + " was 65536");
  }

  @Test
  void noCopyKey_whileTheDatabaseHoldsSealedValues_isRefusedAsCreateRefusesIt() throws IOException {
    cli.create("acme", "production", null);
    Files.delete(cli.home().resolve("copy.key"));

    Result refused = cli.run("serve", "--port", "0");
    Result create = cli.run("create", "--env", "production");

    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(8);
    assertThat(refused.err())
        .startsWith("access-tokens serve: there is no copy key (")
        .contains("or give --new-key to make a new key anyway");
    assertThat(refused.err().replace("access-tokens serve:", "access-tokens create:"))
        .isEqualTo(create.err());
    assertThat(cli.home().resolve("copy.key")).doesNotExist();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private FileChannel lockTheDatabase() throws IOException {
    FileChannel channel =
        FileChannel.open(cli.home().resolve("tokens.mv.db"), StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      assertThat(lock).as("the database file's lock").isNotNull();
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private List<List<String>> auditLog() {
    try {
      return Files.readAllLines(cli.home().resolve("audit.log")).stream()
          .map(line -> List.of(line.split("\t", -1)).subList(1, 7))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A GET of {@code /} with {@code host} as the Host header, which {@link HttpClient} does not let
   * a caller set: as a page on another site whose name resolves to 127.0.0.1 sends it.
   */
  private static String rawGet(int port, String host) throws IOException {
    try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
      socket.setSoTimeout((int) Cli.PATIENCE.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * A browser on this machine: keeps cookies, follows no redirect by itself, and sends the page's
   * anti-forgery token with every change, as the page's script does.
   */
  static final class Browser {
    private final URI base;
    private final HttpClient http;
    private String csrf;

    Browser(URI base) {
      this.base = base;
      this.http =
          HttpClient.newBuilder()
              .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(Duration.ofSeconds(30))
              .build();
    }

    /** A browser that opened the link serve printed. */
    static Browser signedIn(Running serve) {
      String link = serve.awaitOutLine(LINK);
      Browser browser = new Browser(URI.create(link).resolve("/"));
      HttpResponse<String> signedIn = browser.signIn(link);
      assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
      assertThat(signedIn.headers().firstValue("Location")).hasValue("/");
      return browser;
    }

    HttpResponse<String> signIn(String link) {
      return send(HttpRequest.newBuilder(URI.create(link)).GET());
    }

    HttpResponse<String> get(String path) {
      return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    HttpResponse<String> post(String path, String json) {
      if (csrf == null) {
        csrf = Json.string(get("api/context").body(), "csrfToken");
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(base.resolve(path)).header("X-CSRF-Token", csrf);
      if (json == null) {
        request.POST(HttpRequest.BodyPublishers.noBody());
      } else {
        request
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
      }
      return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
      try {
        return http.send(
            request.timeout(Cli.PATIENCE).build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Fields of the API's JSON answers, read with jackson-core (which the page's module brings). */
  static final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    /** The first string field named {@code name}, at any depth. */
    static String string(String json, String name) {
      List<String> values = strings(json, name);
      assertThat(values).as("field %s of %s", name, json).isNotEmpty();
      return values.get(0);
    }

    /**
     * Every string named {@code name}, at any depth, in order: a string field's value, or the
     * strings of an array field.
     */
    static List<String> strings(String json, String name) {
      List<String> values = new ArrayList<>();
      try (JsonParser parser = FACTORY.createParser(json)) {
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
          if (token == JsonToken.FIELD_NAME && parser.currentName().equals(name)) {
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_STRING) {
              values.add(parser.getText());
            } else if (value == JsonToken.START_ARRAY) {
              while (parser.nextToken() == JsonToken.VALUE_STRING) {
                values.add(parser.getText());
              }
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return values;
    }
  }
}
