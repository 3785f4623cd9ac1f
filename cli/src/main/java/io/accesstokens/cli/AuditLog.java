package io.accesstokens.cli;

import io.accesstokens.TokenEvent;
import io.accesstokens.TokenEventListener;
import io.accesstokens.internal.Redaction;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The console's audit trail: every change and every Copy, one line each, appended to {@value
 * #FILE_NAME} in the console's home, tab-separated: time, event, organization, environment, token
 * id, version, actor, and for a leak report its reason, each escaped ({@link #record}). The events
 * carry no secret, so neither does the file. A line that cannot be written is reported on standard
 * error; the change itself stands, as the library promises. The file is its owner's only and never
 * opened through a symbolic link, which would let whoever planted it choose the file the console
 * appends to.
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
    String line = record(event);
    try (FileChannel channel = PrivateFiles.openForAppend(file)) {
      ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      err.println(
          "warning: the "
              + event.type()
              + " of token "
              + event.tokenId()
              + " is done, but the audit"
              + " log "
              + file
              + " could not be written: "
              + e.getMessage());
    }
  }

  /**
   * The event's line: every field written with {@link ConsoleText#forRecord}, so a tab, a line
   * break of any kind (NEL, U+2028 and U+2029 among them) or a bidirectional control in an actor
   * can neither split the record nor make it read as another, and a field reads back exactly.
   */
  static String record(TokenEvent event) {
    String line =
        String.join(
            "\t",
            ConsoleText.forRecord(event.at().toString()),
            event.type().name(),
            ConsoleText.forRecord(event.organization().value()),
            ConsoleText.forRecord(event.environment().value()),
            event.tokenId().toString(),
            Long.toString(event.version()),
            ConsoleText.forRecord(event.actor().name()));
    String reason = event.reason();
    return reason == null ? line + "\n" : line + "\t" + reasonField(reason) + "\n";
  }

  /**
   * A {@link io.accesstokens.TokenEventType#TOKEN_LEAK_REPORTED}'s reason, the eighth field: as
   * given (the library refused a token-shaped reason already, and control characters), escaped like
   * every field; should a token-shaped one ever arrive, only its kind and length.
   */
  private static String reasonField(String reason) {
    return Redaction.isTokenShaped(reason)
        ? ConsoleText.forRecord(Redaction.describe(reason))
        : ConsoleText.forRecord(reason);
  }

  @Override
  public String toString() {
    return "AuditLog[" + file + "]";
  }
}
