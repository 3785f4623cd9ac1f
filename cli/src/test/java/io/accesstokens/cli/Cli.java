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
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    Terminal terminal =
        Terminal.builder()
            .in(in)
            .out(new PrintWriter(out, true))
            .err(new PrintWriter(err, true))
            .environment(environment)
            .userHome(userHome.toString())
            .userName("tester")
            .sleeper(sleeper)
            .build();
    int exit = Console.run(terminal, args);
    Result result = new Result(exit, out.toString(), err.toString());
    scan(result, args);
    return result;
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
    if ("create".equals(command) || "copy".equals(command)) {
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
                  || line.startsWith("$ access-tokens copy ");
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

  /** What one command line did. */
  record Result(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    List<String> errLines() {
      return err.lines().toList();
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }
}
