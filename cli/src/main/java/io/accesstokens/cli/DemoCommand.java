package io.accesstokens.cli;

import io.accesstokens.TokenSecret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * The seed page's whole flow, run as real command lines of this console against a database in a new
 * temporary directory, each printed before its output. Reads no standard input (the two answers it
 * needs are piped in, and shown so), so it runs unattended; deletes the directory at the end.
 */
@Command(
    name = "demo",
    header = "Walk through the whole page on a throwaway database, printing each step.",
    description = {
      "Runs real commands of this console, each shown as you would type it, in a new temporary"
          + " directory that is deleted at the end: it reads no standard input and touches neither"
          + " your configuration, nor your database, nor your key (it ignores --home, --jdbc-url,"
          + " --org and the key options). Exits with 0 when every step answered as the page does."
    })
final class DemoCommand implements Callable<Integer> {
  static final String ORGANIZATION = "demo-org";

  @ParentCommand AccessTokensCommand root;

  @Override
  public Integer call() throws IOException {
    Path directory = Files.createTempDirectory("access-tokens-demo-");
    try {
      return new Walkthrough(root.terminal, directory).run().code();
    } finally {
      deleteRecursively(directory);
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(directory)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : paths) {
      Files.deleteIfExists(path);
    }
  }

  /** A step did not answer as the page does. */
  private static final class StepFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StepFailed(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Walkthrough {
    private final Terminal terminal;
    private final PrintWriter out;
    private final Path directory;
    private final Map<String, String> environment;

    Walkthrough(Terminal terminal, Path directory) {
      this.terminal = terminal;
      this.out = terminal.out();
      this.directory = directory;
      this.environment =
          Map.of("ACCESS_TOKENS_HOME", directory.toString(), "ACCESS_TOKENS_ORG", ORGANIZATION);
    }

    ExitCode run() {
      out.println(
          "Access Tokens console demo: the page's whole flow, as real commands of this console,");
      out.println("on a throwaway database in " + directory + " (deleted at the end).");
      out.println("Your own configuration, database and key are not touched.");
      try {
        walk();
      } catch (StepFailed e) {
        out.println();
        out.println("Demo FAILED: " + e.getMessage());
        return ExitCode.SOFTWARE;
      }
      out.println();
      out.println("Demo complete: every step answered as the page does.");
      return ExitCode.OK;
    }

    private void walk() {
      step("The console is its own host: an organization with EDI access, and its environments");
      out.println(
          "$ export ACCESS_TOKENS_HOME=" + directory + " ACCESS_TOKENS_ORG=" + ORGANIZATION);
      run(ExitCode.OK, "org", "add", ORGANIZATION);
      run(ExitCode.OK, "env", "add", "production");
      run(ExitCode.OK, "env", "add", "sandbox");

      step(
          "Add Token: one token in each environment; each value is printed once, on standard"
              + " output");
      String partner =
          run(ExitCode.OK, "create", "--env", "production", "--description", "Partner X over AS2")
              .strip();
      String test =
          run(
                  ExitCode.OK,
                  "create",
                  "--env",
                  "sandbox",
                  "--description",
                  "Test partner",
                  "--expires-in",
                  "90d")
              .strip();
      String partnerId = idOf(partner);
      String testId = idOf(test);

      step("The table: Token (masked), Status, Environment, Description, Scope, Expires");
      run(ExitCode.OK, "list");

      step("Copy: the full value again");
      run(ExitCode.OK, "copy", partnerId);

      step("Edit: the description, and nothing else");
      run(ExitCode.OK, "edit", partnerId, "--description", "Partner X over AS2, renewed");

      step("The EDI connector opens a connection with the token");
      validate(partnerId, "production", ExitCode.OK);

      step("Status toggle: deactivate it, and the connector's connection fails");
      run(ExitCode.OK, "deactivate", partnerId);
      validate(partnerId, "production", ExitCode.REFUSED);
      run(ExitCode.OK, "list", "--status", "inactive");

      step("Status toggle: activate it again, and it validates again");
      run(ExitCode.OK, "activate", partnerId);
      validate(partnerId, "production", ExitCode.OK);

      step(
          "Rotate: a new value for the partner; the old one validates through the overlap, and"
              + " a token is rotated once");
      String successor = run(ExitCode.OK, "rotate", partnerId, "--overlap", "7d").strip();
      String successorId = idOf(successor);
      validate(successorId, "production", ExitCode.OK);
      validate(partnerId, "production", ExitCode.OK);
      run(ExitCode.OK, "list", "--env", "production");
      run(ExitCode.CONFLICT, "rotate", partnerId);

      step("Delete: the page asks for confirmation first; no keeps the token, yes deletes it");
      answer("n", ExitCode.REFUSED, "delete", testId);
      answer("y", ExitCode.OK, "delete", testId);
      run(ExitCode.NOT_FOUND, "copy", testId);
      run(ExitCode.OK, "list");
    }

    private int steps;

    private void step(String title) {
      out.println();
      out.println("== " + ++steps + ". " + title);
    }

    /** Runs a command line, shown as typed; returns its standard output, which is also shown. */
    private String run(ExitCode expected, String... args) {
      out.println("$ access-tokens " + shown(args));
      return execute(expected, InputStream.nullInputStream(), true, args);
    }

    /** {@code echo ANSWER | access-tokens ARGS}: a confirmation, answered in the open. */
    private void answer(String answer, ExitCode expected, String... args) {
      out.println("$ echo " + answer + " | access-tokens " + shown(args));
      execute(expected, input(answer), true, args);
    }

    /** {@code access-tokens copy ID | access-tokens validate --env ENV}. */
    private void validate(String id, String environmentName, ExitCode expected) {
      String[] validate = {"validate", "--env", environmentName};
      out.println("$ access-tokens copy " + id + " | access-tokens " + shown(validate));
      String value = execute(ExitCode.OK, InputStream.nullInputStream(), false, "copy", id);
      execute(expected, input(value), true, validate);
    }

    private String execute(ExitCode expected, InputStream in, boolean showOutput, String... args) {
      StringWriter captured = new StringWriter();
      Writer stdout = showOutput ? new Tee(out, captured) : captured;
      Terminal nested =
          Terminal.builder()
              .in(in)
              .out(new PrintWriter(stdout, true))
              .err(out)
              .environment(environment)
              .userHome(directory.toString())
              .userName(terminal.userName().isBlank() ? "demo" : terminal.userName())
              .build();
      int exit = Console.run(nested, args);
      out.flush();
      if (exit != ExitCode.OK.code()) {
        out.println("[exit code " + exit + "]");
      }
      if (exit != expected.code()) {
        throw new StepFailed(
            "access-tokens " + shown(args) + " exited with " + exit + ", not " + expected.code());
      }
      return captured.toString();
    }

    private static InputStream input(String line) {
      return new ByteArrayInputStream((line + "\n").getBytes(Charset.defaultCharset()));
    }

    private static String idOf(String value) {
      try {
        return TokenSecret.of(value).id().toString();
      } catch (IllegalArgumentException e) {
        throw new StepFailed("create printed no token value");
      }
    }

    private static String shown(String... args) {
      List<String> words = new ArrayList<>();
      for (String arg : args) {
        words.add(
            arg.matches("[A-Za-z0-9_./:=@-]+") ? arg : "\"" + arg.replace("\"", "\\\"") + "\"");
      }
      return String.join(" ", words);
    }
  }

  /** Writes to two writers: what a command prints is both shown and kept. */
  private static final class Tee extends Writer {
    private final Writer first;
    private final Writer second;

    Tee(Writer first, Writer second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(char[] buffer, int offset, int length) {
      try {
        first.write(buffer, offset, length);
        second.write(buffer, offset, length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void flush() throws IOException {
      first.flush();
      second.flush();
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
