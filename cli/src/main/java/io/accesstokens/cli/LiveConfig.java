package io.accesstokens.cli;

import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of a console that keeps running ({@code serve}): {@code console.properties},
 * read again whenever the file has changed, so that {@code org add} and {@code env add} (which need
 * no database, so they run while {@code serve} holds it) apply to the page's next request.
 *
 * <p>A file that cannot be read any more (a bad edit by hand) fails every answer that needs it:
 * nothing is entitled by a file the console cannot read, as the other commands refuse to run on it.
 * The failure is reported once on standard error, since the page only says that the server failed;
 * the file is read again as soon as it changes. Thread-safe.
 */
final class LiveConfig {
  private final Path file;
  private final PrintWriter err;
  private final Object lock = new Object();
  private @Nullable Stamp stamp;
  private ConsoleConfig config = ConsoleConfig.empty();
  private @Nullable ConsoleException failure;

  /**
   * Reads {@code file} once.
   *
   * @throws ConsoleException if it cannot be read, as every command does
   */
  LiveConfig(Path file, PrintWriter err) {
    this.file = file;
    this.err = err;
    synchronized (lock) {
      stamp = stamp(file);
      config = ConsoleConfig.load(file);
    }
  }

  /**
   * The configuration as the file says now.
   *
   * @throws ConsoleException ({@link ExitCode#CONFIGURATION}) while the file cannot be read
   */
  ConsoleConfig current() {
    Stamp now = stamp(file);
    synchronized (lock) {
      if (!now.equals(stamp)) {
        stamp = now;
        try {
          config = ConsoleConfig.load(file);
          if (failure != null) {
            err.println("The configuration " + file + " is readable again; the page uses it.");
          }
          failure = null;
        } catch (ConsoleException e) {
          failure = e;
          err.println(
              "warning: "
                  + String.valueOf(e.getMessage())
                  + "; until it is fixed the page answers every request with an error.");
        }
      }
      if (failure != null) {
        // What is wrong was said on standard error; the page's log line need not repeat the path.
        throw new ConsoleException(
            failure.exitCode(),
            "the console's configuration cannot be read (serve's standard error says why)");
      }
      return config;
    }
  }

  /** The configured organizations, in the order of their ids: the ones the operator administers. */
  List<OrganizationId> organizations() {
    return current().organizations().stream().map(ConsoleConfig.Organization::id).toList();
  }

  /** {@link ConsoleConfig#entitlements()} of the file as it is when asked. */
  Entitlements entitlements() {
    return (organization, scope) -> current().entitlements().isEntitled(organization, scope);
  }

  /** {@link ConsoleConfig#environments()} of the file as it is when asked. */
  EnvironmentDirectory environments() {
    return new EnvironmentDirectory() {
      @Override
      public boolean contains(OrganizationId organization, EnvironmentId environment) {
        return current().environments().contains(organization, environment);
      }

      @Override
      public List<EnvironmentId> environments(OrganizationId organization) {
        return current().environments().environments(organization);
      }
    };
  }

  /**
   * What tells one version of the file from another without reading it: {@code org add} and {@code
   * env add} replace the file by a rename, so its file key changes with every change they make; an
   * edit in place changes its time or size.
   */
  private record Stamp(@Nullable Object fileKey, @Nullable FileTime modified, long size) {}

  private static Stamp stamp(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
    } catch (NoSuchFileException e) {
      return new Stamp(null, null, -1);
    } catch (IOException e) {
      // Attributes that cannot be read: the file is read once more (which reports why it cannot
      // be), and again once its attributes can be read.
      return new Stamp("unreadable", null, -2);
    }
  }
}
