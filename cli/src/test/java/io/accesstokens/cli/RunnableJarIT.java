package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.accesstokens.internal.TokenMint;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar, run as the README runs it ({@code java -jar cli/target/access-tokens-cli.jar
 * ...}) in a process of its own, with no standard input, an empty environment (but a UTF-8 locale)
 * and a temporary user home: the drivers and the log binding are found in the jar, and the console
 * is silent unless --verbose. Runs after {@code package} (the runnable-jar execution of surefire in
 * cli/pom.xml).
 */
@ExtendWith(SecretLeakGuard.class)
class RunnableJarIT {
  /**
   * How long a test waits for a process before calling it hung. Only a hang meets it ({@code
   * waitFor} returns as soon as the process ends), so it is set far above a slow run: on this
   * project's 2-core machine at load average 28, {@code version} took 26 s and the demo more than
   * the 120 s this bound once was. It keeps a real hang from holding the build for ever.
   */
  private static final long HANG_MINUTES = 10;

  private static Path jar;

  @TempDir Path dir;

  @BeforeAll
  static void findTheJar() {
    jar = Path.of(System.getProperty("access-tokens.cli.jar", "target/access-tokens-cli.jar"));
    assertThat(jar).as("the runnable jar (run mvn package)").exists();
  }

  @Test
  void theDemo_runsUnattended_andSilently() throws Exception {
    Run demo = java("demo");

    assertThat(demo.exit).as(demo.toString()).isZero();
    assertThat(demo.out)
        .contains("Error opening connection. Exception is: Error code: INVALID_TOKEN")
        .endsWith("Demo complete: every step answered as the page does.\n");
    assertThat(demo.err).as("no log lines, no SLF4J warnings").isEmpty();
    assertThat(dir.resolve("user")).isEmptyDirectory();
  }

  @Test
  void theEmbeddedDatabase_andTheDriversForJdbcUrls_areInTheJar() throws Exception {
    assertThat(java("--home", home(), "org", "add", "acme").exit).isZero();
    assertThat(java("--home", home(), "--org", "acme", "env", "add", "production").exit).isZero();

    Run created = java("--home", home(), "--org", "acme", "create", "--env", "production");
    Run list = java("--home", home(), "--org", "acme", "list");
    Run postgres = acmeListAt("jdbc:postgresql://127.0.0.1:1/x");
    Run mariadb = acmeListAt("jdbc:mariadb://127.0.0.1:1/x");

    assertThat(created.exit).as(created.toString()).isZero();
    assertThat(created.out).matches("atk_[0-9A-Za-z]{49}\n");
    String id = Cli.idOf(created.out.strip());
    assertThat(list.out).contains(id + "  atk_" + id + "…");
    for (Run unreachable : List.of(postgres, mariadb)) {
      assertThat(unreachable.exit).as(unreachable.toString()).isEqualTo(5);
      assertThat(unreachable.err.lines())
          .as(unreachable.toString())
          .singleElement()
          .asString()
          .startsWith("access-tokens list: cannot open the database jdbc:");
    }
  }

  @Test
  void errorsAreOneLine_andVerboseAddsTheLogAndTheStackTrace() throws Exception {
    java("--home", home(), "org", "add", "acme");

    Run missing = java("--home", home(), "list");
    Run quiet = java("--home", home(), "--org", "acme", "list");
    Run verbose = java("--home", home(), "--org", "acme", "list", "--verbose");
    Run failing = acmeListAt("jdbc:postgresql://127.0.0.1:1/x", "-v");

    assertThat(missing.exit).isEqualTo(2);
    assertThat(missing.err)
        .isEqualTo(
            "access-tokens list: missing the organization: give --org ORG or set"
                + " ACCESS_TOKENS_ORG (see 'access-tokens list --help')\n");
    assertThat(quiet.err).isEmpty();
    assertThat(verbose.exit).isZero();
    assertThat(verbose.err).contains("DEBUG io.accesstokens.jdbc");
    assertThat(failing.exit).isEqualTo(5);
    assertThat(failing.err).contains("\tat io.accesstokens.cli.", "Caused by: org.postgresql");
  }

