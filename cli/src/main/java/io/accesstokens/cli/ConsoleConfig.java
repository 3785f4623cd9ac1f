package io.accesstokens.cli;

import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import io.accesstokens.internal.Redaction;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import java.io.IOException;
import java.io.Reader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The console as a host: which organizations it serves, whether each has access to the EDI
 * application ({@link Entitlements}) and which environments each has ({@link
 * EnvironmentDirectory}). Kept in a properties file beside the database, two lines per
 * organization:
 *
 * <pre>
 * org.acme.edi=true
 * org.acme.environments=production,sandbox
 * </pre>
 *
 * <p>An organization without an {@code edi} line has no EDI access (fail closed). Immutable;
 * changes go through {@link #update}, which locks, reads, changes and replaces the file atomically.
 */
final class ConsoleConfig {
  static final String FILE_NAME = "console.properties";
  private static final String PREFIX = "org.";
  private static final String EDI = ".edi";
  private static final String ENVIRONMENTS = ".environments";
  private static final String HEADER =
      """
      # The access-tokens console's organizations: whether each has access to the EDI application
      # (without it, its page commands are refused and its tokens do not validate) and its environments.
      # Written by `access-tokens org add` and `access-tokens env add`; may be edited by hand:
      #   org.<ORG>.edi=true|false            (missing means false)
      #   org.<ORG>.environments=<ENV>,<ENV>  (comma-separated)
      """;

  /** One organization the console hosts. */
  record Organization(OrganizationId id, boolean edi, SortedSet<EnvironmentId> environments) {
    Organization {
      environments = Collections.unmodifiableSortedSet(environmentSet(environments));
    }

    Organization withEnvironment(EnvironmentId environment) {
      SortedSet<EnvironmentId> more = environmentSet(environments);
      more.add(environment);
      return new Organization(id, edi, more);
    }
  }

  private final TreeMap<String, Organization> organizations;

  /** Environments in the order of their names (the id record is not comparable). */
  static SortedSet<EnvironmentId> environmentSet(java.util.Collection<EnvironmentId> environments) {
    SortedSet<EnvironmentId> set =
        new TreeSet<>(java.util.Comparator.comparing(EnvironmentId::value));
    set.addAll(environments);
    return set;
  }

  private ConsoleConfig(TreeMap<String, Organization> organizations) {
    this.organizations = organizations;
  }

  static ConsoleConfig empty() {
    return new ConsoleConfig(new TreeMap<>());
  }

  /** Every organization, by id. */
  List<Organization> organizations() {
    return List.copyOf(organizations.values());
  }

  Optional<Organization> organization(OrganizationId id) {
    return Optional.ofNullable(organizations.get(id.value()));
  }

  /** A copy with {@code organization} added or replaced. */
  ConsoleConfig with(Organization organization) {
    TreeMap<String, Organization> next = new TreeMap<>(organizations);
    next.put(organization.id().value(), organization);
    return new ConsoleConfig(next);
  }

  /** The host's answer on EDI access: configured with {@code edi=true}. */
  Entitlements entitlements() {
    return (organization, scope) -> {
      Organization o = organizations.get(organization.value());
      return scope == Scope.EDI && o != null && o.edi();
    };
  }

  /**
   * The host's answer on environments: listed for the organization; the listing, in the order of
   * their names, fills the page's Environment menu ({@code serve}).
   */
  EnvironmentDirectory environments() {
    return new EnvironmentDirectory() {
      @Override
      public boolean contains(OrganizationId organization, EnvironmentId environment) {
        Organization o = organizations.get(organization.value());
        return o != null && o.environments().contains(environment);
      }

      @Override
      public List<EnvironmentId> environments(OrganizationId organization) {
        Organization o = organizations.get(organization.value());
        return o == null ? List.of() : List.copyOf(o.environments());
      }
    };
  }

  // ---- the file
  // ---------------------------------------------------------------------------------------

  /**
   * Reads the file; a missing file is an empty configuration.
   *
   * @throws ConsoleException ({@link ExitCode#CONFIGURATION}) naming the file and the bad line
   */
  static ConsoleConfig load(Path file) {
    PrivateFiles.refuseIfOthersCan(file, "the configuration", false, "600");
    try {
      PrivateFiles.tighten(file); // an older console's file, readable by everyone
    } catch (IOException e) {
      // left as it is: nobody else can write it, which is what matters to what is read here
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      return empty();
    } catch (IOException | IllegalArgumentException e) {
      throw new ConsoleException(
          ExitCode.CONFIGURATION,
          "cannot read the configuration " + file + ": " + e.getMessage(),
          e);
    }
    TreeMap<String, Boolean> edi = new TreeMap<>();
    TreeMap<String, SortedSet<EnvironmentId>> environments = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key).strip();
      if (key.startsWith(PREFIX)
          && key.endsWith(EDI)
          && key.length() > PREFIX.length() + EDI.length()) {
        String org = organizationIn(file, key, EDI);
        if (!value.equals("true") && !value.equals("false")) {
          throw bad(file, key, "must be true or false");
        }
        edi.put(org, Boolean.parseBoolean(value));
      } else if (key.startsWith(PREFIX)
          && key.endsWith(ENVIRONMENTS)
          && key.length() > PREFIX.length() + ENVIRONMENTS.length()) {
        String org = organizationIn(file, key, ENVIRONMENTS);
        SortedSet<EnvironmentId> set = environmentSet(List.of());
        for (String name : value.split(",", -1)) {
          if (name.isBlank()) {
            continue;
          }
          try {
            set.add(EnvironmentId.of(name.strip()));
          } catch (IllegalArgumentException e) {
            throw bad(file, key, e.getMessage());
          }
        }
        environments.put(org, set);
      } else {
        throw bad(file, key, "is not a setting (org.<ORG>.edi or org.<ORG>.environments)");
      }
    }
    TreeMap<String, Organization> organizations = new TreeMap<>();
    for (String org : union(edi.keySet(), environments.keySet())) {
      organizations.put(
          org,
          new Organization(
              OrganizationId.of(org),
              edi.getOrDefault(org, false),
              environments.getOrDefault(org, environmentSet(List.of()))));
    }
    return new ConsoleConfig(organizations);
  }

  /**
   * Locks the file against other consoles, reads it, applies {@code change} and replaces the file
   * with the result in one atomic rename. The lock file and the new file are created owner-only and
   * never through a symbolic link.
   */
  static ConsoleConfig update(Path file, UnaryOperator<ConsoleConfig> change) {
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    try (FileChannel channel = PrivateFiles.openForLocking(lockFile)) {
      channel.lock(); // released when the channel closes
      ConsoleConfig next = change.apply(load(file));
      next.save(file);
      return next;
    } catch (IOException e) {
      throw new ConsoleException(
          ExitCode.CONFIGURATION,
          "cannot write the configuration " + file + ": " + e.getMessage(),
          e);
    }
  }

  private void save(Path file) throws IOException {
    StringBuilder text = new StringBuilder(HEADER);
    for (Organization o : organizations.values()) {
      String key = PREFIX + escapeKey(o.id().value());
      text.append(key).append(EDI).append('=').append(o.edi()).append('\n');
      List<String> names = new ArrayList<>();
      o.environments().forEach(e -> names.add(e.value()));
      text.append(key)
          .append(ENVIRONMENTS)
          .append('=')
          .append(String.join(",", names))
          .append('\n');
    }
    // Under the lock, the temporary file is this console's: what is there is left by a console that
    // died, or planted; deleting removes a link itself, and the new file is created, never opened.
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    PrivateFiles.createNew(temporary, text.toString().getBytes(StandardCharsets.UTF_8));
    try {
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Ids may hold {@code :}, which a properties key must escape; no other character of theirs needs
   * it.
   */
  private static String escapeKey(String id) {
    return id.replace(":", "\\:");
  }

  private static String organizationIn(Path file, String key, String suffix) {
    String org = key.substring(PREFIX.length(), key.length() - suffix.length());
    try {
      return OrganizationId.of(org).value();
    } catch (IllegalArgumentException e) {
      throw bad(file, key, e.getMessage());
    }
  }

  private static SortedSet<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    SortedSet<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * The bad line, named by its key; a token-shaped key (a value pasted into the file) by kind and
   * length.
   */
  private static ConsoleException bad(Path file, String key, @Nullable String why) {
    String shown = Redaction.isTokenShaped(key) ? "a key of " + Redaction.describe(key) : key;
    return new ConsoleException(
        ExitCode.CONFIGURATION, "the configuration " + file + " is invalid: " + shown + " " + why);
  }
}
