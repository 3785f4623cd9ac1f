package io.accesstokens.cli;

import io.accesstokens.TokenEvent;
import io.accesstokens.TokenEventListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The console's audit trail: every change and every Copy, one line each, appended to
 * {@value #FILE_NAME} in the console's home, tab-separated: time, event, organization, environment,
 * token id, version, actor. The events carry no secret, so neither does the file. A line that cannot
 * be written is reported on standard error; the change itself stands, as the library promises.
 */
final class AuditLog implements TokenEventListener {
  static final String FILE_NAME = "audit.log";

  private final Path file;
  private final PrintWriter err;

  AuditLog(Path file, PrintWriter err) {
    this.file = file;
    this.err = err;
  }

  @Override
  public void onEvent(TokenEvent event) {
    String line = String.join("\t", event.at().toString(), event.type().name(), event.organization().value(),
        event.environment().value(), event.tokenId().toString(), Long.toString(event.version()),
        event.actor().name()) + "\n";
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      writer.write(line);
    } catch (IOException e) {
      err.println("warning: the " + event.type() + " of token " + event.tokenId() + " is done, but the audit"
          + " log " + file + " could not be written: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "AuditLog[" + file + "]";
  }
}