  @Test
  void aDeleteWaitingForItsAnswer_holdsNoLock_soOtherCommandsRun() throws Exception {
    String id = setUpOneToken();
    Process delete =
        start(List.of("-jar", jar.toString(), "--home", home(), "--org", "acme", "delete", id));
    CompletableFuture<String> deleteOut = read(delete.getInputStream());
    String prompt = readUntil(delete.getErrorStream(), "[y/N] ");

    Run list = java("--home", home(), "--org", "acme", "list");
    delete.getOutputStream().write("n\n".getBytes(StandardCharsets.UTF_8));
    delete.getOutputStream().close();

    assertThat(prompt).startsWith("Are you sure you want to delete the access token " + id);
    assertThat(list.exit).as(list.toString()).isZero();
    assertThat(list.out).contains(id);
    assertThat(delete.waitFor(HANG_MINUTES, TimeUnit.MINUTES)).isTrue();
    assertThat(delete.exitValue()).isEqualTo(1);
    assertThat(deleteOut.join()).isEmpty();
  }

  @Test
  void anEmbeddedDatabaseAnotherProcessHolds_isWaitedFor_thenExits5_sayingSo() throws Exception {
    setUpOneToken();
    Process shell = holdTheDatabase();

    Run list = java("--home", home(), "--org", "acme", "list");
    shell.getOutputStream().close();

    assertThat(list.exit).as(list.toString()).isEqualTo(5);
    assertThat(list.err)
        .isEqualTo(
            "waiting for another access-tokens command to finish with "
                + dir.resolve("home/tokens.mv.db")
                + "...\n"
                + "access-tokens list: cannot open the database jdbc:h2:file:"
                + dir.resolve("home/tokens")
                + ": another process has had it open for 10 seconds, and an embedded H2 database"
                + " admits one at a time (is another access-tokens command, such as serve, still"
                + " running?)\n");
    assertThat(shell.waitFor(HANG_MINUTES, TimeUnit.MINUTES)).isTrue();
  }

  @Test
  void aCommandWaitingForTheEmbeddedDatabase_runsWhenItIsReleased() throws Exception {
    setUpOneToken();
    Process shell = holdTheDatabase();
    Process list =
        start(List.of("-jar", jar.toString(), "--home", home(), "--org", "acme", "list"));
    list.getOutputStream().close();
    CompletableFuture<String> out = read(list.getInputStream());

    String waiting = readUntil(list.getErrorStream(), "...\n");
    shell.getOutputStream().close();

    assertThat(waiting)
        .isEqualTo(
            "waiting for another access-tokens command to finish with "
                + dir.resolve("home/tokens.mv.db")
                + "...\n");
    assertThat(list.waitFor(HANG_MINUTES, TimeUnit.MINUTES)).isTrue();
    assertThat(list.exitValue()).isZero();
    assertThat(out.join()).startsWith("ID ");
    assertThat(shell.waitFor(HANG_MINUTES, TimeUnit.MINUTES)).isTrue();
  }

