package io.accesstokens.cli;

import io.accesstokens.FoundToken;
import io.accesstokens.TokenScanner;
import io.accesstokens.internal.Redaction;
import io.accesstokens.internal.TokenFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Finds token values in files, as a leak response starts: where they are, and whose. */
@Command(
    name = "scan",
    header = "Find token values in files: print where each is and its token's id, never the value.",
    description = {
      "Prints FILE:LINE:COLUMN: token ID for every token value in the files (- is standard input),"
          + " in order: values of the published pattern, "
          + TokenScanner.PATTERN
          + ", whose checksum is right. Needs no database, organization or key.",
      "",
      "Files are read as bytes, so any text encoding that keeps ASCII as it is (UTF-8, Latin-1)"
          + " and binary files are scanned alike; a column counts bytes. A file name that may hold"
          + " a secret is shown by kind and length. A file that cannot be read is reported on"
          + " standard error and the others are still scanned.",
      "",
      "Exit code 0: no value found; 1: values found (and every file read); 2: a file could not be"
          + " read, whether values were found in the others or not."
    })
final class ScanCommand implements Callable<Integer> {
  /** How standard input is named in the output. */
  static final String STANDARD_INPUT = "(standard input)";

  private static final Pattern SEPARATOR = Pattern.compile("(?<=/)|(?=/)");

  @ParentCommand AccessTokensCommand root;

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "A file to scan; - for standard input.")
  List<String> files;

  @Override
  public Integer call() {
    PrintWriter out = root.terminal.out();
    PrintWriter err = root.terminal.err();
    boolean found = false;
    boolean failed = false;
    for (String file : files) {
      String shown = file.equals("-") ? STANDARD_INPUT : shown(file);
      try {
        found |= scan(file, shown, out);
      } catch (IOException | InvalidPathException e) {
        err.println("access-tokens scan: " + shown + ": " + whyUnreadable(file, e));
        failed = true;
      }
    }
    out.flush();
    return (failed ? ExitCode.USAGE : found ? ExitCode.REFUSED : ExitCode.OK).code();
  }

  /** Scans one file, printing a line per value; returns whether it held any. */
  private boolean scan(String file, String shown, PrintWriter out) throws IOException {
    boolean[] found = {false};
    if (file.equals("-")) {
      // Standard input is the process's: read to its end, never closed here.
      scan(root.terminal.in(), shown, out, found);
      return found[0];
    }
    Path path = Path.of(file);
    if (Files.isDirectory(path)) {
      throw new FileSystemException(file, null, "is a directory");
    }
    try (InputStream in = Files.newInputStream(path)) {
      scan(in, shown, out, found);
    }
    return found[0];
  }

  private static void scan(InputStream in, String shown, PrintWriter out, boolean[] found)
      throws IOException {
    // Bytes, each one character: nothing to decode wrongly, and ASCII values read as themselves.
    TokenScanner.scan(
        in,
        (FoundToken value) -> {
          out.println(shown + ":" + value.line() + ":" + value.column() + ": token " + value.id());
          found[0] = true;
        });
  }

  /**
   * A path as the output shows it: each part between slashes that may hold a secret ({@link
   * Redaction#mayHoldSecret}) by kind and length in angle brackets, and control characters escaped,
   * so that one finding is always one line.
   */
  static String shown(String path) {
    StringBuilder shown = new StringBuilder();
    for (String part : SEPARATOR.split(path, -1)) {
      shown.append(
          Redaction.mayHoldSecret(part)
              ? "<" + Redaction.describe(part) + ">"
              : ConsoleText.forTerminal(part));
    }
    return shown.toString();
  }

  /**
   * Why a file could not be read, in words that quote nothing of it: the JDK's messages repeat the
   * path, which may hold a secret.
   */
  private static String whyUnreadable(String file, Exception e) {
    if (e instanceof NoSuchFileException) {
      return TokenFormat.isWellFormed(file)
          ? "no such file; scan reads files, and a value to check goes on standard input:"
              + " echo \"$TOKEN\" | access-tokens scan -"
          : "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof InvalidPathException) {
      return "not a valid path";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return "cannot be read (" + e.getClass().getSimpleName() + ")";
  }
}
