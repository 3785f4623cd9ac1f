package io.accesstokens.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A schema or migration file shipped in the jar, read as statements. The files follow two rules
 * that keep this reader simple: a line starting with {@code --} is a comment, and a statement ends
 * with a semicolon at the end of a line. Only {@link SqlStatements#PREFIX} is replaced (through
 * {@link SqlStatements#resolve}).
 */
public final class SchemaScript {
  private static final String BASE = "/io/accesstokens/jdbc/";

  private SchemaScript() {}

  /** The text of {@code file} under {@code io/accesstokens/jdbc/} in the jar. */
  public static String load(String file) {
    try (InputStream in = SchemaScript.class.getResourceAsStream(BASE + file)) {
      if (in == null) {
        throw new IllegalStateException(
            "schema file " + BASE + file + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("schema file " + BASE + file + " could not be read", e);
    }
  }

  /** The statements of {@code script}, without comments and without their final semicolons. */
  public static List<String> statements(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("--")) {
        continue;
      }
      if (stripped.endsWith(";")) {
        current.append(stripped, 0, stripped.length() - 1);
        statements.add(current.toString().strip());
        current.setLength(0);
      } else {
        current.append(stripped).append('\n');
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException(
          "schema script ends without a semicolon after: " + current.toString().strip());
    }
    return statements;
  }
}
