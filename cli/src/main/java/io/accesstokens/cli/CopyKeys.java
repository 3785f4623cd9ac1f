package io.accesstokens.cli;

import io.accesstokens.CopyPolicy;
import io.accesstokens.KeyRing;
import io.accesstokens.internal.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The key that seals token values so that Copy can show them later ({@link CopyPolicy#sealed}). It
 * comes from the {@value #KEY_VARIABLE} environment variable, or from a key file named by {@code
 * --key-file}, or from {@value #DEFAULT_FILE_NAME} in the console's home, which the first {@code
 * create} makes (random, readable by its owner only) when none of them is given. Never from a
 * command-line argument, which other users can see in the process list and the shell keeps in its
 * history; never printed.
 *
 * <p>Only {@code create}, {@code copy} and {@code serve} (the page, which does both) read the key:
 * every other command runs under {@link CopyPolicy#digestOnly()}, which none of them needs more
 * than.
 */
final class CopyKeys {
  static final String KEY_VARIABLE = "ACCESS_TOKENS_KEY";
  static final String KEY_FILE_VARIABLE = "ACCESS_TOKENS_KEY_FILE";
  static final String DEFAULT_FILE_NAME = "copy.key";
  static final int KEY_BYTES = 32;
  private static final int MAX_KEY_TEXT = 1024;

  /** What a command does with the key. */
  enum Use {
    /** Nothing: no value is sealed or opened. */
    NONE,
    /** Opens sealed values (copy); a missing key is an error. */
    OPEN,
    /** Seals new values (create); the default key file is made if there is no key at all. */
    CREATE
  }

  private CopyKeys() {}

  /**
   * The copy policy for a command.
   *
   * @param keyFile the {@code --key-file} option, or {@code null} ({@value #KEY_FILE_VARIABLE}
   *     then)
   * @param defaultFile the key file in the console's home
   * @param keyId the {@code --key-id} option, or {@code null} to derive it from the key
   * @param newKey create's {@code --new-key}: make the default key file even though the database
   *     holds values sealed under other keys
   * @param sealedKeyIds how many stored values are sealed under each key id, asked only before a
   *     key is made
   */
  static CopyPolicy policy(
      Use use,
      Terminal terminal,
      @Nullable Path keyFile,
      Path defaultFile,
      @Nullable String keyId,
      boolean newKey,
      Supplier<SortedMap<String, Long>> sealedKeyIds) {
    if (use == Use.NONE) {
      return CopyPolicy.digestOnly();
    }
    String variable = terminal.env(KEY_VARIABLE);
    if (variable != null && keyFile != null) {
      throw new ConsoleException(
          ExitCode.USAGE,
          "both " + KEY_VARIABLE + " and --key-file name a copy key; give only one");
    }
    Path file = keyFile;
    String fileVariable = terminal.env(KEY_FILE_VARIABLE);
    if (file == null && fileVariable != null) {
      if (Redaction.isTokenShaped(fileVariable)) {
        throw new ConsoleException(
            ExitCode.USAGE,
            KEY_FILE_VARIABLE
                + ": "
                + Redaction.describe(fileVariable)
                + " is refused as a path: "
                + Console.NEVER_AN_ARGUMENT);
      }
      file = Path.of(fileVariable);
    }
    if (newKey && (variable != null || file != null)) {
      throw newKeyNotNeeded(
          variable != null ? KEY_VARIABLE : keyFile != null ? "--key-file" : KEY_FILE_VARIABLE);
    }
    byte[] key;
    if (variable != null) {
      key = decode(variable, "the variable " + KEY_VARIABLE);
    } else if (file != null) {
      Path named = file;
      key =
          read(named)
              .orElseThrow(
                  () ->
                      new ConsoleException(
                          ExitCode.CONFIGURATION, "the key file " + named + " does not exist"));
    } else {
      key = read(defaultFile).orElse(null);
      if (key != null && newKey) {
        Arrays.fill(key, (byte) 0);
        throw newKeyNotNeeded(defaultFile.toString());
      }
      if (key == null && use == Use.CREATE) {
        key = firstKey(defaultFile, terminal, newKey, sealedKeyIds.get());
      }
      if (key == null) {
        throw new ConsoleException(
            ExitCode.COPY_UNAVAILABLE,
            "copy is unavailable: there is no copy key (set "
                + KEY_VARIABLE
                + ", give --key-file, or keep "
                + defaultFile
                + ", which the first create makes)");
      }
    }
    try {
      return CopyPolicy.sealed(KeyRing.of(keyId != null ? keyId : keyIdOf(key), key));
    } catch (IllegalArgumentException e) {
      throw new ConsoleException(ExitCode.USAGE, "--key-id: " + e.getMessage(), e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * The key id stored beside each value sealed under {@code key}: a short fingerprint, so that the
   * same key gives the same id whether it comes from the variable or a file, and a value sealed
   * under another key is reported as such by copy. 32 bits of a hash tell nothing about a 256-bit
   * key.
   */
  static String keyIdOf(byte[] key) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update("access-tokens-cli copy key id v1".getBytes(StandardCharsets.US_ASCII));
      byte[] digest = sha256.digest(key);
      return "cli-" + HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  /**
   * The key in {@code file}, or empty if there is no such file.
   *
   * @throws ConsoleException if the file is unreadable, invalid, or other users can read or write
   *     it: a key others can read may be in their hands, one they can write may be theirs
   */
  private static Optional<byte[]> read(Path file) {
    PrivateFiles.refuseIfOthersCan(file, "the key file", true, "600");
    String text;
    try {
      if (Files.size(file) > MAX_KEY_TEXT) {
        throw new ConsoleException(
            ExitCode.CONFIGURATION,
            "the key file "
                + file
                + " is too large: it must hold the base64 of "
                + KEY_BYTES
                + " bytes");
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ConsoleException(
          ExitCode.CONFIGURATION,
          "cannot read the key file " + file + " (" + e.getClass().getSimpleName() + ")",
          e);
    }
    return Optional.of(decode(text, "the key file " + file));
  }

  /** The key's bytes; the message of a failure never quotes the text, which is the key. */
  static byte[] decode(String text, String source) {
    String compact = text.strip();
    byte[] key;
    try {
      key = Base64.getDecoder().decode(compact);
    } catch (IllegalArgumentException notStandard) {
      try {
        key = Base64.getUrlDecoder().decode(compact);
      } catch (IllegalArgumentException notUrlSafe) {
        throw new ConsoleException(
            ExitCode.CONFIGURATION,
            source + " is not base64: it must hold the base64 of " + KEY_BYTES + " random bytes");
      }
    }
    if (key.length != KEY_BYTES) {
      int length = key.length;
      Arrays.fill(key, (byte) 0);
      throw new ConsoleException(
          ExitCode.CONFIGURATION,
          source
              + " must hold the base64 of "
              + KEY_BYTES
              + " random bytes, but holds "
              + length
              + " bytes");
    }
    return key;
  }

  private static ConsoleException newKeyNotNeeded(String source) {
    return new ConsoleException(
        ExitCode.USAGE,
        "--new-key makes a key only where there is none, but "
            + source
            + " holds one; leave --new-key out");
  }

  /**
   * The key of a home that has none: made, unless the database holds values sealed under other keys
   * (the key file was lost, or this home is a second one on a shared database), which a new key
   * would leave unopenable; then refused, saying what happened and what to do, unless {@code
   * newKey}.
   */
  private static byte[] firstKey(
      Path file, Terminal terminal, boolean newKey, SortedMap<String, Long> sealedKeyIds) {
    if (!sealedKeyIds.isEmpty() && !newKey) {
      // Another console may have made the key since it was looked for: a console makes the key
      // before
      // it seals a value under it, so a value sealed under it means the file is there now.
      Optional<byte[]> madeMeanwhile = read(file);
      if (madeMeanwhile.isPresent()) {
        return madeMeanwhile.get();
      }
      throw new ConsoleException(
          ExitCode.CONFIGURATION,
          "there is no copy key ("
              + file
              + " is missing, and"
              + " neither "
              + KEY_VARIABLE
              + " nor --key-file is given), but the database holds "
              + tokens(sealedKeyIds)
              + " sealed under "
              + keyIds(sealedKeyIds)
              + ": restore "
              + file
              + ", or give "
              + (sealedKeyIds.size() == 1 ? "that key" : "one of those keys")
              + " in "
              + KEY_VARIABLE
              + " or"
              + " --key-file; or give --new-key to make a new key anyway ("
              + (total(sealedKeyIds) == 1
                  ? "that token keeps validating, but copy cannot show it again)"
                  : "those tokens keep validating, but copy cannot show them again)"));
    }
    byte[] key = generate(file, terminal);
    if (!sealedKeyIds.isEmpty()) {
      terminal
          .err()
          .println(
              "warning: copy cannot show the values of the "
                  + tokens(sealedKeyIds)
                  + " sealed under "
                  + keyIds(sealedKeyIds)
                  + " (they keep validating).");
    }
    return key;
  }

  private static long total(SortedMap<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String tokens(SortedMap<String, Long> counts) {
    long total = total(counts);
    return total + (total == 1 ? " token" : " tokens");
  }

  /** {@code key id X}, or {@code key ids X (2), Y (1)}. */
  private static String keyIds(SortedMap<String, Long> counts) {
    if (counts.size() == 1) {
      return "key id " + counts.firstKey();
    }
    StringJoiner ids = new StringJoiner(", ", "key ids ", "");
    counts.forEach((id, count) -> ids.add(id + " (" + count + ")"));
    return ids.toString();
  }

  /**
   * A new random key in {@code file}, created owner-only, or the key another console put there
   * first: the key is written to a temporary file and then linked to its name, which fails if the
   * name exists (link(2)) and never replaces a key another console made a moment before, as a
   * rename would.
   */
  private static byte[] generate(Path file, Terminal terminal) {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    byte[] text =
        (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
    Path directory =
        Objects.requireNonNull(file.toAbsolutePath().getParent(), "a key file's directory");
    Path temporary = null;
    try {
      PrivateFiles.createDirectory(directory);
      temporary =
          Files.createTempFile(directory, ".copy-key-", ".tmp", PrivateFiles.ownerOnly(file));
      PrivateFiles.tighten(temporary);
      Files.write(temporary, text);
      try {
        Files.createLink(file, temporary);
      } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
        if (noHardLinks instanceof FileAlreadyExistsException exists) {
          throw exists;
        }
        // A file system without hard links: the key is created in place (CREATE_NEW, never over
        // another), where a console reading it at that very moment may find it still empty.
        PrivateFiles.createNew(file, text);
      }
      terminal
          .err()
          .println(
              "Created the copy key "
                  + file
                  + " (readable by you only). Keep it with the database: without it, copy cannot"
                  + " show the values of the tokens created under it.");
      return key;
    } catch (FileAlreadyExistsException e) {
      Arrays.fill(key, (byte) 0);
      return read(file)
          .orElseThrow(
              () ->
                  new ConsoleException(
                      ExitCode.CONFIGURATION,
                      "the key file " + file + " vanished while it was being created"));
    } catch (IOException e) {
      throw new ConsoleException(
          ExitCode.CONFIGURATION, "cannot create the key file " + file + ": " + e.getMessage(), e);
    } finally {
      Arrays.fill(text, (byte) 0);
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // the temporary file is in the console's private home; nothing more to do
        }
      }
    }
  }
}
