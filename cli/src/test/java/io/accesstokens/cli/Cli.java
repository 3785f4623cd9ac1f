package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.TokenSecret;
import io.accesstokens.internal.Redaction;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.testing.IssuedSecrets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.AbstractStringAssert;

/**
 * Drives the console as a user would, in-process: arguments, environment and standard input in;
 * exit code, standard output and standard error out. The user's home and the console's home are
 * temporary directories, so no test ever touches the real ones, and the real environment is never
 * seen.
 *
 * <p>Every run is scanned ({@link #scan}): its standard output and error, and what the console
 * keeps in its home (audit.log, console.properties, the embedded database), for any piece of a
 * secret issued in this JVM ({@link IssuedSecrets#pieceIn}). A run that shows one fails the test
 * that made it. The shape-based scan ({@code SecretLeakGuard.leak}) is not applied to every run:
 * the console prints paths, and a path of 43 characters looks like a Base64 digest to it; the
 * suites that paste values apply it themselves, to output whose paths they know.
 *
 * <p>{@code serve} runs until it is stopped, so it is started ({@link #start}) rather than run: its
 * one-time login link is a secret of its own, recorded when it is shown (the line on standard
 * output that is the link) and looked for, like a token's secret, in every later output and file.
 */
final class Cli {
  private final Path userHome;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private Sleeper sleeper = Sleeper.system();

  /**
   * A console whose home is {@code dir/home} (ACCESS_TOKENS_HOME) and whose user's home is {@code
   * dir/user}.
   */
  Cli(Path dir) {
    this.userHome = dir.resolve("user");
    environment.put("ACCESS_TOKENS_HOME", dir.resolve("home").toString());
  }

  /** Sets an environment variable of the console's process; {@code null} unsets it. */
  Cli env(String name, String value) {
    if (value == null) {
      environment.remove(name);
    } else {
      environment.put(name, value);
    }
    return this;
  }

  /** The clock and sleep the console's waits use (a test's, to wait without waiting). */
  Cli sleeper(Sleeper sleeper) {
    this.sleeper = sleeper;
    return this;
  }

  /** The console's home: ACCESS_TOKENS_HOME, else the default one in the user's home. */
  Path home() {
    String home = environment.get("ACCESS_TOKENS_HOME");
    return home != null ? Path.of(home) : userHome.resolve(AccessTokensCommand.HOME_DIRECTORY);
  }

  Path userHome() {
    return userHome;
  }

  Result run(String... args) {
    return run(InputStream.nullInputStream(), args);
  }

  Result withInput(String input, String... args) {
    return run(new ByteArrayInputStream(input.getBytes(Charset.defaultCharset())), args);
  }

  Result run(InputStream in, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Terminal terminal = terminal(in, out, err, stop -> () -> {});
    int exit = Console.run(terminal, args);
    Result result = new Result(exit, out.toString(), err.toString());
    scan(result, args);
    return result;
  }

  private Terminal terminal(InputStream in, Writer out, Writer err, StopRequests stopRequests) {
    return Terminal.builder()
        .in(in)
        .out(new PrintWriter(out, true))
        .err(new PrintWriter(err, true))
        .environment(environment)
        .userHome(userHome.toString())
        .userName("tester")
        .sleeper(sleeper)
        .stopRequests(stopRequests)
        .build();
  }

  // ---- a command that runs until it is stopped
  // ---------------------------------------------------

  /** How long a test waits for a running command's line, or for it to end: long, for busy CI. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  /**
   * Starts a command that runs until it is stopped ({@code serve}) on a thread of its own, with
   * empty standard input; {@link Running#stop} asks it to stop as Ctrl-C does.
   */
  Running start(String... args) {
    return new Running(args);
  }

  /** A command running on a thread of its own, and what it has printed so far. */
  final class Running implements AutoCloseable {
    private final String[] args;
    private final Transcript out = new Transcript();
    private final Transcript err = new Transcript();
    private final AtomicReference<Runnable> stopRequest = new AtomicReference<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private Result result;

