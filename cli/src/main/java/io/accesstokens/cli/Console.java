package io.accesstokens.cli;

import io.accesstokens.ConnectionSource;
import io.accesstokens.CopyUnavailableException;
import io.accesstokens.EnvironmentId;
import io.accesstokens.NotEntitledException;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenConflictException;
import io.accesstokens.TokenId;
import io.accesstokens.TokenLimitExceededException;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.UnknownEnvironmentException;
import io.accesstokens.internal.Redaction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Runs one command line of the console in-process: parses it, runs the command, and turns every
 * failure into one line on standard error and an {@link ExitCode}. No stack trace unless {@code
 * --verbose}.
 *
 * <p>A token value is never echoed: an id, a path, an actor or a description that is token-shaped
 * ({@link Redaction#isTokenShaped}) is refused when it is parsed, and every error message,
 * picocli's own included, passes through {@link ArgumentRedaction} before it is printed.
 */
public final class Console {
  private static final Pattern TOKEN_ID = Pattern.compile("[0-9A-Za-z]{" + TokenId.LENGTH + "}");

  /**
   * The variables that stand for options or arguments: what a person may have pasted a value into.
   */
  private static final List<String> ARGUMENT_VARIABLES =
      List.of(
          "ACCESS_TOKENS_ORG",
          "ACCESS_TOKENS_ACTOR",
          "ACCESS_TOKENS_HOME",
          "ACCESS_TOKENS_JDBC_URL",
          CopyKeys.KEY_FILE_VARIABLE);

  /** Why a token value is refused wherever it is given as an argument. */
  static final String NEVER_AN_ARGUMENT =
      "a token value never goes on a command line, where the shell history"
          + " and the process list keep it";

  private Console() {}

  /** Runs {@code args} against {@code terminal}; returns the exit code. */
  public static int run(Terminal terminal, String... args) {
    AccessTokensCommand root = new AccessTokensCommand(terminal);
    CommandLine commandLine = new CommandLine(root);
    commandLine.setOut(terminal.out());
    commandLine.setErr(terminal.err());
    commandLine.setColorScheme(Help.defaultColorScheme(terminal.ansi()));
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setAbbreviatedOptionsAllowed(false);
    // An argument file (@FILE) would put the file's contents into the error messages, a key file's
    // too.
    commandLine.setExpandAtFiles(false);
    commandLine.registerConverter(
        OrganizationId.class, text -> convert(text, "an organization id", OrganizationId::of));
    commandLine.registerConverter(
        EnvironmentId.class, text -> convert(text, "an environment id", EnvironmentId::of));
    commandLine.registerConverter(
        ConnectionSource.class,
        text -> convert(text, "a connection source address", ConnectionSource::of));
    commandLine.registerConverter(TokenId.class, Console::tokenId);
    commandLine.registerConverter(PageCursor.class, Console::cursor);
    commandLine.registerConverter(Path.class, text -> convert(text, "a path", Path::of));
    commandLine.setDefaultValueProvider(
        argument ->
            argument instanceof OptionSpec option
                ? defaultFromEnvironment(option, terminal)
                : null);
    documentExitCodes(commandLine);
    Objects.requireNonNull(commandLine.getSubcommands().get("generate-completion"))
        .getCommandSpec()
        .usageMessage()
        .header(
            "Print a bash or zsh completion script: source <(access-tokens generate-completion)");
    commandLine.setExecutionStrategy(
        parseResult -> {
          terminal.configureLogging(root.verbose);
          return new CommandLine.RunLast().execute(parseResult);
        });
    List<String> typed = typed(args, terminal);
    commandLine.setParameterExceptionHandler(
        (e, arguments) -> usageError(e, terminal.err(), typed));
    commandLine.setExecutionExceptionHandler(
        (e, failed, parseResult) ->
            failure(e, failed.getCommandSpec(), terminal.err(), root.verbose, typed));
    try {
      return commandLine.execute(args);
    } finally {
      terminal.out().flush();
      terminal.err().flush();
    }
  }

  /** The options whose defaults come from environment variables (the help names each). */
  private static @Nullable String defaultFromEnvironment(OptionSpec option, Terminal terminal) {
    return switch (option.longestName()) {
      case "--org" -> terminal.env("ACCESS_TOKENS_ORG");
      case "--home" -> terminal.env("ACCESS_TOKENS_HOME");
      case "--jdbc-url" -> terminal.env("ACCESS_TOKENS_JDBC_URL");
      default -> null;
    };
  }

  private static void documentExitCodes(CommandLine commandLine) {
    commandLine
        .getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(ExitCode.helpList());
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      documentExitCodes(sub);
    }
  }

  // ---- failures
  // ----------------------------------------------------------------------------------

  /**
   * The arguments, and the variables that stand for arguments: what every message is redacted by.
   */
  private static List<String> typed(String[] args, Terminal terminal) {
    List<String> typed = new ArrayList<>(List.of(args));
    for (String variable : ARGUMENT_VARIABLES) {
      String value = terminal.env(variable);
      if (value != null) {
        typed.add(value);
      }
    }
    return typed;
  }

  /**
   * A bad command line: one line naming the command, and where its help is. Picocli quotes the
   * arguments it could not take, so every one that may hold a secret is shown by kind and length
   * instead, with a word on where a value does go.
   */
  private static int usageError(ParameterException e, PrintWriter err, List<String> typed) {
    CommandSpec spec = e.getCommandLine().getCommandSpec();
    String message = firstLine(e.getMessage());
    boolean pasted =
        e instanceof UnmatchedArgumentException unmatched
            && unmatched.getUnmatched().stream().anyMatch(Redaction::mayHoldSecret);
    // Picocli suggests names close to the first unmatched argument: none is close to a value.
    if (e instanceof UnmatchedArgumentException unmatched
        && !unmatched.getSuggestions().isEmpty()
        && !Redaction.mayHoldSecret(unmatched.getUnmatched().get(0))) {
      message += "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
    }
    if (message.equals("missing a command") || message.equals("Missing required subcommand")) {
      err.println(spec.qualifiedName() + ": missing a command");
      e.getCommandLine().usage(err, e.getCommandLine().getColorScheme());
      return ExitCode.USAGE.code();
    }
    String redacted = new ArgumentRedaction(typed, true).redact(message);
    if (pasted) {
      redacted +=
          spec.name().equals("validate")
              ? "; validate reads the token from standard input, never from its arguments:"
                  + " echo \"$TOKEN\" | access-tokens validate --env ENV"
              : "; "
                  + NEVER_AN_ARGUMENT
                  + ": the token commands take its id (the ID column of list)";
    }
    err.println(
        spec.qualifiedName() + ": " + redacted + " (see '" + spec.qualifiedName() + " --help')");
    return ExitCode.USAGE.code();
  }

  /**
   * A command that failed: one line, and the stack trace only if asked for. The library and the
   * console quote the ids and paths a person gave; anything token-shaped among them is shown by
   * kind and length, in the stack trace too.
   */
  private static int failure(
      Exception e, CommandSpec spec, PrintWriter err, boolean verbose, List<String> typed) {
    ExitCode exit = exitCodeOf(e);
    String message =
        exit == ExitCode.SOFTWARE
            ? "unexpected error: " + e + " (run again with --verbose for the stack trace)"
            : firstLine(e.getMessage());
    ArgumentRedaction redaction = new ArgumentRedaction(typed, false);
    err.println(spec.qualifiedName() + ": " + redaction.redact(message));
    if (verbose) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(redaction.redact(trace.toString()));
    }
    return exit.code();
  }

  static ExitCode exitCodeOf(Throwable e) {
    if (e instanceof ConsoleException console) {
      return console.exitCode();
    }
    if (e instanceof TokenNotFoundException) {
      return ExitCode.NOT_FOUND;
    }
    if (e instanceof NotEntitledException || e instanceof UnknownEnvironmentException) {
      return ExitCode.NOT_ENTITLED;
    }
    if (e instanceof StoreUnavailableException) {
      return ExitCode.STORE_UNAVAILABLE;
    }
    if (e instanceof CopyUnavailableException) {
      return ExitCode.COPY_UNAVAILABLE;
    }
    if (e instanceof TokenLimitExceededException) {
      return ExitCode.LIMIT_REACHED;
    }
    if (e instanceof TokenConflictException) {
      return ExitCode.CONFLICT;
    }
    if (e instanceof IllegalArgumentException) {
      return ExitCode.USAGE; // the library's rule for a value the user gave (a description, say)
    }
    return ExitCode.SOFTWARE;
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "failed";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  // ---- arguments
  // ---------------------------------------------------------------------------------

  /**
   * An id or a path: token-shaped text is refused as {@code what} without being quoted; the rest is
   * parsed, and the parser's message (redacted like every message) says what is wrong.
   */
  private static <T> T convert(String text, String what, Function<String, T> parse) {
    refuseTokenShaped(text, what);
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /**
   * @throws TypeConversionException naming {@code text} by kind and length, if it is token-shaped
   */
  static void refuseTokenShaped(String text, String what) {
    if (Redaction.isTokenShaped(text)) {
      throw new TypeConversionException(
          Redaction.describe(text) + " is refused as " + what + ": " + NEVER_AN_ARGUMENT);
    }
  }

  /**
   * The converter of a free-text option (a name, a description, a prefix, a key id): token-shaped
   * text is refused.
   */
  static final class Text implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String text) {
      refuseTokenShaped(text, "this option's value");
      return text;
    }
  }

  /**
   * The converter of a lifetime ({@code --expires-in}): a positive whole number and a unit, {@code
   * d} (days), {@code h} (hours) or {@code m} (minutes), or an ISO-8601 duration ({@code P90D}).
   */
  static final class Lifetime implements CommandLine.ITypeConverter<Duration> {
    private static final java.util.regex.Pattern SHORT =
        java.util.regex.Pattern.compile("([1-9][0-9]{0,6})([dhm])");

    @Override
    public Duration convert(String text) {
      refuseTokenShaped(text, "a lifetime");
      java.util.regex.Matcher m = SHORT.matcher(text);
      Duration lifetime;
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        lifetime =
            switch (m.group(2)) {
              case "d" -> Duration.ofDays(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofMinutes(n);
            };
      } else {
        try {
          lifetime = Duration.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
          throw new TypeConversionException(
              "a lifetime is a number and a unit (90d, 12h, 30m) or an ISO-8601 duration (P90D),"
                  + " but was "
                  + ConsoleText.forTerminal(text));
        }
      }
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new TypeConversionException("a lifetime must be positive, but was " + text);
      }
      return lifetime;
    }
  }

  /**
   * The converter of {@code rotate --overlap}: a lifetime as {@link Lifetime} takes it, or zero
   * ({@code 0}, {@code 0d}, {@code PT0S}): the old value is refused at once.
   */
  static final class Overlap implements CommandLine.ITypeConverter<Duration> {
    private static final java.util.regex.Pattern ZERO =
        java.util.regex.Pattern.compile("0[dhm]?|PT0S|P0D");

    @Override
    public Duration convert(String text) {
      if (ZERO.matcher(text).matches()) {
        return Duration.ZERO;
      }
      try {
        return new Lifetime().convert(text);
      } catch (TypeConversionException e) {
        throw new TypeConversionException(
            "an overlap is 0 or a number and a unit (7d, 12h, 30m) or an ISO-8601 duration"
                + " (P7D), but was "
                + ConsoleText.forTerminal(text));
      }
    }
  }

  /**
   * The converter of {@code --jdbc-url}: a JDBC URL may hold a password of any shape, so only text
   * that is not a JDBC URL at all is refused when token-shaped (messages show the URL without its
   * password).
   */
  static final class JdbcUrl implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String text) {
      if (!text.startsWith("jdbc:")) {
        refuseTokenShaped(text, "a JDBC URL");
      }
      return text;
    }
  }

  /**
   * A page's cursor, which is opaque: never quoted, whether it is a value pasted by mistake or not.
   */
  private static PageCursor cursor(String text) {
    try {
      return PageCursor.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "cursor is malformed: "
              + Redaction.describe(text)
              + " is not what the last line of the previous page gave");
    }
  }

  /**
   * A token id, the ID column of {@code list}. A pasted token value is refused without being
   * quoted: the value must not go into a command line, an error message, or a shell history.
   */
  private static TokenId tokenId(String text) {
    if (Redaction.mayHoldSecret(text)) {
      String kind = Redaction.describe(text);
      throw new TypeConversionException(
          "that is "
              + kind
              + ", not a token id; "
              + NEVER_AN_ARGUMENT
              + ": the id is the ID column of list");
    }
    if (!TOKEN_ID.matcher(text).matches()) {
      throw new TypeConversionException(
          "a token id is " + TokenId.LENGTH + " letters and digits (the ID column of list)");
    }
    try {
      return TokenId.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "a token id is " + TokenId.LENGTH + " letters and digits (the ID column of list)");
    }
  }
}
