package io.accesstokens.cli;

import io.accesstokens.Actor;
import io.accesstokens.CopyPolicy;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenService;
import io.accesstokens.internal.Redaction;
import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.spi.TokenLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code access-tokens}: the global options, and what every command gets from them (the home
 * directory, the configuration, an open {@link Session}).
 */
@Command(
    name = "access-tokens",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = AccessTokensCommand.Version.class,
    header = "The Access Tokens page of the management console, on the command line.",
    description = {
      "Creates, lists, copies, edits, activates, deactivates and deletes the access tokens of an"
          + " organization's environments, and validates a token as the EDI connector does.",
      "",
      "Tokens live in an embedded H2 database in the console's home (~/.access-tokens unless"
          + " --home), created on first use, or in any database the JDBC store speaks (--jdbc-url)."
          + " The organizations, their EDI access and their environments are in console.properties"
          + " there (see the org and env commands). Try the demo command first: it runs the whole"
          + " page on a throwaway database."
    },
    footerHeading = "%nEnvironment:%n",
    footer = {
      "  ACCESS_TOKENS_ORG, ACCESS_TOKENS_ACTOR, ACCESS_TOKENS_HOME,",
      "  ACCESS_TOKENS_JDBC_URL, ACCESS_TOKENS_KEY_FILE",
      "      Defaults of the options of the same names.",
      "  ACCESS_TOKENS_KEY",
      "      The copy key: the base64 of 32 random bytes. Never an option, which",
      "      the process list and the shell history would show.",
      "  ACCESS_TOKENS_JDBC_USER, ACCESS_TOKENS_JDBC_PASSWORD",
      "      Credentials for --jdbc-url."
    },
    subcommands = {
      CreateCommand.class,
      ListCommand.class,
      CopyCommand.class,
      EditCommand.class,
      StatusCommand.Activate.class,
      StatusCommand.Deactivate.class,
      DeleteCommand.class,
      RotateCommand.class,
      ValidateCommand.class,
      ScanCommand.class,
      RevokeLeakedCommand.class,
      OrgCommand.class,
      EnvCommand.class,
      ServeCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class,
      AutoComplete.GenerateCompletion.class
    })
final class AccessTokensCommand implements Runnable {
  static final String HOME_DIRECTORY = ".access-tokens";

  final Terminal terminal;

  @Spec CommandSpec spec;

  @Option(
      names = "--org",
      paramLabel = "ORG",
      scope = ScopeType.INHERIT,
      description =
          "The organization to act in. Required by the token commands. Default: ACCESS_TOKENS_ORG.")
  @Nullable OrganizationId organization;

