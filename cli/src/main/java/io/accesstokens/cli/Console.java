package io.accesstokens.cli;

import io.accesstokens.CopyUnavailableException;
import io.accesstokens.EnvironmentId;
import io.accesstokens.NotEntitledException;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenConflictException;
import io.accesstokens.TokenId;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.UnknownEnvironmentException;
import java.io.PrintWriter;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Runs one command line of the console in-process: parses it, runs the command, and turns every
 * failure into one line on standard error and an {@link ExitCode}. No stack trace unless
 * {@code --verbose}.
 */
public final class Console {
  private static final Pattern TOKEN_ID = Pattern.compile("[0-9A-Za-z]{" + TokenId.LENGTH + "}");

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
    commandLine.registerConverter(OrganizationId.class, text -> convert(text, OrganizationId::of));
    commandLine.registerConverter(EnvironmentId.class, text -> convert(text, EnvironmentId::of));
    commandLine.registerConverter(TokenId.class, Console::tokenId);
    commandLine.registerConverter(PageCursor.class, text -> convert(text, PageCursor::parse));
    commandLine.setDefaultValueProvider(argument -> argument instanceof OptionSpec option
        ? defaultFromEnvironment(option, terminal) : null);
    documentExitCodes(commandLine);
    commandLine.getSubcommands().get("generate-completion").getCommandSpec().usageMessage()
        .header("Print a bash or zsh completion script: source <(access-tokens generate-completion)");
    commandLine.setExecutionStrategy(parseResult -> {
      terminal.configureLogging(root.verbose);
      return new CommandLine.RunLast().execute(parseResult);
    });
    commandLine.setParameterExceptionHandler((e, arguments) -> usageError(e, terminal.err()));
    commandLine.setExecutionExceptionHandler((e, failed, parseResult) ->
        failure(e, failed.getCommandSpec(), terminal.err(), root.verbose));
    try {
      return commandLine.execute(args);
    } finally {
      terminal.out().flush();
      terminal.err().flush();
    }
  }

  /** The options whose defaults come from environment variables (the help names each). */
  private static String defaultFromEnvironment(OptionSpec option, Terminal terminal) {
    return switch (option.longestName()) {
      case "--org" -> terminal.env("ACCESS_TOKENS_ORG");
      case "--home" -> terminal.env("ACCESS_TOKENS_HOME");
      case "--jdbc-url" -> terminal.env("ACCESS_TOKENS_JDBC_URL");
      default -> null;
    };
  }

  private static void documentExitCodes(CommandLine commandLine) {
    commandLine.getCommandSpec().usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(ExitCode.helpList());
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      documentExitCodes(sub);
    }
  }

  // ---- failures ----------------------------------------------------------------------------------

  /** A bad command line: one line naming the command, and where its help is. */
  private static int usageError(ParameterException e, PrintWriter err) {
    CommandSpec spec = e.getCommandLine().getCommandSpec();
    String message = firstLine(e.getMessage());
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
      message += "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
    }
    if (message.equals("missing a command") || message.equals("Missing required subcommand")) {
      err.println(spec.qualifiedName() + ": missing a command");
      e.getCommandLine().usage(err, e.getCommandLine().getColorScheme());
    } else {
      err.println(spec.qualifiedName() + ": " + message + " (see '" + spec.qualifiedName() + " --help')");
    }
    return ExitCode.USAGE.code();
  }

  /** A command that failed: one line, and the stack trace only if asked for. */
  private static int failure(Exception e, CommandSpec spec, PrintWriter err, boolean verbose) {
    ExitCode exit = exitCodeOf(e);
    String message = exit == ExitCode.SOFTWARE
        ? "unexpected error: " + e + " (run again with --verbose for the stack trace)"
        : firstLine(e.getMessage());
    err.println(spec.qualifiedName() + ": " + message);
    if (verbose) {
      e.printStackTrace(err);
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
    if (e instanceof TokenConflictException) {
      return ExitCode.CONFLICT;
    }
    if (e instanceof IllegalArgumentException) {
      return ExitCode.USAGE; // the library's rule for a value the user gave (a description, say)
    }
    return ExitCode.SOFTWARE;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "failed";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  // ---- arguments ---------------------------------------------------------------------------------

  private static <T> T convert(String text, java.util.function.Function<String, T> parse) {
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /**
   * A token id, the ID column of {@code list}. A pasted token value is refused without being quoted:
   * the value must not go into a command line, an error message, or a shell history.
   */
  private static TokenId tokenId(String text) {
    if (text.startsWith("atk_")) {
      throw new TypeConversionException("that is a token value, not a token id; never put a value on a"
          + " command line: the id is the ID column of list");
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
