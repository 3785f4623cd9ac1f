package io.accesstokens.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

/**
 * The console's files are its owner's only: directories {@code 0700}, files {@code 0600}, set
 * explicitly after they are made (an open(2) or mkdir(2) mode is cut by the umask, which may also
 * have left an older console's files readable). What other users can change is refused, naming the
 * command that fixes it: they could swap the organizations, or the key that later values are sealed
 * under. Nothing is written through a symbolic link: files are opened with {@code NOFOLLOW_LINKS}
 * and made with {@code CREATE_NEW}. On a file system without POSIX permissions only the links are
 * checked.
 */
final class PrivateFiles {
  static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OTHERS_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  private static final Set<PosixFilePermission> OTHERS_READ =
      EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

  private PrivateFiles() {}

  static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** The attribute that creates a file owner-only (before the umask; {@link #tighten} after it). */
  static FileAttribute<?>[] ownerOnly(Path file) {
    return isPosix(file)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
        : new FileAttribute<?>[0];
  }

  /**
   * Creates {@code directory} (and missing parents) if it does not exist; a created one is made
   * {@code 0700}.
   */
  static void createDirectory(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    if (isPosix(directory)) {
      Files.createDirectories(
          directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
      Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
    } else {
      Files.createDirectories(directory);
    }
  }

  /**
   * Opens {@code file} for appending, creating it owner-only if it does not exist, and never
   * through a symbolic link.
   *
   * @throws IOException if it cannot be opened, a symbolic link at {@code file} included
   */
  static FileChannel openForAppend(Path file) throws IOException {
    Set<OpenOption> options =
        new HashSet<>(
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS));
    return openPrivate(file, options);
  }

  /**
   * Opens {@code file} for writing (to lock it), creating it owner-only if it does not exist, and
   * never through a symbolic link.
   */
  static FileChannel openForLocking(Path file) throws IOException {
    Set<OpenOption> options =
        new HashSet<>(
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
    return openPrivate(file, options);
  }

  private static FileChannel openPrivate(Path file, Set<OpenOption> options) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, options, ownerOnly(file));
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      if (Files.isSymbolicLink(file)) {
        throw new FileSystemException(
            file.toString(),
            null,
            "is a symbolic link, which the console does not write through; remove it");
      }
      throw e;
    }
    try {
      tighten(file);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Creates {@code file} owner-only with {@code content}; fails if anything is there already, a
   * symbolic link included.
   *
   * @throws FileAlreadyExistsException if {@code file} exists
   */
  static void createNew(Path file, byte[] content) throws IOException {
    Set<OpenOption> options =
        new HashSet<>(
            Set.of(
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS));
    try (FileChannel channel = openPrivate(file, options)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  /**
   * Makes {@code file} owner-only ({@code 0600}) if it is a regular file with any permission for
   * others; a symbolic link, a missing file and a non-POSIX file system are left alone.
   */
  static void tighten(Path file) throws IOException {
    if (!isPosix(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    PosixFileAttributeView view =
        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    if (!OWNER_ONLY_FILE.containsAll(permissions) || !permissions.containsAll(OWNER_ONLY_FILE)) {
      view.setPermissions(OWNER_ONLY_FILE);
    }
  }

  /**
   * Refuses {@code path} if users other than its owner can write it (or, with {@code secret}, read
   * it); a missing path passes.
   *
   * @param what what it is, for the message ("the console's home", "the key file")
   * @param fix the mode that the message's {@code chmod} sets
   * @throws ConsoleException ({@link ExitCode#CONFIGURATION}) saying so, with the command that
   *     fixes it
   */
  static void refuseIfOthersCan(Path path, String what, boolean secret, String fix) {
    if (!isPosix(path)) {
      return;
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(path);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new ConsoleException(
          ExitCode.CONFIGURATION,
          "cannot read the permissions of "
              + what
              + " "
              + path
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
    String can =
        !Collections.disjoint(permissions, OTHERS_WRITE)
            ? "written"
            : secret && !Collections.disjoint(permissions, OTHERS_READ) ? "read" : null;
    if (can != null) {
      throw new ConsoleException(
          ExitCode.CONFIGURATION,
          what
              + " "
              + path
              + " can be "
              + can
              + " by other users; restrict it with: chmod "
              + fix
              + " "
              + path);
    }
  }
}