  @Option(
      names = "--actor",
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      converter = Console.Text.class,
      description = "Who acts, in audit.log. Default: ACCESS_TOKENS_ACTOR, else your login name.")
  @Nullable String actor;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description =
          "The console's directory: configuration, embedded database, copy key, audit log."
              + " Default: ACCESS_TOKENS_HOME, else ~/.access-tokens.")
  @Nullable Path home;

  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      converter = Console.JdbcUrl.class,
      description =
          "Keep tokens in this database instead (jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:,"
              + " jdbc:h2:). Default: ACCESS_TOKENS_JDBC_URL, else the embedded database in the"
              + " home.")
  @Nullable String jdbcUrl;

  @Option(
      names = "--table-prefix",
      paramLabel = "PREFIX",
      scope = ScopeType.INHERIT,
      converter = Console.Text.class,
      description =
          "Prefix of the token tables, to share a host application's. Default: "
              + JdbcTokenStore.DEFAULT_TABLE_PREFIX
              + ".")
  String tablePrefix = JdbcTokenStore.DEFAULT_TABLE_PREFIX;

  @Option(
      names = "--key-file",
      paramLabel = "PATH",
      scope = ScopeType.INHERIT,
      description =
          "File holding the copy key (base64 of 32 bytes). Default: ACCESS_TOKENS_KEY, else"
              + " ACCESS_TOKENS_KEY_FILE, else copy.key in the home, made by the first create.")
  @Nullable Path keyFile;

  @Option(
      names = "--key-id",
      paramLabel = "ID",
      scope = ScopeType.INHERIT,
      converter = Console.Text.class,
      description =
          "Key id stored beside sealed values, to share a host application's key."
              + " Default: a fingerprint of the key.")
  @Nullable String keyId;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Log what the library does, and show the stack trace of an error.")
  boolean verbose;

  AccessTokensCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing a command");
  }

  // ---- what the commands share
  // -------------------------------------------------------------------

  /** The console's directory. */
  Path home() {
    if (home != null) {
      return home;
    }
    if (terminal.userHome().isEmpty()) {
      throw new ConsoleException(ExitCode.USAGE, "cannot tell your home directory; give --home");
    }
    return Path.of(terminal.userHome(), HOME_DIRECTORY);
  }

  /**
   * The console's directory, created (its owner's only) if it does not exist.
   *
   * @throws ConsoleException ({@link ExitCode#CONFIGURATION}) if it cannot be created, or other
   *     users can write it
   */
  Path createdHome() {
    Path dir = home();
    try {
      PrivateFiles.createDirectory(dir);
      return checkedHome();
    } catch (FileAlreadyExistsException e) {
      throw new ConsoleException(
          ExitCode.CONFIGURATION, "the console's home " + dir + " is not a directory", e);
    } catch (IOException e) {
      throw new ConsoleException(
          ExitCode.CONFIGURATION,
          "cannot create the console's home " + dir + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * The console's directory, refused if other users can write it: they could replace its
   * configuration, its database or its key file. A missing home passes (it is created, private,
   * when first needed).
   */
  Path checkedHome() {
    Path dir = home();
    PrivateFiles.refuseIfOthersCan(dir, "the console's home", false, "700");
    return dir;
  }

  Path configFile() {
    return home().resolve(ConsoleConfig.FILE_NAME);
  }

  ConsoleConfig config() {
    checkedHome();
    return ConsoleConfig.load(configFile());
  }

  /**
   * Applies {@code change} to the configuration file, in a home created if need be (see {@link
   * ConsoleConfig#update}), and says whether it changed anything: {@code change} returns the
   * configuration it was given to leave it as it is.
   */
  boolean updateConfig(UnaryOperator<ConsoleConfig> change) {
    createdHome();
    boolean[] changed = {false};
    ConsoleConfig.update(
        configFile(),
        config -> {
          ConsoleConfig next = change.apply(config);
          changed[0] = next != config;
          return next;
        });
    return changed[0];
  }

  /**
   * The organization of a token command: given, and configured.
   *
   * @param caller the command, for the usage error
   */
  OrganizationId organization(CommandSpec caller, ConsoleConfig config) {
    if (organization == null) {
      throw new ParameterException(
          caller.commandLine(),
          "missing the organization: give --org ORG or set ACCESS_TOKENS_ORG");
    }
    if (config.organization(organization).isEmpty()) {
      throw new ConsoleException(
          ExitCode.NOT_ENTITLED,
          "organization "
              + organization
              + " is not configured in "
              + configFile()
              + "; add it with: access-tokens org add "
              + organization);
    }
    return organization;
  }

  Actor actor() {
    String name = actor != null ? actor : terminal.env("ACCESS_TOKENS_ACTOR");
    if (name == null) {
      name = terminal.userName();
    }
    if (name.isBlank()) {
      throw new ConsoleException(ExitCode.USAGE, "cannot tell who you are; give --actor NAME");
    }
    if (Redaction.isTokenShaped(name)) {
      String source =
          actor != null
              ? "--actor"
              : terminal.env("ACCESS_TOKENS_ACTOR") != null
                  ? "ACCESS_TOKENS_ACTOR"
                  : "your login name";
      throw new ConsoleException(
          ExitCode.USAGE,
          source
              + ": "
              + Redaction.describe(name)
              + " is refused as the actor: a token value never goes into audit.log or the"
              + " database");
    }
    try {
      return Actor.of(name);
    } catch (IllegalArgumentException e) {
      throw new ConsoleException(ExitCode.USAGE, "--actor: " + e.getMessage(), e);
    }
  }

  /**
   * Everything a token command needs: its organization (checked against the configuration first, so
   * a typo is not taken for a missing entitlement), the actor, and a service on the opened
   * database.
   *
   * @param newKey create's {@code --new-key} (see {@link CopyKeys#policy})
   * @param beforeOpening runs before the database is opened and the key read (or made)
   */
  Session openSession(
      CommandSpec caller,
      CopyKeys.Use keyUse,
      boolean newKey,
      BiConsumer<ConsoleConfig, OrganizationId> beforeOpening) {
    ConsoleConfig config = config();
    OrganizationId org = organization(caller, config);
    Actor who = actor();
    beforeOpening.accept(config, org);
    Database database = openDatabase(false);
    try {
      TokenService service =
          service(database, keyUse, newKey, config.entitlements(), config.environments());
      return new Session(database, service, org, who);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /**
   * The database of the token commands: the embedded one in the home, or {@code --jdbc-url}'s.
   *
   * @param closedByTheCommand see {@link Database#openEmbedded}
   */
  Database openDatabase(boolean closedByTheCommand) {
    return jdbcUrl == null
        ? Database.openEmbedded(createdHome(), tablePrefix, terminal, closedByTheCommand)
        : Database.open(jdbcUrl, tablePrefix, terminal);
  }

  /**
   * The token service on {@code database}, as every command that acts on tokens builds it: the copy
   * key as {@code keyUse} says (read, or made by the first create), and every change and Copy
   * appended to the audit log.
   */
  TokenService service(
      Database database,
      CopyKeys.Use keyUse,
      boolean newKey,
      Entitlements entitlements,
      EnvironmentDirectory environments) {
    TokenLimits limits = tokenLimits(terminal); // before a first create makes the copy key
    Path defaultKeys =
        keyUse == CopyKeys.Use.NONE
            ? home().resolve(CopyKeys.DEFAULT_FILE_NAME)
            : createdHome().resolve(CopyKeys.DEFAULT_FILE_NAME);
    CopyPolicy copyPolicy =
        CopyKeys.policy(
            keyUse, terminal, keyFile, defaultKeys, keyId, newKey, database::sealedKeyIds);
    return TokenService.builder(database.store())
        .entitlements(entitlements)
        .environments(environments)
        .copyPolicy(copyPolicy)
        .limits(limits)
        .listener(new AuditLog(home().resolve(AuditLog.FILE_NAME), terminal.err()))
        .build();
  }

  /** The variable that limits how many tokens each organization may hold. */
  static final String MAX_TOKENS_VARIABLE = "ACCESS_TOKENS_MAX_TOKENS";

  /** The largest limit {@link #MAX_TOKENS_VARIABLE} takes; nine digits, so it always parses. */
  private static final long LARGEST_MAX_TOKENS = 999_999_999;

  /**
   * No limit, or the whole number {@link #MAX_TOKENS_VARIABLE} sets, for every organization (the
   * host's own limits are its {@code TokenLimits}; the console has one setting for all).
   *
   * @throws ConsoleException ({@link ExitCode#USAGE}) if the variable is not a whole number from 0
   *     to 999,999,999; the message does not quote it (a pasted value may be anything)
   */
  static TokenLimits tokenLimits(Terminal terminal) {
    String text = terminal.env(MAX_TOKENS_VARIABLE);
    if (text == null) {
      return TokenLimits.none();
    }
    if (!text.isEmpty() && text.length() <= 9 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return TokenLimits.perOrganization(Long.parseLong(text));
    }
    throw new ConsoleException(
        ExitCode.USAGE,
        MAX_TOKENS_VARIABLE
            + " must be a whole number of tokens from 0 to "
            + LARGEST_MAX_TOKENS
            + ", the most each organization may hold");
  }

  /** The version from the jar's build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = AccessTokensCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {
        "access-tokens " + properties.getProperty("version", "(unknown version)")
      };
    }
  }
}