    private Running(String[] args) {
      this.args = args.clone();
      StopRequests stopRequests =
          stop -> {
            stopRequest.set(stop);
            return () -> stopRequest.compareAndSet(stop, null);
          };
      Terminal terminal = terminal(InputStream.nullInputStream(), out, err, stopRequests);
      Thread thread =
          new Thread(
              () -> {
                try {
                  exit.complete(Console.run(terminal, this.args));
                } catch (Throwable e) {
                  exit.completeExceptionally(e);
                } finally {
                  out.end();
                  err.end();
                }
              },
              "cli " + describe(args));
      thread.setDaemon(true);
      thread.start();
    }

    /**
     * The first line of standard output that matches {@code pattern}, as soon as it is printed.
     *
     * @throws AssertionError if the command ends first, or prints none within {@link #PATIENCE}
     */
    String awaitOutLine(Pattern pattern) {
      return awaitLine(out, pattern);
    }

    /** {@link #awaitOutLine} on standard error. */
    String awaitErrLine(Pattern pattern) {
      return awaitLine(err, pattern);
    }

    private String awaitLine(Transcript transcript, Pattern pattern) {
      return transcript
          .awaitLine(pattern)
          .orElseThrow(
              () ->
                  new AssertionError(
                      "no line matching "
                          + pattern
                          + " from "
                          + describe(args)
                          + "\n--- out\n"
                          + out.text()
                          + "--- err\n"
                          + err.text()));
    }

    /** Standard error so far. */
    String err() {
      return err.text();
    }

    /** Asks the command to stop, as Ctrl-C does; waits for it to end; scans what it showed. */
    Result stop() {
      Runnable stop = stopRequest.get();
      if (stop == null) {
        throw new AssertionError(describe(args) + " is not waiting to be stopped:\n" + err.text());
      }
      stop.run();
      return awaitEnd();
    }

    /** Waits for a command that ends by itself (a refusal); scans what it showed. */
    Result awaitEnd() {
      if (result == null) {
        int code;
        try {
          code = exit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
          throw new AssertionError(describe(args) + " did not end:\n" + err.text(), e);
        }
        result = new Result(code, out.text(), err.text());
        scan(result, args);
      }
      return result;
    }

    /** Stops the command if it still runs (a test that failed half-way), without checking. */
    @Override
    public void close() {
      Runnable stop = stopRequest.get();
      if (stop != null && !exit.isDone()) {
        stop.run();
        try {
          exit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
          // the test has failed already; nothing more to say
        }
      }
    }
  }

  /**
   * What a running command has written to one stream, and a wait for a line of it: a waiter wakes
   * on every write and when the command ends; nothing polls.
   */
  private static final class Transcript extends Writer {
    private final StringBuilder text = new StringBuilder();
    private boolean ended;

