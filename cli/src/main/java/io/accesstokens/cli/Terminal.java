package io.accesstokens.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Help.Ansi;

/**
 * Everything the console takes from the process it runs in: standard input, output and error, the
 * environment, the user's home and name, whether a person is at a terminal, the passing of time,
 * and the request to stop (Ctrl-C). {@link #system} is the real process; tests build one of their
 * own, so no command ever reads the real environment, the real standard input or the real home
 * directory.
 */
public final class Terminal {
  private final InputStream in;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Map<String, String> environment;
  private final String userHome;
  private final String userName;
  private final @Nullable Console console;
  private final Ansi ansi;
  private final Consumer<Boolean> logging;
  private final Sleeper sleeper;
  private final StopRequests stopRequests;
  private @Nullable BufferedReader reader;

  private Terminal(Builder b) {
    this.in = b.in;
    this.out = b.out;
    this.err = b.err;
    this.environment = Map.copyOf(b.environment);
    this.userHome = b.userHome;
    this.userName = b.userName;
    this.console = b.console;
    this.ansi = b.ansi;
    this.logging = b.logging;
    this.sleeper = b.sleeper;
    this.stopRequests = b.stopRequests;
  }

  /**
   * The process's own streams, environment, home and user; logging set up by {@link Main}, stop
   * requests from the JVM's shutdown hook.
   */
  static Terminal system(Consumer<Boolean> logging, StopRequests stopRequests) {
    Charset charset = Charset.defaultCharset();
    return builder()
        .in(System.in)
        .out(new PrintWriter(new java.io.OutputStreamWriter(System.out, charset), true))
        .err(new PrintWriter(new java.io.OutputStreamWriter(System.err, charset), true))
        .environment(System.getenv())
        .userHome(System.getProperty("user.home", ""))
        .userName(System.getProperty("user.name", ""))
        .console(System.console())
        .ansi(Ansi.AUTO)
        .logging(logging)
        .stopRequests(stopRequests)
        .build();
  }

  /** A terminal of one's own: empty input, output discarded, no environment, unless set. */
  public static Builder builder() {
    return new Builder();
  }

  PrintWriter out() {
    return out;
  }

  /** Standard input as bytes, for a command that reads it whole (scan). */
  InputStream in() {
    return in;
  }

  PrintWriter err() {
    return err;
  }

  /** The environment variable, or {@code null} when unset or empty. */
  @Nullable String env(String name) {
    String value = environment.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  String userHome() {
    return userHome;
  }

  String userName() {
    return userName;
  }

  /** Whether a person types the input (so it is not echoed back, and prompts wait for them). */
  boolean interactive() {
    return console != null;
  }

  Ansi ansi() {
    return ansi;
  }

  /** The clock and sleep of a command that waits. */
  Sleeper sleeper() {
    return sleeper;
  }

  /** How the process asks a command that runs until stopped ({@code serve}) to stop. */
  StopRequests stopRequests() {
    return stopRequests;
  }

  /** Called once per command line, after parsing and before anything logs: verbose or silent. */
  void configureLogging(boolean verbose) {
    logging.accept(verbose);
  }

  /**
   * One line of standard input without its line end, or {@code null} at end of input.
   *
   * @throws ConsoleException if the line is longer than {@code maxChars}
   */
  @Nullable String readLine(int maxChars) {
    try {
      BufferedReader r = reader();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = r.read()) != -1) {
        if (c == '\n') {
          return stripCarriageReturn(line);
        }
        if (line.length() >= maxChars) {
          throw new ConsoleException(
              ExitCode.USAGE,
              "the line on standard input is longer than " + maxChars + " characters");
        }
        line.append((char) c);
      }
      return line.length() == 0 ? null : stripCarriageReturn(line);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input", e);
    }
  }

  /**
   * A secret typed or piped in: read without echo from the terminal (after {@code prompt} on
   * standard error), or as one line of standard input when it is not a terminal.
   */
  @Nullable String readSecret(String prompt, int maxChars) {
    if (console != null) {
      char[] typed = console.readPassword("%s", prompt);
      if (typed == null) {
        return null;
      }
      try {
        if (typed.length > maxChars) {
          throw new ConsoleException(
              ExitCode.USAGE, "the input is longer than " + maxChars + " characters");
        }
        return new String(typed);
      } finally {
        Arrays.fill(typed, '\0');
      }
    }
    return readLine(maxChars);
  }

  private BufferedReader reader() {
    if (reader == null) {
      reader = new BufferedReader(new InputStreamReader(in, Charset.defaultCharset()));
    }
    return reader;
  }

  private static String stripCarriageReturn(StringBuilder line) {
    int end = line.length();
    if (end > 0 && line.charAt(end - 1) == '\r') {
      end--;
    }
    return line.substring(0, end);
  }

  /** Builds a {@link Terminal}; for tests and for the demo's own command lines. */
  public static final class Builder {
    private InputStream in = InputStream.nullInputStream();
    private PrintWriter out = new PrintWriter(java.io.Writer.nullWriter());
    private PrintWriter err = new PrintWriter(java.io.Writer.nullWriter());
    private Map<String, String> environment = Map.of();
    private String userHome = "";
    private String userName = "";
    private @Nullable Console console;
    private Ansi ansi = Ansi.OFF;
    private Consumer<Boolean> logging = verbose -> {};
    private Sleeper sleeper = Sleeper.system();
    private StopRequests stopRequests = stop -> () -> {};

    private Builder() {}

    public Builder in(InputStream in) {
      this.in = Objects.requireNonNull(in, "in");
      return this;
    }

    public Builder out(PrintWriter out) {
      this.out = Objects.requireNonNull(out, "out");
      return this;
    }

    public Builder err(PrintWriter err) {
      this.err = Objects.requireNonNull(err, "err");
      return this;
    }

    /** The environment variables the console sees (copied); none by default. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** What {@code user.home} would be: the default home is {@code .access-tokens} inside it. */
    public Builder userHome(String userHome) {
      this.userHome = Objects.requireNonNull(userHome, "user home");
      return this;
    }

    /** What {@code user.name} would be: the default actor. */
    public Builder userName(String userName) {
      this.userName = Objects.requireNonNull(userName, "user name");
      return this;
    }

    Builder console(@Nullable Console console) {
      this.console = console;
      return this;
    }

    Builder ansi(Ansi ansi) {
      this.ansi = Objects.requireNonNull(ansi, "ansi");
      return this;
    }

    Builder logging(Consumer<Boolean> logging) {
      this.logging = Objects.requireNonNull(logging, "logging");
      return this;
    }

    /** The clock and sleep of waits; the real ones by default. */
    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * How a command that runs until stopped learns it should stop; by default it is never asked
     * (only {@link Terminal#system} installs the JVM's shutdown hook).
     */
    Builder stopRequests(StopRequests stopRequests) {
      this.stopRequests = Objects.requireNonNull(stopRequests, "stop requests");
      return this;
    }

    public Terminal build() {
      return new Terminal(this);
    }
  }
}