  /**
   * Five creates at once on one embedded database, as five operators (or a script's loop with
   * {@code &}) would run them: each waits its turn, and all five tokens are made. Five JVMs in a
   * row on a busy machine can hold the database longer than the default ten seconds in all (a
   * loaded CI run failed so), so the test sets the wait as such a script would; {@link
   * LockWaitTest} and the serve test hold the default bound.
   */
  @Test
  void fiveCreatesAtOnce_allSucceed() throws Exception {
    setUpOneToken();
    environment.put("ACCESS_TOKENS_LOCK_WAIT_SECONDS", "600");
    ExecutorService operators = Executors.newFixedThreadPool(5);
    List<Future<Run>> creates = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        creates.add(
            operators.submit(
                () -> java("--home", home(), "--org", "acme", "create", "--env", "production")));
      }
    } finally {
      operators.shutdown();
    }

    List<String> ids = new ArrayList<>();
    for (Future<Run> create : creates) {
      Run run = create.get(180, TimeUnit.SECONDS);
      assertThat(run.exit).as(run.toString()).isZero();
      ids.add(Cli.idOf(run.out.strip()));
    }
    Run list = java("--home", home(), "--org", "acme", "list");
    assertThat(list.out).contains(ids);
    assertThat(list.out.lines()).hasSize(7);
  }

  /**
   * {@code serve} as a user runs it: the link it prints signs a browser in, the page lists the
   * console's tokens (Jetty and the page are in the jar), another command finds the database held
   * (and says by what), and SIGTERM ({@link ProcessHandle#destroy}; Ctrl-C's SIGINT does the same)
   * stops it cleanly through its shutdown hook: exit 0, the database closed and intact.
   */
  @Test
  void serve_signsInWithItsLink_holdsTheDatabase_andStopsCleanlyOnSigterm() throws Exception {
    String id = setUpOneToken();
    Process serve =
        start(List.of("-jar", jar.toString(), "--home", home(), "serve", "--port", "0"));
    serve.getOutputStream().close();
    CompletableFuture<String> err = read(serve.getErrorStream());
    InputStream out = serve.getInputStream();
    CompletableFuture<String> restOfOut;
    String link;
    Run heldOut;
    try {
      link = readUntil(out, "\n").strip();
      restOfOut = read(out);
      Matcher key = Cli.LOGIN_LINK.matcher(link);
      assertThat(key.matches()).as(link).isTrue();
      Cli.recordLoginKey(key.group(1));
      ServeCommandTest.Browser browser =
          new ServeCommandTest.Browser(URI.create(link).resolve("/"));

      HttpResponse<String> signedIn = browser.signIn(link);
      HttpResponse<String> tokens = browser.get("api/organizations/acme/tokens");
      heldOut = java("--home", home(), "--org", "acme", "list");

      assertThat(signedIn.statusCode()).isEqualTo(303);
      assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
      assertThat(ServeCommandTest.Json.strings(tokens.body(), "id")).containsExactly(id);
    } finally {
      // SIGTERM, as Process.destroy() sends it, but leaving the process's streams open to be read.
      serve.toHandle().destroy();
    }

    assertThat(serve.waitFor(HANG_MINUTES, TimeUnit.MINUTES)).isTrue();
    String errText = err.join();
    assertThat(serve.exitValue()).as(errText).isZero();
    assertThat(restOfOut.join()).as("the link is the only line on standard output").isEmpty();
    assertThat(errText)
        .contains("Serving the Access Tokens page on " + URI.create(link).resolve("/"))
        .endsWith("Stopped: the page is closed and the database released.\n");
    assertThat(heldOut.exit).as(heldOut.toString()).isEqualTo(5);
    assertThat(heldOut.err)
        .endsWith(
            ": another process has had it open for 10 seconds, and an embedded H2 database admits"
                + " one at a time (is another access-tokens command, such as serve, still"
                + " running?)\n");
    Run after = java("--home", home(), "--org", "acme", "list");
    assertThat(after.exit).as(after.toString()).isZero();
    assertThat(after.err).isEmpty();
    assertThat(after.out).contains(id + "  atk_" + id + "…");
    String everything = errText + Files.readString(dir.resolve("home/audit.log"));
    assertThat(Cli.loginKeyPieceIn(everything)).isNull();
  }

  /**
   * An H2 shell of its own on the embedded database, which holds its file lock until its input
   * closes.
   */
  private Process holdTheDatabase() throws IOException {
    Process shell =
        start(
            List.of(
                "-cp",
                jar.toString(),
                "org.h2.tools.Shell",
                "-url",
                "jdbc:h2:file:" + dir.resolve("home/tokens"),
                "-user",
                "",
                "-password",
                ""));
    read(shell.getErrorStream());
    readUntil(shell.getInputStream(), "sql> ");
    return shell;
  }

  @Test
  void aValuePastedIntoTheWrongPlace_isRefused_andNeverEchoed() throws Exception {
    String id = setUpOneToken();
    String value = java("--home", home(), "--org", "acme", "copy", id).out.strip();
    IssuedSecrets.record(value);

    for (List<String> place :
        List.of(
            List.of("validate", "--env", "production", value),
            List.of("create", "--env", "production", value),
            List.of("list", value),
            List.of("list", "--after", value),
            List.of("--org", value, "list"),
            List.of("lst", value),
            List.of("--actor", value, "create", "--env", "production"),
            List.of("create", "--env", "production", "--description", value))) {
      List<String> args = new ArrayList<>(List.of("--home", home()));
      if (!place.contains("--org")) {
        args.addAll(List.of("--org", "acme"));
      }
      args.addAll(place);
      Run run = java(args.toArray(String[]::new));

      String shown = Cli.describe(place.toArray(String[]::new));
      String everything = run.out + run.err + Files.readString(dir.resolve("home/audit.log"));
      assertThat(IssuedSecrets.pieceIn(everything)).as("%s: a piece of the value", shown).isNull();
      // The shape scan takes a path of 43 characters for a Base64 digest: the test's own paths are
      // left out.
      assertThat(SecretLeakGuard.leak((run.out + run.err).replace(dir.toString(), "DIR")))
          .as("%s: secret-shaped output", shown)
          .isNull();
      assertThat(run.exit).as("%s: exit code", shown).isEqualTo(2);
      assertThat(run.err.lines()).as("%s: one line", shown).hasSize(1);
      assertThat(run.err)
          .as("%s: named by kind and length", shown)
          .contains("a token value (53 characters)");
    }
  }

  @Test
  void scan_findsValuesInAFileAndOnStandardInput_needingNoHome() throws Exception {
    String inFile = Fixtures.mint(TokenMint.newId());
    String piped = Fixtures.mint(TokenMint.newId());
    Path file = Files.writeString(dir.resolve("export.json"), "{\"token\": \"" + inFile + "\"}\n");
    Process scan = start(List.of("-jar", jar.toString(), "scan", file.toString(), "-"));
    CompletableFuture<String> out = read(scan.getInputStream());
    CompletableFuture<String> err = read(scan.getErrorStream());
    scan.getOutputStream()
        .write(("x\r\nBearer " + piped + "\r\n").getBytes(StandardCharsets.UTF_8));
    scan.getOutputStream().close();

    assertThat(scan.waitFor(HANG_MINUTES, TimeUnit.MINUTES)).isTrue();
    assertThat(scan.exitValue()).isEqualTo(1);
    assertThat(out.join())
        .isEqualTo(
            ScanCommand.shown(file.toString())
                + ":1:12: token "
                + Cli.idOf(inFile)
                + "\n(standard input):2:8: token "
                + Cli.idOf(piped)
                + "\n");
    assertThat(err.join()).isEmpty();
    assertThat(IssuedSecrets.pieceIn(out.join())).isNull();
    assertThat(dir.resolve("user")).isEmptyDirectory();
  }

  @Test
  void underAnOpenUmask_everyFileIsItsOwnersOnly() throws Exception {
    assumeThat(dir.getFileSystem().supportedFileAttributeViews()).contains("posix");
    assumeThat(Path.of("/bin/sh")).as("a shell to set the umask").exists();
    umask = "000";
    String id = setUpOneToken();
    java("--home", home(), "--org", "acme", "copy", id);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("home"))))
        .isEqualTo("rwx------");
    assertThat(FilesTest.modes(dir.resolve("home")))
        .containsKeys("console.properties", "tokens.mv.db", "copy.key", "audit.log")
        .allSatisfy((name, mode) -> assertThat(mode).as(name).isEqualTo("rw-------"));
  }

  @Test
  void version() throws Exception {
    Run version = java("--version");

    assertThat(version.exit).isZero();
    assertThat(version.out).matches("access-tokens \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
  }

  private String home() {
    return dir.resolve("home").toString();
  }

  /** Organization acme with environment production, and one token in it; returns its id. */
  private String setUpOneToken() throws Exception {
    java("--home", home(), "org", "add", "acme");
    java("--home", home(), "--org", "acme", "env", "add", "production");
    Run created = java("--home", home(), "--org", "acme", "create", "--env", "production");
    assertThat(created.exit).as(created.toString()).isZero();
    return Cli.idOf(created.out.strip());
  }

  /** {@code list} of acme's tokens in the database at {@code jdbcUrl}, with {@code options}. */
  private Run acmeListAt(String jdbcUrl, String... options)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(List.of("--home", home(), "--org", "acme", "--jdbc-url", jdbcUrl, "list"));
    args.addAll(List.of(options));
    return java(args.toArray(String[]::new));
  }

  private Run java(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("-jar", jar.toString()));
    command.addAll(List.of(args));
    Process process = start(command);
    process.getOutputStream().close();
    CompletableFuture<String> out = read(process.getInputStream());
    CompletableFuture<String> err = read(process.getErrorStream());
    assertThat(process.waitFor(HANG_MINUTES, TimeUnit.MINUTES)).as("finished in time").isTrue();
    return new Run(process.exitValue(), out.join(), err.join());
  }

  /** The umask the next processes start with (through /bin/sh), or {@code null} for this JVM's. */
  private String umask;

  /** Variables the next processes get, besides HOME and LANG. */
  private final Map<String, String> environment = new HashMap<>();

  /** {@code java ARGS} with an empty environment, a UTF-8 locale and a temporary user home. */
  private Process start(List<String> args) throws IOException {
    Files.createDirectories(dir.resolve("user"));
    List<String> command = new ArrayList<>();
    if (umask != null) {
      command.addAll(List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\""));
    }
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Duser.home=" + dir.resolve("user")));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().put("HOME", dir.resolve("user").toString());
    builder
        .environment()
        .put("LANG", "C.UTF-8"); // the masked values' ellipsis, whatever the build's locale
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** Reads {@code stream} until {@code marker}; returns what was read. */
  private static String readUntil(InputStream stream, String marker) throws IOException {
    StringBuilder text = new StringBuilder();
    int c;
    while ((c = stream.read()) != -1) {
      text.append((char) c);
      if (text.toString().endsWith(marker)) {
        return text.toString();
      }
    }
    throw new AssertionError("the process ended before printing " + marker + ": " + text);
  }

  private static CompletableFuture<String> read(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
  }
}