    @Override
    public synchronized void write(char[] buffer, int offset, int length) {
      text.append(buffer, offset, length);
      notifyAll();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    synchronized void end() {
      ended = true;
      notifyAll();
    }

    synchronized String text() {
      return text.toString();
    }

    /** The first whole line matching {@code pattern}; empty if the command ended without one. */
    synchronized Optional<String> awaitLine(Pattern pattern) {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (true) {
        int start = 0;
        for (int end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
          String line = text.substring(start, end);
          if (pattern.matcher(line).matches()) {
            return Optional.of(line);
          }
          start = end + 1;
        }
        long left = deadline - System.nanoTime();
        if (ended || left <= 0) {
          return Optional.empty();
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
    }
  }

  // ---- the scan of every run
  // ---------------------------------------------------------------------

  /** Files of the home that the console writes text into, where no secret may ever be. */
  private static final List<String> HOME_FILES =
      List.of("audit.log", "console.properties", "tokens.mv.db");

  /**
   * Fails unless {@code result} and the home's files are free of secrets. The values a command
   * shows on purpose are recorded first ({@link IssuedSecrets#record}), so every later run is
   * scanned for pieces of them, and are then left out of this run's scan: exactly the lines that
   * are the shown values (see {@link #shownValues}), nothing else. So a shown value elsewhere in
   * the output (on standard error, or twice), another value, or any piece of one still fails the
   * run.
   */
  private void scan(Result result, String... args) {
    List<String> shown = shownValues(result, args);
    shown.forEach(IssuedSecrets::record);
    List<String> outLines = new ArrayList<>(result.outLines());
    for (String value : shown) {
      outLines.remove(value); // one line per showing
    }
    for (String link : shownLoginLinks(result, args)) {
      outLines.remove(link);
    }
    String command = describe(args);
    check("standard output of " + command, String.join("\n", outLines));
    check("standard error of " + command, result.err());
    for (String name : HOME_FILES) {
      Path file = home().resolve(name);
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        try {
          // The database is binary: ISO-8859-1 reads every byte as one character, so text stored in
          // clear (a description, an actor) reads as itself.
          check(
              name + " after " + command,
              new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private static void check(String where, String text) {
    String piece = IssuedSecrets.pieceIn(text);
    if (piece != null) {
      throw new AssertionError(where + " carries " + piece);
    }
    String key = loginKeyPieceIn(text);
    if (key != null) {
      throw new AssertionError(where + " carries " + key);
    }
  }

  // ---- serve's login links
  // -----------------------------------------------------------------------

  /** A login link as serve shows it, alone on its line; group 1 is its key. */
  static final Pattern LOGIN_LINK =
      Pattern.compile("http://[^/\\s]+/login\\?key=([0-9A-Za-z]{8}(?:\\.[0-9A-Za-z]{8}){5})");

  /**
   * The keys of every login link shown in this JVM: secrets of their own, which the shape scan does
   * not take for token values or digests (groups of eight letters and digits joined by dots) and
   * {@link IssuedSecrets} does not hold (it records token values).
   */
  private static final Set<String> LOGIN_KEYS = ConcurrentHashMap.newKeySet();

  /**
   * The login links {@code serve} showed, each a whole line of standard output, recorded before
   * they are left out of this run's scan.
   */
  private static List<String> shownLoginLinks(Result result, String... args) {
    if (!"serve".equals(commandOf(args))) {
      return List.of();
    }
    List<String> links = new ArrayList<>();
    for (String line : result.outLines()) {
      Matcher link = LOGIN_LINK.matcher(line);
      if (link.matches()) {
        recordLoginKey(link.group(1));
        links.add(line);
      }
    }
    return links;
  }

  /** Records a login key: from now on, every scan looks for a piece of it. */
  static void recordLoginKey(String key) {
    LOGIN_KEYS.add(key);
  }

  /**
   * Which piece of a recorded login key {@code text} holds (any {@value IssuedSecrets#SECRET_PIECE}
   * characters of it), described without quoting it; or {@code null}.
   */
  static String loginKeyPieceIn(String text) {
    for (String key : LOGIN_KEYS) {
      for (int at = 0; at + IssuedSecrets.SECRET_PIECE <= key.length(); at++) {
        int found = text.indexOf(key.substring(at, at + IssuedSecrets.SECRET_PIECE));
        if (found >= 0) {
          return "a piece ("
              + IssuedSecrets.SECRET_PIECE
              + "+ characters) of a login key, at index "
              + found;
        }
      }
    }
    return null;
  }

  /**
   * The values a successful run shows on purpose, each on a line of its own on standard output:
   * {@code create}'s and {@code copy}'s one line, and in the {@code demo} the line right after each
   * {@code $ access-tokens create ...} and {@code $ access-tokens copy ...} it prints. Only lines
   * that are whole, well-formed values count.
   */
  private static List<String> shownValues(Result result, String... args) {
    if (result.exitCode() != 0) {
      return List.of();
    }
    String command = commandOf(args);
    List<String> lines = result.outLines();
    List<String> shown = new ArrayList<>();
    if ("create".equals(command) || "copy".equals(command) || "rotate".equals(command)) {
      if (lines.size() == 1 && isValue(lines.get(0))) {
        shown.add(lines.get(0));
      }
    } else if ("demo".equals(command)) {
      // The demo shows each step's command line, then its output (standard error included): the
      // value a create or copy step shows is the one value line before the next step's line.
      boolean showing = false;
      for (String line : lines) {
        if (line.startsWith("$ ") || line.startsWith("== ")) {
          showing =
              line.startsWith("$ access-tokens create ")
                  || line.startsWith("$ access-tokens copy ")
                  || line.startsWith("$ access-tokens rotate ");
        } else if (showing && isValue(line)) {
          shown.add(line);
          showing = false;
        }
      }
    }
    return shown;
  }

  private static boolean isValue(String line) {
    return line.length() == TokenFormat.LENGTH && TokenFormat.isWellFormed(line);
  }

  /**
   * The global options that take a value (in the next argument unless given as {@code
   * --opt=value}).
   */
  private static final List<String> VALUED_OPTIONS =
      List.of(
          "--org", "--actor", "--home", "--jdbc-url", "--table-prefix", "--key-file", "--key-id");

  /**
   * The command a command line runs: its first word that is neither an option nor an option's
   * value.
   */
  private static String commandOf(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (VALUED_OPTIONS.contains(args[i])) {
        i++;
      } else if (!args[i].startsWith("-")) {
        return args[i];
      }
    }
    return null;
  }

  /**
   * The command line, for a failure message: arguments that may hold a secret by kind and length.
   */
  static String describe(String... args) {
    List<String> words = new ArrayList<>();
    for (String arg : args) {
      words.add(Redaction.mayHoldSecret(arg) ? "<" + Redaction.describe(arg) + ">" : arg);
    }
    return "`access-tokens " + String.join(" ", words) + "`";
  }

  /** Configures an organization with EDI access and these environments. */
  Cli organization(String organization, String... environments) {
    assertThat(run("org", "add", organization).exitCode()).isZero();
    for (String environmentName : environments) {
      assertThat(run("--org", organization, "env", "add", environmentName).exitCode()).isZero();
    }
    return this;
  }

  /** Creates a token; returns its full value. */
  String create(String organization, String environmentName, String description) {
    Result created =
        description == null
            ? run("--org", organization, "create", "--env", environmentName)
            : run(
                "--org",
                organization,
                "create",
                "--env",
                environmentName,
                "--description",
                description);
    assertThat(created.exitCode()).as(created.toString()).isZero();
    return created.out().strip();
  }

  static String idOf(String value) {
    return TokenSecret.of(value).id().toString();
  }

  /** {@code created}, a create, was refused because others can read {@code keyFile}. */
  static void assertKeyFileOthersCanReadWasRefused(Result created, Path keyFile) {
    assertOpenToOthersWasRefused(created, "create", "key file", keyFile, "read");
  }

  /**
   * {@code result}, of {@code command}, was refused (exit 8, one line) because others can {@code
   * access} (read, written) the {@code what} {@code file}, naming the chmod that fixes it.
   */
  static void assertOpenToOthersWasRefused(
      Result result, String command, String what, Path file, String access) {
    result.assertExitWithErrLines(
        8,
        "access-tokens "
            + command
            + ": the "
            + what
            + " "
            + file
            + " can be "
            + access
            + " by other users; restrict it with: chmod 600 "
            + file);
  }

  /** What one command line did. */
  record Result(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    List<String> errLines() {
      return err.lines().toList();
    }

    /**
     * Asserts that the command exited with {@code expectedExitCode} and printed exactly {@code
     * expectedErrLines} on standard error; returns this result for further checks.
     */
    Result assertExitWithErrLines(int expectedExitCode, String... expectedErrLines) {
      assertThat(exitCode).as(toString()).isEqualTo(expectedExitCode);
      assertThat(errLines()).containsExactly(expectedErrLines);
      return this;
    }

    /**
     * Asserts that the command exited with {@code expectedExitCode} and printed one line on
     * standard error; returns an assertion on that line.
     */
    AbstractStringAssert<?> assertExitWithOneErrLine(int expectedExitCode) {
      assertThat(exitCode).as(toString()).isEqualTo(expectedExitCode);
      return assertThat(errLines()).singleElement().asString();
    }

    /**
     * Asserts that the command exited with {@code expectedExitCode} and printed at least one line
     * on standard error; returns an assertion on the last one.
     */
    AbstractStringAssert<?> assertExitWithLastErrLine(int expectedExitCode) {
      assertThat(exitCode).as(toString()).isEqualTo(expectedExitCode);
      return assertThat(errLines()).last().asString();
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }
}
